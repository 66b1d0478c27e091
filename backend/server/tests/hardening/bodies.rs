//! Every body and every item is capped before it is read or decoded, and an answer is bounded by
//! what its request may hold: resident memory of `vinbot serve` stays under 200 MB while hostile
//! bodies arrive, many at once.

use futures_util::future::join_all;
use serde_json::json;

use crate::helpers::{assert_envelope, client, json as body_json};
use vinbot_testkit::process::{Launch, Served, http};

/// The bound the deployment guide sizes a machine for (256 MB VM) leaves room for.
const RSS_LIMIT_KIB: u64 = 200 * 1024;

#[tokio::test]
async fn an_over_long_vin_is_never_echoed_whole() {
    let c = client();
    let long = "A".repeat(500_000);
    let resp = c
        .post("/api/v1/vins/batch")
        .body_json(&json!({ "vins": [long] }))
        .send()
        .await;
    assert_eq!(resp.0.status().as_u16(), 200);
    let body = body_json(resp).await.to_string();
    assert!(body.len() < 32 * 1024, "answer of {} bytes", body.len());

    let resp = c
        .get(format!("/api/v1/vins/{}", "A".repeat(6000)))
        .send()
        .await;
    assert_envelope(resp, 400, "invalid_vin").await;
    let resp = c
        .get(format!(
            "/api/vehicles/DecodeVinValues/{}?format=json",
            "A".repeat(6000)
        ))
        .send()
        .await;
    assert_eq!(resp.0.status().as_u16(), 200);
    let body = body_json(resp).await;
    assert_ne!(body["Results"][0]["ErrorCode"], "0");
    assert!(body.to_string().len() < 32 * 1024);
}

#[tokio::test]
async fn a_json_answer_batch_gets_the_small_body_cap_and_an_item_cap() {
    let c = client();
    // 2 MiB is fine for a streamed answer, not for a JSON one.
    let vins: Vec<String> = (0..100_000)
        .map(|_| "1HGCM82633A004352".to_owned())
        .collect();
    let big = json!({ "vins": vins });
    let resp = c.post("/api/v1/vins/batch").body_json(&big).send().await;
    assert_envelope(resp, 413, "payload_too_large").await;
    // Tiny entries: refused by count before anything is built per entry.
    let empties = format!("{{\"vins\": [{}\"x\"]}}", "\"x\",".repeat(200_000));
    let resp = c
        .post("/api/v1/vins/batch")
        .content_type("application/json")
        .header("accept", "application/x-ndjson")
        .body(empties)
        .send()
        .await;
    assert_envelope(resp, 400, "invalid_request").await;
}

/// Bodies an attacker sends: one huge VIN, a flood of tiny entries, a huge line, a chunked body
/// without a length — each as large as the route takes, many at once.
fn hostile_bodies() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let stream_cap = 4 * 1024 * 1024 - 64;
    let huge_vin = format!("{{\"vins\":[\"{}\"]}}", "A".repeat(stream_cap - 20)).into_bytes();
    let tiny = format!("{{\"vins\":[{}\"1\"]}}", "\"1\",".repeat(90_000)).into_bytes();
    let lines = "1HGCM82633A004352\n"
        .repeat(stream_cap / 18 / 2)
        .into_bytes();
    let huge_line = vec![b'A'; stream_cap];
    let over = vec![b'A'; 40 * 1024 * 1024];
    vec![
        ("application/json", "application/x-ndjson", huge_vin),
        ("application/json", "text/csv", tiny),
        ("text/plain", "application/x-ndjson", lines),
        ("text/plain", "text/csv", huge_line),
        ("application/json", "application/json", over),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_stays_bounded_while_hostile_bodies_arrive() {
    let served = Served::start(
        crate::BIN,
        Launch {
            env: vec![("RATE_LIMIT_ANON_PER_MINUTE", "100000000".to_owned())],
            ..Launch::default()
        },
    );
    let http = http();
    let url = served.url("/api/v1/vins/batch");
    let mut statuses = Vec::new();
    for _round in 0..2 {
        let sends = hostile_bodies()
            .into_iter()
            .cycle()
            .take(20)
            .map(|(ct, accept, body)| {
                let http = http.clone();
                let url = url.clone();
                async move {
                    match http
                        .post(url)
                        .header("content-type", ct)
                        .header("accept", accept)
                        .body(body)
                        .send()
                        .await
                    {
                        Ok(resp) => {
                            let status = resp.status().as_u16();
                            // Read the whole answer, as a client would.
                            let _ = resp.bytes().await;
                            status
                        }
                        // The server may close a connection whose body it refused unread.
                        Err(_) => 0,
                    }
                }
            });
        statuses.extend(join_all(sends).await);
    }
    assert!(
        statuses.iter().all(|&s| s < 500 || s == 503),
        "statuses {statuses:?}"
    );
    assert!(statuses.contains(&200), "some were decoded: {statuses:?}");
    let peak = served.peak_rss_kib();
    assert!(peak > 0, "VmHWM readable");
    assert!(
        peak <= RSS_LIMIT_KIB,
        "peak RSS {} MiB over {} MiB",
        peak / 1024,
        RSS_LIMIT_KIB / 1024
    );
    // The server still decodes.
    let resp = http
        .get(served.url("/api/v1/vins/1HGCM82633A004352"))
        .send()
        .await
        .expect("answered");
    assert_eq!(resp.status(), 200);
}
