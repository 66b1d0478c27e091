//! `GET /api/v1/stats`: decode statistics from the history database, through the short-lived
//! stats cache. Answers 503 `unavailable` when the database cannot be read; decoding never
//! depends on it.

use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, param::Query, payload::Json};

use crate::{
    api::{ApiTags, error::ApiError},
    db::stats::{self, DayCount, ModelCount, NameCount, StatsReport},
    state::AppState,
};

/// The statistics route.
pub struct StatsApi;

/// Decode statistics over the last `days` UTC days, today included.
#[derive(Debug, Object)]
pub struct Stats {
    /// Window length in days (today included).
    pub days: u32,
    /// Decodes in the window.
    pub total: u64,
    /// Clean decodes (vPIC error code 0 alone).
    pub clean: u64,
    /// `clean / total`, 0 when there were none.
    pub clean_rate: f64,
    /// One entry per day of the window, oldest first, days without decodes included.
    pub per_day: Vec<DayStats>,
    /// Most decoded makes, most first (at most 10).
    pub top_makes: Vec<Count>,
    /// Most decoded models with their make, most first (at most 10).
    pub top_models: Vec<ModelStats>,
    /// Most decoded WMIs, most first (at most 10).
    pub top_wmis: Vec<Count>,
    /// Decodes per channel (`api`, `nhtsa`, `web`, `telegram`, `cli`), most first.
    pub channels: Vec<Count>,
    /// Decodes per vPIC error-code combination (`0`, `1,14`, ...), most first (at most 20).
    pub error_codes: Vec<Count>,
    /// Decode latency percentiles (nearest rank); 0 when there were no decodes.
    pub latency_ms: Latency,
    /// When the report was computed, RFC 3339 in UTC (reports are cached for a few seconds).
    pub generated_at: String,
}

/// Decodes of one UTC day.
#[derive(Debug, Object)]
pub struct DayStats {
    /// The day, `YYYY-MM-DD` (UTC).
    pub date: String,
    /// Decodes that day.
    pub total: u64,
    /// Clean decodes that day.
    pub clean: u64,
}

/// A value and how often it occurred.
#[derive(Debug, Object)]
pub struct Count {
    /// The value (make, WMI, channel, error codes).
    pub name: String,
    /// Decodes with it.
    pub count: u64,
}

/// A model, its make and how often it was decoded.
#[derive(Debug, Object)]
pub struct ModelStats {
    /// Model name.
    pub name: String,
    /// Its make (empty when unknown).
    pub make: String,
    /// Decodes of it.
    pub count: u64,
}

/// Decode latency percentiles in milliseconds.
#[derive(Debug, Object)]
pub struct Latency {
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// Successful stats answer.
#[derive(ApiResponse)]
pub enum StatsResponse {
    /// The statistics.
    #[oai(status = 200)]
    Ok(Json<Stats>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Stats")]
impl StatsApi {
    /// Decode statistics
    ///
    /// Totals, clean-decode rate, a per-day series, top makes, models and WMIs, the channel
    /// split, error codes and decode latency over the last `days` days. Computed from the
    /// history database and cached for a few seconds; 503 `unavailable` when the database
    /// cannot be read. Admins only (a user in `ADMIN_TELEGRAM_IDS` or an `admin` API key),
    /// unless the server runs with `STATS_PUBLIC=true`.
    #[oai(path = "/stats", method = "get", operation_id = "get_stats")]
    async fn stats(
        &self,
        state: Data<&AppState>,
        req: &poem::Request,
        /// Window in days, today included (1-365, default 30).
        #[oai(validator(minimum(value = "1"), maximum(value = "365")))]
        days: Query<Option<u32>>,
    ) -> Result<StatsResponse, ApiError> {
        super::access::stats_reader(&state, req).await?;
        let Some(history) = &state.history else {
            return Err(ApiError::unavailable(
                "Statistics are not available: this instance keeps no decode history.",
            ));
        };
        let days = days.0.unwrap_or(stats::DEFAULT_DAYS);
        match history.stats.get_or_compute(&history.db, days).await {
            Ok(report) => Ok(StatsResponse::Ok(Json(Stats::from(report.as_ref())))),
            Err(error) => {
                tracing::warn!(%error, "stats unavailable");
                Err(ApiError::unavailable(
                    "Statistics are temporarily unavailable: the database cannot be read.",
                ))
            }
        }
    }
}

impl From<&StatsReport> for Stats {
    fn from(r: &StatsReport) -> Self {
        Self {
            days: r.days,
            total: r.total,
            clean: r.clean,
            clean_rate: r.clean_rate,
            per_day: r.per_day.iter().map(DayStats::from).collect(),
            top_makes: r.top_makes.iter().map(Count::from).collect(),
            top_models: r.top_models.iter().map(ModelStats::from).collect(),
            top_wmis: r.top_wmis.iter().map(Count::from).collect(),
            channels: r.channels.iter().map(Count::from).collect(),
            error_codes: r.error_codes.iter().map(Count::from).collect(),
            latency_ms: Latency {
                p50: r.latency_ms.p50,
                p95: r.latency_ms.p95,
            },
            generated_at: r
                .generated_at
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        }
    }
}

impl From<&DayCount> for DayStats {
    fn from(d: &DayCount) -> Self {
        Self {
            date: d.date.format("%Y-%m-%d").to_string(),
            total: d.total,
            clean: d.clean,
        }
    }
}

impl From<&NameCount> for Count {
    fn from(n: &NameCount) -> Self {
        Self {
            name: n.name.clone(),
            count: n.count,
        }
    }
}

impl From<&ModelCount> for ModelStats {
    fn from(m: &ModelCount) -> Self {
        Self {
            name: m.name.clone(),
            make: m.make.clone(),
            count: m.count,
        }
    }
}
