//! Decode statistics for `GET /api/v1/stats`: computed by aggregate SQL that runs unchanged on
//! SQLite and PostgreSQL (never by loading rows), and cached for a few seconds so a busy
//! dashboard does not hammer the database.

mod cache;
mod queries;
mod report;

pub use cache::{InProcessStatsCache, StatsCache};
pub use report::{DayCount, LatencyMs, ModelCount, NameCount, StatsReport};

use chrono::{DateTime, Days, Utc};
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DbBackend, IsolationLevel, TransactionTrait,
};

use super::DbError;

/// Window used when the request names none.
pub const DEFAULT_DAYS: u32 = 30;
/// Longest window.
pub const MAX_DAYS: u32 = 365;
/// Entries in each "top" list.
pub const TOP_LIMIT: u64 = 10;
/// Distinct error-code combinations listed.
pub const ERROR_CODE_LIMIT: u64 = 20;

/// Statistics of the last `days` UTC days, today included (`days` is clamped to 1–365; the HTTP
/// layer rejects values outside with a 400 before calling this).
pub async fn decode_stats(
    db: &DatabaseConnection,
    days: u32,
    now: DateTime<Utc>,
) -> Result<StatsReport, DbError> {
    // One snapshot for every query, so the total is the sum of its parts even while the
    // recorder writes: SQLite's deferred transaction reads one WAL snapshot; PostgreSQL needs
    // REPEATABLE READ for that (READ COMMITTED takes a snapshot per statement).
    let txn = match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await?
        }
        _ => db.begin().await?,
    };
    let report = report_in(&txn, days, now).await;
    txn.rollback().await?;
    report
}

async fn report_in(
    db: &impl ConnectionTrait,
    days: u32,
    now: DateTime<Utc>,
) -> Result<StatsReport, DbError> {
    let days = days.clamp(1, MAX_DAYS);
    let until = now.date_naive();
    let since = until
        .checked_sub_days(Days::new(u64::from(days - 1)))
        .unwrap_or(until);
    let window = queries::Window { since, until };

    let (total, clean) = queries::totals(db, &window).await?;
    let per_day = queries::per_day(db, &window).await?;
    let top_makes = queries::top_names(db, &window, queries::Dimension::Make, TOP_LIMIT).await?;
    let top_models = queries::top_models(db, &window, TOP_LIMIT).await?;
    let top_wmis = queries::top_names(db, &window, queries::Dimension::Wmi, TOP_LIMIT).await?;
    let channels = queries::top_names(db, &window, queries::Dimension::Channel, TOP_LIMIT).await?;
    let error_codes =
        queries::top_names(db, &window, queries::Dimension::ErrorCode, ERROR_CODE_LIMIT).await?;
    let p50 = queries::latency_percentile_us(db, &window, total, 0.50).await?;
    let p95 = queries::latency_percentile_us(db, &window, total, 0.95).await?;

    Ok(StatsReport {
        days,
        total,
        clean,
        clean_rate: if total == 0 {
            0.0
        } else {
            clean as f64 / total as f64
        },
        per_day: report::fill_days(since, until, per_day),
        top_makes,
        top_models,
        top_wmis,
        channels,
        error_codes,
        latency_ms: LatencyMs {
            p50: p50 as f64 / 1000.0,
            p95: p95 as f64 / 1000.0,
        },
        generated_at: now,
    })
}
