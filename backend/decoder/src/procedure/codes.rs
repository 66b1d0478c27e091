//! The codes `spVinDecode_Core` adds after the steps: glider (9) and off-road (10) bodies, no model year
//! (11), invalid characters (400), a year other than the caller's (12), incomplete VIN (6), wrong check
//! digit (1), clean (0), and 14 when no model was decoded.

use std::collections::BTreeSet;

use crate::elements::{BODY_CLASS, MODEL, VEHICLE_TYPE};
use crate::procedure::facts::VinFacts;
use crate::procedure::item::Item;
use crate::procedure::pass::Pass;
use crate::vin;

/// Body classes of off-road vehicles (error 10).
const OFF_ROAD_BODIES: [&str; 10] = [
    "69", "84", "86", "88", "97", "105", "113", "124", "126", "127",
];
/// Body classes of incomplete vehicles.
const INCOMPLETE_BODIES: [&str; 16] = [
    "65", "107", "70", "74", "63", "72", "112", "62", "64", "76", "78", "71", "77", "67", "116",
    "75",
];

/// The body, vehicle-type and character checks, and codes 400, 12, 6 and 1.
pub(crate) fn finish(
    vin: &str,
    facts: &VinFacts<'_>,
    error12: bool,
    pass: &mut Pass<'_>,
    codes: &mut BTreeSet<u16>,
) {
    let vb = vin.as_bytes();
    let items = &pass.items;
    let body = items
        .iter()
        .find(|it| it.element == BODY_CLASS)
        .map(|it| it.attribute.as_ref());
    if body == Some("64") {
        codes.insert(9);
    }
    pass.off_road = body.is_some_and(|b| OFF_ROAD_BODIES.contains(&b));
    if pass.off_road {
        codes.insert(10);
    }
    if pass.year.is_none() {
        codes.insert(11);
    }
    let vehicle_type = items
        .iter()
        .find(|it| it.element == VEHICLE_TYPE)
        .map(|it| it.attribute.as_ref());
    pass.incomplete =
        vehicle_type == Some("10") || body.is_some_and(|b| INCOMPLETE_BODIES.contains(&b));

    let bad_at = invalid_characters(vb, facts.car_lt, pass.off_road || facts.cd_exception);
    if !bad_at.is_empty() {
        // Invalid characters (400) replace the position check: vPIC then reports neither errors 2-5 and
        // 14 nor their suggestion, only the characters marked `!` (both corpora agree, 77 of 77 VINs).
        codes.retain(|c| !matches!(c, 2..=5 | 14));
        pass.possible_values.clear();
        pass.unused = None;
        let mut cv = vb.to_vec();
        for &(j, c) in &bad_at {
            pass.invalid.push_str(&format!(", {j}:{}", char::from(c)));
            cv[j - 1] = b'!';
        }
        pass.suggested_vin = String::from_utf8_lossy(&cv).into_owned();
        codes.insert(400);
    }
    if error12 {
        codes.insert(12);
    }
    if vb.len() < 17 {
        codes.insert(6);
    } else if facts.cd_fails {
        codes.insert(1);
    }
}

/// Characters not allowed at their position (error 400): position and character.
fn invalid_characters(vb: &[u8], car_lt: bool, skip_check_digit: bool) -> Vec<(usize, u8)> {
    let start_pos = if vb.len() > 2 && vb[2] == b'9' {
        15
    } else if car_lt {
        13
    } else {
        14
    };
    let mut bad_at: Vec<(usize, u8)> = Vec::new();
    for (i, &c) in vb.iter().enumerate() {
        let j = i + 1;
        if j == 9 && skip_check_digit {
            continue;
        }
        let ok_general = vin::is_vin_char(c) || c == b'*';
        let bad = (j != 9 && j < start_pos && !ok_general)
            || (j != 9 && j >= start_pos && !(c.is_ascii_digit() || c == b'*'))
            || (j == 9 && !(c.is_ascii_digit() || c == b'X' || c == b'*'))
            || (j == 10
                && !(matches!(c, b'1'..=b'9')
                    || (vin::is_vin_char(c) && !matches!(c, b'U' | b'Z' | b'0'))));
        if bad {
            bad_at.push((j, c));
        }
    }
    bad_at
}

/// Clean (0) and the 14 of a VIN without a model.
pub(crate) fn clean_and_model(items: &[Item<'_>], codes: &mut BTreeSet<u16>) {
    // Clean (0) when nothing but warnings (9, 10, 12) and unused positions (14) was found.
    let mut serious = codes.iter().filter(|c| !matches!(c, 9 | 10 | 12));
    let (first, second) = (serious.next(), serious.next());
    if first.is_none() || (first == Some(&14) && second.is_none()) {
        codes.insert(0);
    }
    // No model decoded from a VIN otherwise clean, or only mistyped in its check digit: vPIC adds 14.
    if codes.iter().all(|c| matches!(c, 0 | 1 | 9 | 10 | 12 | 14))
        && !items.iter().any(|it| it.element == MODEL)
    {
        codes.insert(14);
    }
}
