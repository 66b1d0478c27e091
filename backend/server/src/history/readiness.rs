//! The database's readiness check: a ping with a short deadline, the recorder's last write, and
//! the schema. A database that answers reads but cannot write (full disk, read-only file), or
//! lacks migrations this binary needs (a PostgreSQL nobody ran `vinbot migrate` on), is as
//! degraded as one that does not answer. Either makes the instance `degraded`, never
//! `unavailable`: decoding does not need the database.

use std::{
    future::Future,
    pin::Pin,
    sync::atomic::{AtomicBool, Ordering},
    time::Duration,
};

use sea_orm::DatabaseConnection;

use crate::{
    db::{self, recorder::RecorderHandle},
    readiness::{CheckOutcome, ReadinessCheck},
};

/// Longest a readiness probe waits for the database (load balancers probe every few seconds).
const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// `checks.database` of `/health/ready`.
pub struct DatabaseCheck {
    db: DatabaseConnection,
    recorder: Option<RecorderHandle>,
    /// Every migration was found applied once: migrations are never undone under a running
    /// server, so the schema is not asked about again.
    schema_current: AtomicBool,
}

impl DatabaseCheck {
    /// A check pinging `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            recorder: None,
            schema_current: AtomicBool::new(false),
        }
    }

    /// Degraded while migrations are missing; `Ok` once none is (or when the database cannot
    /// tell, e.g. a newer version's migrations are applied: this one's are then too).
    async fn schema(&self) -> CheckOutcome {
        if self.schema_current.load(Ordering::Relaxed) {
            return CheckOutcome::Ok;
        }
        match tokio::time::timeout(PING_TIMEOUT, db::pending_migrations(&self.db)).await {
            Ok(Ok(pending)) if pending.is_empty() => {
                self.schema_current.store(true, Ordering::Relaxed);
                CheckOutcome::Ok
            }
            Ok(Ok(pending)) => CheckOutcome::Degraded(format!(
                "{} migration(s) not applied (first: {}): run `vinbot migrate` with this DATABASE_URL",
                pending.len(),
                pending[0]
            )),
            Ok(Err(_)) => CheckOutcome::Ok,
            Err(_) => CheckOutcome::Degraded(format!("no answer within {PING_TIMEOUT:?}")),
        }
    }

    /// Every migration is known to be applied (this process applied them at start): the schema is
    /// not asked about.
    pub fn with_schema_current(self) -> Self {
        self.schema_current.store(true, Ordering::Relaxed);
        self
    }

    /// Also degraded while `recorder`'s writes fail.
    pub fn with_recorder(mut self, recorder: RecorderHandle) -> Self {
        self.recorder = Some(recorder);
        self
    }
}

impl ReadinessCheck for DatabaseCheck {
    fn name(&self) -> &'static str {
        "database"
    }

    fn check(&self) -> Pin<Box<dyn Future<Output = CheckOutcome> + Send + '_>> {
        Box::pin(async move {
            if self
                .recorder
                .as_ref()
                .is_some_and(RecorderHandle::writes_failing)
            {
                return CheckOutcome::Degraded("history writes are failing".to_owned());
            }
            match tokio::time::timeout(PING_TIMEOUT, db::ping(&self.db)).await {
                Ok(Ok(())) => self.schema().await,
                Ok(Err(error)) => CheckOutcome::Degraded(error.to_string()),
                Err(_) => CheckOutcome::Degraded(format!("no answer within {PING_TIMEOUT:?}")),
            }
        })
    }
}
