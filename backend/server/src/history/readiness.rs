//! The database's readiness check: a ping with a short deadline. A failure makes the instance
//! `degraded`, never `unavailable`: decoding does not need the database.

use std::{future::Future, pin::Pin, time::Duration};

use sea_orm::DatabaseConnection;

use crate::{
    db,
    state::{CheckOutcome, ReadinessCheck},
};

/// Longest a readiness probe waits for the database (load balancers probe every few seconds).
const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// `checks.database` of `/health/ready`.
pub struct DatabaseCheck {
    db: DatabaseConnection,
}

impl DatabaseCheck {
    /// A check pinging `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

impl ReadinessCheck for DatabaseCheck {
    fn name(&self) -> &'static str {
        "database"
    }

    fn check(&self) -> Pin<Box<dyn Future<Output = CheckOutcome> + Send + '_>> {
        Box::pin(async move {
            match tokio::time::timeout(PING_TIMEOUT, db::ping(&self.db)).await {
                Ok(Ok(())) => CheckOutcome::Ok,
                Ok(Err(error)) => CheckOutcome::Degraded(error.to_string()),
                Err(_) => CheckOutcome::Degraded(format!("no answer within {PING_TIMEOUT:?}")),
            }
        })
    }
}
