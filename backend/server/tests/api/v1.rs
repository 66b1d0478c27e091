use poem::http::StatusCode;
use serde_json::{Value, json as j};

use crate::helpers::*;

const ACCORD: &str = "1HGCM82633A004352";

#[tokio::test]
async fn decodes_one_vin_richly() {
    let resp = client().get(format!("/api/v1/vins/{ACCORD}")).send().await;
    resp.assert_status_is_ok();
    assert_eq!(
        resp.0.headers().get("cache-control").unwrap(),
        "public, max-age=3600"
    );
    let body = json(resp).await;
    assert_eq!(body["vin"], ACCORD);
    assert_eq!(body["model_year"], 2003);
    assert_eq!(body["error_codes"], j!([0]));
    assert_eq!(body["summary"]["make"], "HONDA");
    assert_eq!(body["summary"]["model"], "Accord");
    assert_eq!(body["values"]["Make"], "HONDA");
    assert_eq!(body["values"]["ErrorCode"], "0");
    assert_eq!(body["check_digit"]["status"], "valid");
    assert_eq!(body["check_digit"]["required"], true);
    assert!(
        body["data"]["snapshot_digest"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    let groups = body["groups"].as_array().unwrap();
    assert!(groups.iter().any(|g| {
        g["values"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["code"] == "Make" && v["source"].is_string())
    }));
    // Empty values are omitted from the flat map.
    assert!(
        body["values"]
            .as_object()
            .unwrap()
            .values()
            .all(|v| v != "")
    );
}

#[tokio::test]
async fn normalizes_input_and_accepts_partial_vins() {
    let body = json(client().get("/api/v1/vins/1hgcm8-2633a004352").send().await).await;
    assert_eq!(body["vin"], ACCORD);
    let resp = client()
        .get("/api/v1/vins/5UXWX7C5*BA?model_year=2011")
        .send()
        .await;
    resp.assert_status_is_ok();
    let body = json(resp).await;
    assert_eq!(body["values"]["Make"], "BMW");
    assert!(body["error_codes"].as_array().unwrap().contains(&j!(6)));
}

/// The server applies the decoder's hygiene rule: dots and underscores are separators too.
#[tokio::test]
async fn dots_and_underscores_are_separators_like_in_the_decoder() {
    for typed in ["1HG.CM826.33A004352", "1hg_cm82633a004352"] {
        let resp = client().get(format!("/api/v1/vins/{typed}")).send().await;
        resp.assert_status_is_ok();
        assert_eq!(json(resp).await["vin"], ACCORD, "{typed}");
    }
}

#[tokio::test]
async fn rejects_impossible_vins_with_invalid_vin() {
    let body = assert_envelope(
        client().get("/api/v1/vins/1HGCM8263$A004352").send().await,
        400,
        "invalid_vin",
    )
    .await;
    assert!(body["message"].as_str().unwrap().contains("10:$"), "{body}");
    assert_envelope(
        client().get("/api/v1/vins/1HGCM82633A0043521").send().await,
        400,
        "invalid_vin",
    )
    .await;
}

#[tokio::test]
async fn excluded_letters_are_refused_or_repaired() {
    let resp = client().get("/api/v1/vins/1HGCM82633AOO4352").send().await;
    match resp.0.status() {
        StatusCode::BAD_REQUEST => {
            let body = assert_envelope(resp, 400, "invalid_vin").await;
            assert!(body["message"].as_str().unwrap().contains("12:O"), "{body}");
        }
        StatusCode::OK => {
            let body = json(resp).await;
            assert!(
                !body["repairs"].as_array().unwrap().is_empty(),
                "200 only with repairs: {body}"
            );
        }
        other => panic!("unexpected {other}"),
    }
}

#[tokio::test]
async fn bad_model_year_is_an_invalid_request() {
    assert_envelope(
        client()
            .get(format!("/api/v1/vins/{ACCORD}?model_year=1900"))
            .send()
            .await,
        400,
        "invalid_request",
    )
    .await;
    assert_envelope(
        client()
            .get(format!("/api/v1/vins/{ACCORD}?model_year=soon"))
            .send()
            .await,
        400,
        "invalid_request",
    )
    .await;
}

#[tokio::test]
async fn json_batch_keeps_order_and_never_fails_on_a_bad_entry() {
    let resp = client()
        .post("/api/v1/vins/batch")
        .body_json(&j!({"vins": [ACCORD, "5UXWX7C5*BA,2011", "NOT A VIN!"]}))
        .send()
        .await;
    resp.assert_status_is_ok();
    let body = json(resp).await;
    assert_eq!(body["count"], 3);
    let r = body["results"].as_array().unwrap();
    assert_eq!(r[0]["summary"]["make"], "HONDA");
    assert_eq!(r[1]["model_year"], 2011);
    assert!(
        r[2]["error_codes"].as_array().unwrap().contains(&j!(400)),
        "{}",
        r[2]
    );
}

#[tokio::test]
async fn json_batch_over_the_cap_is_refused() {
    let vins: Vec<String> = (0..1001).map(|_| ACCORD.to_owned()).collect();
    assert_envelope(
        client()
            .post("/api/v1/vins/batch")
            .body_json(&j!({ "vins": vins }))
            .send()
            .await,
        400,
        "invalid_request",
    )
    .await;
}

#[tokio::test]
async fn ndjson_streams_any_number_in_order() {
    let text: String = (0..3000)
        .map(|i| {
            if i % 2 == 0 {
                format!("{ACCORD}\n")
            } else {
                "5UXWX7C5*BA,2011\n".to_owned()
            }
        })
        .collect();
    let resp = client()
        .post("/api/v1/vins/batch")
        .header("Accept", "application/x-ndjson")
        .content_type("text/plain")
        .body(text)
        .send()
        .await;
    resp.assert_status_is_ok();
    assert_eq!(
        resp.0.headers().get("content-type").unwrap(),
        "application/x-ndjson"
    );
    let body = resp.0.into_body().into_string().await.unwrap();
    let lines: Vec<Value> = body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3000);
    assert_eq!(lines[0]["summary"]["make"], "HONDA");
    assert_eq!(lines[2999]["summary"]["make"], "BMW");
}

#[tokio::test]
async fn csv_stream_has_a_header_of_element_codes() {
    let resp = client()
        .post("/api/v1/vins/batch")
        .header("Accept", "text/csv")
        .body_json(&j!({"vins": [ACCORD, "5UXWX7C5*BA,2011"]}))
        .send()
        .await;
    resp.assert_status_is_ok();
    let body = resp.0.into_body().into_string().await.unwrap();
    let rows: Vec<Vec<String>> = body.lines().map(csv_fields).collect();
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter().all(|r| r.len() == rows[0].len()),
        "same column count"
    );
    let make = rows[0]
        .iter()
        .position(|h| h == "Make")
        .expect("Make column");
    assert_eq!(rows[1][make], "HONDA");
    assert_eq!(rows[2][make], "BMW");
}

#[tokio::test]
async fn csv_stream_puts_the_vin_and_the_main_fields_first() {
    let resp = client()
        .post("/api/v1/vins/batch")
        .header("Accept", "text/csv")
        .body_json(&j!({"vins": [ACCORD]}))
        .send()
        .await;
    resp.assert_status_is_ok();
    let body = resp.0.into_body().into_string().await.unwrap();
    let rows: Vec<Vec<String>> = body.lines().map(csv_fields).collect();
    assert_eq!(
        rows[0][..6],
        ["VIN", "Make", "Model", "ModelYear", "Trim", "Series"]
    );
    assert_eq!(rows[1][..4], [ACCORD, "HONDA", "Accord", "2003"]);
    let mut unique = rows[0].clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), rows[0].len(), "every element code once");
    // The columns are the NHTSA flat values, only reordered.
    let nhtsa = client()
        .get(format!(
            "/api/vehicles/DecodeVinValues/{ACCORD}?format=json"
        ))
        .send()
        .await;
    let nhtsa = json(nhtsa).await;
    let flat = nhtsa["Results"][0].as_object().unwrap();
    assert_eq!(flat.len(), rows[0].len());
    for (code, value) in rows[0].iter().zip(&rows[1]) {
        assert_eq!(flat[code.as_str()], value.as_str(), "{code}");
    }
}

#[tokio::test]
async fn malformed_and_deep_json_are_invalid_requests() {
    let resp = client()
        .post("/api/v1/vins/batch")
        .content_type("application/json")
        .body("{\"vins\": [")
        .send()
        .await;
    assert_envelope(resp, 400, "invalid_request").await;
    let deep = format!("{{\"vins\": {}{}}}", "[".repeat(10_000), "]".repeat(10_000));
    let resp = client()
        .post("/api/v1/vins/batch")
        .content_type("application/json")
        .body(deep)
        .send()
        .await;
    assert_envelope(resp, 400, "invalid_request").await;
}

#[tokio::test]
async fn wmi_lookup() {
    let body = json(client().get("/api/v1/wmis/1hg").send().await).await;
    assert_eq!(body["wmi"], "1HG");
    assert!(
        body["manufacturer"].as_str().unwrap().contains("HONDA"),
        "{body}"
    );
    assert!(
        body["makes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| is_honda(&m["name"])),
        "{body}"
    );
    assert_envelope(
        client().get("/api/v1/wmis/QQQ").send().await,
        404,
        "not_found",
    )
    .await;
    assert_envelope(
        client().get("/api/v1/wmis/AB").send().await,
        400,
        "invalid_request",
    )
    .await;
}

#[tokio::test]
async fn makes_and_models() {
    let body = json(client().get("/api/v1/makes?q=honda").send().await).await;
    let makes = body["results"].as_array().unwrap();
    assert_eq!(body["count"].as_u64().unwrap() as usize, makes.len());
    assert!(makes.iter().any(|m| is_honda(&m["name"])));

    // Keyset pages: 50 by default, then the next page starts after the cursor, without overlap.
    let first = json(client().get("/api/v1/makes").send().await).await;
    let page1 = first["results"].as_array().unwrap();
    assert_eq!(page1.len(), 50);
    let cursor = first["next_cursor"].as_u64().expect("a next page");
    assert_eq!(cursor, page1.last().unwrap()["id"].as_u64().unwrap());
    let second = json(
        client()
            .get(format!("/api/v1/makes?limit=1000&after={cursor}"))
            .send()
            .await,
    )
    .await;
    let page2 = second["results"].as_array().unwrap();
    assert_eq!(page2.len(), 1000);
    assert!(page2[0]["id"].as_u64().unwrap() > cursor);
    assert_envelope(
        client().get("/api/v1/makes?limit=5000").send().await,
        400,
        "invalid_request",
    )
    .await;

    let body = json(
        client()
            .get("/api/v1/makes/honda/models?year=2003&limit=1000")
            .send()
            .await,
    )
    .await;
    let models = body["results"].as_array().unwrap();
    assert!(
        models
            .iter()
            .any(|m| m["name"] == "Accord" && is_honda(&m["make_name"])),
        "{body}"
    );
    assert_envelope(
        client()
            .get("/api/v1/makes/no-such-make/models")
            .send()
            .await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn meta_and_stats_without_history() {
    let resp = client().get("/api/v1/meta").send().await;
    resp.assert_status_is_ok();
    let body = json(resp).await;
    assert_eq!(body["service"], "vinbot");
    assert_eq!(body["decoder_version"], vinbot_decoder::DECODER_VERSION);
    assert!(
        body["data"]["source"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    assert_envelope(
        client().get("/api/v1/stats").send().await,
        503,
        "unavailable",
    )
    .await;
}

#[tokio::test]
async fn unknown_routes_and_methods_use_the_envelope() {
    assert_envelope(client().get("/api/v1/nope").send().await, 404, "not_found").await;
    assert_envelope(client().get("/nope").send().await, 404, "not_found").await;
    assert_envelope(
        client().delete("/api/v1/meta").send().await,
        405,
        "invalid_request",
    )
    .await;
}

#[tokio::test]
async fn chunked_body_over_the_cap_is_413() {
    let mut s = settings(&[]);
    s.http.json_body_limit = 1024;
    let client = client_for(state_with(s));
    let big = vec![b' '; 4096];
    let body = poem::Body::from_async_read(std::io::Cursor::new(big));
    let resp = client
        .post("/api/vehicles/DecodeVinValuesBatch")
        .content_type("application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await;
    assert_envelope(resp, 413, "payload_too_large").await;
}

#[tokio::test]
async fn deadline_answers_503_timeout() {
    let mut s = settings(&[]);
    s.http.request_timeout = std::time::Duration::ZERO;
    let vins: Vec<&str> = (0..500).map(|_| ACCORD).collect();
    let resp = client_for(state_with(s))
        .post("/api/v1/vins/batch")
        .body_json(&j!({ "vins": vins }))
        .send()
        .await;
    assert_envelope(resp, 503, "timeout").await;
}

#[tokio::test]
async fn serves_the_web_page_when_configured() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<h1>vinbot page</h1>").unwrap();
    let mut s = settings(&[]);
    s.frontend_dir = Some(dir.path().to_owned());
    let client = client_for(state_with(s));
    let resp = client.get("/").send().await;
    resp.assert_status_is_ok();
    assert_eq!(resp.0.headers().get("cache-control").unwrap(), "no-cache");
    assert!(
        resp.0
            .into_body()
            .into_string()
            .await
            .unwrap()
            .contains("vinbot page")
    );
    client
        .get("/api/v1/meta")
        .send()
        .await
        .assert_status_is_ok();
    assert_envelope(client.get("/missing.js").send().await, 404, "not_found").await;
}
