//! Repair candidates for a mistyped VIN: fix the check digit, swap look-alike characters, or take vPIC's
//! single suggestion; keep those that pass the check digit and decode cleanly, best first.

use crate::result::{Change, CheckDigitStatus, Decoded, Repair};
use crate::{Decoder, vin};

/// Characters people confuse, by position class.
fn look_alikes(c: u8, numeric: bool) -> &'static [u8] {
    match (c, numeric) {
        (b'I', _) | (b'L', true) => b"1",
        (b'O', _) | (b'Q', _) | (b'D', true) => b"0",
        (b'S', true) => b"5",
        (b'B', true) => b"8",
        (b'Z', true) => b"2",
        (b'G', true) => b"6",
        _ => b"",
    }
}

/// Ranked repair candidates (empty when the VIN decodes cleanly).
pub fn candidates(decoder: &Decoder, d: &Decoded<'_>) -> Vec<Repair> {
    let b = d.vin.as_bytes();
    if b.len() != 17 || (d.is_clean() && d.check_digit.status != CheckDigitStatus::Invalid) {
        return Vec::new();
    }
    let mut tries: Vec<(Vec<u8>, &'static str)> = Vec::new();
    // Look-alike characters first, then the check digit recomputed.
    let mut swapped = b.to_vec();
    let mut any = false;
    for (i, c) in swapped.iter_mut().enumerate() {
        let numeric = i >= 11;
        if let Some(&r) = look_alikes(*c, numeric).first() {
            *c = r;
            any = true;
        }
    }
    if any {
        tries.push((
            swapped.clone(),
            "look-alike characters replaced (I→1, O/Q→0, ...)",
        ));
        if let Some(cd) = vin::plain_check_digit(&swapped) {
            let mut v = swapped.clone();
            v[8] = cd;
            tries.push((
                v,
                "look-alike characters replaced and check digit recomputed",
            ));
        }
    }
    if let Some(cd) = vin::plain_check_digit(b) {
        let mut v = b.to_vec();
        v[8] = cd;
        tries.push((v, "check digit (position 9) recomputed"));
    }
    if !d.suggested_vin.is_empty() && !d.suggested_vin.contains('!') {
        tries.push((d.suggested_vin.as_bytes().to_vec(), "vPIC's suggested VIN"));
    }
    // One character at each position that keeps the rest and fixes the check digit.
    for i in (0..17).filter(|&i| i != 8) {
        for &c in b"0123456789ABCDEFGHJKLMNPRSTUVWXYZ" {
            if c == b[i] {
                continue;
            }
            let mut v = b.to_vec();
            v[i] = c;
            if vin::plain_check_digit(&v) == Some(v[8]) {
                tries.push((v, "one character changed so the check digit holds"));
            }
        }
    }
    let mut out: Vec<Repair> = Vec::new();
    for (v, reason) in tries {
        if out.len() >= 5 {
            break;
        }
        let s = String::from_utf8_lossy(&v).into_owned();
        if s == d.vin || out.iter().any(|r| r.vin == s) {
            continue;
        }
        let r = decoder.decode_with(
            &s,
            crate::DecodeOptions {
                model_year: None,
                repairs: false,
            },
        );
        if r.error_codes != [0] || r.check_digit.status != CheckDigitStatus::Valid {
            continue;
        }
        let changes = b
            .iter()
            .zip(v.iter())
            .enumerate()
            .filter(|(_, (a, c))| a != c)
            .map(|(i, (a, c))| Change {
                position: (i + 1) as u8,
                from: char::from(*a),
                to: char::from(*c),
            })
            .collect();
        out.push(Repair {
            vin: s,
            changes,
            reason: reason.to_string(),
            make: r.value("Make").unwrap_or("").to_string(),
            model: r.value("Model").unwrap_or("").to_string(),
            model_year: r.value("ModelYear").unwrap_or("").to_string(),
        });
    }
    out.sort_by_key(|r| r.changes.len());
    out
}
