//! VIN input at the HTTP boundary: the same hygiene as the decoder (trim, upper-case, drop
//! spaces and dashes) to decide early whether an input can be a VIN at all, and the
//! `VIN` / `VIN,year` line format shared by batches and the CLI.

/// Lowest and highest model-year hint accepted.
pub const MODEL_YEAR_RANGE: std::ops::RangeInclusive<u16> = 1980..=2039;

/// Trimmed, upper-cased, spaces and dashes removed.
pub fn normalize(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// Characters no VIN can hold (anything but A-Z, 0-9 and the `*` wildcard), 1-based positions.
pub fn foreign_chars(vin: &str) -> Vec<(usize, char)> {
    vin.chars()
        .enumerate()
        .filter(|(_, c)| !(c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '*'))
        .map(|(i, c)| (i + 1, c))
        .collect()
}

/// Letters that are alphanumeric but excluded from VINs (I, O, Q), 1-based positions.
pub fn excluded_letters(vin: &str) -> Vec<(usize, char)> {
    vin.chars()
        .enumerate()
        .filter(|(_, c)| matches!(c, 'I' | 'O' | 'Q'))
        .map(|(i, c)| (i + 1, c))
        .collect()
}

/// `9:O, 12:#` for messages.
pub fn positions(list: &[(usize, char)]) -> String {
    list.iter()
        .map(|(p, c)| format!("{p}:{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why an input cannot be decoded as a VIN at all (as opposed to decoding with error codes).
pub fn reject_reason(input: &str) -> Option<String> {
    let vin = normalize(input);
    if vin.is_empty() {
        return Some("VIN is empty.".into());
    }
    let count = vin.chars().count();
    if count > 17 {
        return Some(format!(
            "VIN has {count} characters; at most 17 are allowed."
        ));
    }
    let foreign = foreign_chars(&vin);
    if !foreign.is_empty() {
        return Some(format!(
            "VIN contains characters outside A-H, J-N, P, R-Z, 0-9: {}",
            positions(&foreign)
        ));
    }
    None
}

/// One batch line: `VIN` or `VIN,year`. A year that is not a number in range is ignored
/// (the VIN still decodes from position 10), so a line never fails the batch.
pub fn parse_line(line: &str) -> (&str, Option<u16>) {
    match line.rsplit_once(',') {
        Some((vin, year)) => {
            let year = year
                .trim()
                .parse::<u16>()
                .ok()
                .filter(|y| MODEL_YEAR_RANGE.contains(y));
            (vin.trim(), year)
        }
        None => (line.trim(), None),
    }
}

/// Non-blank lines of a text body.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_like_the_decoder() {
        assert_eq!(normalize(" 1hg-cm8 2633a004352 "), "1HGCM82633A004352");
    }

    #[test]
    fn rejects_foreign_characters_with_positions() {
        let r = reject_reason("1HGCM8263#A00435!").unwrap();
        assert!(r.ends_with("10:#, 17:!"), "{r}");
        assert!(reject_reason("1HGCM82633A004352").is_none());
        assert!(reject_reason("5YJSA3DS*EF").is_none());
        assert!(reject_reason("").is_some());
        assert!(reject_reason(&"1".repeat(18)).is_some());
    }

    #[test]
    fn parses_lines_with_and_without_year() {
        assert_eq!(parse_line("5UXWX7C5*BA,2011"), ("5UXWX7C5*BA", Some(2011)));
        assert_eq!(parse_line(" 5YJSA3DS*EF "), ("5YJSA3DS*EF", None));
        assert_eq!(parse_line("5YJSA3DS*EF, soon"), ("5YJSA3DS*EF", None));
        assert_eq!(parse_line("5YJSA3DS*EF,1900"), ("5YJSA3DS*EF", None));
    }
}
