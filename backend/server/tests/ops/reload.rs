//! Reloading the vPIC data of a running `vinbot serve`: SIGHUP and `POST /api/v1/admin/data/reload`
//! while decodes keep arriving. The second data set is the npm file with one make renamed, built with
//! `vinbot data build --sqlite` into the server's data directory, so the switch shows in the answers.

use std::os::unix::fs::MetadataExt;
use std::{
    path::Path,
    process::Command,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use serde_json::{Value, json};

use crate::helpers::{BIN, Server, VIN, data_dir, http, run_ok};

/// The make of [`VIN`] in the npm file, and its name in the second data set.
const MAKE: &str = "HONDA";
const RENAMED: &str = "HONDA RELOADED";

/// Runs a `vinbot` command with `env` and returns its stdout; panics on failure.
fn vinbot(args: &[&str], env: &[(&str, &str)], home: &Path) -> String {
    run_ok(BIN, home, args, env)
}

/// A copy of the npm vPIC file with [`MAKE`] renamed.
fn renamed_copy(to: &Path) {
    std::fs::copy(data_dir().join("vpic.lite.db"), to).expect("copy the vPIC file");
    let conn = rusqlite::Connection::open(to).expect("open the copy");
    let changed = conn
        .execute(
            "UPDATE Make SET Name = ?1 WHERE upper(Name) = ?2",
            [RENAMED, MAKE],
        )
        .expect("rename the make");
    assert_eq!(changed, 1, "one make named {MAKE}");
}

/// The Make of [`VIN`] in the v1 answer.
/// The inodes of the snapshot files a process has mapped (each once).
fn snapshot_inodes(pid: u32) -> Vec<u64> {
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).expect("maps");
    let mut inodes: Vec<u64> = maps
        .lines()
        .filter(|l| l.contains("vpic.snapshot"))
        .filter_map(|l| l.split_whitespace().nth(4)?.parse().ok())
        .collect();
    inodes.sort_unstable();
    inodes.dedup();
    inodes
}

async fn make_of(server: &Server) -> String {
    let body: Value = http()
        .get(server.url(&format!("/api/v1/vins/{VIN}")))
        .send()
        .await
        .expect("decode")
        .json()
        .await
        .expect("json");
    body["values"]["Make"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no Make in {body}"))
}

async fn reload(server: &Server, key: Option<&str>) -> (u16, Value) {
    let mut req = http().post(server.url("/api/v1/admin/data/reload"));
    if let Some(key) = key {
        req = req.header("X-API-Key", key);
    }
    let resp = req.send().await.expect("reload");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Decodes [`VIN`] in a loop on 4 connections until `stop`; returns (answers, failures).
fn load(server: &Server, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<(u64, Vec<String>)> {
    let url = server.url(&format!("/api/vehicles/DecodeVinValues/{VIN}?format=json"));
    tokio::spawn(async move {
        let http = http();
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let (http, url, stop) = (http.clone(), url.clone(), stop.clone());
                tokio::spawn(async move {
                    let (mut ok, mut failed) = (0u64, Vec::new());
                    while !stop.load(Ordering::Relaxed) {
                        match http.get(&url).send().await {
                            Ok(r) if r.status() == 200 => ok += 1,
                            Ok(r) => failed.push(format!("status {}", r.status())),
                            Err(e) => failed.push(e.to_string()),
                        }
                    }
                    (ok, failed)
                })
            })
            .collect();
        let mut total = (0, Vec::new());
        for w in workers {
            let (ok, failed) = w.await.expect("worker");
            total.0 += ok;
            total.1.extend(failed);
        }
        total
    })
}

fn metric(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(series))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test(flavor = "multi_thread")]
async fn sighup_and_the_admin_route_switch_the_data_under_load_without_a_failed_request() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    std::fs::create_dir(&dir).expect("data dir");
    std::fs::copy(data_dir().join("vpic.snapshot"), dir.join("vpic.snapshot"))
        .expect("copy the snapshot");
    let db = format!(
        "sqlite://{}?mode=rwc",
        tmp.path().join("vinbot.db").display()
    );
    let dir_s = dir.to_str().expect("utf-8 path");
    let env = [
        ("VINBOT_DATA_DIR", dir_s),
        ("DATABASE_URL", db.as_str()),
        ("RATE_LIMIT_ANON_PER_MINUTE", "1000000"),
    ];
    let key = vinbot(
        &["apikey", "create", "--name", "ops", "--scope", "admin"],
        &env,
        tmp.path(),
    );
    let key = key.trim().to_owned();
    let mut server = Server::with_env(BIN, &env);
    assert_eq!(make_of(&server).await, MAKE);
    let meta: Value = http()
        .get(server.url("/api/v1/meta"))
        .send()
        .await
        .expect("meta")
        .json()
        .await
        .expect("json");
    let date = meta["data"]["data_date"].as_str().expect("data_date");
    assert_eq!(meta["data_month"], date[..7]);
    let first_digest = meta["data"]["digest"].clone();

    // Only admins reload.
    assert_eq!(reload(&server, None).await.0, 401);

    let stop = Arc::new(AtomicBool::new(false));
    let traffic = load(&server, stop.clone());

    // Same snapshot: nothing changes.
    let (status, body) = reload(&server, Some(&key)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["outcome"], "unchanged");

    // A new snapshot on disk changes nothing until the server is told.
    let renamed = tmp.path().join("renamed.db");
    renamed_copy(&renamed);
    vinbot(
        &[
            "data",
            "build",
            "--sqlite",
            renamed.to_str().expect("utf-8"),
        ],
        &env,
        tmp.path(),
    );
    assert_eq!(make_of(&server).await, MAKE);

    // SIGHUP switches to it.
    let hup = Command::new("kill")
        .args(["-HUP", &server.pid().to_string()])
        .status()
        .expect("kill -HUP");
    assert!(hup.success());
    let reloaded = server
        .wait_for(|v| v["message"] == "vPIC data reload" && v["trigger"] == "sighup")
        .expect("a reload log line");
    assert_eq!(reloaded["outcome"], "reloaded", "{reloaded}");
    assert_eq!(make_of(&server).await, RENAMED);
    // The replaced data is released once the requests that started on it have ended (load continues):
    // only the new file stays mapped.
    let current = std::fs::metadata(dir.join("vpic.snapshot"))
        .expect("snapshot")
        .ino();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let mapped = snapshot_inodes(server.pid());
        if mapped == [current] {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "snapshot files still mapped: {mapped:?}, current {current}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    // A damaged snapshot keeps the loaded data, and the answer says why: here the first data set with
    // one byte of its content changed (its header intact, so only the reload's whole check finds it).
    // Written beside and renamed, as every writer of snapshots must: the server has the current file
    // mapped.
    let damaged = dir.join("damaged.tmp");
    let mut bytes = std::fs::read(dir.join("vpic.snapshot.prev")).expect("read the first snapshot");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xFF;
    std::fs::write(&damaged, &bytes).expect("damage");
    std::fs::rename(&damaged, dir.join("vpic.snapshot")).expect("rename");
    let (status, body) = reload(&server, Some(&key)).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "snapshot_invalid", "{body}");
    assert_eq!(make_of(&server).await, RENAMED);

    // `data rollback` brings the first data back; the admin route loads it. (A debug build on a busy
    // machine may take longer than the request deadline to load a whole snapshot: the client then gets
    // a 503 `timeout` while the reload completes on its own.)
    std::fs::remove_file(dir.join("vpic.snapshot")).expect("remove the damaged file");
    vinbot(&["data", "rollback"], &env, tmp.path());
    let (status, body) = reload(&server, Some(&key)).await;
    if status == 200 {
        assert_eq!(body["outcome"], "reloaded", "{body}");
        assert_eq!(body["after"]["digest"], first_digest, "{body}");
    } else {
        assert_eq!((status, &body["code"]), (503, &json!("timeout")), "{body}");
        server
            .wait_for(|v| {
                v["message"] == "vPIC data reload"
                    && v["trigger"] == "api"
                    && v["outcome"] == "reloaded"
            })
            .expect("the reload completed after the deadline");
    }
    assert_eq!(make_of(&server).await, MAKE);

    // Give the load a moment on the final data, then stop it: nothing failed throughout.
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::Relaxed);
    let (answered, failed) = traffic.await.expect("load");
    assert!(
        failed.is_empty(),
        "{} failed: {:?}",
        failed.len(),
        &failed[..failed.len().min(5)]
    );
    assert!(answered > 20, "only {answered} decodes during the reloads");

    let text = http()
        .get(format!("http://{}/metrics", server.metrics))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert_eq!(
        metric(&text, "vinbot_data_reloads_total{outcome=\"reloaded\"}"),
        Some(2.0)
    );
    assert_eq!(
        metric(&text, "vinbot_data_reloads_total{outcome=\"unchanged\"}"),
        Some(1.0)
    );
    assert_eq!(
        metric(&text, "vinbot_data_reloads_total{outcome=\"failed\"}"),
        Some(1.0)
    );
    let age = metric(&text, "vinbot_data_age_days").expect("vinbot_data_age_days");
    assert!(age >= 0.0, "{age}");
}
