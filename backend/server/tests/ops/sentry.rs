//! A forced 500 and a forced panic reach a Sentry-compatible stub (a loopback HTTP server that
//! records envelopes) with the request id and route, and with VINs, IPs and tokens scrubbed.

use std::time::Duration;

use poem::{
    EndpointExt, Route, Server as PoemServer, handler, listener::TcpAcceptor, post, web::Data,
};
use serde_json::Value;
use tokio::sync::mpsc;

use crate::helpers::{BIN, Server, VIN, http};

const BOT_TOKEN: &str = "987654321:AAH-test-token-abcdefghijklmnopqrstuvwxyz";
const WEBHOOK_SECRET: &str = "webhook-secret-0123456789-abcdefghijklmnop";
const CLIENT_IP: &str = "198.51.100.23";

#[handler]
fn record_envelope(body: Vec<u8>, tx: Data<&mpsc::UnboundedSender<Vec<u8>>>) -> &'static str {
    let _ = tx.send(body);
    "{}"
}

/// Starts the stub on 127.0.0.1:0; returns its port and the received envelopes.
async fn sentry_stub() -> (u16, mpsc::UnboundedReceiver<Vec<u8>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind stub");
    let port = listener.local_addr().expect("addr").port();
    let (tx, rx) = mpsc::unbounded_channel();
    let app = Route::new()
        .at("/api/:project/envelope/", post(record_envelope))
        .data(tx);
    let acceptor = TcpAcceptor::from_tokio(listener).expect("acceptor");
    tokio::spawn(PoemServer::new_with_acceptor(acceptor).run(app));
    (port, rx)
}

/// The event items of an envelope (header line, then item header + payload pairs).
fn events(envelope: &[u8]) -> Vec<Value> {
    let text = String::from_utf8_lossy(envelope);
    let mut lines = text.lines().skip(1);
    let mut out = Vec::new();
    while let (Some(header), Some(payload)) = (lines.next(), lines.next()) {
        let header: Value = serde_json::from_str(header).unwrap_or_default();
        if header["type"] == "event" {
            out.push(serde_json::from_str(payload).expect("event payload is JSON"));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn forced_errors_reach_sentry_scrubbed_with_request_id_and_route() {
    let (port, mut envelopes) = sentry_stub().await;
    let dsn = format!("http://publickey@127.0.0.1:{port}/42");
    let mut server = Server::with_env(
        BIN,
        &[
            ("SENTRY_DSN", dsn.as_str()),
            ("VINBOT_DEBUG_ROUTES", "true"),
            ("TELEGRAM_BOT_TOKEN", BOT_TOKEN),
            ("TELEGRAM_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ],
    );
    let http = http();
    let mut ids = Vec::new();
    for path in ["/_debug/error", "/_debug/panic"] {
        let resp = http
            .get(server.url(&format!("{path}?vin={VIN}&token={BOT_TOKEN}")))
            .header("X-Forwarded-For", CLIENT_IP)
            .header("Authorization", format!("Bearer {WEBHOOK_SECRET}"))
            .send()
            .await
            .expect("request");
        assert_eq!(resp.status().as_u16(), 500, "{path}");
        let id = resp.headers()["x-request-id"]
            .to_str()
            .expect("id")
            .to_owned();
        let body: Value = resp.json().await.expect("JSON envelope");
        assert_eq!(body["code"], "internal");
        assert_eq!(
            body["message"], "Internal server error.",
            "generic 5xx body"
        );
        ids.push(id);
    }

    let mut received = Vec::new();
    let mut raw = Vec::new();
    while received.len() < 2 {
        let envelope = tokio::time::timeout(Duration::from_secs(20), envelopes.recv())
            .await
            .expect("Sentry envelopes within 20 s")
            .expect("stub running");
        received.extend(events(&envelope));
        raw.push(envelope);
    }

    for (event, id) in received.iter().zip(&ids) {
        let text = event.to_string();
        assert_eq!(event["tags"]["request_id"], id.as_str(), "{text}");
        assert_eq!(
            event["release"],
            concat!("vinbot@", env!("CARGO_PKG_VERSION"))
        );
        assert_eq!(event["environment"], "development");
        assert!(text.contains("1HGCM82633A******"), "VIN cut to 11: {text}");
    }
    assert_eq!(
        received[0]["tags"]["route"], "/_debug/error",
        "{}",
        received[0]
    );
    for envelope in &raw {
        let text = String::from_utf8_lossy(envelope);
        for secret in [
            VIN,
            "203.0.113.7",
            CLIENT_IP,
            BOT_TOKEN,
            "123456789:AAF-debug-token",
            WEBHOOK_SECRET,
        ] {
            assert!(!text.contains(secret), "{secret} reached Sentry:\n{text}");
        }
    }

    // The request's log lines carry its span (request id and route template).
    server.drain();
    let failed = server
        .wait_for(|v| v["message"] == "request failed")
        .expect("the error was logged");
    assert_eq!(failed["span"]["request_id"], ids[0].as_str(), "{failed}");
    assert_eq!(failed["span"]["route"], "/_debug/error", "{failed}");
}
