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

/// Sends every body at once to the batch route; the status and `Retry-After` of each answer
/// (status 0: the server closed the connection on a body it refused unread).
async fn send_all(
    http: &reqwest::Client,
    url: &str,
    bodies: Vec<(&'static str, &'static str, Vec<u8>)>,
) -> Vec<(u16, Option<String>)> {
    let sends = bodies.into_iter().map(|(ct, accept, body)| {
        let http = http.clone();
        let url = url.to_owned();
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
                    let retry_after = resp
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    // Read the whole answer, as a client would.
                    let _ = resp.bytes().await;
                    (status, retry_after)
                }
                Err(_) => (0, None),
            }
        }
    });
    join_all(sends).await
}

/// A server with a quota no test reaches: memory, not the rate limit, is what is measured.
fn unthrottled() -> Served {
    Served::start(
        crate::BIN,
        Launch {
            env: vec![("RATE_LIMIT_ANON_PER_MINUTE", "100000000".to_owned())],
            ..Launch::default()
        },
    )
}

fn assert_peak_within_limit(served: &Served) {
    let peak = served.peak_rss_kib();
    assert!(peak > 0, "VmHWM readable");
    assert!(
        peak <= RSS_LIMIT_KIB,
        "peak RSS {} MiB over {} MiB",
        peak / 1024,
        RSS_LIMIT_KIB / 1024
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_stays_bounded_while_hostile_bodies_arrive() {
    let served = unthrottled();
    let http = http();
    let url = served.url("/api/v1/vins/batch");
    let mut statuses = Vec::new();
    for _round in 0..2 {
        let bodies = hostile_bodies().into_iter().cycle().take(20).collect();
        statuses.extend(
            send_all(&http, &url, bodies)
                .await
                .into_iter()
                .map(|(s, _)| s),
        );
    }
    assert!(
        statuses.iter().all(|&s| s < 500 || s == 503),
        "statuses {statuses:?}"
    );
    assert!(statuses.contains(&200), "some were decoded: {statuses:?}");
    assert_peak_within_limit(&served);
    // The server still decodes.
    let resp = http
        .get(served.url("/api/v1/vins/1HGCM82633A004352"))
        .send()
        .await
        .expect("answered");
    assert_eq!(resp.status(), 200);
}

/// Small bodies of many tiny entries: each body fits the byte budget easily, but its entries,
/// once parsed, weigh ten times its bytes. They are held to a budget of entries: some batches
/// wait or get a 503 with `Retry-After`, memory stays bounded, the others are answered whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_small_entries_are_held_to_the_entry_budget() {
    let served = unthrottled();
    let http = http();
    let url = served.url("/api/v1/vins/batch");
    let tiny = format!("{{\"vins\":[{}\"1\"]}}", "\"1\",".repeat(90_000)).into_bytes();
    let bodies = (0..20)
        .map(|_| ("application/json", "text/csv", tiny.clone()))
        .collect();
    let answers = send_all(&http, &url, bodies).await;
    let statuses: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
    assert!(
        statuses.iter().all(|&s| s == 200 || s == 503),
        "statuses {statuses:?}"
    );
    assert!(statuses.contains(&200), "some were decoded: {statuses:?}");
    // A refused batch says when to come back.
    for (status, retry_after) in &answers {
        if *status == 503 {
            assert_eq!(retry_after.as_deref(), Some("2"));
        }
    }
    assert_peak_within_limit(&served);
}
