//! What `/health/ready` asks each dependency. A leaf: the parts that own a dependency (the
//! history database, Redis) implement [`ReadinessCheck`], the application state collects the
//! checks, and the health route runs them; none of them needs to know the others.

use std::{future::Future, pin::Pin, sync::Arc};

/// Outcome of one readiness check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    /// Working.
    Ok,
    /// Not working; decoding still works without it (the instance is degraded, not down).
    Degraded(String),
    /// Not working and the instance cannot serve (the instance is unavailable).
    Down(String),
}

/// A dependency that `/health/ready` asks about (database, Redis, ...).
pub trait ReadinessCheck: Send + Sync {
    /// Short stable name, the key under `checks`.
    fn name(&self) -> &'static str;
    /// Probe the dependency; implementations bound their own time.
    fn check(&self) -> Pin<Box<dyn Future<Output = CheckOutcome> + Send + '_>>;
}

/// Wraps `check` so that its changes of outcome are logged, once each.
pub fn logged(check: Arc<dyn ReadinessCheck>) -> Arc<dyn ReadinessCheck> {
    Arc::new(LoggedCheck::new(check))
}

/// A readiness check that logs when its outcome changes (degraded, down, recovered), not at
/// every probe: load balancers probe every few seconds, and an outage would flood the log.
struct LoggedCheck {
    inner: Arc<dyn ReadinessCheck>,
    last: std::sync::Mutex<Option<std::mem::Discriminant<CheckOutcome>>>,
}

impl LoggedCheck {
    fn new(inner: Arc<dyn ReadinessCheck>) -> Self {
        Self {
            inner,
            last: std::sync::Mutex::new(None),
        }
    }

    fn observe(&self, outcome: &CheckOutcome) {
        let now = std::mem::discriminant(outcome);
        let previous = {
            let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
            last.replace(now)
        };
        if previous == Some(now) {
            return;
        }
        let name = self.inner.name();
        match outcome {
            CheckOutcome::Ok if previous.is_some() => {
                tracing::info!(check = name, "readiness recovered");
            }
            CheckOutcome::Ok => {}
            CheckOutcome::Degraded(why) => {
                tracing::warn!(check = name, reason = %why, "readiness degraded");
            }
            CheckOutcome::Down(why) => {
                tracing::error!(check = name, reason = %why, "readiness down");
            }
        }
    }
}

impl ReadinessCheck for LoggedCheck {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn check(&self) -> Pin<Box<dyn Future<Output = CheckOutcome> + Send + '_>> {
        Box::pin(async move {
            let outcome = self.inner.check().await;
            self.observe(&outcome);
            outcome
        })
    }
}
