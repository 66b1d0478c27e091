//! The shape of the statistics report (the fields of `GET /api/v1/stats` in docs/API.md).
//! Serde-able so a shared cache (Redis) can store it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Decode statistics over a window of days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatsReport {
    /// Window length in days (today included).
    pub days: u32,
    /// Decodes in the window.
    pub total: u64,
    /// Clean decodes (vPIC error code 0 alone).
    pub clean: u64,
    /// `clean / total`, 0 when there were none.
    pub clean_rate: f64,
    /// One entry per day of the window, oldest first, days without decodes included.
    pub per_day: Vec<DayCount>,
    /// Most decoded makes, most first.
    pub top_makes: Vec<NameCount>,
    /// Most decoded models, most first.
    pub top_models: Vec<ModelCount>,
    /// Most decoded WMIs, most first.
    pub top_wmis: Vec<NameCount>,
    /// Decodes per channel (`api`, `nhtsa`, `web`, `telegram`, `cli`), most first.
    pub channels: Vec<NameCount>,
    /// Decodes per vPIC error-code combination (`0`, `1,14`, ...), most first.
    pub error_codes: Vec<NameCount>,
    /// Decode latency percentiles (nearest rank), 0 when there were no decodes.
    pub latency_ms: LatencyMs,
    /// When the report was computed (it may come from the cache).
    pub generated_at: DateTime<Utc>,
}

/// Decodes of one UTC day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    /// The day (`YYYY-MM-DD`).
    pub date: NaiveDate,
    /// Decodes that day.
    pub total: u64,
    /// Clean decodes that day.
    pub clean: u64,
}

/// A name and how often it occurred.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameCount {
    /// The value (make, WMI, channel, error codes).
    pub name: String,
    /// Decodes with it.
    pub count: u64,
}

/// A model with its make and how often it was decoded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelCount {
    /// Model name.
    pub name: String,
    /// Its make (empty when unknown).
    pub make: String,
    /// Decodes of it.
    pub count: u64,
}

/// Decode latency percentiles in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LatencyMs {
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// Every day from `since` to `until`, taking counts from `found` (sorted by date) and zeros for
/// the days without decodes.
pub(super) fn fill_days(since: NaiveDate, until: NaiveDate, found: Vec<DayCount>) -> Vec<DayCount> {
    let mut found = found.into_iter().peekable();
    since
        .iter_days()
        .take_while(|day| *day <= until)
        .map(|date| match found.next_if(|f| f.date == date) {
            Some(day) => day,
            None => DayCount {
                date,
                total: 0,
                clean: 0,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn fill_days_covers_the_window_with_zeros() {
        let found = vec![DayCount {
            date: day(28),
            total: 3,
            clean: 2,
        }];
        let days = fill_days(day(27), day(29), found);
        let totals: Vec<_> = days.iter().map(|d| (d.date, d.total, d.clean)).collect();
        assert_eq!(
            totals,
            vec![(day(27), 0, 0), (day(28), 3, 2), (day(29), 0, 0)]
        );
    }
}
