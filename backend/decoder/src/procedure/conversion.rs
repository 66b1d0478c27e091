//! Unit conversions (`Conversion`): an element's value through a formula fills another element the
//! patterns did not give (e.g. displacement in litres from cubic centimetres).

use std::borrow::Cow;
use std::fmt::Write;

use crate::layout::Data;
use crate::model::Conversion;
use crate::procedure::item::Item;
use crate::result::Source;

pub(crate) fn convert<'a>(
    data: &'a Data,
    items: &mut Vec<Item<'a>>,
    next: &mut impl FnMut() -> u32,
) {
    let mut candidates: Vec<(usize, &Conversion)> = Vec::new();
    for (i, it) in items.iter().enumerate() {
        for c in data.conversions.iter().filter(|c| c.from == it.element) {
            candidates.push((i, c));
        }
    }
    if candidates.is_empty() {
        return;
    }
    candidates.sort_by(|&(a, ca), &(b, cb)| {
        let (a, b) = (&items[a], &items[b]);
        b.priority
            .cmp(&a.priority)
            .then_with(|| {
                b.changed
                    .unwrap_or(u32::MAX)
                    .cmp(&a.changed.unwrap_or(u32::MAX))
            })
            .then_with(|| ca.id.cmp(&cb.id))
    });
    for (src, c) in candidates {
        if items.iter().any(|it| it.element == c.to) {
            continue;
        }
        let src = &items[src];
        let result = src
            .attribute
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(|x| c.apply(x))
            .map(format_number)
            .unwrap_or_else(|| "0".to_string());
        let item = Item {
            element: c.to,
            attribute: Cow::Owned(result.clone()),
            value: Some(Cow::Owned(result)),
            source: Source::Conversion,
            priority: 100,
            changed: None,
            pattern_id: src.pattern_id,
            schema: src.schema,
            keys: src.keys.clone(),
            key: None,
            seq: next(),
        };
        items.push(item);
    }
}

/// A conversion's result as vPIC prints it: rounded to 10 decimals, trailing zeros dropped.
fn format_number(v: f64) -> String {
    format_fast(v).unwrap_or_else(|| format_exact(v))
}

/// The fast paths of [`format_number`]; `None` where only exact decimal expansion can tell.
fn format_fast(v: f64) -> Option<String> {
    if !v.is_finite() || v.abs() >= 1e5 {
        return None;
    }
    // Below 1e5 a float's ulp is under 1.5e-11: when its shortest round-trip form has at most 10
    // decimals, that form is exactly what rounding to 10 decimals prints.
    let mut buf = ryu::Buffer::new();
    let short = buf.format_finite(v);
    if !short.contains('e') && short.split_once('.').map_or(0, |(_, d)| d.len()) <= 10 {
        let t = short.strip_suffix(".0").unwrap_or(short);
        return Some(if t == "-0" {
            "0".to_string()
        } else {
            t.to_string()
        });
    }
    // Otherwise v * 1e10 (below 1e15, so within 0.0625 of the exact product) rounds to the same integer
    // as the exact value unless it lies near a half: away from halves, that integer is the answer.
    let scaled = v * 1e10;
    let frac = scaled - scaled.trunc();
    if (frac.abs() - 0.5).abs() < 0.1 {
        return None;
    }
    let k = scaled.round() as i64;
    if k == 0 {
        return Some("0".to_string());
    }
    let (int, dec) = (
        k.unsigned_abs() / 10_000_000_000,
        k.unsigned_abs() % 10_000_000_000,
    );
    let mut out = String::with_capacity(24);
    if k < 0 {
        out.push('-');
    }
    let _ = write!(out, "{int}");
    // The ten decimals, trailing zeros dropped.
    let mut digits = [b'0'; 10];
    let mut rest = dec;
    for d in digits.iter_mut().rev() {
        *d = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    let used = digits.iter().rposition(|&d| d != b'0').map_or(0, |i| i + 1);
    if used > 0 {
        out.push('.');
        out.extend(digits[..used].iter().map(|&d| char::from(d)));
    }
    Some(out)
}

/// Rounding to 10 decimals by the standard library's exact formatting.
fn format_exact(v: f64) -> String {
    let s = format!("{v:.10}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod format_tests {
    use super::format_number;
    use proptest::prelude::*;

    /// What `format_number` must print: the standard library's exact rounding to 10 decimals, trailing
    /// zeros dropped (the slow path the fast ones stand in for).
    fn reference(v: f64) -> String {
        super::format_exact(v)
    }

    #[test]
    fn both_fast_paths_are_taken() {
        assert!(super::format_fast(4.951).is_some());
        assert!(super::format_fast(350.0 * 0.016387064).is_some());
        assert!(super::format_fast(5.7 * 61.02374).is_some());
        assert!(super::format_fast(1e6).is_none());
    }

    #[test]
    fn displacement_conversions_print_as_vpic_does() {
        for v in [
            4951.0 / 1000.0,
            350.0 * 0.016387064,
            5.7 * 61.02374,
            0.0,
            -0.0,
            1e-7,
            99999.99999,
        ] {
            assert_eq!(format_number(v), reference(v), "{v}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        #[test]
        fn fast_path_equals_rounding_to_ten_decimals(v in -2e5f64..2e5, scale in 0u32..12) {
            // Values with few decimals (the conversions' usual results) and arbitrary ones.
            let rounded = (v * 10f64.powi(scale as i32)).round() / 10f64.powi(scale as i32);
            prop_assert_eq!(format_number(rounded), reference(rounded));
            prop_assert_eq!(format_number(v), reference(v));
        }
    }
}
