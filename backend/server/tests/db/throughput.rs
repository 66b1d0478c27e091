//! Sustained write throughput of the recorder (ignored by default; run explicitly, see
//! docs/PERSISTENCE.md). Producers record as fast as they can into a channel large enough to
//! hold everything; the figure is events written per second from the first record to the last
//! write.

use std::time::{Duration, Instant};

use chrono::Utc;
use vinbot_server::db::recorder::{Recorder, RecorderConfig};
use vinbot_server::db::stats::decode_stats;

use crate::helpers::{Backend, TestDb, events};

const EVENTS: usize = 200_000;

async fn measure(backend: Backend) {
    let t = TestDb::new(backend).await;
    let batch = events(EVENTS);
    let (handle, task) = Recorder::spawn(
        t.db.clone(),
        RecorderConfig {
            capacity: EVENTS,
            ..RecorderConfig::default()
        },
    );
    let mut progress = handle.progress();
    let started = Instant::now();
    for event in batch {
        assert!(handle.record(event));
    }
    let recorded_in = started.elapsed();
    progress
        .wait_for(|c| c.written == EVENTS as u64)
        .await
        .expect("writer alive");
    let elapsed = started.elapsed();
    let report = decode_stats(&t.db, 1, Utc::now()).await.unwrap();
    assert_eq!(report.total, EVENTS as u64);
    handle.shutdown(Duration::from_secs(5)).await;
    task.await.unwrap();
    println!(
        "{backend:?}: {EVENTS} events written in {:.2} s = {:.0} events/s \
         (record() of all events took {:.1} ms, {:.0} ns each; batch {})",
        elapsed.as_secs_f64(),
        EVENTS as f64 / elapsed.as_secs_f64(),
        recorded_in.as_secs_f64() * 1e3,
        recorded_in.as_nanos() as f64 / EVENTS as f64,
        RecorderConfig::default().batch_size,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run with --ignored --nocapture"]
async fn writer_throughput_sqlite() {
    measure(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run with --ignored --nocapture"]
async fn writer_throughput_postgres() {
    measure(Backend::Postgres).await;
}
