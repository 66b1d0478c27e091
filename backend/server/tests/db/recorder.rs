//! The write-behind recorder: batching, idempotence, privacy, drops when full, outages,
//! shutdown flush.

use std::time::{Duration, Instant};

use chrono::Utc;
use sea_orm::EntityTrait;
use vinbot_server::db::recorder::{Recorder, RecorderConfig, RecorderCounters, ShutdownReport};
use vinbot_server::db::stats::decode_stats;
use vinbot_server::db::{self, ConnectConfig, entities::decode_event};

use crate::helpers::{TestDb, events, unreachable_pg_url};

crate::on_both_backends!(recorder:
    recorded_events_are_written_and_counted_once,
    vins_are_cut_to_eleven_characters_unless_configured,
    full_channel_drops_and_counts,
    shutdown_flushes_buffered_events,
    outage_buffers_retries_and_recovers,
);

/// Fast retries, so outage tests finish quickly.
fn config() -> RecorderConfig {
    RecorderConfig {
        capacity: 10_000,
        batch_size: 100,
        flush_interval: Duration::from_millis(20),
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(100),
        write_timeout: Duration::from_secs(5),
        store_full_vins: false,
    }
}

/// Waits (without polling sleeps) until the writer's published counters satisfy `ready`.
async fn wait_for(
    handle: &vinbot_server::db::recorder::RecorderHandle,
    what: &str,
    ready: impl FnMut(&RecorderCounters) -> bool,
) -> RecorderCounters {
    let mut progress = handle.progress();
    let waited = tokio::time::timeout(Duration::from_secs(30), progress.wait_for(ready)).await;
    match waited {
        Ok(Ok(counters)) => *counters,
        _ => panic!(
            "timed out waiting for {what}; counters: {:?}",
            handle.counters()
        ),
    }
}

pub async fn recorded_events_are_written_and_counted_once(t: TestDb) {
    let (handle, task) = Recorder::spawn(t.db.clone(), config());
    let batch = events(1_050);
    for event in &batch {
        assert!(handle.record(event.clone()));
    }
    // The same events again, as a retried request would: recorded twice, stored once.
    for event in &batch[..50] {
        assert!(handle.record(event.clone()));
    }
    let counters = wait_for(&handle, "1100 written", |c| c.written == 1_100).await;
    assert_eq!(
        counters,
        RecorderCounters {
            recorded: 1_100,
            written: 1_100,
            dropped: 0,
            retried: 0,
            buffered: 0
        }
    );
    let report = decode_stats(&t.db, 30, Utc::now()).await.unwrap();
    assert_eq!(report.total, 1_050);
    assert_eq!(
        handle.shutdown(Duration::from_secs(5)).await,
        ShutdownReport::default()
    );
    task.await.expect("writer task ends after shutdown");
}

pub async fn vins_are_cut_to_eleven_characters_unless_configured(t: TestDb) {
    let (trimming, task) = Recorder::spawn(t.db.clone(), config());
    let mut event = events(1).remove(0);
    trimming.record(event.clone());
    trimming.shutdown(Duration::from_secs(5)).await;
    task.await.unwrap();
    let stored = decode_event::Entity::find_by_id(event.id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.vin, "1HGCM82633A");

    let (full, task) = Recorder::spawn(
        t.db.clone(),
        RecorderConfig {
            store_full_vins: true,
            ..config()
        },
    );
    event.id = uuid::Uuid::now_v7();
    full.record(event.clone());
    full.shutdown(Duration::from_secs(5)).await;
    task.await.unwrap();
    let stored = decode_event::Entity::find_by_id(event.id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.vin, "1HGCM82633A004352");
}

pub async fn full_channel_drops_and_counts(t: TestDb) {
    let (handle, task) = Recorder::spawn(
        t.db.clone(),
        RecorderConfig {
            capacity: 10,
            ..config()
        },
    );
    // The test runs on a current-thread runtime and does not yield inside the loop, so the
    // writer cannot drain the channel meanwhile: exactly `capacity` events fit.
    let accepted = events(100)
        .into_iter()
        .filter(|e| handle.record(e.clone()))
        .count();
    assert_eq!(accepted, 10);
    let counters = handle.counters();
    assert_eq!(
        (counters.recorded, counters.dropped, counters.buffered),
        (10, 90, 10)
    );
    wait_for(&handle, "10 written", |c| c.written == 10).await;
    assert_eq!(decode_stats(&t.db, 1, Utc::now()).await.unwrap().total, 10);
    handle.shutdown(Duration::from_secs(5)).await;
    task.await.unwrap();
    assert!(
        !handle.record(events(1).remove(0)),
        "a stopped recorder drops"
    );
    assert_eq!(handle.counters().dropped, 91);
}

pub async fn shutdown_flushes_buffered_events(t: TestDb) {
    // Neither the interval nor the batch size would write these before shutdown.
    let (handle, task) = Recorder::spawn(
        t.db.clone(),
        RecorderConfig {
            batch_size: 5_000,
            flush_interval: Duration::from_secs(3600),
            ..config()
        },
    );
    for event in events(2_000) {
        assert!(handle.record(event));
    }
    let started = Instant::now();
    let report = handle.shutdown(Duration::from_secs(10)).await;
    assert_eq!(
        report,
        ShutdownReport {
            flushed: 2_000,
            dropped: 0
        }
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    task.await.unwrap();
    assert_eq!(
        decode_stats(&t.db, 1, Utc::now()).await.unwrap().total,
        2_000
    );
    assert_eq!(handle.counters().written, 2_000);
}

pub async fn outage_buffers_retries_and_recovers(mut t: TestDb) {
    let (handle, task) = Recorder::spawn(
        t.db.clone(),
        RecorderConfig {
            capacity: 500,
            ..config()
        },
    );
    t.start_outage().await;
    let mut slowest = Duration::ZERO;
    let mut accepted = 0;
    for event in events(800) {
        let started = Instant::now();
        accepted += usize::from(handle.record(event));
        slowest = slowest.max(started.elapsed());
    }
    assert!(
        slowest < Duration::from_millis(50),
        "record() waited {slowest:?}"
    );
    assert_eq!(accepted, 500, "the channel bounds the buffer");
    wait_for(&handle, "two failed attempts", |c| c.retried >= 2).await;
    let during = handle.counters();
    assert_eq!(
        (during.written, during.dropped, during.buffered),
        (0, 300, 500)
    );

    t.end_outage().await;
    wait_for(&handle, "recovery", |c| c.written == 500).await;
    assert_eq!(decode_stats(&t.db, 1, Utc::now()).await.unwrap().total, 500);
    handle.shutdown(Duration::from_secs(5)).await;
    task.await.unwrap();
}

/// The database is not there at all (nothing listens on the port): decoding goes on, events fill
/// the buffer, the overflow is counted, and shutdown gives up at its deadline with the count.
#[tokio::test]
async fn unreachable_database_buffers_then_drops_at_shutdown() {
    let url = unreachable_pg_url();
    let conn = db::connect(
        &url,
        &ConnectConfig {
            lazy: true,
            ..ConnectConfig::default()
        },
    )
    .await
    .expect("a lazy pool opens without a server");
    let (handle, task) = Recorder::spawn(
        conn,
        RecorderConfig {
            capacity: 50,
            ..config()
        },
    );
    let started = Instant::now();
    let accepted = events(80)
        .into_iter()
        .filter(|e| handle.record(e.clone()))
        .count();
    assert!(
        started.elapsed() < Duration::from_millis(50),
        "record() never waits"
    );
    assert_eq!(accepted, 50);
    wait_for(&handle, "a failed attempt", |c| c.retried >= 1).await;

    let started = Instant::now();
    let report = handle.shutdown(Duration::from_millis(300)).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "shutdown respects its deadline"
    );
    assert_eq!(
        report,
        ShutdownReport {
            flushed: 0,
            dropped: 50
        }
    );
    task.await.unwrap();
    let counters = handle.counters();
    assert_eq!(
        (counters.written, counters.dropped, counters.buffered),
        (0, 80, 0)
    );
}

#[tokio::test]
async fn connect_fails_clearly_when_postgres_is_down() {
    let error = db::connect(&unreachable_pg_url(), &ConnectConfig::default())
        .await
        .expect_err("nothing listens there");
    assert!(error.to_string().contains("postgres"), "{error}");
}
