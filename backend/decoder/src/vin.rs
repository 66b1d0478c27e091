//! VIN text rules of 49 CFR 565 and of NHTSA's decoder: normalisation, WMI, descriptor, check digit and
//! the model-year code of position 10.

/// Normalises user input the way people type VINs: trims, upper-cases, drops white space and the
/// separators `-`, `.` and `_`. The one hygiene rule: the decoder, [`Vin::parse`] and the server's
/// input checks all use it.
pub fn normalize(input: &str) -> String {
    if input.is_ascii() {
        // The common case, byte by byte (ASCII white space is `\t`-`\r` and the space).
        let mut out = String::with_capacity(input.len());
        out.extend(
            input
                .bytes()
                .filter(|c| !matches!(c, b'\t'..=b'\r' | b' ' | b'-' | b'.' | b'_'))
                .map(|c| char::from(c.to_ascii_uppercase())),
        );
        return out;
    }
    input
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.' | '_'))
        .flat_map(char::to_uppercase)
        .collect()
}

/// Most characters a VIN has.
pub const VIN_LEN: usize = 17;

/// Input that can be decoded as a (possibly partial or mistyped) VIN: [`normalize`]d, 1 to 17
/// characters of `A-Z`, `0-9` and the `*` wildcard. `I`, `O` and `Q` pass, as do wrong check
/// digits: the decode reports them with its error codes (and may offer repairs).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Vin(String);

/// Why an input cannot be a VIN at all (as opposed to a VIN that decodes with error codes).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VinError {
    /// Nothing left after normalising.
    #[error("VIN is empty.")]
    Empty,
    /// More than 17 characters after normalising.
    #[error("VIN has {0} characters; at most 17 are allowed.")]
    TooLong(usize),
    /// Characters no VIN can hold, with their 1-based positions in the normalised text.
    #[error("VIN contains characters outside A-H, J-N, P, R-Z, 0-9: {}", positions(.0))]
    Foreign(Vec<(usize, char)>),
}

/// `9:O, 12:#` for messages.
pub fn positions(list: &[(usize, char)]) -> String {
    list.iter()
        .map(|(p, c)| format!("{p}:{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Vin {
    /// Normalises `input` and checks that it can be a VIN.
    pub fn parse(input: &str) -> Result<Vin, VinError> {
        let vin = normalize(input);
        if vin.is_empty() {
            return Err(VinError::Empty);
        }
        let count = vin.chars().count();
        if count > VIN_LEN {
            return Err(VinError::TooLong(count));
        }
        let foreign: Vec<(usize, char)> = vin
            .chars()
            .enumerate()
            .filter(|(_, c)| !(c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '*'))
            .map(|(i, c)| (i + 1, c))
            .collect();
        if !foreign.is_empty() {
            return Err(VinError::Foreign(foreign));
        }
        Ok(Vin(vin))
    }

    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Letters that are alphanumeric but never VIN characters (`I`, `O`, `Q`), 1-based positions.
    pub fn excluded_letters(&self) -> Vec<(usize, char)> {
        self.0
            .chars()
            .enumerate()
            .filter(|(_, c)| matches!(c, 'I' | 'O' | 'Q'))
            .map(|(i, c)| (i + 1, c))
            .collect()
    }
}

impl std::fmt::Display for Vin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// True for the characters a VIN may contain: `0-9` and `A-Z` without `I`, `O`, `Q`.
pub fn is_vin_char(c: u8) -> bool {
    c.is_ascii_digit() || (c.is_ascii_uppercase() && !matches!(c, b'I' | b'O' | b'Q'))
}

/// The WMI as an owned string, 6 characters for small manufacturers (position 3 = `9`).
/// Counts characters, not bytes: input that is not ASCII (never a VIN, but anyone can send it) must
/// not be cut inside a character.
pub fn wmi_owned(vin: &str) -> String {
    let b = vin.as_bytes();
    if vin.is_ascii() {
        let mut w = String::with_capacity(6);
        w.push_str(&vin[..b.len().min(3)]);
        if b.len() >= 14 && b[2] == b'9' {
            w.push_str(&vin[11..14]);
        }
        return w;
    }
    let chars: Vec<char> = vin.chars().take(14).collect();
    let mut w: String = chars.iter().take(3).collect();
    if chars.len() == 14 && chars[2] == '9' {
        w.extend(&chars[11..14]);
    }
    w
}

/// vPIC's `VehicleDescriptor`: the VIN padded with `*` to 17, position 9 masked, first 11 characters
/// (14 when position 3 is `9`).
pub fn descriptor(vin: &str) -> String {
    let mut v: Vec<u8> = vin.trim().bytes().take(17).collect();
    while v.len() < 17 {
        v.push(b'*');
    }
    v[8] = b'*';
    let n = if v[2] == b'9' { 14 } else { 11 };
    String::from_utf8_lossy(&v[..n]).to_ascii_uppercase()
}

/// The transliteration value of a VIN character (49 CFR 565.15), `None` outside the alphabet.
pub fn transliterate(c: u8) -> Option<u32> {
    Some(match c {
        b'0'..=b'9' => u32::from(c - b'0'),
        b'A' | b'J' => 1,
        b'B' | b'K' | b'S' => 2,
        b'C' | b'L' | b'T' => 3,
        b'D' | b'M' | b'U' => 4,
        b'E' | b'N' | b'V' => 5,
        b'F' | b'W' => 6,
        b'G' | b'P' | b'X' => 7,
        b'H' | b'Y' => 8,
        b'R' | b'Z' => 9,
        _ => return None,
    })
}

const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/// Which positions the check-digit routine requires to be numeric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckDigitRule {
    /// `fVINCheckDigit`: positions 13-14 numeric unless position 3 is `9`.
    Classic,
    /// `fVINCheckDigit2` for cars, MPVs and light trucks: position 13 numeric too (unless position 3 is `9`).
    CarMpvLightTruck,
    /// `fVINCheckDigit2` for other vehicle types: only position 14 numeric (unless position 3 is `9`).
    Other,
}

/// The check digit NHTSA's routine computes: `Some('0'..='9' | 'X')`, `Some('?')` when a character is not
/// allowed at its position, `None` when the VIN is not 17 characters long.
pub fn check_digit(vin: &str, rule: CheckDigitRule) -> Option<char> {
    let b = vin.as_bytes();
    if b.len() != 17 {
        return None;
    }
    let small = b[2] == b'9';
    let mut sum = 0u32;
    for (i, &c) in b.iter().enumerate() {
        let pos = i + 1;
        let numeric_only = match pos {
            10 => false,
            13 => {
                !small
                    && matches!(
                        rule,
                        CheckDigitRule::Classic | CheckDigitRule::CarMpvLightTruck
                    )
            }
            14 => !small,
            15..=17 => true,
            _ => false,
        };
        let ok = if pos == 10 {
            matches!(c, b'1'..=b'9') || (is_vin_char(c) && !matches!(c, b'U' | b'Z'))
        } else if numeric_only {
            c.is_ascii_digit()
        } else {
            is_vin_char(c)
        };
        if !ok {
            return Some('?');
        }
        sum += transliterate(c).unwrap_or(0) * WEIGHTS[i];
    }
    let r = sum % 11;
    Some(if r == 10 {
        'X'
    } else {
        char::from(b'0' + r as u8)
    })
}

/// The plain 49 CFR 565 check digit of a 17-character VIN of valid characters (no position rules).
pub fn plain_check_digit(vin: &[u8]) -> Option<u8> {
    if vin.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (i, &c) in vin.iter().enumerate() {
        sum += transliterate(c)? * WEIGHTS[i];
    }
    let r = sum % 11;
    Some(if r == 10 { b'X' } else { b'0' + r as u8 })
}

/// The model year that position 10 codes in the 2010-2039 cycle (`A`-`Y` = 2010-2030 without I, O, Q,
/// U, Z; `1`-`9` = 2031-2039), `None` for other characters. Subtract 30 for the 1980-2009 cycle.
pub fn year_code(c: u8) -> Option<u16> {
    let y = match c {
        b'A'..=b'H' => 2010 + u16::from(c - b'A'),
        b'J'..=b'N' => 2010 + u16::from(c - b'A') - 1,
        b'P' => 2023,
        b'R'..=b'T' => 2010 + u16::from(c - b'A') - 3,
        b'V'..=b'Y' => 2010 + u16::from(c - b'A') - 4,
        b'1'..=b'9' => 2031 + u16::from(c - b'1'),
        _ => return None,
    };
    Some(y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_spaces_dashes_case() {
        assert_eq!(normalize(" 1hg-cm8 2633a004352 "), "1HGCM82633A004352");
    }

    #[test]
    fn parse_accepts_every_separator_normalize_drops() {
        for typed in [
            "1HGCM82633A004352",
            " 1hg-cm826 33a004352 ",
            "1HG.CM826.33A004352",
            "1HG_CM826_33A004352",
        ] {
            assert_eq!(
                Vin::parse(typed).map(|v| v.as_str().to_owned()),
                Ok("1HGCM82633A004352".to_owned()),
                "{typed}"
            );
        }
        assert_eq!(Vin::parse("5YJSA3DS*EF").unwrap().as_str(), "5YJSA3DS*EF");
    }

    #[test]
    fn parse_refuses_what_cannot_be_a_vin() {
        assert_eq!(Vin::parse(" - ."), Err(VinError::Empty));
        assert_eq!(Vin::parse(&"1".repeat(18)), Err(VinError::TooLong(18)));
        let err = Vin::parse("1HGCM8263#A00435!").unwrap_err();
        assert_eq!(err, VinError::Foreign(vec![(10, '#'), (17, '!')]));
        assert!(err.to_string().ends_with("10:#, 17:!"), "{err}");
        assert_eq!(
            Vin::parse("ÉÉÉ"),
            Err(VinError::Foreign(vec![(1, 'É'), (2, 'É'), (3, 'É')]))
        );
        // I, O and Q are the decode's business (error codes, repairs), not the parser's.
        let vin = Vin::parse("1HGCM8263OA004352").unwrap();
        assert_eq!(vin.excluded_letters(), vec![(10, 'O')]);
    }

    #[test]
    fn check_digit_of_known_vins() {
        assert_eq!(
            check_digit("1HGCM82633A004352", CheckDigitRule::Classic),
            Some('3')
        );
        assert_eq!(
            check_digit("11111111111111111", CheckDigitRule::Classic),
            Some('1')
        );
        assert_eq!(plain_check_digit(b"1M8GDM9AXKP042788"), Some(b'X'));
    }

    #[test]
    fn year_codes_follow_the_cycle() {
        assert_eq!(year_code(b'A'), Some(2010));
        assert_eq!(year_code(b'H'), Some(2017));
        assert_eq!(year_code(b'J'), Some(2018));
        assert_eq!(year_code(b'N'), Some(2022));
        assert_eq!(year_code(b'P'), Some(2023));
        assert_eq!(year_code(b'R'), Some(2024));
        assert_eq!(year_code(b'T'), Some(2026));
        assert_eq!(year_code(b'V'), Some(2027));
        assert_eq!(year_code(b'Y'), Some(2030));
        assert_eq!(year_code(b'1'), Some(2031));
        assert_eq!(year_code(b'9'), Some(2039));
        assert_eq!(year_code(b'U'), None);
        assert_eq!(year_code(b'0'), None);
    }

    #[test]
    fn descriptor_masks_check_digit() {
        assert_eq!(descriptor("1HGCM82633A004352"), "1HGCM826*3A");
        assert_eq!(descriptor("1M9BM21586T736661"), "1M9BM215*6T736");
        assert_eq!(descriptor("1HG"), "1HG*****************"[..11].to_string());
    }

    #[test]
    fn six_char_wmi() {
        assert_eq!(wmi_owned("1M9BM21586T736661"), "1M9736");
        assert_eq!(wmi_owned("1HGCM82633A004352"), "1HG");
        assert_eq!(wmi_owned("1M9BM2"), "1M9");
    }

    #[test]
    fn wmi_of_non_ascii_input_is_cut_between_characters() {
        assert_eq!(wmi_owned("ÉÉ"), "ÉÉ");
        assert_eq!(wmi_owned("1ÉGCM82633A004352"), "1ÉG");
        assert_eq!(wmi_owned("1M9BM21586Té36661"), "1M9é36");
        assert_eq!(wmi_owned("ÉÉÉÉ"), "ÉÉÉ");
    }
}
