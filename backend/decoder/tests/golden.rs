//! The golden set: a few hundred VINs (clean and mistyped, cars to trailers) with the values NHTSA's own
//! procedure gives, for the elements the lite vPIC data can derive. Every value must match.

mod common;

use std::collections::BTreeMap;

#[derive(serde::Deserialize)]
struct Case {
    vin: String,
    expected: BTreeMap<String, String>,
}

/// Numbers compare to 6 significant digits, text case- and space-insensitively, notes as sets.
fn norm(v: &str) -> Vec<String> {
    let mut parts: Vec<String> = v
        .split(';')
        .map(|p| {
            p.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_uppercase()
        })
        .filter(|p| !p.is_empty())
        .map(|p| match p.parse::<f64>() {
            Ok(f) if f.is_finite() => format!("{:.6e}", f),
            _ => p,
        })
        .collect();
    parts.sort();
    parts.dedup();
    parts
}

#[test]
fn golden_set_matches_nhtsa() {
    let d = common::decoder();
    let text = include_str!("golden/golden.jsonl");
    let mut cells = 0;
    let mut failures = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Case = serde_json::from_str(line).expect("golden line parses");
        let decoded = d.decode_with(&case.vin, vinbot_decoder::DecodeOptions::default());
        let flat: BTreeMap<&str, String> = d.flat_values(&decoded).into_iter().collect();
        for (code, want) in &case.expected {
            cells += 1;
            let got = flat.get(code.as_str()).cloned().unwrap_or_default();
            if norm(&got) != norm(want) {
                failures.push(format!(
                    "{} {code}: expected {want:?}, got {got:?}",
                    case.vin
                ));
            }
        }
    }
    assert!(cells > 3_000, "golden set too small: {cells} cells");
    assert!(
        failures.is_empty(),
        "{} of {cells} golden cells differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn flat_output_has_every_code_and_vin() {
    let d = common::decoder();
    let decoded = d.decode("1HGCM82633A004352", None);
    let flat = d.flat_values(&decoded);
    assert!(
        flat.iter()
            .any(|(k, v)| *k == "VIN" && v == "1HGCM82633A004352")
    );
    assert!(
        flat.len() > 100,
        "DecodeVinValues has ~140 keys, got {}",
        flat.len()
    );
    assert!(flat.iter().any(|(k, v)| *k == "Make" && v == "HONDA"));
}
