//! A server with sign-in on, over a fresh test database, with a hand-moved auth clock; and
//! a client that signs Login Widget payloads like Telegram and carries the refresh cookie.

use std::{
    collections::{BTreeMap, HashMap},
    net::SocketAddr,
    sync::Arc,
    time::Duration,
};

use chrono::Utc;
use serde_json::{Value, json};
use vinbot_server::{
    auth::{ManualClock, telegram_login},
    config::Settings,
    db::recorder::RecorderHandle,
    startup::Application,
};

use crate::db_helpers::{Backend, TestDb};

/// The test bot's token (signs the payloads).
pub const BOT_TOKEN: &str = "424242:AUTH-test-token";
/// The page's origin.
pub const ORIGIN: &str = "https://page.example";
/// A Telegram user listed in `ADMIN_TELEGRAM_IDS`.
pub const ADMIN: i64 = 1000;
/// Signing key of access tokens.
pub const SECRET_KEY: &str = "auth-tests-dashboard-secret-key-0123456789";
pub const HONDA: &str = "1HGCM82633A004352";

use vinbot_testkit::app::decoder;

/// A running server.
pub struct AuthApp {
    pub addr: SocketAddr,
    pub http: reqwest::Client,
    pub clock: ManualClock,
    pub db: TestDb,
    pub recorder: RecorderHandle,
    _stop: tokio::sync::oneshot::Sender<()>,
}

pub async fn spawn(backend: Backend) -> AuthApp {
    spawn_with(backend, &[]).await
}

pub async fn spawn_with(backend: Backend, overrides: &[(&str, &str)]) -> AuthApp {
    let db = TestDb::new(backend).await;
    let mut map: HashMap<String, String> = HashMap::new();
    for (k, v) in [
        (
            "HOME",
            std::env::var("HOME").unwrap_or_else(|_| "/tmp".into()),
        ),
        ("PORT", "0".into()),
        ("METRICS_PORT", "0".into()),
        ("RATE_LIMIT_ANON_PER_MINUTE", "100000".into()),
        ("RATE_LIMIT_KEY_PER_MINUTE", "100000".into()),
        ("DATABASE_URL", db.url.clone()),
        ("DASHBOARD_ALLOWED_ORIGINS", ORIGIN.into()),
        ("DASHBOARD_SECRET_KEY", SECRET_KEY.into()),
        ("TELEGRAM_BOT_TOKEN", BOT_TOKEN.into()),
        (
            "TELEGRAM_WEBHOOK_SECRET",
            "auth-test-webhook-secret-0123456789-abc".into(),
        ),
        ("TELEGRAM_BOT_USERNAME", "vin_test_bot".into()),
        ("ADMIN_TELEGRAM_IDS", ADMIN.to_string()),
        ("STATS_FLUSH_INTERVAL_MS", "20".into()),
        ("API_KEY_CACHE_SECONDS", "0".into()),
    ] {
        map.insert(k.into(), v);
    }
    for (k, v) in overrides {
        map.insert((*k).into(), (*v).into());
    }
    let settings = Settings::from_lookup(move |k| map.get(k).cloned()).expect("settings");
    let clock = ManualClock::new(Utc::now());
    let app = Application::builder(settings)
        .decoder(decoder())
        .host(std::net::Ipv4Addr::LOCALHOST.into())
        .clock(Arc::new(clock.clone()))
        .build()
        .await
        .expect("start the server");
    let recorder = app
        .state()
        .history
        .as_ref()
        .expect("history")
        .recorder
        .clone();
    let addr = app.local_addr();
    let (stop, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = rx.await;
    }));
    AuthApp {
        addr,
        http: reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client"),
        clock,
        db,
        recorder,
        _stop: stop,
    }
}

/// A Login Widget payload for `id`, signed with `token`, dated `auth_date`.
pub fn payload_signed(token: &str, id: i64, auth_date: i64) -> Value {
    let mut fields = BTreeMap::new();
    fields.insert("id".to_owned(), id.to_string());
    fields.insert("first_name".to_owned(), format!("User{id}"));
    fields.insert("username".to_owned(), format!("user{id}"));
    fields.insert("auth_date".to_owned(), auth_date.to_string());
    let hash = telegram_login::sign(token, &fields);
    // As the widget sends it: numbers as JSON numbers.
    json!({
        "id": id, "first_name": format!("User{id}"), "username": format!("user{id}"),
        "auth_date": auth_date, "hash": hash
    })
}

/// What a signed-in client holds.
#[derive(Debug, Clone)]
pub struct Signed {
    pub access: String,
    pub cookie: String,
    pub set_cookie: String,
    pub body: Value,
}

impl AuthApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A fresh payload for `id` at the server's clock.
    pub fn payload(&self, id: i64) -> Value {
        payload_signed(BOT_TOKEN, id, self.clock_now())
    }

    pub fn clock_now(&self) -> i64 {
        use vinbot_server::auth::Clock;
        self.clock.now().timestamp()
    }

    pub async fn post_login(&self, payload: &Value) -> reqwest::Response {
        self.http
            .post(self.url("/api/v1/auth/telegram"))
            .header("Origin", ORIGIN)
            .json(payload)
            .send()
            .await
            .expect("reachable")
    }

    /// Signs `id` in; panics unless it works.
    pub async fn sign_in(&self, id: i64) -> Signed {
        let resp = self.post_login(&self.payload(id)).await;
        assert_eq!(resp.status(), 200, "sign-in of {id}");
        signed(resp).await
    }

    /// `POST /api/v1/auth/refresh` with the cookie value `cookie`.
    pub async fn refresh(&self, cookie: &str) -> reqwest::Response {
        self.http
            .post(self.url("/api/v1/auth/refresh"))
            .header("Origin", ORIGIN)
            .header("Cookie", format!("vinbot_refresh={cookie}"))
            .send()
            .await
            .expect("reachable")
    }

    pub async fn get(&self, path: &str, access: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(access)
            .send()
            .await
            .expect("reachable")
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        access: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut req = self
            .http
            .request(method, self.url(path))
            .bearer_auth(access);
        if let Some(body) = body {
            req = req.json(&body);
        }
        req.send().await.expect("reachable")
    }

    /// Waits (on the recorder's progress, no polling) until `n` events were written.
    pub async fn wait_written(&self, n: u64) {
        let mut progress = self.recorder.progress();
        tokio::time::timeout(
            Duration::from_secs(30),
            progress.wait_for(|c| c.written >= n),
        )
        .await
        .expect("events written in time")
        .expect("recorder alive");
    }
}

/// The tokens of a sign-in or refresh answer.
pub async fn signed(resp: reqwest::Response) -> Signed {
    let set_cookie = resp
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("Set-Cookie")
        .to_owned();
    let cookie = set_cookie
        .split(';')
        .next()
        .and_then(|kv| kv.strip_prefix("vinbot_refresh="))
        .expect("the refresh cookie")
        .to_owned();
    let body: Value = resp.json().await.expect("JSON");
    Signed {
        access: body["access_token"]
            .as_str()
            .expect("access token")
            .to_owned(),
        cookie,
        set_cookie,
        body,
    }
}

/// Asserts a 4xx in the envelope with `code`; returns the body.
pub async fn assert_error(resp: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(resp.status().as_u16(), status, "status");
    let header_id = resp
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("X-Request-Id")
        .to_owned();
    let body: Value = resp.json().await.expect("JSON envelope");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(body["request_id"], header_id.as_str(), "{body}");
    body
}
