//! vPIC's error codes: texts, the weights that rank model-year passes, and the per-position
//! character check (`spVinDecode_ErrorCode`) that yields codes 2-5 and 14 with SuggestedVIN and
//! PossibleValues.

use crate::layout::Data;

/// One vPIC error code.
pub struct ErrorCodeInfo {
    /// The code.
    pub id: u16,
    /// The text as vPIC prints it in `ErrorText`.
    pub text: &'static str,
    /// Weight used to rank model-year passes (higher is better).
    pub weight: i32,
}

const OFF_ROAD: &str = "10 - Off-Road Vehicle Warning – This is not a Vehicle Identification Number (VIN) for a motor vehicle. This indicates that the manufacturer did not certify this product as complying with the Federal Motor Vehicle Safety Standards that are applicable to motor vehicles as defined in 49 U.S.C. 30102.";

/// All codes vPIC's decoder emits.
pub const ERROR_CODES: &[ErrorCodeInfo] = &[
    ErrorCodeInfo {
        id: 0,
        text: "0 - VIN decoded clean. Check Digit (9th position) is correct",
        weight: 100,
    },
    ErrorCodeInfo {
        id: 1,
        text: "1 - Check Digit (9th position) does not calculate properly",
        weight: -1,
    },
    ErrorCodeInfo {
        id: 2,
        text: "2 - VIN corrected, error in one position",
        weight: -20,
    },
    ErrorCodeInfo {
        id: 3,
        text: "3 - VIN corrected, error in one position (assuming Check Digit is correct)",
        weight: -20,
    },
    ErrorCodeInfo {
        id: 4,
        text: "4 - VIN corrected, error in one position only (indicated by ! in Suggested VIN), multiple matches found",
        weight: -30,
    },
    ErrorCodeInfo {
        id: 5,
        text: "5 - VIN has errors in few positions",
        weight: -40,
    },
    ErrorCodeInfo {
        id: 6,
        text: "6 - Incomplete VIN",
        weight: -5,
    },
    ErrorCodeInfo {
        id: 7,
        text: "7 - Manufacturer is not registered with NHTSA for sale or importation in the U.S. for use on U.S roads; Please contact the manufacturer directly for more information",
        weight: -100,
    },
    ErrorCodeInfo {
        id: 8,
        text: "8 - No detailed data available currently",
        weight: -50,
    },
    ErrorCodeInfo {
        id: 9,
        text: "9 - Glider Warning - A \"Glider\" is not a \"motor vehicle\", as defined in 49 U.S.C. 30102(a)(6), and cannot be assigned a VIN that meets 49 CFR Part 565 requirements",
        weight: 0,
    },
    ErrorCodeInfo {
        id: 10,
        text: OFF_ROAD,
        weight: 0,
    },
    ErrorCodeInfo {
        id: 11,
        text: "11 - Incorrect Model Year - Position 10 does not match valid model year codes (I, O, Q, U, Z, 0). Decoded data may not be accurate.",
        weight: -10,
    },
    ErrorCodeInfo {
        id: 12,
        text: "12 - Model Year decoded from the VIN does not match the Model Year provided. Decoded data may not be accurate.",
        weight: -1,
    },
    ErrorCodeInfo {
        id: 14,
        text: "14 - Unable to provide information for some of the characters in the VIN, based on the manufacturer submission.",
        weight: -10,
    },
    ErrorCodeInfo {
        id: 400,
        text: "400 - Invalid Characters Present",
        weight: -5,
    },
];

/// `AdditionalErrorText` of code 4.
pub const ADDITIONAL_4: &str = "In the Possible values section, the Numeric value before the : indicates the position in error and the values after the : indicate the possible values that are allowed in this position.";
/// `AdditionalErrorText` of code 5.
pub const ADDITIONAL_5: &str = "The error positions are indicated by ! in Suggested VIN. In the Possible values section, each pair of parenthesis indicate information about each error position in VIN . The Numeric value before the : indicates the position in error and the values after the : indicate the possible values that are allowed in this position";
/// Appended to code 1 for off-road vehicles.
pub const OFF_ROAD_NOTE: &str = " NOTE: Disregard if this is an off-road vehicle PIN, as check digit calculation may not be accurate.";
/// Appended when the model year could be either of two cycles.
pub const MODEL_YEAR_NOTE: &str = "The Model Year decoded for this VIN may be incorrect. If you know the Model year, please enter it and decode again to get more accurate information.";
/// Appended for incomplete vehicles.
pub const INCOMPLETE_NOTE: &str = "Incomplete Vehicle Warning - Please be advised that the vehicle may have been altered and may not be an accurate representation of the vehicle in its current condition.";

/// The info of a code.
pub fn info(id: u16) -> Option<&'static ErrorCodeInfo> {
    ERROR_CODES.iter().find(|e| e.id == id)
}

/// Appended to code 0 when the VIN's check digit has a manufacturer's exception.
pub const CHECK_DIGIT_EXCEPTION_NOTE: &str = " NOTE: Check Digit Exception - The check digit was given an exception based on data from the OEM indicating an error on production.";

/// Sum of the weights of a set of codes (`fErrorValue`): the data's `ErrorCode` weights when it has the
/// table, else the built-in ones.
pub fn error_value(data: &Data, codes: &[u16]) -> i32 {
    let table = &data.steps.error_codes;
    if table.is_empty() {
        return codes
            .iter()
            .filter_map(|&c| info(c))
            .map(|e| e.weight)
            .sum();
    }
    codes
        .iter()
        .filter_map(|c| table.iter().find(|e| e.id == *c))
        .map(|e| e.weight)
        .sum()
}

/// The `ErrorText` of a code: the data's `ErrorCode` name when it has the table, else the built-in text.
pub fn text(data: &Data, id: u16) -> Option<&str> {
    match data.steps.error_codes.iter().find(|e| e.id == id) {
        Some(e) => Some(&e.name),
        None if data.steps.error_codes.is_empty() => info(id).map(|e| e.text.trim()),
        None => None,
    }
}

/// The `AdditionalErrorText` of codes 4 and 5: the data's when its `ErrorCode` row has one, else the
/// built-in text (NHTSA's answers carry it although the published table leaves the column empty).
pub fn additional(data: &Data, id: u16) -> &str {
    let builtin = if id == 4 { ADDITIONAL_4 } else { ADDITIONAL_5 };
    data.steps
        .error_codes
        .iter()
        .find(|e| e.id == id)
        .and_then(|e| e.additional.as_deref())
        .unwrap_or(builtin)
}
