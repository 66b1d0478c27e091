//! The shared Redis connection (fred): built from `REDIS_URL` (`redis://` or `rediss://`), with
//! connect and command timeouts, a bounded command queue, reconnection with exponential backoff and
//! every key under `REDIS_KEY_PREFIX`. Never fatal: [`Redis::start`] returns at once, the client
//! connects (and reconnects) in the background, and callers check [`Redis::is_connected`] so a
//! request never waits on a Redis that is down.

use std::{future::Future, pin::Pin, sync::Arc, time::Duration};

use fred::{
    clients::Client,
    interfaces::ClientLike,
    types::{
        Builder,
        config::{Config, ReconnectPolicy},
    },
};
use secrecy::ExposeSecret;

use crate::{
    config::Settings,
    readiness::{CheckOutcome, ReadinessCheck},
};

/// Timeouts and bounds of the client. Not read from the environment: they are tuned to the
/// request deadline, not to a deployment.
#[derive(Debug, Clone)]
pub struct RedisOptions {
    /// TCP connect (and TLS handshake) timeout.
    pub connect_timeout: Duration,
    /// Default timeout of every command.
    pub command_timeout: Duration,
    /// Commands waiting for the connection beyond this many fail at once (back-pressure).
    pub max_queued_commands: usize,
    /// First reconnection delay; doubles up to `max_reconnect_delay`.
    pub min_reconnect_delay: Duration,
    /// Longest reconnection delay.
    pub max_reconnect_delay: Duration,
}

impl Default for RedisOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(2),
            command_timeout: Duration::from_millis(250),
            max_queued_commands: 1024,
            min_reconnect_delay: Duration::from_millis(100),
            max_reconnect_delay: Duration::from_secs(5),
        }
    }
}

/// Why the client could not be built (a malformed URL; being unreachable is not an error).
#[derive(Debug, thiserror::Error)]
#[error("REDIS_URL: {0}")]
pub struct RedisConfigError(String);

/// A started Redis client with its key prefix (cheap to clone).
#[derive(Clone)]
pub struct Redis {
    client: Client,
    prefix: Arc<str>,
}

impl Redis {
    /// Builds the client for `REDIS_URL` and starts connecting in the background. `Ok(None)` when
    /// `REDIS_URL` is unset. Returns without waiting for the connection.
    pub fn start(settings: &Settings) -> Result<Option<Self>, RedisConfigError> {
        let Some(url) = &settings.redis_url else {
            return Ok(None);
        };
        Self::start_with(
            url.expose_secret(),
            &settings.redis_key_prefix,
            &RedisOptions::default(),
        )
        .map(Some)
    }

    /// Like [`Redis::start`] with an explicit URL, prefix and options.
    pub fn start_with(
        url: &str,
        prefix: &str,
        options: &RedisOptions,
    ) -> Result<Self, RedisConfigError> {
        // fred's errors may quote the URL; report only the kind of problem.
        let mut config = Config::from_url(url)
            .map_err(|e| RedisConfigError(format!("not a usable Redis URL ({:?})", e.kind())))?;
        // Keep retrying the first connection too: the service starts while Redis is down.
        config.fail_fast = false;
        let millis = |d: Duration| u32::try_from(d.as_millis()).unwrap_or(u32::MAX);
        let client = Builder::from_config(config)
            .set_policy(ReconnectPolicy::new_exponential(
                0, // retry forever
                millis(options.min_reconnect_delay),
                millis(options.max_reconnect_delay),
                2,
            ))
            .with_connection_config(|c| {
                c.connection_timeout = options.connect_timeout;
                c.internal_command_timeout = options.connect_timeout;
                c.max_command_buffer_len = options.max_queued_commands;
                // A command interrupted by a dropped connection is not retried: the caller
                // falls back instead of waiting.
                c.max_command_attempts = 1;
                // A server that accepts but never answers is treated as a dropped connection.
                c.unresponsive.max_timeout = Some(options.connect_timeout);
                c.unresponsive.interval = Duration::from_millis(500);
            })
            .with_performance_config(|p| {
                p.default_command_timeout = options.command_timeout;
            })
            .build()
            .map_err(|e| RedisConfigError(format!("cannot build the client ({:?})", e.kind())))?;
        // The connection task runs for the life of the client and reconnects by itself.
        let _task = client.connect();
        Ok(Self {
            client,
            prefix: Arc::from(prefix),
        })
    }

    /// The client (for modules that issue their own commands).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// `REDIS_KEY_PREFIX` + `suffix`.
    pub fn key(&self, suffix: &str) -> String {
        format!("{}{suffix}", self.prefix)
    }

    /// The key prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// True while the connection is up; callers skip Redis (and fall back) otherwise.
    pub fn is_connected(&self) -> bool {
        self.client.is_connected()
    }

    /// One `PING` round trip.
    pub async fn ping(&self) -> Result<(), fred::error::Error> {
        self.client.ping::<()>(None).await
    }

    /// Closes the connection (at shutdown).
    pub async fn quit(&self) {
        let _ = self.client.quit().await;
    }

    /// A readiness check reporting `degraded` while Redis is unreachable.
    pub fn readiness_check(&self) -> Arc<dyn ReadinessCheck> {
        Arc::new(RedisReadiness(self.clone()))
    }
}

struct RedisReadiness(Redis);

impl ReadinessCheck for RedisReadiness {
    fn name(&self) -> &'static str {
        "redis"
    }

    fn check(&self) -> Pin<Box<dyn Future<Output = CheckOutcome> + Send + '_>> {
        Box::pin(async move {
            if !self.0.is_connected() {
                return CheckOutcome::Degraded("not connected; reconnecting".into());
            }
            match self.0.ping().await {
                Ok(()) => CheckOutcome::Ok,
                Err(e) => CheckOutcome::Degraded(format!("ping failed: {:?}", e.kind())),
            }
        })
    }
}
