//! Invariants over arbitrary input: normalisation is idempotent, a VIN with its computed check digit
//! passes, any single-character change of a valid VIN's check digit fails, and decoding never panics.

mod common;

use proptest::prelude::*;
use vinbot_decoder::vin;

const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPRSTUVWXYZ";

fn vin_strategy() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(proptest::sample::select(ALPHABET), 17)
}

proptest! {
    #[test]
    fn normalize_is_idempotent(s in ".{0,40}") {
        let once = vin::normalize(&s);
        prop_assert_eq!(vin::normalize(&once), once);
    }

    #[test]
    fn computed_check_digit_validates(mut v in vin_strategy()) {
        let cd = vin::plain_check_digit(&v).unwrap();
        v[8] = cd;
        prop_assert_eq!(vin::plain_check_digit(&v), Some(v[8]));
    }

    #[test]
    fn another_check_digit_fails(mut v in vin_strategy(), other in proptest::sample::select(b"0123456789X".as_slice())) {
        let cd = vin::plain_check_digit(&v).unwrap();
        prop_assume!(other != cd);
        v[8] = other;
        prop_assert_ne!(vin::plain_check_digit(&v), Some(other));
    }

    #[test]
    fn decode_never_panics_and_reports_codes(s in "[ -~]{0,24}") {
        let d = common::decoder().decode(&s, None);
        prop_assert!(!d.error_codes.is_empty());
    }

    /// Any Unicode (what an HTTP path, a form field or a file line can carry), through the
    /// repair search and the flat output.
    #[test]
    fn decode_never_panics_on_any_unicode(s in "\\PC{0,24}|.{0,24}", year in proptest::option::of(1970u16..2045)) {
        let decoder = common::decoder();
        let d = decoder.decode(&s, year);
        prop_assert!(!d.error_codes.is_empty());
        let flat = decoder.flat_values(&d);
        prop_assert!(!flat.is_empty());
    }
}

#[test]
fn decode_of_non_ascii_input_reports_codes() {
    for s in [
        "ÉÉ",
        "é",
        "1HGCM8263ÉA004352",
        "ÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉ",
        "1M9BM21586Té36661",
    ] {
        let d = common::decoder().decode(s, None);
        assert!(!d.error_codes.is_empty(), "{s}");
    }
}
