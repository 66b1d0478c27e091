//! `spVinDecode_ErrorCode`: characters no linked schema allows (codes 2-5, with the suggested VIN and the
//! possible values) and positions no matched pattern used (code 14).

use crate::keys::slot;
use crate::layout::Data;
use crate::procedure::item::Item;
use crate::result::Source;
use crate::vin::{self, CheckDigitRule};

pub(crate) struct ErrorCheck {
    pub codes: Vec<u16>,
    pub corrected: String,
    pub error_bytes: String,
    pub unused: Option<String>,
}

/// `spVinDecode_ErrorCode`: characters no linked schema allows (2-5) and positions no matched pattern
/// used (14).
///
/// The lite vPIC data carries the patterns of ~27 elements only, so the characters its keys name are a
/// subset of what NHTSA's full data allows: a character the lite keys do not name is most often valid all
/// the same. Position errors are therefore reported only when the check digit fails too (a typo is then
/// likely), and an unused position only when its character is also one no key names.
pub(crate) fn error_check(
    data: &Data,
    vin: &str,
    wmi: &str,
    year: Option<u16>,
    items: &[Item<'_>],
    check_digit_fails: bool,
) -> ErrorCheck {
    let vb = vin.as_bytes();
    let mut codes = Vec::new();
    if wmi.len() < 3 {
        codes.push(6);
    }
    if !check_digit_fails && !data.full_patterns {
        return ErrorCheck {
            codes,
            corrected: String::new(),
            error_bytes: String::new(),
            unused: None,
        };
    }
    let mut invalid_positions: Vec<usize> = Vec::new();
    let mut valid = [0u64; 15];
    if let (Some(y), Some(w)) = (year, data.wmi(wmi)) {
        for l in w.links.iter().filter(|l| l.covers(Some(y))) {
            let Some(s) = data.schema(l.schema) else {
                continue;
            };
            for (p, m) in valid.iter_mut().zip(s.valid_chars().iter()) {
                *p |= m & crate::keys::VALID_CHARS;
            }
        }
    }
    let n = if wmi.len() == 6 { 11 } else { 14 };
    let mut corrected: Vec<u8> = Vec::with_capacity(16);
    let mut replacements = String::new();
    let mut errors = 0;
    let mut last_pos = 0usize;
    let mut last_chars = String::new();
    let upto = n.min(vb.len());
    for i in 4..=upto {
        let c = vb[i - 1];
        if i == 9 || i == 10 {
            corrected.push(c);
            continue;
        }
        let mask = valid[i - 3];
        if mask == 0 || mask >> slot(c) & 1 == 1 {
            corrected.push(c);
        } else {
            corrected.push(b'!');
            let chars: String = (0..36u8)
                .filter(|s| mask >> s & 1 == 1)
                .map(crate::keys::slot_char)
                .collect();
            replacements.push_str(&format!("({i}:{chars})"));
            invalid_positions.push(i);
            errors += 1;
            last_pos = i;
            last_chars = chars;
        }
    }
    let mut full: Vec<u8> = Vec::new();
    if errors == 0 {
        // The common case: nothing to suggest (the corrected VIN is only shown with errors).
    } else if wmi.len() == 3 {
        full.extend_from_slice(wmi.as_bytes());
        full.extend_from_slice(&corrected);
    } else {
        full.extend_from_slice(&wmi.as_bytes()[..3.min(wmi.len())]);
        full.extend_from_slice(&corrected);
        full.extend_from_slice(&wmi.as_bytes()[3.min(wmi.len())..]);
    }
    if errors > 0 && vb.len() > full.len() {
        let from = full.len();
        full.extend_from_slice(&vb[from..(from + 3).min(vb.len())]);
    }
    let mut out_corrected = String::new();
    let mut out_bytes = String::new();
    if errors == 1 {
        let (code, c, b) = one_error(vb, last_pos, &last_chars, &replacements, &full);
        codes.push(code);
        out_corrected = c;
        out_bytes = b;
    } else if errors > 1 {
        codes.push(5);
        out_corrected = String::from_utf8_lossy(&full).into_owned();
        out_bytes = replacements;
    }

    let unused_pos = unused_positions(data, vb, items, &invalid_positions);
    let unused = if unused_pos.is_empty() {
        None
    } else {
        codes.push(14);
        Some(unused_pos.join(","))
    };
    ErrorCheck {
        codes,
        corrected: out_corrected,
        error_bytes: out_bytes,
        unused,
    }
}

/// Positions 4-8 and 11 whose character no matched pattern key names (code 14). With reduced data only
/// positions that are invalid as well are reported (and nothing when none is).
fn unused_positions(
    data: &Data,
    vb: &[u8],
    items: &[Item<'_>],
    invalid_positions: &[usize],
) -> Vec<String> {
    // Positions no matched pattern key names (reported for invalid positions only, unless the data
    // carries every element's patterns).
    let mut used = [0u64; 15];
    let report_unused = data.full_patterns || !invalid_positions.is_empty();
    for it in items.iter().filter(|_| report_unused) {
        if matches!(
            it.source,
            Source::Pattern | Source::EngineModel | Source::Formula | Source::Model
        ) && let Some(k) = it.key
        {
            for (p, m) in k.valid_chars() {
                used[p as usize] |= m;
            }
        }
    }
    let ubound = 11.min(vb.len());
    let mut unused_pos: Vec<String> = Vec::new();
    for i in (4..=ubound).filter(|_| report_unused) {
        if !matches!(i, 4..=8 | 11) {
            continue;
        }
        let c = vb[i - 1];
        if used[i - 3] >> slot(c) & 1 == 0 && (data.full_patterns || invalid_positions.contains(&i))
        {
            unused_pos.push(i.to_string());
        }
    }
    unused_pos
}

/// One position in error: the one allowed character (2), the one that makes the check digit right (3), or
/// the position marked `!` with every allowed character (4). Returns the code, the suggested VIN and the
/// possible values.
fn one_error(
    vb: &[u8],
    last_pos: usize,
    last_chars: &str,
    replacements: &str,
    full: &[u8],
) -> (u16, String, String) {
    let (code, out_corrected, out_bytes);
    let with = |c: u8| {
        let mut v = vb.to_vec();
        v[last_pos - 1] = c;
        v
    };
    if last_chars.len() == 1 {
        code = 2;
        out_corrected = String::from_utf8_lossy(&with(last_chars.as_bytes()[0])).into_owned();
        out_bytes = replacements.to_string();
    } else {
        let mut good = String::new();
        let mut good_vin = Vec::new();
        for c in last_chars.bytes() {
            let t = with(c);
            let ts = String::from_utf8_lossy(&t).into_owned();
            if t.len() == 17
                && vin::check_digit(&ts, CheckDigitRule::Classic) == Some(char::from(t[8]))
            {
                good.push(char::from(c));
                good_vin = t;
            }
        }
        if good.len() == 1 {
            code = 3;
            out_corrected = String::from_utf8_lossy(&good_vin).into_owned();
            out_bytes = format!("({last_pos}:{good})");
        } else {
            code = 4;
            out_corrected = String::from_utf8_lossy(full).into_owned();
            out_bytes = format!("({last_pos}:{last_chars})");
        }
    }
    (code, out_corrected, out_bytes)
}
