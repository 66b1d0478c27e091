//! Wiring at start: the Redis client (never fatal), its readiness check, the API key store and
//! the limits, installed into the application state.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use super::RateLimits;
use crate::{apikeys::ApiKeyStore, redis::Redis, state::AppState};

/// Adds Redis (when `REDIS_URL` is set), API keys (when a database is given) and the rate
/// limits to `state`. Redis connects in the background: a Redis that is down or a bad
/// `REDIS_URL` leaves the in-process limits in charge and `/health/ready` says `degraded`.
pub fn install(state: AppState, db: Option<DatabaseConnection>) -> (AppState, Option<Redis>) {
    let settings = state.settings.clone();
    let redis = match Redis::start(&settings) {
        Ok(redis) => redis,
        Err(e) => {
            tracing::error!(error = %e, "Redis disabled; rate limits are per instance");
            None
        }
    };
    let mut state = state;
    if let Some(redis) = &redis {
        tracing::info!(
            prefix = redis.prefix(),
            "Redis configured; connecting in the background"
        );
        state = state.with_readiness_check(redis.readiness_check());
    }
    let keys = db.map(|db| ApiKeyStore::new(db, settings.api_key_cache_ttl));
    let limits = RateLimits::new(&settings, redis.clone(), keys);
    (state.with_rate_limits(Arc::new(limits)), redis)
}
