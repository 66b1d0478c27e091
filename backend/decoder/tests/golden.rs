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
        let flat: BTreeMap<&str, &str> = d.flat_values(&decoded).into_iter().collect();
        for (code, want) in &case.expected {
            cells += 1;
            let got = flat.get(code.as_str()).copied().unwrap_or_default();
            if norm(got) != norm(want) {
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
            .any(|(k, v)| *k == "VIN" && *v == "1HGCM82633A004352")
    );
    assert!(
        flat.len() > 100,
        "DecodeVinValues has ~140 keys, got {}",
        flat.len()
    );
    assert!(flat.iter().any(|(k, v)| *k == "Make" && *v == "HONDA"));
}

/// The full-data golden set: VINs whose NHTSA answer has vehicle-spec values (TPMS, ABS, daytime running
/// lights...), defaults of every vehicle type ("Not Applicable"), and errors; every code NHTSA returns is
/// compared, empty ones included. It needs NHTSA's complete data (a vPIC-layout SQLite with the
/// DefaultValue and vehicle-spec tables), which the repository does not ship:
/// `VINBOT_FULL_DATA=/path/to/vpic-full.db cargo test --release -p vinbot-decoder --test golden -- --ignored`.
#[test]
#[ignore = "needs the full vPIC data: set VINBOT_FULL_DATA to a vPIC-layout SQLite with every table"]
fn full_data_golden_set_matches_nhtsa_on_every_code() {
    let path = std::env::var("VINBOT_FULL_DATA")
        .expect("VINBOT_FULL_DATA must name the full vPIC SQLite for this test");
    let d = vinbot_decoder::Decoder::from_sqlite(std::path::Path::new(&path))
        .expect("full vPIC data loads")
        .with_clock(2026, 20_786);
    let text = include_str!("golden/full.jsonl");
    let (mut cells, mut failures) = (0, Vec::new());
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Case = serde_json::from_str(line).expect("golden line parses");
        let decoded = d.decode_with(&case.vin, vinbot_decoder::DecodeOptions::default());
        for (code, got) in d.flat_values(&decoded) {
            if code == "VIN" {
                continue;
            }
            cells += 1;
            let want = case.expected.get(code).map_or("", String::as_str);
            if norm(got) != norm(want) {
                failures.push(format!(
                    "{} {code}: expected {want:?}, got {got:?}",
                    case.vin
                ));
            }
        }
    }
    assert!(cells > 10_000, "full golden set too small: {cells} cells");
    assert!(
        failures.is_empty(),
        "{} of {cells} full-data golden cells differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
