//! Decode history wired into the service, on SQLite and PostgreSQL: decodes served over HTTP
//! become events and statistics; an unreachable database costs readiness, never a decode;
//! SIGTERM writes the buffered events before the process exits.

use std::{process::Stdio, time::Duration};

use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use vinbot_server::{db::entities::decode_event, history::History};

use crate::db_helpers::{Backend, TestDb, unreachable_pg_url};
use crate::helpers::*;

const HONDA: &str = "1HGCM82633A004352";
const BMW: &str = "5UXWX7C5*BA";

async fn stored_events(db: &DatabaseConnection) -> u64 {
    decode_event::Entity::find()
        .count(db)
        .await
        .expect("count decode events")
}

/// Polls the database (bounded) until it holds `n` events; the recorder writes every second.
async fn wait_for_events(db: &DatabaseConnection, n: u64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let stored = stored_events(db).await;
        if stored == n {
            return;
        }
        assert!(stored < n, "{stored} events stored, expected {n}");
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {stored} of {n} events were written within 15 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn count_of(list: &Value, name: &str) -> u64 {
    list.as_array()
        .expect("a list of counts")
        .iter()
        .find(|c| c["name"] == name)
        .and_then(|c| c["count"].as_u64())
        .unwrap_or(0)
}

async fn decodes_over_http_are_counted(backend: Backend) {
    let test_db = TestDb::new(backend).await;
    let app = spawn_app_with(settings(&[("DATABASE_URL", &test_db.url)])).await;
    let http = &app.http;
    let ok = |resp: reqwest::Response| {
        assert_eq!(resp.status(), 200, "{}", resp.url());
        resp
    };

    // v1 single: 2 × api, 2 × web (by header, by dashboard origin).
    ok(http
        .get(app.url(&format!("/api/v1/vins/{HONDA}")))
        .header("Origin", ALLOWED_ORIGIN)
        .send()
        .await
        .unwrap());
    for _ in 0..2 {
        ok(http
            .get(app.url(&format!("/api/v1/vins/{HONDA}")))
            .send()
            .await
            .unwrap());
    }
    ok(http
        .get(app.url(&format!("/api/v1/vins/{HONDA}")))
        .header("X-Vinbot-Client", "web")
        .send()
        .await
        .unwrap());
    // v1 JSON batch: 2 × api; streamed batch: 1 × web.
    ok(http
        .post(app.url("/api/v1/vins/batch"))
        .json(&json!({"vins": [HONDA, format!("{BMW},2011")]}))
        .send()
        .await
        .unwrap());
    let streamed = ok(http
        .post(app.url("/api/v1/vins/batch"))
        .header("X-Vinbot-Client", "web")
        .header("Accept", "application/x-ndjson")
        .json(&json!({"vins": [HONDA]}))
        .send()
        .await
        .unwrap());
    assert_eq!(streamed.text().await.unwrap().lines().count(), 1);
    // NHTSA-compatible: 1 single + a batch of 2.
    ok(http
        .get(app.url(&format!(
            "/api/vehicles/DecodeVinValues/{BMW}?format=json&modelyear=2011"
        )))
        .send()
        .await
        .unwrap());
    ok(http
        .post(app.url("/api/vehicles/DecodeVinValuesBatch"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("DATA={HONDA}%3B{HONDA}&format=json"))
        .send()
        .await
        .unwrap());
    // Refused input is not a decode served.
    let refused = http
        .get(app.url("/api/v1/vins/NOT-A-VIN!"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);

    wait_for_events(&test_db.db, 10).await;

    let stats: Value = ok(http.get(app.url("/api/v1/stats")).send().await.unwrap())
        .json()
        .await
        .unwrap();
    assert_eq!(stats["days"], 30);
    assert_eq!(stats["total"], 10, "{stats}");
    assert_eq!(count_of(&stats["channels"], "api"), 4, "{stats}");
    assert_eq!(count_of(&stats["channels"], "web"), 3, "{stats}");
    assert_eq!(count_of(&stats["channels"], "nhtsa"), 3, "{stats}");
    assert_eq!(count_of(&stats["top_wmis"], "1HG"), 8, "{stats}");
    assert_eq!(count_of(&stats["top_wmis"], "5UX"), 2, "{stats}");
    assert_eq!(count_of(&stats["top_makes"], "HONDA"), 8, "{stats}");
    let per_day = stats["per_day"].as_array().unwrap();
    assert_eq!(per_day.len(), 30);
    assert_eq!(per_day.last().unwrap()["total"], 10);
    let coded: u64 = stats["error_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    assert_eq!(coded, 10);
    assert!(
        stats["latency_ms"]["p95"].as_f64().unwrap() > 0.0,
        "{stats}"
    );

    // Only the requested window: a one-day report has one day.
    let today: Value = ok(http
        .get(app.url("/api/v1/stats?days=1"))
        .send()
        .await
        .unwrap())
    .json()
    .await
    .unwrap();
    assert_eq!(today["per_day"].as_array().unwrap().len(), 1);
    assert_eq!(today["total"], 10);

    app.shutdown().await.expect("clean shutdown");
    assert_eq!(
        stored_events(&test_db.db).await,
        10,
        "nothing written twice"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_decodes_over_http_are_counted() {
    decodes_over_http_are_counted(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_decodes_over_http_are_counted() {
    decodes_over_http_are_counted(Backend::Postgres).await;
}

#[tokio::test]
async fn stats_window_is_validated() {
    let settings = settings(&[]);
    let history = History::start(&settings).await.expect("in-memory history");
    let client = client_for(state_with(settings).with_history(history));
    for days in ["0", "366", "-1", "abc"] {
        assert_envelope(
            client
                .get(format!("/api/v1/stats?days={days}"))
                .send()
                .await,
            400,
            "invalid_request",
        )
        .await;
    }
    for days in [1, 365] {
        let resp = client
            .get(format!("/api/v1/stats?days={days}"))
            .send()
            .await;
        resp.assert_status_is_ok();
        let body = json(resp).await;
        assert_eq!(body["days"], days);
        assert_eq!(body["per_day"].as_array().unwrap().len(), days as usize);
        assert_eq!(body["total"], 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_database_degrades_readiness_but_never_decoding() {
    let settings = settings(&[("DATABASE_URL", &unreachable_pg_url())]);
    let app = spawn_app_with(settings).await;
    let http = &app.http;
    for path in [
        format!("/api/v1/vins/{HONDA}"),
        format!("/api/vehicles/DecodeVinValues/{HONDA}?format=json"),
    ] {
        let started = std::time::Instant::now();
        let resp = http.get(app.url(&path)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{path} waited for the database: {:?}",
            started.elapsed()
        );
    }
    let ready = http.get(app.url("/health/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    let ready: Value = ready.json().await.unwrap();
    assert_eq!(ready["status"], "degraded", "{ready}");
    assert_eq!(ready["checks"]["database"], "degraded", "{ready}");
    assert_eq!(ready["checks"]["data"], "ok", "{ready}");

    let stats = http.get(app.url("/api/v1/stats")).send().await.unwrap();
    assert_eq!(stats.status(), 503);
    let body: Value = stats.json().await.unwrap();
    assert_eq!(body["code"], "unavailable", "{body}");
    assert!(
        !body["message"].as_str().unwrap().contains("127.0.0.1"),
        "{body}"
    );
}

#[tokio::test]
async fn ready_reports_a_reachable_database() {
    let settings = settings(&[]);
    let history = History::start(&settings).await.expect("in-memory history");
    let client = client_for(state_with(settings).with_history(history));
    let body = json(client.get("/health/ready").send().await).await;
    assert_eq!(body["status"], "ok", "{body}");
    assert_eq!(body["checks"]["database"], "ok", "{body}");
}

/// `vinbot serve` as a child process with a flush interval far longer than the test, so the
/// events are certainly still buffered when SIGTERM arrives.
async fn sigterm_flushes_buffered_events(backend: Backend) {
    let test_db = TestDb::new(backend).await;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_vinbot"))
        .arg("serve")
        .env("VINBOT_DATA_DIR", data_dir())
        .env("DATABASE_URL", &test_db.url)
        .env("PORT", "0")
        .env("METRICS_PORT", "0")
        .env("STATS_FLUSH_INTERVAL_MS", "600000")
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info,sqlx=warn")
        .env("DASHBOARD_ALLOWED_ORIGINS", ALLOWED_ORIGIN)
        .env_remove("APP_ENV")
        .env_remove("REDIS_URL")
        .env_remove("TELEGRAM_BOT_TOKEN")
        .env_remove("TELEGRAM_WEBHOOK_SECRET")
        .env_remove("SENTRY_DSN")
        .env_remove("FRONTEND_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start vinbot serve");
    let mut logs = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut seen = Vec::new();
    let port = tokio::time::timeout(Duration::from_secs(120), async {
        while let Some(line) = logs.next_line().await.expect("read logs") {
            let event: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
            seen.push(line);
            // Ours, not poem's own "listening" line of the metrics listener.
            if event["message"] == "listening" && event["target"] == "vinbot_server::startup" {
                let addr = event["addr"].as_str().expect("addr field");
                return addr.rsplit(':').next().unwrap().parse::<u16>().unwrap();
            }
        }
        panic!("vinbot serve exited before listening:\n{}", seen.join("\n"));
    })
    .await
    .expect("vinbot serve listens within 120 s");

    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    for path in [
        format!("/api/v1/vins/{HONDA}"),
        format!("/api/v1/vins/{HONDA}"),
        format!("/api/v1/vins/{BMW}?model_year=2011"),
        format!("/api/vehicles/DecodeVinValues/{HONDA}?format=json"),
        format!("/api/vehicles/DecodeVin/{BMW}?format=json"),
    ] {
        let resp = http
            .get(format!("http://127.0.0.1:{port}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{path}");
    }
    assert_eq!(
        stored_events(&test_db.db).await,
        0,
        "events are still buffered before SIGTERM"
    );

    let pid = child.id().expect("child pid").to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("run kill");
    assert!(killed.success());
    let (status, rest) = tokio::time::timeout(Duration::from_secs(30), async {
        let mut rest = Vec::new();
        while let Some(line) = logs.next_line().await.expect("read logs") {
            rest.push(line);
        }
        (child.wait().await.expect("wait for vinbot"), rest)
    })
    .await
    .expect("vinbot exits within 30 s of SIGTERM");
    assert!(
        status.success(),
        "exit status {status}:\n{}",
        rest.join("\n")
    );
    assert_eq!(stored_events(&test_db.db).await, 5);
    let stopped: Value = rest
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|e| e["message"] == "stats recorder stopped")
        .unwrap_or_else(|| panic!("no recorder shutdown log in:\n{}", rest.join("\n")));
    assert_eq!(stopped["flushed"], 5, "{stopped}");
    assert_eq!(stopped["dropped"], 0, "{stopped}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_sigterm_flushes_buffered_events() {
    sigterm_flushes_buffered_events(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_sigterm_flushes_buffered_events() {
    sigterm_flushes_buffered_events(Backend::Postgres).await;
}
