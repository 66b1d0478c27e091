//! The real PostgreSQL and Redis behind a loopback proxy the test cuts and pauses mid-load, and
//! SIGTERM under load: no decode fails, and afterwards every decode served is stored or counted
//! as dropped.

use std::{sync::Arc, time::Duration};

use futures_util::future::join_all;
use tokio::sync::Mutex;

use crate::db_helpers::{Backend, TestDb};
use crate::proxy::{Mode, Proxy};
use vinbot_testkit::process::{Launch, Served, http};

const VINS: &[&str] = &[
    "1HGCM82633A004352",
    "5YJSA1E26HF000001",
    "WBA3A5C51CF256985",
];

/// `n` decodes from `clients` concurrent clients; returns the statuses (0: no answer).
async fn load(served: &Served, n: usize, clients: usize) -> Vec<u16> {
    let http = http();
    let next = Arc::new(Mutex::new(0usize));
    let workers = (0..clients).map(|_| {
        let http = http.clone();
        let next = next.clone();
        let base = served.url("");
        async move {
            let mut statuses = Vec::new();
            loop {
                let i = {
                    let mut next = next.lock().await;
                    if *next >= n {
                        break;
                    }
                    *next += 1;
                    *next
                };
                let vin = VINS[i % VINS.len()];
                let status = match http.get(format!("{base}/api/v1/vins/{vin}")).send().await {
                    Ok(resp) => resp.status().as_u16(),
                    Err(_) => 0,
                };
                statuses.push(status);
            }
            statuses
        }
    });
    join_all(workers).await.into_iter().flatten().collect()
}

/// Waits until the recorder has settled every event (written or dropped) of `served_n` decodes.
async fn settled(served: &Served, served_n: u64) -> (u64, u64) {
    for _ in 0..240 {
        let written = served.metric("vinbot_stats_events_written_total").await as u64;
        let dropped = served.metric("vinbot_stats_events_dropped_total").await as u64;
        if written + dropped >= served_n {
            return (written, dropped);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("the recorder did not settle");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_cut_and_paused_mid_load_loses_no_count() {
    let test_db = TestDb::new(Backend::Postgres).await;
    let upstream = "127.0.0.1:5432".parse().expect("addr");
    let proxy = Proxy::start(upstream).await;
    let url = test_db
        .url
        .replace("127.0.0.1:5432", &proxy.addr.to_string());
    let mut served = Served::start(
        crate::BIN,
        Launch {
            env: vec![
                ("DATABASE_URL", url),
                ("RATE_LIMIT_ANON_PER_MINUTE", "100000000".to_owned()),
                ("STATS_FLUSH_INTERVAL_MS", "100".to_owned()),
            ],
            ..Launch::default()
        },
    );
    let faults = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        proxy.set(Mode::Down);
        tokio::time::sleep(Duration::from_secs(3)).await;
        proxy.set(Mode::Up);
        tokio::time::sleep(Duration::from_millis(500)).await;
        proxy.set(Mode::Paused);
        tokio::time::sleep(Duration::from_secs(3)).await;
        proxy.set(Mode::Up);
    };
    let (statuses, ()) = tokio::join!(load(&served, 1500, 8), faults);
    assert_eq!(statuses.len(), 1500);
    assert!(
        statuses.iter().all(|&s| s == 200),
        "every decode answered 200"
    );
    let (written, dropped) = settled(&served, 1500).await;
    assert!(served.terminate(Duration::from_secs(40)), "clean exit");
    let rows = crate::count_events(&test_db.db).await;
    assert_eq!(rows, written, "every event counted written is stored");
    assert_eq!(rows + dropped, 1500, "stored or reported dropped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_cut_and_paused_mid_load_fails_no_decode() {
    let upstream = vinbot_testkit::env::redis_addr();
    let proxy = Proxy::start(upstream).await;
    let prefix = format!("vinbot-harden-{}:", uuid::Uuid::now_v7().simple());
    let served = Served::start(
        crate::BIN,
        Launch {
            env: vec![
                ("REDIS_URL", format!("redis://{}", proxy.addr)),
                ("REDIS_KEY_PREFIX", prefix),
                ("RATE_LIMIT_ANON_PER_MINUTE", "100000000".to_owned()),
            ],
            ..Launch::default()
        },
    );
    let faults = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        proxy.set(Mode::Paused);
        tokio::time::sleep(Duration::from_secs(3)).await;
        proxy.set(Mode::Down);
        tokio::time::sleep(Duration::from_secs(2)).await;
        proxy.set(Mode::Up);
    };
    let (statuses, ()) = tokio::join!(load(&served, 1500, 8), faults);
    assert_eq!(statuses.len(), 1500);
    assert!(
        statuses.iter().all(|&s| s == 200),
        "every decode answered 200"
    );
    // Back to Redis without a restart.
    let mut ok = false;
    for _ in 0..80 {
        let body: serde_json::Value = http()
            .get(served.url("/health/ready"))
            .send()
            .await
            .expect("ready")
            .json()
            .await
            .expect("JSON");
        if body["checks"]["redis"] == "ok" {
            ok = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(ok, "redis ok again after the proxy is back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_loses_no_count() {
    let mut served = Served::start(
        crate::BIN,
        Launch {
            env: vec![
                ("RATE_LIMIT_ANON_PER_MINUTE", "100000000".to_owned()),
                ("STATS_FLUSH_INTERVAL_MS", "600000".to_owned()),
            ],
            ..Launch::default()
        },
    );
    let pid = served.pid().to_string();
    let term = async {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill")
    };
    let (statuses, sent) = tokio::join!(load(&served, 100_000, 8), term);
    assert!(sent.success());
    let ok = statuses.iter().filter(|&&s| s == 200).count() as u64;
    // After SIGTERM new connections are refused (0); an answer is never an error status.
    assert!(
        statuses.iter().all(|&s| s == 200 || s == 0),
        "statuses other than 200/refused"
    );
    assert!(ok > 0);
    assert!(served.terminate(Duration::from_secs(40)), "clean exit");
    let line = served
        .parsed()
        .into_iter()
        .find(|v| {
            v["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("stats recorder stopped"))
        })
        .expect("recorder report");
    let flushed = line["flushed"].as_u64().expect("flushed");
    let dropped = line["dropped"].as_u64().expect("dropped");
    let url = format!(
        "sqlite://{}?mode=ro",
        served.tmp.path().join("vinbot.db").display()
    );
    let db = sea_orm::Database::connect(url).await.expect("open");
    let rows = crate::count_events(&db).await;
    // The shutdown report counts what the drain wrote; full batches (500 events) may have been
    // written before the signal.
    assert!(
        flushed <= rows,
        "flushed {flushed} at shutdown, {rows} rows"
    );
    assert_eq!(
        rows + dropped,
        ok,
        "every decode answered is stored or reported dropped"
    );
}
