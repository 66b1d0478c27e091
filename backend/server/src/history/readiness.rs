//! The database's readiness check: a ping with a short deadline, and the recorder's last write.
//! A database that answers reads but cannot write (full disk, read-only file) is as degraded as
//! one that does not answer. Either makes the instance `degraded`, never `unavailable`: decoding
//! does not need the database.

use std::{future::Future, pin::Pin, time::Duration};

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
}

impl DatabaseCheck {
    /// A check pinging `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db, recorder: None }
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
                Ok(Ok(())) => CheckOutcome::Ok,
                Ok(Err(error)) => CheckOutcome::Degraded(error.to_string()),
                Err(_) => CheckOutcome::Degraded(format!("no answer within {PING_TIMEOUT:?}")),
            }
        })
    }
}
