//! Running the real binary: environment from scratch, stderr (JSON logs) collected line by line,
//! addresses learnt from the log (PORT=0 and METRICS_PORT=0), so no fixed ports.

use std::{
    io::{BufRead, BufReader},
    net::SocketAddr,
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use serde_json::Value;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_vinbot");

/// A VIN that decodes cleanly.
pub const VIN: &str = "1HGCM82633A004352";

/// The data directory with the snapshot (as the API tests find it).
pub fn data_dir() -> PathBuf {
    let dir = vinbot_server::config::data_dir_from(|k| std::env::var(k).ok())
        .expect("cannot derive the data directory (set VINBOT_DATA_DIR or HOME)");
    assert!(
        dir.join("vpic.snapshot").is_file(),
        "the ops tests need the vPIC snapshot in {}: run scripts/fetch-vpic-data and `vinbot data build`",
        dir.display()
    );
    dir
}

/// A running `vinbot serve`, killed when dropped.
pub struct Server {
    child: Child,
    lines: mpsc::Receiver<String>,
    /// Every stderr line seen so far.
    pub log: Vec<String>,
    /// The public HTTP address.
    pub http: SocketAddr,
    /// The metrics address.
    pub metrics: SocketAddr,
    /// Keeps the temporary database directory alive.
    _tmp: tempfile::TempDir,
}

impl Server {
    /// Starts `vinbot serve` with only `env` (plus PATH/HOME) and waits for both listeners.
    pub fn start(env: &[(&str, &str)]) -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let db = format!(
            "sqlite://{}?mode=rwc",
            tmp.path().join("vinbot.db").display()
        );
        let mut cmd = Command::new(BIN);
        cmd.arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", tmp.path())
            .env("VINBOT_DATA_DIR", data_dir())
            .env("DATABASE_URL", db)
            .env("PORT", "0")
            .env("METRICS_PORT", "0")
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn vinbot serve");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Self {
            child,
            lines,
            log: Vec::new(),
            http: "0.0.0.0:0".parse().expect("addr"),
            metrics: "0.0.0.0:0".parse().expect("addr"),
            _tmp: tmp,
        };
        // poem logs its own "listening" lines; ours come from our modules.
        server.http =
            loopback(&server.wait_for_ours("vinbot_server::startup", "listening")["addr"]);
        server.metrics = loopback(
            &server.wait_for_ours(
                "vinbot_server::observability::exporter",
                "metrics listening",
            )["addr"],
        );
        server
    }

    /// Waits (up to 60 s: the snapshot loads first) for a JSON log line of `target` with this
    /// `message`.
    pub fn wait_for_ours(&mut self, target: &str, message: &str) -> Value {
        self.wait_for(|v| v["target"] == target && v["message"] == message)
            .unwrap_or_else(|| panic!("no log line {message:?}; log:\n{}", self.log.join("\n")))
    }

    /// Waits for a JSON log line matching `pred`; `None` when the process exits or 60 s pass.
    pub fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        if let Some(v) = self.parsed().into_iter().find(&pred) {
            return Some(v);
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let line = self.lines.recv_timeout(left).ok()?;
            self.log.push(line.clone());
            if let Ok(v) = serde_json::from_str::<Value>(&line)
                && pred(&v)
            {
                return Some(v);
            }
        }
        None
    }

    /// Collects the lines logged so far without waiting.
    pub fn drain(&mut self) {
        while let Ok(line) = self.lines.try_recv() {
            self.log.push(line);
        }
    }

    /// The log lines that are JSON (a panic's message from the default hook is not).
    pub fn parsed(&self) -> Vec<Value> {
        self.log
            .iter()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// `http://{public address}{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.http)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The server logs `0.0.0.0:port`; tests connect to loopback.
fn loopback(addr: &Value) -> SocketAddr {
    let addr: SocketAddr = addr
        .as_str()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("addr field {addr}"));
    SocketAddr::from(([127, 0, 0, 1], addr.port()))
}

/// A client that never uses a proxy.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}
