//! Turns the best pass into the public [`Decoded`] result: lookups to names, one value per element (the
//! notes joined), provenance, the check-digit verdict and the model-year candidates.

use crate::Decoder;
use std::borrow::Cow;

use crate::decode::{self, Pass};
use crate::keys::VALID_CHARS;
use crate::result::{CheckDigit, CheckDigitStatus, Decoded, DecodedValue, Source, YearCandidate};
use crate::vin;

/// vPIC's order of element groups in decoding output.
pub fn group_rank(group: &str) -> u8 {
    match group {
        "" => 0,
        "General" => 1,
        "Exterior / Body" => 2,
        "Exterior / Dimension" => 3,
        "Exterior / Truck" => 4,
        "Exterior / Trailer" => 5,
        "Exterior / Wheel tire" => 6,
        "Exterior / Motorcycle" => 7,
        "Exterior / Bus" => 8,
        "Interior" => 9,
        "Interior / Seat" => 10,
        "Mechanical / Transmission" => 11,
        "Mechanical / Drivetrain" => 12,
        "Mechanical / Brake" => 13,
        "Mechanical / Battery" => 14,
        "Mechanical / Battery / Charger" => 15,
        "Engine" => 16,
        "Passive Safety System" => 17,
        "Passive Safety System / Air Bag Location" => 18,
        "Active Safety System" => 19,
        "Active Safety System / Maintaining Safe Distance" => 20,
        "Active Safety System / Forward Collision Prevention" => 21,
        "Active Safety System / Lane and Side Assist" => 22,
        "Active Safety System / Backing Up and Parking" => 23,
        "Active Safety System / 911 Notification" => 24,
        "Active Safety System / Lighting Technologies" => 25,
        "Internal" => 26,
        _ => 99,
    }
}

fn clean(s: Cow<'static, str>) -> Cow<'static, str> {
    if s.contains(['\t', '\r', '\n']) {
        Cow::Owned(s.replace(['\t', '\r', '\n'], " "))
    } else {
        s
    }
}

/// Decodes and shapes the result (no repairs).
pub fn decode(decoder: &Decoder, input: &str, hint: Option<u16>) -> Decoded {
    let data = decoder.data();
    let vin = vin::normalize(input);
    let clock = decoder.clock();
    let (best, mut passes) = decode::decode_passes(data, &vin, hint, clock);
    let model_year_candidates = year_candidates(&passes, best, hint);
    let mut pass = passes.swap_remove(best);
    let (error_text, additional) = pass.texts();
    let mut values: Vec<DecodedValue> = Vec::with_capacity(pass.items.len() + 6);
    // Where each element's value is in `values` (+1; 0 = none yet): multi-valued notes are joined.
    let mut slot_of = [0u16; 256];
    for it in std::mem::take(&mut pass.items) {
        let (Some(e), Some(text)) = (data.element(it.element), data.element_text(it.element))
        else {
            continue;
        };
        if !e.decode || e.private {
            continue;
        }
        let lookup = e.data_type == "lookup";
        let value: Option<Cow<'static, str>> = match it.value {
            Some(v) => Some(v),
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
            values.iter_mut().find(|v| v.element_id == e.id)
        } else {
            None
        };
        if let Some(existing) = existing {
            if !existing.value.split("; ").any(|p| p == &*value) {
                existing.value = Cow::Owned(format!("{}; {}", existing.value, value));
            }
            continue;
        }
        let schema = it.schema.map(|s| &data.schemas[s as usize]);
        if let Some(slot) = slot_of.get_mut(e.id as usize) {
            *slot = values.len() as u16 + 1;
        }
        values.push(DecodedValue {
            element_id: e.id,
            code: &text.code,
            name: &text.name,
            group: &text.group,
            value,
            value_id: (lookup && !it.attribute.is_empty()).then_some(it.attribute),
            source: it.source,
            pattern_id: it.pattern_id,
            schema_id: schema.map(|s| s.id),
            schema_name: schema.map(|s| &*s.name),
            keys: it.keys,
        });
    }
    let descriptor = vin::descriptor(&vin);
    let codes = pass
        .codes
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let meta: [(u16, &str); 6] = [
        (142, pass.suggested_vin.as_str()),
        (143, codes.as_str()),
        (144, pass.possible_values.as_str()),
        (156, additional.as_str()),
        (191, error_text.as_str()),
        (196, descriptor.as_str()),
    ];
    for (id, v) in meta {
        if v.is_empty() {
            continue;
        }
        if let Some(e) = data.element_text(id) {
            values.push(DecodedValue {
                element_id: id,
                code: &e.code,
                name: &e.name,
                group: &e.group,
                value: Cow::Owned(v.to_string()),
                value_id: (id == 143).then(|| Cow::Owned(v.to_string())),
                source: Source::Decoder,
                pattern_id: None,
                schema_id: None,
                schema_name: None,
                keys: None,
            });
        }
    }
    // Element ids are unique among the values: an unstable sort orders them the same.
    values.sort_unstable_by_key(|v| {
        (
            data.element_text(v.element_id).map_or(99, |t| t.group_rank),
            v.element_id,
        )
    });

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
            format!("Check digit {a} is correct."),
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
pub fn flat<'d>(decoder: &'d Decoder, d: &'d Decoded) -> Vec<(&'d str, &'d str)> {
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
