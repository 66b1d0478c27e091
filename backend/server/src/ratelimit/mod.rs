//! Rate limits on the decode routes. Two lines: an in-process GCRA limiter per instance
//! ([`local`], governor) answers first; a request it lets through is then charged to the client's
//! bucket in Redis ([`distributed`]), which all instances share. While Redis is unreachable the
//! in-process verdict stands (fail open to the local quota, counted, logged once), and Redis
//! is used again as soon as the client has reconnected.
//!
//! Clients are keyed by [`client::ClientId`]: the API key when a valid one is sent, else
//! `Fly-Client-IP` behind Fly's proxy, else the peer address; never `X-Forwarded-For`.

pub mod client;
pub mod distributed;
pub mod local;

use std::{
    num::NonZeroU32,
    sync::atomic::{AtomicBool, Ordering},
    time::Duration,
};

use crate::{apikeys::ApiKeyStore, config::Settings, redis::Redis};

pub use client::ClientId;

/// Most clients the in-process limiter tracks per tier.
const MAX_LOCAL_KEYS: usize = 100_000;

/// Quota tiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// No API key: `RATE_LIMIT_ANON_PER_MINUTE`.
    Anonymous,
    /// A valid API key: `RATE_LIMIT_KEY_PER_MINUTE`.
    Key,
}

impl Tier {
    /// Name in headers and Redis keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Anonymous => "anon",
            Self::Key => "key",
        }
    }
}

/// One verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Whether the request may proceed.
    pub allowed: bool,
    /// Quota per minute.
    pub limit: u32,
    /// Cells left now.
    pub remaining: u32,
    /// When denied: how long until the request would fit.
    pub retry_after: Duration,
    /// How long until the bucket is full again.
    pub reset_after: Duration,
    /// Denied because the request alone costs more than the whole quota.
    pub too_large: bool,
}

impl Decision {
    pub(crate) fn allowed(limit: u32, remaining: u32, reset_after: Duration) -> Self {
        Self {
            allowed: true,
            limit,
            remaining,
            retry_after: Duration::ZERO,
            reset_after,
            too_large: false,
        }
    }

    pub(crate) fn denied(limit: u32, retry_after: Duration, reset_after: Duration) -> Self {
        Self {
            allowed: false,
            limit,
            remaining: 0,
            retry_after,
            reset_after,
            too_large: false,
        }
    }

    pub(crate) fn too_large(limit: u32) -> Self {
        Self {
            allowed: false,
            limit,
            remaining: 0,
            retry_after: Duration::from_secs(60),
            reset_after: Duration::from_secs(60),
            too_large: true,
        }
    }
}

/// The limiters, the tiers and the API key store (shared by all requests).
pub struct RateLimits {
    anon: local::LocalLimiter,
    key: local::LocalLimiter,
    distributed: Option<distributed::Distributed>,
    api_keys: Option<ApiKeyStore>,
    trust_fly_client_ip: bool,
    redis_failing: AtomicBool,
}

impl RateLimits {
    /// Limits from the settings; Redis and the key store are optional.
    pub fn new(settings: &Settings, redis: Option<Redis>, api_keys: Option<ApiKeyStore>) -> Self {
        let quota = |v: u32| NonZeroU32::new(v).unwrap_or(NonZeroU32::MIN);
        Self {
            anon: local::LocalLimiter::new(
                quota(settings.rate_limit_anon_per_minute),
                MAX_LOCAL_KEYS,
            ),
            key: local::LocalLimiter::new(
                quota(settings.rate_limit_key_per_minute),
                MAX_LOCAL_KEYS,
            ),
            distributed: redis.map(distributed::Distributed::new),
            api_keys,
            trust_fly_client_ip: settings.trust_fly_client_ip,
            redis_failing: AtomicBool::new(false),
        }
    }

    /// The API key store, when keys are enabled.
    pub fn api_keys(&self) -> Option<&ApiKeyStore> {
        self.api_keys.as_ref()
    }

    /// Whether `Fly-Client-IP` identifies anonymous clients.
    pub fn trust_fly_client_ip(&self) -> bool {
        self.trust_fly_client_ip
    }

    /// Charges `cost` cells to `client` in `tier`.
    pub async fn check(&self, tier: Tier, client: &ClientId, cost: u32) -> Decision {
        let local = match tier {
            Tier::Anonymous => &self.anon,
            Tier::Key => &self.key,
        };
        let cost = NonZeroU32::new(cost).unwrap_or(NonZeroU32::MIN);
        let bucket = format!("{}:{}", tier.as_str(), client.as_str());
        let first = local.check(&bucket, cost);
        if !first.allowed {
            metrics::counter!("vinbot_ratelimit_decisions_total", "tier" => tier.as_str(), "outcome" => "denied_local").increment(1);
            return first;
        }
        let Some(distributed) = &self.distributed else {
            metrics::counter!("vinbot_ratelimit_decisions_total", "tier" => tier.as_str(), "outcome" => "allowed_local").increment(1);
            return first;
        };
        let result = if distributed.is_connected() {
            distributed.check(&bucket, first.limit, cost.get()).await
        } else {
            Err(fred::error::Error::new(
                fred::error::ErrorKind::IO,
                "not connected",
            ))
        };
        match result {
            Ok(decision) => {
                if self.redis_failing.swap(false, Ordering::Relaxed) {
                    tracing::info!("Redis rate limiting restored");
                }
                let outcome = if decision.allowed {
                    "allowed"
                } else {
                    "denied"
                };
                metrics::counter!("vinbot_ratelimit_decisions_total", "tier" => tier.as_str(), "outcome" => outcome).increment(1);
                decision
            }
            Err(e) => {
                if !self.redis_failing.swap(true, Ordering::Relaxed) {
                    tracing::warn!(error = %e, "Redis rate limiting unavailable; using the in-process limits");
                }
                metrics::counter!("vinbot_ratelimit_redis_fallback_total").increment(1);
                metrics::counter!("vinbot_ratelimit_decisions_total", "tier" => tier.as_str(), "outcome" => "allowed_fallback").increment(1);
                first
            }
        }
    }
}
