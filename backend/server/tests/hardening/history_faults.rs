//! A history database that cannot write — the SQLite file on a "full disk" (a file-size limit on
//! the child process) or opened read-only: no decode fails, readiness says `degraded` and
//! `database_up` is 0 while writes fail, and every decode served is either in the file or
//! counted as dropped (metrics and the shutdown log) — never counted written and then lost.

use std::time::Duration;

use sea_orm::Database;
use serde_json::{Value, json};

use vinbot_testkit::{
    db::TestDb,
    process::{Launch, Served, http, run_ok},
};

const GOOD: &str = "1HGCM82633A004352";

async fn rows_in(path: &std::path::Path) -> u64 {
    let url = format!("sqlite://{}?mode=ro", path.display());
    let db = Database::connect(url).await.expect("open the history file");
    let n = crate::count_events(&db).await;
    db.close().await.expect("close");
    n
}

async fn ready(served: &Served) -> Value {
    http()
        .get(served.url("/health/ready"))
        .send()
        .await
        .expect("ready")
        .json()
        .await
        .expect("JSON")
}

/// Shutdown's report of the recorder: (flushed, dropped).
fn shutdown_report(served: &Served) -> (u64, u64) {
    let line = served
        .parsed()
        .into_iter()
        .find(|v| {
            v["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("stats recorder stopped"))
        })
        .unwrap_or_else(|| panic!("no recorder report:\n{}", served.log.join("\n")));
    (
        line["flushed"].as_u64().expect("flushed"),
        line["dropped"].as_u64().expect("dropped"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_loses_no_count() {
    let mut served = Served::start(
        crate::BIN,
        Launch {
            env: vec![
                ("RATE_LIMIT_ANON_PER_MINUTE", "100000000".to_owned()),
                // The statistics are read below without signing in.
                ("STATS_PUBLIC", "true".to_owned()),
            ],
            // Room for the migrated schema and a few hundred events, not for 12,000.
            file_size_limit_kib: Some(400),
        },
    );
    let http = http();
    let batch = json!({ "vins": vec![GOOD; 1000] });
    let mut served_decodes = 0u64;
    for _ in 0..12 {
        let resp = http
            .post(served.url("/api/v1/vins/batch"))
            .json(&batch)
            .send()
            .await
            .expect("answered");
        assert_eq!(resp.status(), 200, "decoding never waits for the database");
        let body: Value = resp.json().await.expect("JSON");
        served_decodes += body["count"].as_u64().expect("count");
    }
    assert_eq!(served_decodes, 12_000);
    // Readiness follows the recorder's failing writes.
    let mut degraded = false;
    for _ in 0..40 {
        let body = ready(&served).await;
        if body["checks"]["database"] == "degraded" {
            degraded = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(degraded, "readiness says degraded while writes fail");
    assert_eq!(served.metric("database_up").await, 0.0);
    let stats: Value = http
        .get(served.url("/api/v1/stats"))
        .send()
        .await
        .expect("stats")
        .json()
        .await
        .expect("JSON");
    let channels: u64 = stats["channels"]
        .as_array()
        .expect("channels")
        .iter()
        .map(|c| c["count"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(stats["total"].as_u64(), Some(channels), "{stats}");

    let written_before = served.metric("vinbot_stats_events_written_total").await as u64;
    let dropped_before = served.metric("vinbot_stats_events_dropped_total").await as u64;
    assert!(served.terminate(Duration::from_secs(40)), "clean exit");
    let (flushed, dropped_at_shutdown) = shutdown_report(&served);
    let rows = rows_in(&served.tmp.path().join("vinbot.db")).await;
    assert_eq!(
        rows,
        written_before + flushed,
        "every event counted written is in the file"
    );
    assert_eq!(
        rows + dropped_before + dropped_at_shutdown,
        served_decodes,
        "every decode served is stored or reported dropped"
    );
    assert!(rows < served_decodes, "the limit did bite");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_database_degrades_readiness_and_loses_no_count() {
    // A first run creates and migrates the file.
    let mut first = Served::start(crate::BIN, Launch::default());
    // Answering means the signal handlers are in place.
    let live = http()
        .get(first.url("/health/live"))
        .send()
        .await
        .expect("live");
    assert_eq!(live.status(), 200);
    assert!(first.terminate(Duration::from_secs(40)));
    let file = first.tmp.path().join("vinbot.db");
    let mut served = Served::start(
        crate::BIN,
        Launch {
            env: vec![
                (
                    "DATABASE_URL",
                    format!("sqlite://{}?mode=ro", file.display()),
                ),
                ("STATS_FLUSH_INTERVAL_MS", "100".to_owned()),
            ],
            ..Launch::default()
        },
    );
    let http = http();
    for _ in 0..50 {
        let resp = http
            .get(served.url(&format!("/api/v1/vins/{GOOD}")))
            .send()
            .await
            .expect("answered");
        assert_eq!(resp.status(), 200);
    }
    let mut degraded = false;
    for _ in 0..40 {
        if ready(&served).await["checks"]["database"] == "degraded" {
            degraded = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(degraded, "a read-only database is degraded");
    assert_eq!(served.metric("database_up").await, 0.0);
    assert_eq!(
        served.metric("vinbot_stats_events_written_total").await,
        0.0
    );
    assert!(served.terminate(Duration::from_secs(40)), "clean exit");
    let (flushed, dropped) = shutdown_report(&served);
    assert_eq!(flushed, 0);
    assert_eq!(dropped, 50, "the shutdown log says what was lost");
    assert_eq!(rows_in(&file).await, 0);
}

/// A PostgreSQL nobody ran `vinbot migrate` on: the server starts and decodes, says at start what
/// is missing and how to fix it, and readiness is degraded until the migrations are applied.
#[tokio::test]
async fn an_unmigrated_postgres_is_named_at_start_and_degrades_readiness_until_migrated() {
    let pg = TestDb::postgres_unmigrated().await;
    let mut served = Served::with_env(crate::BIN, &[("DATABASE_URL", &pg.url)]);
    let line = served
        .wait_for(|v| v["message"] == "readiness degraded" && v["check"] == "database")
        .expect("the missing migrations are logged at start");
    let reason = line["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("run `vinbot migrate`"), "{line}");
    assert!(
        reason.contains("m20261129_000001_create_decode_events"),
        "{line}"
    );
    let resp = http()
        .get(served.url(&format!("/api/v1/vins/{GOOD}")))
        .send()
        .await
        .expect("answered");
    assert_eq!(resp.status(), 200, "decoding never waits for the database");
    assert_eq!(ready(&served).await["checks"]["database"], "degraded");

    run_ok(
        crate::BIN,
        served.tmp.path(),
        &["migrate"],
        &[("DATABASE_URL", &pg.url)],
    );
    assert_eq!(ready(&served).await["checks"]["database"], "ok");
    assert!(
        served
            .wait_for(|v| v["message"] == "readiness recovered" && v["check"] == "database")
            .is_some(),
        "the recovery is logged"
    );
}
