//! Test harness: `vinbot serve` child processes (port 0, address read from the log), private
//! `redis-server` processes on free ports, and assertions on the 429 answer.

use std::{
    net::TcpListener,
    process::Stdio,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use fred::prelude::*;
use reqwest::StatusCode;
use serde_json::Value;
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

pub use vinbot_testkit::env::{
    data_dir, redis_url as shared_redis, require_redis as require_shared_redis,
};

/// A VIN that decodes.
pub const VIN: &str = "1HGCM82633A004352";

/// A fresh key prefix; the tests' buckets expire within a minute by themselves.
pub fn unique_prefix() -> String {
    format!("vinbot-test-{}:", uuid::Uuid::now_v7().simple())
}

/// A free TCP port (for a `redis-server` we start).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// A plain fred client for assertions on Redis contents.
pub async fn redis_client(url: &str) -> Client {
    let client = Client::new(Config::from_url(url).expect("redis url"), None, None, None);
    client.init().await.expect("connect to Redis");
    client
}

/// `vinbot` with the data directory and no inherited logging settings.
pub fn vinbot() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_vinbot"));
    cmd.env("VINBOT_DATA_DIR", data_dir())
        .env_remove("RUST_LOG")
        .env_remove("REDIS_URL")
        .env_remove("DATABASE_URL");
    cmd
}

/// `vinbot apikey …` against `database_url`; returns stdout.
pub fn apikey(database_url: &str, args: &[&str]) -> String {
    let out = vinbot()
        .env("DATABASE_URL", database_url)
        .arg("apikey")
        .args(args)
        .output()
        .expect("run vinbot apikey");
    assert!(
        out.status.success(),
        "vinbot apikey {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// A running `vinbot serve`.
pub struct Server {
    /// `http://127.0.0.1:port`.
    pub base: String,
    /// Log lines so far (JSON, fields flattened).
    pub logs: Arc<Mutex<Vec<String>>>,
    _child: Child,
    _db_dir: Option<tempfile::TempDir>,
}

impl Server {
    /// Starts `vinbot serve` with `env` and waits until it listens.
    pub async fn start(env: &[(&str, &str)]) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_vinbot"));
        cmd.arg("serve")
            .env("VINBOT_DATA_DIR", data_dir())
            .env("PORT", "0")
            .env("METRICS_PORT", "0")
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .env_remove("REDIS_URL")
            .env_remove("DATABASE_URL")
            .env_remove("TRUST_FLY_CLIENT_IP")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for (k, v) in env {
            cmd.env(k, v);
        }
        // Never the default SQLite file in the shared data directory.
        let db_dir = (!env.iter().any(|(k, _)| *k == "DATABASE_URL")).then(|| {
            let dir = tempfile::tempdir().expect("tempdir");
            cmd.env(
                "DATABASE_URL",
                format!("sqlite://{}?mode=rwc", dir.path().join("v.db").display()),
            );
            dir
        });
        let mut child = cmd.spawn().expect("spawn vinbot serve");
        let stderr = child.stderr.take().expect("stderr");
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = tokio::sync::oneshot::channel::<u16>();
        let sink = logs.clone();
        // Keep draining the log so the child never blocks on a full pipe.
        tokio::spawn(async move {
            let mut tx = Some(tx);
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                // Ours, not poem's own "listening" line of the metrics listener.
                if let Ok(v) = serde_json::from_str::<Value>(&line)
                    && v["message"] == "listening"
                    && v["target"] == "vinbot_server::startup"
                    && let Some(port) = v["addr"]
                        .as_str()
                        .and_then(|a| a.rsplit(':').next())
                        .and_then(|p| p.parse().ok())
                    && let Some(tx) = tx.take()
                {
                    let _ = tx.send(port);
                }
                sink.lock().expect("logs").push(line);
            }
        });
        let port = tokio::time::timeout(Duration::from_secs(120), rx)
            .await
            .expect("vinbot serve did not start listening within 120 s")
            .unwrap_or_else(|_| panic!("vinbot serve exited: {:?}", logs.lock().expect("logs")));
        Self {
            base: format!("http://127.0.0.1:{port}"),
            logs,
            _child: child,
            _db_dir: db_dir,
        }
    }

    /// `base + path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Log lines whose message is `message`.
    pub fn count_logs(&self, message: &str) -> usize {
        self.logs
            .lock()
            .expect("logs")
            .iter()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|v| v["message"] == message)
            .count()
    }

    /// Polls `/health/ready` until `checks.redis` is `want` (waits on readiness, not on time).
    pub async fn wait_redis(&self, http: &reqwest::Client, want: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let body: Value = http
                .get(self.url("/health/ready"))
                .send()
                .await
                .expect("ready")
                .json()
                .await
                .expect("json");
            if body["checks"]["redis"] == want {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "redis never became {want}: {body}"
            );
            tokio::task::yield_now().await;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A `redis-server` of our own (killed on drop).
pub struct OwnRedis {
    /// Its port.
    pub port: u16,
    child: Option<std::process::Child>,
}

impl OwnRedis {
    /// Starts one on `port` without persistence and waits until it answers PING.
    pub async fn start(port: u16) -> Self {
        let child = std::process::Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server must be installed for this test");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Self {
            port,
            child: Some(child),
        }
    }

    /// `redis://127.0.0.1:port`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills it (SIGKILL) and waits for it to exit.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// An HTTP client that never uses a proxy.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

/// Asserts a 429: envelope `rate_limited`, integer `Retry-After` ≥ 1, `RateLimit*` headers.
pub async fn assert_rate_limited(resp: reqwest::Response) {
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let h = resp.headers();
    let retry: u64 = h
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("integer Retry-After");
    assert!(retry >= 1, "Retry-After {retry}");
    assert!(h.contains_key("ratelimit-policy"), "RateLimit-Policy");
    assert!(
        h.get("ratelimit")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains(";r=0;")),
        "RateLimit {:?}",
        h.get("ratelimit")
    );
    let id = h
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("X-Request-Id")
        .to_owned();
    let body: Value = resp.json().await.expect("json body");
    assert_eq!(body["code"], "rate_limited", "{body}");
    assert_eq!(body["request_id"], id.as_str(), "{body}");
}

/// Sends `GET /api/v1/vins/{VIN}` with extra headers; returns the response.
pub async fn decode(
    http: &reqwest::Client,
    server: &Server,
    headers: &[(&str, String)],
) -> reqwest::Response {
    let mut req = http.get(server.url(&format!("/api/v1/vins/{VIN}")));
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    req.send().await.expect("request")
}
