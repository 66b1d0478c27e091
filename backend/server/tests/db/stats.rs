//! The stats report: exact counts, the fields of `GET /api/v1/stats`, the window, the cache.

use std::sync::Arc;
use std::time::Duration;

use chrono::{Duration as ChronoDuration, TimeZone, Utc};
use vinbot_server::db::stats::{LatencyMs, ModelCount, NameCount, StatsCache, decode_stats};
use vinbot_server::db::{self, Channel};

use crate::helpers::{TestDb, event, events};

crate::on_both_backends!(stats:
    n_events_count_exactly_n,
    report_fields_match_the_events,
    empty_window_is_all_zeros,
    cache_serves_a_report_within_its_ttl,
);

pub async fn n_events_count_exactly_n(t: TestDb) {
    let n = 1_234;
    db::record_decodes(&t.db, &events(n)).await.unwrap();
    let report = decode_stats(&t.db, 30, Utc::now()).await.unwrap();
    assert_eq!(report.total, n as u64);
    assert_eq!(report.clean, n as u64);
    let per_day_sum: u64 = report.per_day.iter().map(|d| d.total).sum();
    assert_eq!(per_day_sum, n as u64);
    let channel_sum: u64 = report.channels.iter().map(|c| c.count).sum();
    assert_eq!(channel_sum, n as u64);
}

fn nc(name: &str, count: u64) -> NameCount {
    NameCount {
        name: name.to_owned(),
        count,
    }
}

pub async fn report_fields_match_the_events(t: TestDb) {
    let now = Utc.with_ymd_and_hms(2026, 11, 29, 18, 0, 0).unwrap();
    let today = now - ChronoDuration::hours(1);
    let yesterday = now - ChronoDuration::days(1);
    let old = now - ChronoDuration::days(8); // outside a 7-day window
    let mut batch = vec![
        event(today, Channel::Api, "HONDA", "Accord", &[0], 1_000),
        event(today, Channel::Api, "HONDA", "Accord", &[0], 2_000),
        event(today, Channel::Telegram, "HONDA", "Civic", &[1, 14], 3_000),
        event(yesterday, Channel::Web, "TOYOTA", "Camry", &[0], 4_000),
        event(yesterday, Channel::Nhtsa, "", "", &[6], 5_000),
        event(old, Channel::Api, "FORD", "F-150", &[0], 9_000_000),
    ];
    batch[3].wmi = Some("4T1".to_owned());
    batch[4].wmi = None;
    batch[4].make = None;
    batch[4].model = None;
    db::record_decodes(&t.db, &batch).await.unwrap();

    let report = decode_stats(&t.db, 7, now).await.unwrap();
    assert_eq!(report.days, 7);
    assert_eq!((report.total, report.clean), (5, 3));
    assert!(
        (report.clean_rate - 0.6).abs() < 1e-9,
        "{}",
        report.clean_rate
    );

    assert_eq!(report.per_day.len(), 7);
    assert_eq!(report.per_day[0].date.to_string(), "2026-11-23");
    let last_two: Vec<_> = report.per_day[5..]
        .iter()
        .map(|d| (d.date.to_string(), d.total, d.clean))
        .collect();
    assert_eq!(
        last_two,
        [
            ("2026-11-28".to_owned(), 2, 1),
            ("2026-11-29".to_owned(), 3, 2)
        ]
    );
    assert!(report.per_day[..5].iter().all(|d| d.total == 0));

    assert_eq!(report.top_makes, [nc("HONDA", 3), nc("TOYOTA", 1)]);
    // Ties are ordered by make, then model.
    assert_eq!(
        report.top_models,
        [
            ModelCount {
                name: "Accord".to_owned(),
                make: "HONDA".to_owned(),
                count: 2
            },
            ModelCount {
                name: "Civic".to_owned(),
                make: "HONDA".to_owned(),
                count: 1
            },
            ModelCount {
                name: "Camry".to_owned(),
                make: "TOYOTA".to_owned(),
                count: 1
            },
        ]
    );
    assert_eq!(report.top_wmis, [nc("1HG", 3), nc("4T1", 1)]);
    assert_eq!(
        report.channels,
        [
            nc("api", 2),
            nc("nhtsa", 1),
            nc("telegram", 1),
            nc("web", 1)
        ]
    );
    assert_eq!(report.error_codes, [nc("0", 3), nc("1,14", 1), nc("6", 1)]);
    // Latencies 1..5 ms: nearest-rank p50 = 3rd = 3 ms, p95 = 5th = 5 ms; the old 9 s is outside.
    assert_eq!(report.latency_ms, LatencyMs { p50: 3.0, p95: 5.0 });
    assert_eq!(report.generated_at, now);

    // The 30-day window includes the old event.
    let month = decode_stats(&t.db, 30, now).await.unwrap();
    assert_eq!(month.total, 6);
    assert_eq!(month.per_day.len(), 30);
    assert_eq!(month.latency_ms.p95, 9_000.0);
}

pub async fn empty_window_is_all_zeros(t: TestDb) {
    let report = decode_stats(&t.db, 1, Utc::now()).await.unwrap();
    assert_eq!((report.total, report.clean, report.clean_rate), (0, 0, 0.0));
    assert_eq!(report.per_day.len(), 1);
    assert!(report.top_makes.is_empty() && report.channels.is_empty());
    assert_eq!(report.latency_ms, LatencyMs { p50: 0.0, p95: 0.0 });
    // Out-of-range windows are clamped, not rejected, at this layer.
    assert_eq!(decode_stats(&t.db, 0, Utc::now()).await.unwrap().days, 1);
    assert_eq!(
        decode_stats(&t.db, 10_000, Utc::now()).await.unwrap().days,
        365
    );
}

pub async fn cache_serves_a_report_within_its_ttl(t: TestDb) {
    db::record_decodes(&t.db, &events(3)).await.unwrap();
    let cache = StatsCache::in_process(Duration::from_secs(3600));
    let first = cache.get_or_compute(&t.db, 30).await.unwrap();
    db::record_decodes(&t.db, &events(2)).await.unwrap();
    let second = cache.get_or_compute(&t.db, 30).await.unwrap();
    assert!(Arc::ptr_eq(&first, &second), "served from the cache");
    assert_eq!(second.total, 3);
    // Another window is another entry.
    assert_eq!(cache.get_or_compute(&t.db, 7).await.unwrap().total, 5);

    let no_cache = StatsCache::in_process(Duration::ZERO);
    assert_eq!(no_cache.get_or_compute(&t.db, 30).await.unwrap().total, 5);
    db::record_decodes(&t.db, &events(1)).await.unwrap();
    assert_eq!(no_cache.get_or_compute(&t.db, 30).await.unwrap().total, 6);
}
