//! The answers shown in docs/API.md are the server's real answers: each example is compared
//! with what the route gives for the same request, so a changed answer fails here until the doc
//! is regenerated from the binary.

use serde_json::Value;

use crate::helpers::*;

/// The ```json blocks of docs/API.md.
fn api_md_examples() -> Vec<Value> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/API.md"))
        .expect("docs/API.md");
    doc.split("```json\n")
        .skip(1)
        .map(|block| {
            let json = block.split("```").next().unwrap_or_default();
            serde_json::from_str(json)
                .unwrap_or_else(|e| panic!("example is not JSON ({e}):\n{json}"))
        })
        .collect()
}

fn example_with(key: &str, value: &str) -> Value {
    api_md_examples()
        .into_iter()
        .find(|e| e[key] == value)
        .unwrap_or_else(|| panic!("docs/API.md has no example with {key} = {value:?}"))
}

/// Every key and value of `doc` is in `real`; an array's elements appear in `real`'s array in
/// the same order (the doc may leave some out); the string "…" stands for any value.
fn assert_shown_in(doc: &Value, real: &Value, path: &str) {
    match (doc, real) {
        (Value::String(s), _) if s == "…" => {}
        (Value::Object(d), Value::Object(r)) => {
            for (k, v) in d {
                let sub = format!("{path}.{k}");
                let r = r
                    .get(k)
                    .unwrap_or_else(|| panic!("{sub} is not in the real answer"));
                assert_shown_in(v, r, &sub);
            }
        }
        (Value::Array(d), Value::Array(r)) => {
            let mut rest = r.iter();
            for (i, v) in d.iter().enumerate() {
                let found = rest.any(|r| matches(v, r));
                assert!(found, "{path}[{i}] = {v} is not in the real answer {real}");
            }
        }
        _ => assert_eq!(doc, real, "{path}"),
    }
}

fn matches(doc: &Value, real: &Value) -> bool {
    std::panic::catch_unwind(|| assert_shown_in(doc, real, "")).is_ok()
}

#[tokio::test]
async fn the_rich_decode_example_is_the_real_answer() {
    let doc = example_with("input", "1hgcm82633a004352");
    let resp = client().get("/api/v1/vins/1hgcm82633a004352").send().await;
    resp.assert_status_is_ok();
    let real = json(resp).await;
    assert_shown_in(&doc, &real, "");
}

#[tokio::test]
async fn the_error_example_is_the_real_answer() {
    let doc = example_with("code", "invalid_vin");
    let resp = client().get("/api/v1/vins/1HGCM8263!A004352").send().await;
    resp.assert_status(poem::http::StatusCode::BAD_REQUEST);
    assert_shown_in(&doc, &json(resp).await, "");
    // The letter O is VIN-shaped: decoded, with vPIC's error code 400, as the doc says.
    let resp = client().get("/api/v1/vins/1HGCM8263OA004352").send().await;
    resp.assert_status_is_ok();
    let body = json(resp).await;
    assert!(
        body["error_codes"]
            .as_array()
            .unwrap()
            .contains(&400.into()),
        "{body}"
    );
}

#[tokio::test]
async fn the_stats_example_has_the_real_shape() {
    let doc = api_md_examples()
        .into_iter()
        .find(|e| e.get("per_day").is_some())
        .expect("docs/API.md has a stats example");
    let settings = settings(&[]);
    let history = vinbot_server::history::History::start(&settings)
        .await
        .expect("in-memory history");
    let client = client_for(state_with(settings).with_history(history));
    let resp = client.get("/api/v1/stats?days=30").send().await;
    resp.assert_status_is_ok();
    let real = json(resp).await;
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&doc), keys(&real), "{real}");
}
