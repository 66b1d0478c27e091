//! A short-lived cache of stats reports so a busy dashboard costs one set of queries per TTL.
//!
//! [`StatsCache`] is an enum so a shared (Redis) variant can sit next to the in-process one
//! without changing callers; each variant keeps reports per window length (`days`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::Utc;
use sea_orm::DatabaseConnection;
use tokio::time::Instant;

use super::{MAX_DAYS, StatsReport, decode_stats};
use crate::db::DbError;

/// Where computed reports are kept between requests.
#[derive(Debug)]
pub enum StatsCache {
    /// In this process (the default; also what a Redis-less deployment uses).
    InProcess(InProcessStatsCache),
}

impl StatsCache {
    /// An in-process cache keeping reports for `ttl`.
    pub fn in_process(ttl: Duration) -> Self {
        Self::InProcess(InProcessStatsCache::new(ttl))
    }

    /// The cached report for `days` (clamped like [`decode_stats`]), or a fresh one computed
    /// now and cached.
    pub async fn get_or_compute(
        &self,
        db: &DatabaseConnection,
        days: u32,
    ) -> Result<Arc<StatsReport>, DbError> {
        let days = days.clamp(1, MAX_DAYS);
        match self {
            Self::InProcess(cache) => cache.get_or_compute(db, days).await,
        }
    }
}

/// Reports per window length, each valid for the TTL. At most 365 entries.
#[derive(Debug)]
pub struct InProcessStatsCache {
    ttl: Duration,
    entries: Mutex<HashMap<u32, (Instant, Arc<StatsReport>)>>,
    /// One computation at a time: concurrent misses wait and then find the fresh report.
    computing: tokio::sync::Mutex<()>,
}

impl InProcessStatsCache {
    /// A cache keeping reports for `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
            computing: tokio::sync::Mutex::new(()),
        }
    }

    /// The report for `days` if computed less than the TTL ago.
    pub fn get(&self, days: u32) -> Option<Arc<StatsReport>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(&days)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, report)| Arc::clone(report))
    }

    /// Stores a report for `days`.
    pub fn put(&self, days: u32, report: Arc<StatsReport>) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.insert(days, (Instant::now(), report));
    }

    async fn get_or_compute(
        &self,
        db: &DatabaseConnection,
        days: u32,
    ) -> Result<Arc<StatsReport>, DbError> {
        if let Some(report) = self.get(days) {
            return Ok(report);
        }
        let _computing = self.computing.lock().await;
        if let Some(report) = self.get(days) {
            return Ok(report);
        }
        let report = Arc::new(decode_stats(db, days, Utc::now()).await?);
        self.put(days, Arc::clone(&report));
        Ok(report)
    }
}
