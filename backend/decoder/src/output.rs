//! Turns the best pass into the public [`Decoded`] result: lookups to names, one value per element (the
//! notes joined), provenance, the check-digit verdict and the model-year candidates.

use crate::Decoder;
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

fn clean(s: &str) -> String {
    s.replace(['\t', '\r', '\n'], " ")
}

/// Decodes and shapes the result (no repairs).
pub fn decode(decoder: &Decoder, input: &str, hint: Option<u16>) -> Decoded {
    let data = decoder.data();
    let vin = vin::normalize(input);
    let clock = decoder.clock();
    let (best, passes) = decode::decode_passes(data, &vin, hint, clock);
    let pass = &passes[best];
    let mut values: Vec<DecodedValue> = Vec::new();
    for it in &pass.items {
        let Some(e) = data.element(it.element) else {
            continue;
        };
        if !e.decode || e.private {
            continue;
        }
        let (value, value_id) = match &it.value {
            Some(v) => (Some(v.clone()), Some(it.attribute.to_string())),
            None => match (&e.lookup_table, e.data_type.as_str()) {
                (Some(t), "lookup") => (
                    it.attribute
                        .trim()
                        .parse::<u32>()
                        .ok()
                        .and_then(|id| data.lookup_name(t, id))
                        .map(str::to_string),
                    Some(it.attribute.to_string()),
                ),
                _ => (Some(it.attribute.to_string()), None),
            },
        };
        let Some(value) = value.map(|v| clean(&v)) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let value_id = value_id.filter(|v| !v.is_empty() && e.data_type == "lookup");
        if let Some(existing) = values.iter_mut().find(|v| v.element_id == e.id) {
            if !existing.value.split("; ").any(|p| p == value) {
                existing.value.push_str("; ");
                existing.value.push_str(&value);
            }
            continue;
        }
        let schema = it.schema.map(|s| &data.schemas[s as usize]);
        values.push(DecodedValue {
            element_id: e.id,
            code: e.code.clone(),
            name: e.name.clone(),
            group: e.group.clone(),
            value,
            value_id,
            source: it.source,
            pattern_id: it.pattern_id,
            schema_id: schema.map(|s| s.id),
            schema_name: schema.map(|s| s.name.clone()),
            keys: it.keys.as_ref().map(|k| k.to_string()),
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
        (156, pass.additional.as_str()),
        (191, pass.error_text.as_str()),
        (196, descriptor.as_str()),
    ];
    for (id, v) in meta {
        if v.is_empty() {
            continue;
        }
        if let Some(e) = data.element(id) {
            values.push(DecodedValue {
                element_id: id,
                code: e.code.clone(),
                name: e.name.clone(),
                group: e.group.clone(),
                value: v.to_string(),
                value_id: (id == 143).then(|| v.to_string()),
                source: Source::Decoder,
                pattern_id: None,
                schema_id: None,
                schema_name: None,
                keys: None,
            });
        }
    }
    values.sort_by_key(|v| (group_rank(&v.group), v.element_id));

    Decoded {
        input: input.to_string(),
        model_year: pass.year,
        error_codes: pass.codes.clone(),
        error_text: pass.error_text.clone(),
        additional_error_text: pass.additional.clone(),
        suggested_vin: pass.suggested_vin.clone(),
        possible_values: pass.possible_values.clone(),
        vehicle_descriptor: descriptor,
        values,
        check_digit: check_digit(&vin),
        model_year_candidates: year_candidates(&passes, best, hint),
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
pub fn flat<'d>(decoder: &'d Decoder, d: &Decoded) -> Vec<(&'d str, String)> {
    let data = decoder.data();
    let mut out: Vec<(&'d str, String)> = Vec::with_capacity(data.elements.len() + 1);
    for e in &data.elements {
        if !e.decode || e.private || e.code.is_empty() {
            continue;
        }
        let v = d
            .by_element(e.id)
            .map(|v| v.value.clone())
            .unwrap_or_default();
        out.push((e.code.as_str(), v));
    }
    out.push(("VIN", d.vin.clone()));
    out.sort_by(|a, b| a.0.to_ascii_lowercase().cmp(&b.0.to_ascii_lowercase()));
    out
}
