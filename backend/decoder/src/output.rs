//! Turns the best pass into the public [`Decoded`] result: lookups to names, one value per element (the
//! notes joined), provenance, the check-digit verdict and the model-year candidates.

use crate::Decoder;
use std::borrow::Cow;

use crate::elements::{
    ADDITIONAL_ERROR_TEXT, ERROR_CODE, ERROR_TEXT, POSSIBLE_VALUES, SUGGESTED_VIN,
    VEHICLE_DESCRIPTOR,
};
use crate::keys::VALID_CHARS;
use crate::layout::Data;
use crate::procedure::item::Item;
use crate::procedure::{self, Pass};
use crate::result::{CheckDigit, CheckDigitStatus, Decoded, DecodedValue, Source, YearCandidate};
use crate::vin;

fn clean(s: Cow<'_, str>) -> Cow<'_, str> {
    // Byte by byte: the three are ASCII, and no byte of a longer UTF-8 character is ASCII.
    if s.bytes().any(|b| matches!(b, b'\t' | b'\r' | b'\n')) {
        Cow::Owned(s.replace(['\t', '\r', '\n'], " "))
    } else {
        s
    }
}

/// Decodes and shapes the result (no repairs).
pub fn decode<'d>(decoder: &'d Decoder, input: &str, hint: Option<u16>) -> Decoded<'d> {
    let data = decoder.data();
    let vin = vin::normalize(input);
    let clock = decoder.clock();
    let (best, mut passes) = procedure::decode_passes(data, &vin, hint, clock);
    let model_year_candidates = year_candidates(&passes, best, hint);
    let mut pass = passes.swap_remove(best);
    let (error_text, additional) = pass.texts(data);
    let descriptor = vin::descriptor(&vin);
    let codes = pass
        .codes
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let meta: [(u16, &str); 6] = [
        (SUGGESTED_VIN, pass.suggested_vin.as_str()),
        (ERROR_CODE, codes.as_str()),
        (POSSIBLE_VALUES, pass.possible_values.as_str()),
        (ADDITIONAL_ERROR_TEXT, additional.as_str()),
        (ERROR_TEXT, error_text.as_str()),
        (VEHICLE_DESCRIPTOR, descriptor.as_str()),
    ];
    let values = values_of(data, std::mem::take(&mut pass.items), &meta);

    Decoded {
        input: input.to_string(),
        model_year: pass.year,
        error_codes: pass.codes,
        error_text,
        additional_error_text: additional,
        suggested_vin: pass.suggested_vin,
        possible_values: pass.possible_values,
        vehicle_descriptor: descriptor,
        values,
        check_digit: check_digit(&vin),
        model_year_candidates,
        repairs: Vec::new(),
        vin,
    }
}

/// A value before it is placed: its element, the item that gives it (`NO_ITEM` for the decoder's own
/// values) and its text. Small, so ordering the values moves no [`DecodedValue`].
struct Pending<'d> {
    element: u16,
    item: u16,
    value: Cow<'d, str>,
    lookup: bool,
}

/// [`Pending::item`] of a value the decoder adds itself.
const NO_ITEM: u16 = u16::MAX;

/// The values of the pass's items (lookups to names, one value per element, the notes joined), the
/// decoder's own values (`meta`) after them, in vPIC's order: by group, then element id.
fn values_of<'d>(
    data: &'d Data,
    items: Vec<Item<'d>>,
    meta: &[(u16, &str)],
) -> Vec<DecodedValue<'d>> {
    let mut pending = pending_values(data, &items);
    for &(id, v) in meta {
        if !v.is_empty() && data.element_text(id).is_some() {
            pending.push(Pending {
                element: id,
                item: NO_ITEM,
                value: Cow::Owned(v.to_string()),
                lookup: false,
            });
        }
    }
    let mut items = items;
    let mut values = Vec::with_capacity(pending.len());
    let rank = |e: u16| data.element_text(e).map_or(99, |t| t.group_rank);
    for i in value_order(&pending, rank) {
        let p = &mut pending[i];
        let item = items.get_mut(usize::from(p.item));
        if let Some(v) = decoded_value(data, p, item) {
            values.push(v);
        }
    }
    values
}

/// Buckets of the group ranks: 0-26 for vPIC's groups, the last for the rest (rank 99).
const RANK_BUCKETS: usize = 28;
/// Element ids the bitset orders (all of vPIC's); values of larger ids are sorted instead.
const BITSET_IDS: usize = 256;

/// Positions of the values in vPIC's order: by group, then element id (unique among the values).
/// Placed through a bitset over (group, element id) in one sweep; sorted when an id or a rank falls
/// outside it (or an element comes twice).
fn value_order(pending: &[Pending<'_>], rank: impl Fn(u16) -> u8) -> Vec<usize> {
    let words = BITSET_IDS / 64;
    let mut bits = [0u64; RANK_BUCKETS * BITSET_IDS / 64];
    let mut at = [0u16; BITSET_IDS];
    for (i, p) in pending.iter().enumerate() {
        let bucket = match rank(p.element) {
            r @ 0..=26 => usize::from(r),
            99 => RANK_BUCKETS - 1,
            _ => return sorted_order(pending, rank),
        };
        let e = usize::from(p.element);
        let bit = bucket * BITSET_IDS + e;
        if e >= BITSET_IDS || bits[bit / 64] >> (bit % 64) & 1 == 1 {
            return sorted_order(pending, rank);
        }
        bits[bit / 64] |= 1 << (bit % 64);
        at[e] = i as u16;
    }
    let mut order = Vec::with_capacity(pending.len());
    for (w, &word) in bits.iter().enumerate() {
        let mut word = word;
        while word != 0 {
            let e = (w % words) * 64 + word.trailing_zeros() as usize;
            order.push(usize::from(at[e]));
            word &= word - 1;
        }
    }
    order
}

/// [`value_order`] by sorting (rank, element id, position).
fn sorted_order(pending: &[Pending<'_>], rank: impl Fn(u16) -> u8) -> Vec<usize> {
    let mut keys: Vec<(u8, u16, usize)> = pending
        .iter()
        .enumerate()
        .map(|(i, p)| (rank(p.element), p.element, i))
        .collect();
    keys.sort_unstable();
    keys.into_iter().map(|(_, _, i)| i).collect()
}

/// The public value of a pending one, with the provenance of its item (each taken once).
fn decoded_value<'d>(
    data: &'d Data,
    p: &mut Pending<'d>,
    item: Option<&mut Item<'d>>,
) -> Option<DecodedValue<'d>> {
    let text = data.element_text(p.element)?;
    let value = std::mem::take(&mut p.value);
    let Some(it) = item else {
        return Some(DecodedValue {
            element_id: p.element,
            code: &text.code,
            name: &text.name,
            group: &text.group,
            value_id: (p.element == ERROR_CODE).then(|| value.clone()),
            value,
            source: Source::Decoder,
            pattern_id: None,
            schema_id: None,
            schema_name: None,
            keys: None,
        });
    };
    let schema = it.schema.and_then(|s| data.schema(s));
    Some(DecodedValue {
        element_id: p.element,
        code: &text.code,
        name: &text.name,
        group: &text.group,
        value,
        value_id: (p.lookup && !it.attribute.is_empty()).then(|| std::mem::take(&mut it.attribute)),
        source: it.source,
        pattern_id: it.pattern_id,
        schema_id: schema.map(|s| s.id()),
        schema_name: schema.map(|s| s.name()),
        keys: it.keys.take(),
    })
}

/// The values of the pass's items: lookups to names, one value per element (the notes joined).
fn pending_values<'d>(data: &'d Data, items: &[Item<'d>]) -> Vec<Pending<'d>> {
    let mut values: Vec<Pending<'d>> = Vec::with_capacity(items.len() + 6);
    // Where each element's value is in `values` (+1; 0 = none yet): multi-valued notes are joined.
    let mut slot_of = [0u16; 256];
    for (i, it) in items.iter().enumerate() {
        let (Some(e), Some(_)) = (data.element(it.element), data.element_text(it.element)) else {
            continue;
        };
        if !e.decode || e.private {
            continue;
        }
        let lookup = e.data_type == "lookup";
        let value: Option<Cow<'d, str>> = match &it.value {
            Some(v) => Some(v.clone()),
            None => match (&e.lookup_table, lookup) {
                (Some(t), true) => it
                    .attribute
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .and_then(|id| data.lookup_name(t, id))
                    .map(Cow::Borrowed),
                _ => Some(it.attribute.clone()),
            },
        };
        let Some(value) = value.map(clean) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let slot = slot_of.get(e.id as usize).copied().unwrap_or(0);
        let existing = if slot > 0 {
            values.get_mut(slot as usize - 1)
        } else if e.id >= 256 {
            values.iter_mut().find(|v| v.element == e.id)
        } else {
            None
        };
        if let Some(existing) = existing {
            if !existing.value.split("; ").any(|p| p == &*value) {
                existing.value = Cow::Owned(format!("{}; {}", existing.value, value));
            }
            continue;
        }
        if let Some(slot) = slot_of.get_mut(e.id as usize) {
            *slot = values.len() as u16 + 1;
        }
        values.push(Pending {
            element: e.id,
            item: u16::try_from(i).unwrap_or(NO_ITEM),
            value,
            lookup,
        });
    }
    values
}

/// Check digit per 49 CFR 565, with the market of the WMI: mandatory in North America (WMI starting
/// 1-5) and China (L), advisory elsewhere.
pub fn check_digit(vin: &str) -> CheckDigit {
    let b = vin.as_bytes();
    let required = matches!(b.first(), Some(b'1'..=b'5' | b'L'));
    let actual = b.get(8).map(|&c| char::from(c));
    let complete = b.len() == 17
        && b.iter()
            .all(|&c| VALID_CHARS >> crate::keys::slot(c) & 1 == 1);
    let expected = if complete {
        vin::plain_check_digit(b).map(char::from)
    } else {
        None
    };
    let (status, message) = match (expected, actual) {
        (Some(e), Some(a)) if e == a => (
            CheckDigitStatus::Valid,
            ["Check digit ", a.encode_utf8(&mut [0; 4]), " is correct."].concat(),
        ),
        (Some(e), Some(a)) => (
            CheckDigitStatus::Invalid,
            if required {
                format!("Check digit is {a}, should be {e}: the VIN is mistyped or not genuine.")
            } else {
                format!(
                    "Check digit is {a}, the formula gives {e}; outside North America and China the check digit is optional, so this may be fine."
                )
            },
        ),
        _ => (
            CheckDigitStatus::NotChecked,
            "Not checked: the VIN is incomplete or has characters outside the VIN alphabet."
                .to_string(),
        ),
    };
    CheckDigit {
        status,
        expected,
        actual,
        required,
        message,
    }
}

fn year_candidates(passes: &[Pass<'_>], best: usize, hint: Option<u16>) -> Vec<YearCandidate> {
    let mut out: Vec<YearCandidate> = Vec::new();
    for (i, p) in passes.iter().enumerate() {
        let Some(y) = p.year else { continue };
        if out.iter().any(|c| c.year == y) {
            continue;
        }
        let mut reason = if hint == Some(y) {
            "the model year given with the request".to_string()
        } else if p.conclusive {
            "position 10, resolved to one 30-year cycle (position 7 or the schemas linked to the WMI)".to_string()
        } else {
            "position 10; the 30-year cycle is ambiguous for this vehicle type".to_string()
        };
        if p.codes.contains(&8) {
            reason.push_str("; no patterns for this year");
        }
        if i == best {
            reason.push_str("; chosen: best decode");
        }
        out.push(YearCandidate {
            year: y,
            chosen: i == best,
            reason,
        });
    }
    out.sort_by_key(|c| std::cmp::Reverse(c.chosen));
    out
}

/// The flat NHTSA `DecodeVinValues` object: every decodable element code (alphabetical, as vPIC's
/// output type lists them) with its value or `""`, plus `VIN`.
pub fn flat<'d>(decoder: &'d Decoder, d: &'d Decoded<'_>) -> Vec<(&'d str, &'d str)> {
    let data = decoder.data();
    let mut by_id: [Option<&'d str>; 256] = [None; 256];
    for v in &d.values {
        if let Some(slot) = by_id.get_mut(v.element_id as usize) {
            *slot = Some(&v.value);
        }
    }
    let mut out: Vec<(&'d str, &'d str)> = Vec::with_capacity(data.flat_order.len() + 1);
    for &id in &data.flat_order {
        if id == crate::model::FLAT_VIN {
            out.push(("VIN", &d.vin));
        } else if let Some(t) = data.element_text(id) {
            out.push((
                &t.code,
                by_id.get(id as usize).copied().flatten().unwrap_or(""),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use proptest::prelude::*;

    use super::{NO_ITEM, Pending, sorted_order, value_order};

    fn pending(elements: &[u16]) -> Vec<Pending<'static>> {
        elements
            .iter()
            .map(|&element| Pending {
                element,
                item: NO_ITEM,
                value: Cow::Borrowed("x"),
                lookup: false,
            })
            .collect()
    }

    proptest! {
        /// The bitset order is the sorted one, also where it falls back (ids past 255, a rank it does
        /// not bucket, an element twice).
        #[test]
        fn value_order_is_the_sorted_order(
            elements in proptest::collection::vec(0u16..300, 0..60),
            ranks in proptest::collection::vec(prop_oneof![0u8..=26, Just(99u8), Just(50u8)], 300),
        ) {
            let p = pending(&elements);
            let rank = |e: u16| ranks[usize::from(e)];
            prop_assert_eq!(value_order(&p, rank), sorted_order(&p, rank));
        }
    }

    #[test]
    fn value_order_sorts_by_group_then_element() {
        let p = pending(&[5, 3, 200, 7]);
        let rank = |e: u16| if e == 200 { 0 } else { 99 };
        assert_eq!(value_order(&p, rank), vec![2, 1, 0, 3]);
    }
}
