//! What a decode returns: vPIC's values with their provenance, plus what vPIC does not give
//! (check-digit verdict, model-year candidates, repair candidates).

use std::borrow::Cow;

use serde::Serialize;

/// Where a decoded value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A VIN pattern of a schema linked to the WMI.
    Pattern,
    /// An engine-model pattern, reached through the decoded Engine Model.
    EngineModel,
    /// A fact of the WMI (manufacturer, vehicle type, make of a single-make WMI).
    Wmi,
    /// Make derived from the decoded Model.
    Model,
    /// A unit conversion (e.g. displacement litres from cubic centimetres).
    Conversion,
    /// A formula pattern: digits of the VIN are the value.
    Formula,
    /// The caller's input (model year hint) or the VIN itself.
    Input,
    /// Computed by the decoder (error codes, descriptor, suggested VIN).
    Decoder,
    /// A vehicle-spec pattern of the make and model (NHTSA's `VehicleSpecPattern`), reached through
    /// decoded values: a fact of the model, not read from the VIN's characters.
    VehicleSpec,
    /// The default of the vehicle type for an element nothing else gave (NHTSA's `DefaultValue`), e.g.
    /// "Not Applicable": not a fact about the vehicle.
    Default,
}

/// One decoded element value. Names, codes, keys and most values point into the loaded index (`'d`: the
/// [`crate::Decoder`] handle that decoded it keeps the index alive); only values the decoder computes are
/// owned.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecodedValue<'d> {
    /// vPIC element id (`Element.Id`).
    pub element_id: u16,
    /// vPIC element code, e.g. `BodyClass` (the key of NHTSA's `DecodeVinValues`).
    pub code: &'d str,
    /// vPIC element name, e.g. `Body Class` (the `Variable` of NHTSA's `DecodeVin`).
    pub name: &'d str,
    /// vPIC element group, e.g. `Exterior / Body` (empty for decoding metadata).
    pub group: &'d str,
    /// The value as vPIC prints it.
    pub value: Cow<'d, str>,
    /// The lookup id (`ValueId` of NHTSA's `DecodeVin`) when the element is a lookup.
    pub value_id: Option<Cow<'d, str>>,
    /// Where the value came from.
    pub source: Source,
    /// The pattern row (`Pattern.Id`) that gave the value, when one did.
    pub pattern_id: Option<u32>,
    /// The VIN schema (`VinSchema.Id`) of that pattern.
    pub schema_id: Option<u32>,
    /// The VIN schema's name.
    pub schema_name: Option<&'d str>,
    /// The matched pattern key.
    pub keys: Option<Cow<'d, str>>,
}

/// The check-digit verdict, aware of the market of the WMI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckDigit {
    /// `valid`, `invalid` or `not_checked` (partial VIN or invalid characters).
    pub status: CheckDigitStatus,
    /// The check digit the VIN should carry (`0`-`9` or `X`), when it can be computed.
    pub expected: Option<char>,
    /// The character at position 9.
    pub actual: Option<char>,
    /// True where the check digit is mandatory (North America, China); elsewhere advisory.
    pub required: bool,
    /// A sentence for people.
    pub message: String,
}

/// Outcome of the check-digit test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckDigitStatus {
    /// Position 9 equals the computed check digit.
    Valid,
    /// Position 9 differs from the computed check digit.
    Invalid,
    /// Not computed: partial VIN or characters outside the VIN alphabet.
    NotChecked,
}

/// A model year the VIN could have, with the reason it was considered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearCandidate {
    /// The model year.
    pub year: u16,
    /// True for the year the decode used.
    pub chosen: bool,
    /// Why this year is a candidate and why it was (not) chosen.
    pub reason: String,
}

/// One character changed by a repair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// 1-based VIN position.
    pub position: u8,
    /// The character in the input.
    pub from: char,
    /// The character in the candidate.
    pub to: char,
}

/// A corrected VIN that passes the check digit and decodes cleanly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repair {
    /// The candidate VIN.
    pub vin: String,
    /// What changed.
    pub changes: Vec<Change>,
    /// Why it is proposed.
    pub reason: String,
    /// Make of the candidate.
    pub make: String,
    /// Model of the candidate.
    pub model: String,
    /// Model year of the candidate.
    pub model_year: String,
}

/// The full result of decoding one VIN; it borrows from the [`crate::Decoder`] handle that decoded it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decoded<'d> {
    /// The text as given.
    pub input: String,
    /// The normalised VIN ([`crate::vin::normalize`]: upper-case, without white space and the
    /// separators `-`, `.` and `_`).
    pub vin: String,
    /// The model year the decode used.
    pub model_year: Option<u16>,
    /// vPIC error codes, ascending (0 = clean).
    pub error_codes: Vec<u16>,
    /// vPIC `ErrorText`.
    pub error_text: String,
    /// vPIC `AdditionalErrorText`.
    pub additional_error_text: String,
    /// vPIC `SuggestedVIN` (`!` at doubtful positions), empty when none.
    pub suggested_vin: String,
    /// vPIC `PossibleValues`, e.g. `(7:D)`.
    pub possible_values: String,
    /// vPIC `VehicleDescriptor`: positions 1-8, `*`, 10-11 (and 12-14 for small makers).
    pub vehicle_descriptor: String,
    /// Every non-empty value, ordered by element id.
    pub values: Vec<DecodedValue<'d>>,
    /// Check-digit verdict.
    pub check_digit: CheckDigit,
    /// Model years considered.
    pub model_year_candidates: Vec<YearCandidate>,
    /// Repair candidates for a mistyped VIN (empty when the VIN decodes cleanly).
    pub repairs: Vec<Repair>,
}

impl<'d> Decoded<'d> {
    /// The value of one element by its vPIC code (`Make`, `Model`, ...).
    pub fn value(&self, code: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|v| v.code == code)
            .map(|v| &*v.value)
    }

    /// The decoded value of one element by its id.
    pub fn by_element(&self, element_id: u16) -> Option<&DecodedValue<'d>> {
        self.values.iter().find(|v| v.element_id == element_id)
    }

    /// vPIC's `ErrorCode` string: the codes joined with commas, e.g. `1,14`.
    pub fn error_code_string(&self) -> String {
        let mut s = String::new();
        for (i, c) in self.error_codes.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(&c.to_string());
        }
        s
    }

    /// True when vPIC would call the decode clean (error code 0 present).
    pub fn is_clean(&self) -> bool {
        self.error_codes.contains(&0)
    }
}
