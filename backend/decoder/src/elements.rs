//! vPIC element ids the procedure names (`Element.Id`), in one place.

/// Body Class.
pub const BODY_CLASS: u16 = 5;
/// Engine Model (its name leads to the engine-model patterns).
pub const ENGINE_MODEL: u16 = 18;
/// Make.
pub const MAKE: u16 = 26;
/// Manufacturer Name.
pub const MANUFACTURER: u16 = 27;
/// Model.
pub const MODEL: u16 = 28;
/// Model Year.
pub const MODEL_YEAR: u16 = 29;
/// Vehicle Type.
pub const VEHICLE_TYPE: u16 = 39;
/// Suggested VIN.
pub const SUGGESTED_VIN: u16 = 142;
/// Error Code.
pub const ERROR_CODE: u16 = 143;
/// Possible Values.
pub const POSSIBLE_VALUES: u16 = 144;
/// Additional Error Text.
pub const ADDITIONAL_ERROR_TEXT: u16 = 156;
/// Error Text.
pub const ERROR_TEXT: u16 = 191;
/// Vehicle Descriptor.
pub const VEHICLE_DESCRIPTOR: u16 = 196;

/// Elements whose every matching pattern is kept (multi-valued notes).
pub const MULTI: [u16; 8] = [121, 129, 150, 154, 155, 114, 169, 186];
/// [`MULTI`] as a bitset over element ids (tested on every matching pattern).
const MULTI_BITS: [u64; 4] = bitset(&MULTI);

/// A set of element ids below 256 as a bitset.
const fn bitset(ids: &[u16]) -> [u64; 4] {
    let mut bits = [0u64; 4];
    let mut i = 0;
    while i < ids.len() {
        bits[ids[i] as usize / 64] |= 1 << (ids[i] % 64);
        i += 1;
    }
    bits
}

/// Whether an element is a multi-valued note ([`MULTI`]).
#[inline]
pub const fn is_multi(element: u16) -> bool {
    element < 256 && MULTI_BITS[element as usize / 64] >> (element % 64) & 1 == 1
}
/// Elements never taken from VIN patterns (the WMI and the model year give them).
pub const NOT_FROM_PATTERNS: [u16; 4] = [MAKE, MANUFACTURER, MODEL_YEAR, VEHICLE_TYPE];
/// Elements a vehicle-spec row may give although the decode already has a value (the notes).
pub const NOT_EXCLUSIVE: [u16; 9] = [1, 114, 121, 129, 150, 154, 155, 169, 186];

/// vPIC's order of element groups in decoding output.
pub fn group_rank(group: &str) -> u8 {
    match group {
        "" => 0,
        "General" => 1,
        "Exterior / Body" => 2,
        "Exterior / Dimension" => 3,
        "Exterior / Truck" => 4,
        "Exterior / Trailer" => 5,
        "Exterior / Wheel tire" => 6,
        "Exterior / Motorcycle" => 7,
        "Exterior / Bus" => 8,
        "Interior" => 9,
        "Interior / Seat" => 10,
        "Mechanical / Transmission" => 11,
        "Mechanical / Drivetrain" => 12,
        "Mechanical / Brake" => 13,
        "Mechanical / Battery" => 14,
        "Mechanical / Battery / Charger" => 15,
        "Engine" => 16,
        "Passive Safety System" => 17,
        "Passive Safety System / Air Bag Location" => 18,
        "Active Safety System" => 19,
        "Active Safety System / Maintaining Safe Distance" => 20,
        "Active Safety System / Forward Collision Prevention" => 21,
        "Active Safety System / Lane and Side Assist" => 22,
        "Active Safety System / Backing Up and Parking" => 23,
        "Active Safety System / 911 Notification" => 24,
        "Active Safety System / Lighting Technologies" => 25,
        "Internal" => 26,
        _ => 99,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn is_multi_is_the_list() {
        for e in 0..1024u16 {
            assert_eq!(super::is_multi(e), super::MULTI.contains(&e), "{e}");
        }
    }
}
