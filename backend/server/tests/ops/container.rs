//! The container's start command (`vinbot serve`, VINBOT_DATA_DIR holding only the snapshot,
//! LOG_FORMAT=json, APP_ENV=production with DASHBOARD_SECRET_KEY) starts and is ready in a
//! network namespace that has nothing but loopback (`unshare -rn`), probed by the same
//! `vinbot healthcheck` the Dockerfile's HEALTHCHECK runs.

use std::process::Command;

use crate::helpers::{BIN, data_dir};

const SCRIPT: &str = r#"
set -u
ip link set lo up
if ip -o link | grep -v ': lo:' | grep -q .; then echo "netns has more than loopback"; exit 3; fi
env -i PATH="$PATH" HOME="$WORK" VINBOT_DATA_DIR="$WORK/data" LOG_FORMAT=json APP_ENV=production \
    DASHBOARD_SECRET_KEY=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef \
    PORT=8080 METRICS_PORT=9091 "$BIN" serve 2>"$WORK/serve.log" &
pid=$!
ready=""
# Poll readiness as Docker's HEALTHCHECK does (the snapshot loads before the port is bound).
for _ in $(seq 1 600); do
  if out=$(PORT=8080 "$BIN" healthcheck --path /health/ready 2>/dev/null); then ready="$out"; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
echo "ready: $ready"
PORT=8080 "$BIN" healthcheck && echo "live: ok"
PORT=9091 "$BIN" healthcheck --path /metrics && echo "metrics: ok"
kill -TERM "$pid"
wait "$pid"
echo "exit: $?"
"#;

#[test]
fn container_start_command_is_ready_with_only_loopback() {
    let work = tempfile::tempdir().expect("tempdir");
    let data = work.path().join("data");
    std::fs::create_dir(&data).expect("data dir");
    std::fs::copy(data_dir().join("vpic.snapshot"), data.join("vpic.snapshot"))
        .expect("copy snapshot");

    let out = Command::new("unshare")
        .args(["-rn", "sh", "-c", SCRIPT])
        .env("WORK", work.path())
        .env("BIN", BIN)
        .output()
        .unwrap_or_else(|e| panic!("this test needs `unshare -rn` (util-linux): {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let log = std::fs::read_to_string(work.path().join("serve.log")).unwrap_or_default();
    let report = format!(
        "stdout:\n{stdout}\nstderr:\n{}\nserve.log:\n{log}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{report}");
    assert!(stdout.contains("ready: /health/ready: 200"), "{report}");
    assert!(stdout.contains("live: ok"), "{report}");
    assert!(stdout.contains("metrics: ok"), "{report}");
    assert!(
        stdout.contains("exit: 0"),
        "graceful exit on SIGTERM: {report}"
    );
    // Production logs: every line JSON.
    assert!(!log.trim().is_empty(), "{report}");
    for line in log.lines() {
        serde_json::from_str::<serde_json::Value>(line)
            .unwrap_or_else(|e| panic!("log line is not JSON ({e}): {line}"));
    }
    // Nothing else was written to the data directory but the default SQLite database.
    let mut files: Vec<_> = std::fs::read_dir(&data)
        .expect("read data dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|f| !f.starts_with("vinbot.db"))
        .collect();
    files.sort();
    assert_eq!(files, ["vpic.snapshot"], "{report}");
}
