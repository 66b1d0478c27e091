//! The in-process limiter (governor, GCRA): the first line on every instance, and the only one
//! while Redis is unreachable. Memory is bounded: keys whose bucket is full again are evicted
//! every few seconds, and if live keys still exceed the cap the table starts afresh.

use std::{
    num::NonZeroU32,
    sync::{
        Arc, RwLock,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use governor::{
    Quota, RateLimiter,
    clock::{Clock, DefaultClock},
    middleware::StateInformationMiddleware,
    state::keyed::DefaultKeyedStateStore,
};

use super::Decision;

type Keyed =
    RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// How often stale keys are evicted.
const EVICT_EVERY: Duration = Duration::from_secs(10);

/// A keyed GCRA limiter of `limit` per minute with bounded memory.
pub struct LocalLimiter {
    limit: NonZeroU32,
    max_keys: usize,
    clock: DefaultClock,
    limiter: RwLock<Arc<Keyed>>,
    born: Instant,
    last_evict_ms: AtomicU64,
}

impl LocalLimiter {
    /// `limit` per minute (burst `limit`), at most about `max_keys` clients tracked.
    pub fn new(limit: NonZeroU32, max_keys: usize) -> Self {
        Self {
            limit,
            max_keys: max_keys.max(1),
            clock: DefaultClock::default(),
            limiter: RwLock::new(Arc::new(Self::fresh(limit))),
            born: Instant::now(),
            last_evict_ms: AtomicU64::new(0),
        }
    }

    fn fresh(limit: NonZeroU32) -> Keyed {
        RateLimiter::keyed(Quota::per_minute(limit)).with_middleware::<StateInformationMiddleware>()
    }

    fn current(&self) -> Arc<Keyed> {
        self.limiter
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Number of clients tracked now.
    pub fn len(&self) -> usize {
        self.current().len()
    }

    /// True when no client is tracked.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Takes `cost` cells for `key` if they are all available.
    pub fn check(&self, key: &str, cost: NonZeroU32) -> Decision {
        self.housekeeping();
        let limiter = self.current();
        let limit = self.limit.get();
        let interval = Duration::from_secs(60) / limit;
        match limiter.check_key_n(&key.to_owned(), cost) {
            Ok(Ok(snapshot)) => {
                let remaining = snapshot.remaining_burst_capacity();
                Decision::allowed(limit, remaining, interval * (limit - remaining.min(limit)))
            }
            Ok(Err(not_until)) => {
                let wait = not_until.wait_time_from(self.clock.now());
                Decision::denied(limit, wait.max(Duration::from_millis(1)), interval * limit)
            }
            Err(_insufficient) => Decision::too_large(limit),
        }
    }

    fn housekeeping(&self) {
        let now_ms = u64::try_from(self.born.elapsed().as_millis()).unwrap_or(u64::MAX);
        let last = self.last_evict_ms.load(Ordering::Relaxed);
        let due = now_ms.saturating_sub(last) >= EVICT_EVERY.as_millis() as u64;
        let full = self.current().len() >= self.max_keys;
        if !(due || full) {
            return;
        }
        if self
            .last_evict_ms
            .compare_exchange(last, now_ms, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            return; // another request is doing it
        }
        let limiter = self.current();
        limiter.retain_recent();
        limiter.shrink_to_fit();
        if limiter.len() >= self.max_keys {
            // Every tracked client is active: start afresh rather than grow without bound.
            // Clients get a fresh bucket (fail open for one window); Redis still holds the line.
            tracing::warn!(
                keys = limiter.len(),
                "in-process rate limiter full; starting afresh"
            );
            metrics::counter!("vinbot_ratelimit_local_resets_total").increment(1);
            *self.limiter.write().unwrap_or_else(|p| p.into_inner()) =
                Arc::new(Self::fresh(self.limit));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one() -> NonZeroU32 {
        NonZeroU32::MIN
    }

    #[test]
    fn allows_the_quota_then_denies() {
        let l = LocalLimiter::new(NonZeroU32::new(5).expect("nonzero"), 100);
        let allowed = (0..10).filter(|_| l.check("a", one()).allowed).count();
        assert_eq!(allowed, 5);
        let denied = l.check("a", one());
        assert!(!denied.allowed);
        assert!(denied.retry_after > Duration::ZERO);
        assert!(l.check("b", one()).allowed, "other keys are independent");
    }

    #[test]
    fn a_batch_counts_per_vin_and_too_large_batches_are_refused() {
        let l = LocalLimiter::new(NonZeroU32::new(10).expect("nonzero"), 100);
        assert!(l.check("a", NonZeroU32::new(7).expect("nonzero")).allowed);
        assert!(!l.check("a", NonZeroU32::new(4).expect("nonzero")).allowed);
        let huge = l.check("a", NonZeroU32::new(11).expect("nonzero"));
        assert!(!huge.allowed && huge.too_large);
    }

    #[test]
    fn memory_stays_bounded_under_many_clients() {
        let l = LocalLimiter::new(NonZeroU32::new(5).expect("nonzero"), 100);
        for i in 0..10_000 {
            l.check(&format!("client-{i}"), one());
            assert!(l.len() <= 101, "len {} after {i} clients", l.len());
        }
    }
}
