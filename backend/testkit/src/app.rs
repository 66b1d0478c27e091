//! Test harness: the real decoder on the real vPIC data (loaded once per test binary), an
//! in-process client, and `spawn_app()` for a real server on an ephemeral port.

use std::{collections::HashMap, net::SocketAddr, sync::OnceLock};

use poem::{Endpoint, Response, test::TestClient};
use serde_json::Value;
use vinbot_decoder::Decoder;
use vinbot_server::{api, config::Settings, startup::Application, state::AppState};

pub use crate::env::data_dir;

/// A dashboard origin the test settings allow.
pub const ALLOWED_ORIGIN: &str = "https://dash.example";

/// The decoder, loaded once; fails clearly when the data is missing.
pub fn decoder() -> Decoder {
    static DECODER: OnceLock<Decoder> = OnceLock::new();
    DECODER
        .get_or_init(|| {
            let dir = data_dir();
            match vinbot_server::data::open(&dir) {
                Ok(d) => d,
                Err(e) => panic!(
                    "the API tests need the real vPIC data in {}: {e:#}. Run scripts/fetch-vpic-data first.",
                    dir.display()
                ),
            }
        })
        .clone()
}

/// Test settings: defaults plus `overrides`.
pub fn settings(overrides: &[(&str, &str)]) -> Settings {
    let mut map: HashMap<String, String> = HashMap::new();
    map.insert(
        "HOME".into(),
        std::env::var("HOME").unwrap_or_else(|_| "/tmp".into()),
    );
    map.insert("PORT".into(), "0".into());
    map.insert("METRICS_PORT".into(), "0".into());
    // Servers run with rate limits on (as in production) but high enough not to get in the way.
    map.insert("RATE_LIMIT_ANON_PER_MINUTE".into(), "100000".into());
    map.insert("RATE_LIMIT_KEY_PER_MINUTE".into(), "100000".into());
    map.insert("DASHBOARD_ALLOWED_ORIGINS".into(), ALLOWED_ORIGIN.into());
    // Servers keep history in memory unless a test names a database: never in the real data dir.
    map.insert("DATABASE_URL".into(), "sqlite::memory:".into());
    // Statistics open to all, as `scripts/run` has them; access control has its own suite (tests/auth).
    map.insert("STATS_PUBLIC".into(), "true".into());
    for (k, v) in overrides {
        map.insert((*k).into(), (*v).into());
    }
    Settings::from_lookup(move |k| map.get(k).cloned()).expect("test settings are valid")
}

/// The state for `settings`.
pub fn state_with(settings: Settings) -> AppState {
    AppState::new(decoder(), settings)
}

/// An in-process client over the full middleware chain.
pub fn client() -> TestClient<impl Endpoint<Output = Response>> {
    client_for(state_with(settings(&[])))
}

/// An in-process client for a given state.
pub fn client_for(state: AppState) -> TestClient<impl Endpoint<Output = Response>> {
    TestClient::new(api::app(state))
}

/// Reads a JSON body.
pub async fn json(resp: poem::test::TestResponse) -> Value {
    resp.0
        .into_body()
        .into_json::<Value>()
        .await
        .expect("body is JSON")
}

/// Asserts the error envelope: code, a message, and the request id of the header.
pub async fn assert_envelope(resp: poem::test::TestResponse, status: u16, code: &str) -> Value {
    assert_eq!(resp.0.status().as_u16(), status, "status");
    let header_id = resp
        .0
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("X-Request-Id header")
        .to_owned();
    let body = json(resp).await;
    assert_eq!(body["code"], code, "code in {body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "message in {body}"
    );
    assert_eq!(
        body["request_id"],
        header_id.as_str(),
        "request_id in {body}"
    );
    body
}

/// A server on a real socket.
pub struct TestApp {
    /// Where it listens.
    pub addr: SocketAddr,
    /// A client for it.
    pub http: reqwest::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestApp {
    /// `http://127.0.0.1:port{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Starts graceful shutdown and waits for the server to finish.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.handle.take() {
            Some(h) => h.await.expect("server task"),
            None => Ok(()),
        }
    }

    /// Signals shutdown without waiting; returns the server task.
    pub fn begin_shutdown(&mut self) -> tokio::task::JoinHandle<std::io::Result<()>> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.handle.take().expect("server still running")
    }
}

/// Spawns a real server on 127.0.0.1:0 with the given settings; returns once it is bound
/// (the listener accepts from then on, so no waiting is needed).
pub async fn spawn_app_with(settings: Settings) -> TestApp {
    let app = Application::builder(settings)
        .decoder(decoder())
        .host(std::net::Ipv4Addr::LOCALHOST.into())
        .build()
        .await
        .expect("start the server");
    let addr = app.local_addr();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(app.run_until(async {
        let _ = rx.await;
    }));
    TestApp {
        addr,
        http: reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client"),
        stop: Some(tx),
        handle: Some(handle),
    }
}

/// Spawns a real server with the test defaults.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(settings(&[])).await
}

/// The make name of Honda in any case (the catalog keeps vPIC's `Honda`, decodes say `HONDA`).
pub fn is_honda(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("HONDA"))
}

/// Splits one CSV row (RFC 4180 quoting).
pub fn csv_fields(row: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = row.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    out.push(field);
    out
}
