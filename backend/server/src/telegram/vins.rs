//! Finding VINs in free text: any run of exactly 17 ASCII letters and digits, with at least one
//! letter and two digits (so long numbers and words are not taken for VINs). `I`, `O` and `Q`
//! are kept: the decoder reports them and proposes repairs, which is more useful than silence.

/// Most VINs decoded from one message; longer lists belong in a file.
pub const MAX_VINS_PER_MESSAGE: usize = 20;

/// The VINs in `text`, upper-cased, first occurrence order, without repeats.
pub fn find_vins(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for token in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        if token.len() != 17 {
            continue;
        }
        let letters = token.bytes().filter(u8::is_ascii_alphabetic).count();
        let digits = token.bytes().filter(u8::is_ascii_digit).count();
        if letters == 0 || digits < 2 {
            continue;
        }
        let vin = token.to_ascii_uppercase();
        if !found.contains(&vin) {
            found.push(vin);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_vin_once_in_order() {
        let text = "first 1hgcm82633a004352, then (5YJSA1E26HF000337) and 1HGCM82633A004352 again";
        assert_eq!(
            find_vins(text),
            vec!["1HGCM82633A004352", "5YJSA1E26HF000337"]
        );
    }

    #[test]
    fn ignores_numbers_words_and_wrong_lengths() {
        assert!(find_vins("12345678901234567 call me").is_empty());
        assert!(find_vins("abcdefghijklmnopq").is_empty());
        assert!(find_vins("1HGCM82633A00435 1HGCM82633A0043521").is_empty());
        assert_eq!(find_vins("ВИН1HGCM82633A004352"), vec!["1HGCM82633A004352"]);
    }
}
