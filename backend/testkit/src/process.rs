//! `vinbot` as a child process, as an operator runs it: an environment from scratch ([`command`]),
//! and `vinbot serve` ([`Served`]) with JSON logs collected line by line, addresses learnt from the log
//! (`PORT=0`, `METRICS_PORT=0`), optionally under a file-size limit (`ulimit -f`), with SIGTERM and
//! peak memory (VmHWM) at hand.

use std::{
    io::{BufRead, BufReader},
    net::SocketAddr,
    path::Path,
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use serde_json::Value;

use crate::env::snapshot_dir;

/// The environment every child starts from: nothing inherited but `PATH`, `HOME` set to `home`, the
/// tests' data directory, JSON logs at `info`.
pub fn base_env(home: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("PATH", std::env::var("PATH").unwrap_or_default()),
        ("HOME", home.display().to_string()),
        ("VINBOT_DATA_DIR", snapshot_dir().display().to_string()),
        ("LOG_FORMAT", "json".to_owned()),
        ("RUST_LOG", "info,sqlx=warn".to_owned()),
    ]
}

/// `bin` with [`base_env`] only (add arguments and environment on top).
pub fn command(bin: &str, home: &Path) -> Command {
    let mut cmd = Command::new(bin);
    cmd.env_clear().envs(base_env(home)).stdin(Stdio::null());
    cmd
}

/// Runs `bin args` with [`base_env`] plus `env` and returns its stdout; panics when it fails.
pub fn run_ok(bin: &str, home: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = command(bin, home)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("run vinbot");
    assert!(
        out.status.success(),
        "vinbot {args:?}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

/// How to start the child.
#[derive(Default)]
pub struct Launch<'a> {
    /// Extra environment (over the defaults below).
    pub env: Vec<(&'a str, String)>,
    /// `ulimit -f` in 1024-byte blocks (bash's unit), applied to the child alone.
    pub file_size_limit_kib: Option<u64>,
}

/// A running `vinbot serve`, killed when dropped.
pub struct Served {
    child: Child,
    lines: mpsc::Receiver<String>,
    /// Every stderr line seen so far.
    pub log: Vec<String>,
    /// The public HTTP address (loopback).
    pub http: SocketAddr,
    /// The metrics address (loopback).
    pub metrics: SocketAddr,
    /// Keeps the temporary directory (database, home) alive.
    pub tmp: tempfile::TempDir,
}

impl Served {
    /// Starts `bin serve` with an SQLite history in a fresh temporary directory (unless
    /// `DATABASE_URL` is given) and waits until both listeners are bound.
    pub fn start(bin: &str, launch: Launch<'_>) -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let db = format!(
            "sqlite://{}?mode=rwc",
            tmp.path().join("vinbot.db").display()
        );
        let mut cmd = match launch.file_size_limit_kib {
            Some(kib) => {
                let mut c = Command::new("bash");
                c.arg("-c")
                    .arg(format!("ulimit -f {kib} && exec \"$0\" serve"))
                    .arg(bin);
                c
            }
            None => {
                let mut c = Command::new(bin);
                c.arg("serve");
                c
            }
        };
        cmd.env_clear()
            .envs(base_env(tmp.path()))
            .env("DATABASE_URL", db)
            .env("PORT", "0")
            .env("METRICS_PORT", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in &launch.env {
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
        let mut served = Self {
            child,
            lines,
            log: Vec::new(),
            http: SocketAddr::from(([127, 0, 0, 1], 0)),
            metrics: SocketAddr::from(([127, 0, 0, 1], 0)),
            tmp,
        };
        // poem logs its own "listening" lines; ours come from our modules.
        served.http =
            loopback(&served.wait_for_ours("vinbot_server::startup", "listening")["addr"]);
        served.metrics = loopback(
            &served.wait_for_ours(
                "vinbot_server::observability::exporter",
                "metrics listening",
            )["addr"],
        );
        served
    }

    /// [`Served::start`] with `env` (over the defaults) and no file-size limit.
    pub fn with_env(bin: &str, env: &[(&str, &str)]) -> Self {
        Self::start(
            bin,
            Launch {
                env: env.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
                ..Launch::default()
            },
        )
    }

    /// Waits for a JSON log line of `target` with this `message`; panics with the log when none comes.
    pub fn wait_for_ours(&mut self, target: &str, message: &str) -> Value {
        self.wait_for(|v| v["target"] == target && v["message"] == message)
            .unwrap_or_else(|| panic!("no log line {message:?}; log:\n{}", self.log.join("\n")))
    }

    /// The sum of every sample of a Prometheus metric (all label sets), 0 when absent.
    pub async fn metric(&self, name: &str) -> f64 {
        self.metrics_text()
            .await
            .lines()
            .filter(|l| {
                l.strip_prefix(name)
                    .is_some_and(|rest| rest.starts_with(' ') || rest.starts_with('{'))
            })
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    }

    /// `http://{public address}{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.http)
    }

    /// The text of `/metrics` on the metrics listener.
    pub async fn metrics_text(&self) -> String {
        http()
            .get(format!("http://{}/metrics", self.metrics))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("metrics text")
    }

    /// The child's pid.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Peak resident memory so far (VmHWM), in KiB.
    pub fn peak_rss_kib(&self) -> u64 {
        status_kib(self.pid(), "VmHWM:")
    }

    /// Waits (up to 120 s) for a JSON log line matching `pred`; `None` when the process exits.
    pub fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        if let Some(v) = self.parsed().into_iter().find(&pred) {
            return Some(v);
        }
        let deadline = Instant::now() + Duration::from_secs(120);
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

    /// Collects the lines logged so far.
    pub fn drain(&mut self) {
        while let Ok(line) = self.lines.try_recv() {
            self.log.push(line);
        }
    }

    /// The JSON log lines seen so far.
    pub fn parsed(&self) -> Vec<Value> {
        self.log
            .iter()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// Lines at `level` (`ERROR`, `WARN`) seen so far, and any line that is not JSON (a panic
    /// message from the default hook).
    pub fn lines_at(&mut self, level: &str) -> Vec<String> {
        self.drain();
        self.log
            .iter()
            .filter(|l| serde_json::from_str::<Value>(l).map_or(true, |v| v["level"] == level))
            .cloned()
            .collect()
    }

    /// Sends SIGTERM and waits (up to `within`) for the exit; returns whether it exited cleanly.
    pub fn terminate(&mut self, within: Duration) -> bool {
        if self.child.try_wait().expect("try_wait").is_none() {
            let pid = self.pid().to_string();
            let _ = Command::new("kill").args(["-TERM", &pid]).status();
        }
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                // The reader thread ends with the pipe; collect what it still holds.
                std::thread::sleep(Duration::from_millis(100));
                self.drain();
                return status.success();
            }
            if Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Served {
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

fn status_kib(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// A client that never uses a proxy and waits at most 60 s.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client")
}
