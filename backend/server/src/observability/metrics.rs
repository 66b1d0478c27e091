//! Metric names and the functions that record them, so every module uses the same names and
//! bounded label values. Labels never carry a VIN, an IP address or a user id: only route
//! templates, methods, status codes and small fixed vocabularies.

use std::time::Duration;

/// `vin_decodes_total{channel,result}`: decoded VINs (a batch counts each VIN).
pub const VIN_DECODES: &str = "vin_decodes_total";
/// `http_response_time_seconds{route,method,status}`: histogram of response times.
pub const HTTP_RESPONSE_TIME: &str = "http_response_time_seconds";
/// `rate_limit_rejections_total{tier}`: requests refused with 429.
pub const RATE_LIMIT_REJECTIONS: &str = "rate_limit_rejections_total";
/// `telegram_updates_total{kind}`: Telegram updates accepted (webhook or polling), by type.
pub const TELEGRAM_UPDATES: &str = "telegram_updates_total";
/// `database_up`: 1 when the last readiness probe reached the database.
pub const DATABASE_UP: &str = "database_up";
/// `redis_up`: 1 when the last readiness probe reached Redis.
pub const REDIS_UP: &str = "redis_up";
/// `sentry_events_total`: events handed to Sentry (after scrubbing), a check that reporting works.
pub const SENTRY_EVENTS: &str = "sentry_events_total";

/// `vinbot_data_age_days`: whole days from the loaded vPIC data's date to today (set on load, on
/// reload and every [`DATA_AGE_INTERVAL`]).
pub const DATA_AGE_DAYS: &str = "vinbot_data_age_days";
/// `vinbot_data_reloads_total{outcome}`: data reloads (SIGHUP or the admin route) by outcome:
/// `reloaded`, `unchanged`, `failed`.
pub const DATA_RELOADS: &str = "vinbot_data_reloads_total";
/// How often a running server refreshes [`DATA_AGE_DAYS`] (the days pass without a reload).
pub const DATA_AGE_INTERVAL: Duration = Duration::from_secs(600);

/// Histogram buckets of [`HTTP_RESPONSE_TIME`], in seconds: decodes take well under a
/// millisecond, batches and the database up to seconds, the deadline is 10 s.
pub const HTTP_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The route label of a request that matched no route (404s of scanners stay one series).
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// Outcome of one VIN decode, the `result` label of [`VIN_DECODES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeResult {
    /// vPIC error code 0 alone.
    Clean,
    /// Decoded with vPIC error codes (check digit, partial VIN, unknown pattern, ...).
    Errors,
    /// Refused before decoding (not a VIN at all).
    Rejected,
}

impl DecodeResult {
    /// From the decoder's error codes.
    pub fn from_error_codes(codes: &[u16]) -> Self {
        if codes.iter().all(|&c| c == 0) {
            Self::Clean
        } else {
            Self::Errors
        }
    }

    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Clean => "clean",
            Self::Errors => "errors",
            Self::Rejected => "rejected",
        }
    }
}

/// Counts `n` decodes from `channel` (`api`, `nhtsa`, `web`, `telegram`, `cli`: the same names
/// as `db::events::Channel::as_str`).
pub fn record_decodes(channel: &'static str, result: DecodeResult, n: u64) {
    metrics::counter!(VIN_DECODES, "channel" => channel, "result" => result.as_str()).increment(n);
}

/// Counts one decoded VIN by its vPIC error codes.
pub fn record_decode(channel: &'static str, error_codes: &[u16]) {
    record_decodes(channel, DecodeResult::from_error_codes(error_codes), 1);
}

/// Records one HTTP response. `route` must be a route template (`/api/v1/vins/:vin`) or
/// [`UNMATCHED_ROUTE`], never a raw path.
pub fn record_http_response(route: &str, method: &str, status: u16, elapsed: Duration) {
    metrics::histogram!(
        HTTP_RESPONSE_TIME,
        "route" => route.to_owned(),
        "method" => bounded_method(method),
        "status" => status.to_string()
    )
    .record(elapsed.as_secs_f64());
}

/// Counts one request refused by the rate limiter; `tier` is `anonymous` or `api_key`.
pub fn record_rate_limit_rejection(tier: &'static str) {
    metrics::counter!(RATE_LIMIT_REJECTIONS, "tier" => tier).increment(1);
}

/// Counts one accepted Telegram update; `kind` is the update type (`message`, `callback_query`,
/// ..., `other`), never a chat or user id.
pub fn record_telegram_update(kind: &'static str) {
    metrics::counter!(TELEGRAM_UPDATES, "kind" => kind).increment(1);
}

/// Sets `database_up` / `redis_up` (or another `{name}_up`) from a readiness probe.
pub fn set_dependency_up(name: &str, up: bool) {
    let value = if up { 1.0 } else { 0.0 };
    match name {
        "database" => metrics::gauge!(DATABASE_UP).set(value),
        "redis" => metrics::gauge!(REDIS_UP).set(value),
        // Other checks get the same shape; their names are fixed strings of this program.
        other => metrics::gauge!(format!("{other}_up")).set(value),
    }
}

/// Sets [`DATA_AGE_DAYS`].
pub fn set_data_age_days(days: i64) {
    metrics::gauge!(DATA_AGE_DAYS).set(days as f64);
}

/// Counts one data reload; `outcome` is `reloaded`, `unchanged` or `failed`.
pub fn record_data_reload(outcome: &'static str) {
    metrics::counter!(DATA_RELOADS, "outcome" => outcome).increment(1);
}

/// Known methods keep their name; anything else is one `other` series.
fn bounded_method(method: &str) -> &'static str {
    match method {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}
