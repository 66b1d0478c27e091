//! Any byte sequence as a VIN gets the documented answer on every route and in every batch form:
//! v1 `invalid_vin` 400 in the envelope, vPIC's own error result on the vPIC routes, an error row
//! in batches and files — never a 5xx, a panic, a lost row, a dropped connection or an ERROR log.

use serde_json::{Value, json};

use vinbot_testkit::process::{Launch, Served, http};

use crate::BIN;
use crate::helpers::{assert_envelope, client, json as body_json};

/// Path segments no VIN holds: non-ASCII (2-, 3- and 4-byte characters), bytes that are not
/// UTF-8, control characters, a NUL, an over-long input.
const HOSTILE_SEGMENTS: &[&str] = &[
    "%C3%A9%C3%A9",
    "1HGCM8263%C3%89A004352",
    "%E2%82%AC%E2%82%AC%E2%82%AC",
    "%F0%9F%9A%97",
    "%FF%FE",
    "%C3",
    "%00",
    "%0A%0D",
    "%20",
    "%2A%2A%2A",
];

const VPIC_SINGLE: &[&str] = &[
    "DecodeVin",
    "DecodeVinExtended",
    "DecodeVinValues",
    "DecodeVinValuesExtended",
];

const GOOD: &str = "1HGCM82633A004352";
const TESLA: &str = "5YJSA1E26HF000001";

#[tokio::test]
async fn hostile_vins_on_single_routes_get_the_documented_answer() {
    let c = client();
    let long = "A".repeat(4000);
    let mut segments: Vec<String> = HOSTILE_SEGMENTS.iter().map(|s| (*s).to_owned()).collect();
    segments.push(long);
    for seg in &segments {
        let resp = c.get(format!("/api/v1/vins/{seg}")).send().await;
        let status = resp.0.status().as_u16();
        // A lone space or `***` may be a (partial) VIN question; everything else is refused.
        if status == 200 {
            assert!(matches!(seg.as_str(), "%2A%2A%2A"), "{seg}: 200");
            continue;
        }
        assert_envelope(resp, 400, "invalid_vin").await;
        for op in VPIC_SINGLE {
            let resp = c
                .get(format!("/api/vehicles/{op}/{seg}?format=json"))
                .send()
                .await;
            assert_eq!(resp.0.status().as_u16(), 200, "{op}/{seg}");
            let body = body_json(resp).await;
            let results = body["Results"].as_array().expect("Results");
            assert!(!results.is_empty(), "{op}/{seg}: {body}");
            let text = body.to_string();
            assert!(
                text.len() < 64 * 1024,
                "{op}/{seg}: answer of {} bytes",
                text.len()
            );
        }
    }
}

/// The error code of a v1 decode row.
fn has_error_codes(row: &Value) -> bool {
    row["error_codes"]
        .as_array()
        .is_some_and(|codes| codes.iter().any(|c| c != 0))
}

#[tokio::test]
async fn hostile_vins_in_a_json_batch_are_error_rows() {
    let c = client();
    let vins = json!([GOOD, "ÉÉ", "\u{0}", "🚗🚗🚗", "A".repeat(5000), TESLA]);
    let resp = c
        .post("/api/v1/vins/batch")
        .body_json(&json!({ "vins": vins }))
        .send()
        .await;
    assert_eq!(resp.0.status().as_u16(), 200);
    let body = body_json(resp).await;
    let rows = body["results"].as_array().expect("results");
    assert_eq!(rows.len(), 6, "{body}");
    assert_eq!(rows[0]["vin"], GOOD);
    assert_eq!(rows[5]["vin"], TESLA);
    for row in &rows[1..5] {
        assert!(has_error_codes(row), "{row}");
    }
    assert!(body.to_string().len() < 64 * 1024, "the answer stays small");
}

#[tokio::test]
async fn hostile_vins_in_streamed_batches_are_error_rows() {
    let c = client();
    let text = format!(
        "{GOOD}\nÉÉ\n\u{1}\u{2}\n🚗,2020\n{}\n{TESLA}\n",
        "É".repeat(3000)
    );
    for accept in ["application/x-ndjson", "text/csv"] {
        let resp = c
            .post("/api/v1/vins/batch")
            .content_type("text/plain")
            .header("accept", accept)
            .body(text.clone())
            .send()
            .await;
        assert_eq!(resp.0.status().as_u16(), 200, "{accept}");
        let out = resp.0.into_body().into_string().await.expect("whole body");
        let rows: Vec<&str> = out.lines().collect();
        let header = usize::from(accept == "text/csv");
        assert_eq!(
            rows.len(),
            6 + header,
            "{accept}: every line answered:\n{out}"
        );
        assert!(rows[header].contains(GOOD), "{accept}: first row");
        assert!(rows[5 + header].contains(TESLA), "{accept}: last row");
    }
}

#[tokio::test]
async fn hostile_vins_in_a_vpic_batch_are_error_results() {
    let c = client();
    let resp = c
        .post("/api/vehicles/DecodeVinValuesBatch")
        .content_type("application/x-www-form-urlencoded")
        .body(format!(
            "format=json&data=%C3%A9%C3%A9;{GOOD};%FF%FE,2011;{}",
            "%C3%A9".repeat(2000)
        ))
        .send()
        .await;
    assert_eq!(resp.0.status().as_u16(), 200);
    let body = body_json(resp).await;
    let results = body["Results"].as_array().expect("Results");
    assert_eq!(results.len(), 4, "{body}");
    assert_eq!(results[1]["VIN"], GOOD);
    for i in [0, 2, 3] {
        assert_ne!(results[i]["ErrorCode"], "0", "{}", results[i]);
    }
}

#[test]
fn cli_decodes_every_line_of_a_hostile_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("vins.txt");
    let mut content = format!("{GOOD}\nÉÉ\n").into_bytes();
    content.extend_from_slice(b"\xff\xfe\x00\n");
    content.extend_from_slice(&vec![b'A'; 1 << 20]);
    content.extend_from_slice(format!("\n{TESLA},2017\n").as_bytes());
    std::fs::write(&file, content).expect("write");
    let out = vinbot_testkit::process::command(BIN, dir.path())
        .args(["decode", "--file"])
        .arg(&file)
        .output()
        .expect("run vinbot decode");
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 5, "one object per input line");
    assert_eq!(lines[0]["VIN"], GOOD);
    assert_eq!(lines[4]["VIN"], TESLA);
    for row in &lines[1..4] {
        assert_ne!(row["ErrorCode"], "0", "{row}");
        assert!(
            row.to_string().len() < 16 * 1024,
            "an over-long line is not echoed whole"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_requests_log_no_errors() {
    let mut served = Served::start(crate::BIN, Launch::default());
    let http = http();
    for seg in HOSTILE_SEGMENTS {
        for path in [
            format!("/api/v1/vins/{seg}"),
            format!("/api/vehicles/DecodeVinValues/{seg}?format=json"),
        ] {
            let resp = http.get(served.url(&path)).send().await.expect("answered");
            assert!(resp.status().as_u16() < 500, "{path}: {}", resp.status());
        }
    }
    let resp = http
        .post(served.url("/api/v1/vins/batch"))
        .header("content-type", "text/plain")
        .header("accept", "application/x-ndjson")
        .body(format!("{GOOD}\nÉÉ\n{TESLA}\n"))
        .send()
        .await
        .expect("answered");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().await.expect("whole body").lines().count(), 3);
    let errors = served.lines_at("ERROR");
    assert!(
        errors.is_empty(),
        "error logs (each a Sentry event):\n{}",
        errors.join("\n")
    );
}
