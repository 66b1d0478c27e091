//! HTTP details an attacker or a browser sees: 414 and 431 in the envelope (also for heads
//! hyper parses on a real socket), 405 with `Allow`, the CORS
//! expose list naming the headers actually sent, wrong API keys throttled, `HEAD` on a decode
//! route neither a decode nor charged, a readiness change logged once, the drain figure of the
//! deployment guide equal to the code's.

use std::time::Duration;

use serde_json::Value;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use vinbot_testkit::process::{Launch, Served, http};

use crate::helpers::{ALLOWED_ORIGIN, assert_envelope, client, spawn_app};

const GOOD: &str = "1HGCM82633A004352";

#[tokio::test]
async fn an_over_long_uri_is_414_in_the_envelope() {
    let resp = client()
        .get(format!("/api/v1/vins/{}", "A".repeat(9000)))
        .send()
        .await;
    assert_envelope(resp, 414, "invalid_request").await;
    let resp = client()
        .get(format!("/api/v1/makes?x={}", "A".repeat(9000)))
        .send()
        .await;
    assert_envelope(resp, 414, "invalid_request").await;
}

/// Sends `head` (ending in `Connection: close` and the blank line) on a fresh connection and
/// reads the answer to the end: status, lower-cased head text, body.
async fn raw_exchange(addr: std::net::SocketAddr, head: &[u8]) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(head).await.expect("send the head");
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("the server answers within 10 s")
        .expect("read the answer");
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete answer head");
    let head = String::from_utf8_lossy(&answer[..split]).to_ascii_lowercase();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    (status, head, answer[split + 4..].to_vec())
}

/// A GET of a decode with `headers` after `Host`.
fn get_with_headers(target: &str, headers: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nHost: x\r\n{headers}Connection: close\r\n\r\n").into_bytes()
}

fn assert_raw_envelope((status, head, body): (u16, String, Vec<u8>), want: u16, case: &str) {
    assert_eq!(status, want, "{case}: status ({head})");
    assert!(
        head.contains("content-type: application/json"),
        "{case}: a JSON answer ({head})"
    );
    let body: Value = serde_json::from_slice(&body).expect("a JSON body");
    assert_eq!(body["code"], "invalid_request", "{case}: {body}");
    let id = body["request_id"].as_str().expect("request_id");
    assert!(
        head.contains(&format!("x-request-id: {id}")),
        "{case}: the body's request id in the head ({head})"
    );
}

/// Heads that hyper parses but that are over the server's own limits: one 100 KB header, 100 KB
/// in 1,000 small headers (hyper alone stops at 100 headers, without a body), a 20 KB URI. A
/// head of 30 headers of 500 bytes is still answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_request_heads_on_a_socket_are_431_and_414_in_the_envelope() {
    let app = spawn_app().await;
    let target = format!("/api/v1/vins/{GOOD}");
    let one_big = format!("X-Big: {}\r\n", "a".repeat(100_000));
    let big = raw_exchange(app.addr, &get_with_headers(&target, &one_big)).await;
    assert_raw_envelope(big, 431, "one 100 KB header");
    let many: String = (0..1000)
        .map(|i| format!("X-H{i}: {}\r\n", "b".repeat(90)))
        .collect();
    let many = raw_exchange(app.addr, &get_with_headers(&target, &many)).await;
    assert_raw_envelope(many, 431, "1,000 headers of 100 bytes");
    let long_uri = format!("{target}?x={}", "a".repeat(20_000));
    let long = raw_exchange(app.addr, &get_with_headers(&long_uri, "")).await;
    assert_raw_envelope(long, 414, "a 20 KB URI");
    let usual: String = (0..30)
        .map(|i| format!("X-H{i}: {}\r\n", "c".repeat(490)))
        .collect();
    let (status, head, _) = raw_exchange(app.addr, &get_with_headers(&target, &usual)).await;
    assert_eq!(status, 200, "30 headers of 500 bytes ({head})");
    app.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_wrong_method_is_405_with_allow() {
    let c = client();
    for (method, path, allow) in [
        ("GET", "/api/v1/vins/batch", "POST"),
        ("DELETE", "/api/v1/meta", "GET, HEAD"),
        ("PUT", &*format!("/api/v1/vins/{GOOD}"), "GET, HEAD"),
        ("GET", "/api/vehicles/DecodeVinValuesBatch", "POST"),
    ] {
        let req = match method {
            "GET" => c.get(path),
            "DELETE" => c.delete(path),
            _ => c.put(path),
        };
        let resp = req.send().await;
        let got = resp
            .0
            .headers()
            .get("allow")
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(got.as_deref(), Some(allow), "{method} {path}");
        assert_envelope(resp, 405, "invalid_request").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_exposes_exactly_the_headers_sent() {
    let served = Served::start(
        crate::BIN,
        Launch {
            env: vec![
                ("DASHBOARD_ALLOWED_ORIGINS", ALLOWED_ORIGIN.to_owned()),
                ("RATE_LIMIT_ANON_PER_MINUTE", "1".to_owned()),
            ],
            ..Launch::default()
        },
    );
    let http = http();
    let get = || {
        http.get(served.url(&format!("/api/v1/vins/{GOOD}")))
            .header("origin", ALLOWED_ORIGIN)
            .send()
    };
    let ok = get().await.unwrap();
    assert_eq!(ok.status(), 200);
    let refused = get().await.unwrap();
    assert_eq!(refused.status(), 429);
    let exposed: Vec<String> = ok.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .split(',')
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let mut sent: Vec<String> = Vec::new();
    for resp in [&ok, &refused] {
        for name in [
            "ratelimit",
            "ratelimit-policy",
            "retry-after",
            "x-request-id",
        ] {
            if resp.headers().contains_key(name) && !sent.iter().any(|s| s == name) {
                sent.push(name.to_owned());
            }
        }
    }
    sent.sort();
    let mut exposed_sorted = exposed.clone();
    exposed_sorted.sort();
    assert_eq!(exposed_sorted, sent, "exposed {exposed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_api_keys_are_throttled_like_anonymous_requests() {
    let served = Served::start(
        crate::BIN,
        Launch {
            env: vec![("RATE_LIMIT_ANON_PER_MINUTE", "5".to_owned())],
            ..Launch::default()
        },
    );
    let http = http();
    let mut statuses = Vec::new();
    for i in 0..8 {
        let key = format!("vb_Wrong{i:03}{}", "x".repeat(32));
        let resp = http
            .get(served.url(&format!("/api/v1/vins/{GOOD}")))
            .header("x-api-key", key)
            .send()
            .await
            .unwrap();
        statuses.push(resp.status().as_u16());
    }
    assert_eq!(&statuses[..5], &[401; 5], "{statuses:?}");
    assert!(statuses[5..].iter().all(|&s| s == 429), "{statuses:?}");
    // The guesses used the anonymous quota.
    let anon = http
        .get(served.url(&format!("/api/v1/vins/{GOOD}")))
        .send()
        .await
        .unwrap();
    assert_eq!(anon.status(), 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn head_on_a_decode_route_is_neither_a_decode_nor_charged() {
    let mut served = Served::start(
        crate::BIN,
        Launch {
            env: vec![
                ("RATE_LIMIT_ANON_PER_MINUTE", "3".to_owned()),
                ("STATS_FLUSH_INTERVAL_MS", "600000".to_owned()),
            ],
            ..Launch::default()
        },
    );
    let http = http();
    for path in [
        format!("/api/v1/vins/{GOOD}"),
        format!("/api/vehicles/DecodeVinValues/{GOOD}?format=json"),
        format!("/api/vehicles/DecodeVin/{GOOD}"),
    ] {
        for _ in 0..4 {
            let resp = http.head(served.url(&path)).send().await.unwrap();
            assert_eq!(resp.status(), 200, "HEAD {path}");
            assert!(resp.headers().contains_key("content-type"), "HEAD {path}");
        }
    }
    let bad = http
        .head(served.url("/api/v1/vins/%C3%A9"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let resp = http
        .get(served.url(&format!("/api/v1/vins/{GOOD}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "the quota is untouched by HEAD");
    let remaining = resp.headers()["ratelimit"].to_str().unwrap().to_owned();
    assert!(remaining.contains("r=2"), "{remaining}");
    assert!(served.terminate(Duration::from_secs(40)), "clean exit");
    let stopped = served
        .parsed()
        .into_iter()
        .find(|v| v["message"] == "stats recorder stopped")
        .expect("recorder shutdown log");
    assert_eq!(
        stopped["flushed"], 1,
        "only the GET was a decode: {stopped}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_readiness_change_is_logged_once() {
    let mut served = Served::start(
        crate::BIN,
        Launch {
            // Nothing listens on port 1: the database is unreachable, the instance degraded.
            env: vec![(
                "DATABASE_URL",
                "postgres://postgres@127.0.0.1:1/vinbot".to_owned(),
            )],
            ..Launch::default()
        },
    );
    let http = http();
    for _ in 0..5 {
        let resp = http.get(served.url("/health/ready")).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(body["checks"]["database"], "degraded", "{body}");
    }
    served.drain();
    let logged = served
        .parsed()
        .into_iter()
        .filter(|v| v["message"] == "readiness degraded")
        .count();
    assert_eq!(logged, 1, "one log line for one change, not one per probe");
}

#[test]
fn the_deployment_guide_states_the_drain_of_the_code() {
    let guide =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/DEPLOY.md"))
            .expect("docs/DEPLOY.md");
    let drain = vinbot_server::config::HttpSettings::default()
        .shutdown_timeout
        .as_secs();
    let flush = vinbot_server::history::FLUSH_DEADLINE.as_secs();
    let line = guide
        .lines()
        .find(|l| l.starts_with("| shutdown |"))
        .expect("the shutdown row of the deployment guide");
    assert!(
        line.contains(&format!("in-flight requests for up to {drain} s")),
        "{line}"
    );
    assert!(line.contains(&format!("for up to {flush} s")), "{line}");
    assert!(
        line.contains(&format!("{} s in all", drain + flush)),
        "{line}"
    );
}
