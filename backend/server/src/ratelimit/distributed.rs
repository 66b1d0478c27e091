//! The distributed limiter: one GCRA bucket per client in Redis, updated by one Lua script
//! (`gcra.lua`), so N instances together enforce one quota per client. The script runs on
//! Redis's clock, not the instances'.

use std::time::Duration;

use fred::types::scripts::Script;

use super::Decision;
use crate::redis::Redis;

const GCRA_LUA: &str = include_str!("gcra.lua");

/// GCRA buckets in Redis.
pub struct Distributed {
    redis: Redis,
    script: Script,
}

impl Distributed {
    /// Buckets under `{REDIS_KEY_PREFIX}rl:`.
    pub fn new(redis: Redis) -> Self {
        Self {
            redis,
            script: Script::from_lua(GCRA_LUA),
        }
    }

    /// True while Redis is connected (otherwise the caller falls back without waiting).
    pub fn is_connected(&self) -> bool {
        self.redis.is_connected()
    }

    /// Takes `cost` cells from `bucket`'s quota of `limit` per minute.
    pub async fn check(
        &self,
        bucket: &str,
        limit: u32,
        cost: u32,
    ) -> Result<Decision, fred::error::Error> {
        let key = self.redis.key(&format!("rl:{bucket}"));
        let interval_us = 60_000_000 / u64::from(limit.max(1));
        let reply: Vec<i64> = self
            .script
            .evalsha_with_reload(
                self.redis.client(),
                key,
                vec![interval_us as i64, i64::from(limit), i64::from(cost)],
            )
            .await?;
        let [allowed, remaining, retry_us, full_us] = reply[..] else {
            return Err(fred::error::Error::new(
                fred::error::ErrorKind::Parse,
                "unexpected reply from the rate-limit script",
            ));
        };
        let micros = |v: i64| Duration::from_micros(u64::try_from(v).unwrap_or(0));
        let remaining = u32::try_from(remaining).unwrap_or(0).min(limit);
        Ok(if allowed == 1 {
            Decision::allowed(limit, remaining, micros(full_us))
        } else {
            Decision::denied(
                limit,
                micros(retry_us).max(Duration::from_millis(1)),
                micros(full_us),
            )
        })
    }
}
