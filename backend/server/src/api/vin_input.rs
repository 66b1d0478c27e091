//! VIN input at the HTTP boundary: a cap on how much of a field is read, whether an input can be a
//! VIN at all (the decoder's own [`Vin::parse`], so the server and the decoder apply one hygiene
//! rule), and the `VIN` / `VIN,year` line format shared by batches and the CLI.

use vinbot_decoder::vin::Vin;
pub use vinbot_decoder::vin::positions;

/// Lowest and highest model-year hint accepted.
pub const MODEL_YEAR_RANGE: std::ops::RangeInclusive<u16> = 1980..=2039;

/// Longest VIN field read, in bytes: a VIN written with separators (`1HG-CM826-33A004352`) fits
/// with room to spare. Longer input is not a VIN; only this much of it is ever decoded or echoed,
/// so an answer stays small whatever a request holds.
pub const MAX_VIN_FIELD: usize = 32;

/// The first [`MAX_VIN_FIELD`] bytes of `field` (cut between characters).
pub fn capped(field: &str) -> &str {
    if field.len() <= MAX_VIN_FIELD {
        return field;
    }
    let mut end = MAX_VIN_FIELD;
    while !field.is_char_boundary(end) {
        end -= 1;
    }
    &field[..end]
}

/// Letters that are alphanumeric but excluded from VINs (I, O, Q), 1-based positions.
pub fn excluded_letters(vin: &str) -> Vec<(usize, char)> {
    vin.chars()
        .enumerate()
        .filter(|(_, c)| matches!(c, 'I' | 'O' | 'Q'))
        .map(|(i, c)| (i + 1, c))
        .collect()
}

/// Why an input cannot be decoded as a VIN at all (as opposed to decoding with error codes).
pub fn reject_reason(input: &str) -> Option<String> {
    if input.len() > MAX_VIN_FIELD {
        return Some(format!(
            "VIN input is longer than {MAX_VIN_FIELD} bytes; a VIN has 17 characters."
        ));
    }
    Vin::parse(input).err().map(|e| e.to_string())
}

/// One batch line: `VIN` or `VIN,year`. A year that is not a number in range is ignored
/// (the VIN still decodes from position 10), so a line never fails the batch. The VIN is
/// [`capped`]: an over-long one decodes (with its error codes) from its first bytes only.
pub fn parse_line(line: &str) -> (&str, Option<u16>) {
    let (vin, year) = split_line(line);
    (capped(vin), year)
}

fn split_line(line: &str) -> (&str, Option<u16>) {
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
    fn accepts_what_the_decoder_accepts() {
        for typed in [
            " 1hg-cm8 2633a004352 ",
            "1HG.CM826.33A004352",
            "1HG_CM82633A004352",
        ] {
            assert_eq!(reject_reason(typed), None, "{typed}");
        }
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
    fn long_input_is_capped_between_characters() {
        assert_eq!(capped("1HGCM82633A004352"), "1HGCM82633A004352");
        let long = "É".repeat(40);
        let cut = capped(&long);
        assert!(cut.len() <= MAX_VIN_FIELD && cut.chars().all(|c| c == 'É'));
        assert_eq!(parse_line(&format!("{},2003", "A".repeat(100))).0.len(), 32);
        assert!(reject_reason(&"A".repeat(10_000)).is_some());
    }

    #[test]
    fn parses_lines_with_and_without_year() {
        assert_eq!(parse_line("5UXWX7C5*BA,2011"), ("5UXWX7C5*BA", Some(2011)));
        assert_eq!(parse_line(" 5YJSA3DS*EF "), ("5YJSA3DS*EF", None));
        assert_eq!(parse_line("5YJSA3DS*EF, soon"), ("5YJSA3DS*EF", None));
        assert_eq!(parse_line("5YJSA3DS*EF,1900"), ("5YJSA3DS*EF", None));
    }
}
