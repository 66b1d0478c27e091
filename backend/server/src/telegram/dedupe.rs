//! De-duplication of webhook deliveries by `update_id`. Telegram re-sends an update when
//! our answer is slow or lost, possibly to another instance, so the record of what was handled
//! must be shared: the history database's primary key, which every instance sees. Without a
//! database the record is kept in process memory, which is right for one instance only.

use std::{
    collections::{HashMap, VecDeque},
    future::Future,
    pin::Pin,
    sync::Mutex,
};

use chrono::Utc;
use sea_orm::DatabaseConnection;

/// Why the de-duplication store could not answer.
#[derive(Debug, thiserror::Error)]
#[error("update de-duplication store unavailable: {0}")]
pub struct DedupError(pub String);

/// Boxed future of [`UpdateDedup::first_delivery`].
pub type DedupFuture<'a> = Pin<Box<dyn Future<Output = Result<bool, DedupError>> + Send + 'a>>;

/// A store that answers "is this the first delivery of `update_id`?" atomically across instances.
pub trait UpdateDedup: Send + Sync {
    /// Records `update_id`; `true` the first time it is seen anywhere, `false` for a re-delivery.
    /// Entries must live at least 24 hours (Telegram re-sends for up to a day).
    fn first_delivery(&self, update_id: i64) -> DedupFuture<'_>;

    /// Short name for logs and metrics.
    fn name(&self) -> &'static str;
}

/// The database's `telegram_updates` table (`INSERT … ON CONFLICT DO NOTHING`).
pub struct DbDedup {
    db: DatabaseConnection,
}

impl DbDedup {
    /// Uses this connection pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

impl UpdateDedup for DbDedup {
    fn first_delivery(&self, update_id: i64) -> DedupFuture<'_> {
        Box::pin(async move {
            crate::db::mark_update_seen(&self.db, update_id, Utc::now())
                .await
                .map_err(|e| DedupError(e.to_string()))
        })
    }

    fn name(&self) -> &'static str {
        "database"
    }
}

/// One process's memory: correct only for a single instance. Used when no database is wired
/// in; bounded to the most recent `capacity` ids.
pub struct InProcessDedup {
    capacity: usize,
    state: Mutex<(HashMap<i64, ()>, VecDeque<i64>)>,
}

impl InProcessDedup {
    /// Remembers up to `capacity` ids.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            state: Mutex::new((HashMap::new(), VecDeque::new())),
        }
    }
}

impl UpdateDedup for InProcessDedup {
    fn first_delivery(&self, update_id: i64) -> DedupFuture<'_> {
        let result = match self.state.lock() {
            Ok(mut guard) => {
                let (seen, order) = &mut *guard;
                if seen.insert(update_id, ()).is_some() {
                    Ok(false)
                } else {
                    order.push_back(update_id);
                    if order.len() > self.capacity
                        && let Some(old) = order.pop_front()
                    {
                        seen.remove(&old);
                    }
                    Ok(true)
                }
            }
            Err(_) => Err(DedupError("in-process store poisoned".into())),
        };
        Box::pin(std::future::ready(result))
    }

    fn name(&self) -> &'static str {
        "in_process"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn in_process_is_bounded_and_exact() {
        let d = InProcessDedup::new(2);
        assert!(d.first_delivery(1).await.unwrap());
        assert!(!d.first_delivery(1).await.unwrap());
        assert!(d.first_delivery(2).await.unwrap());
        assert!(d.first_delivery(3).await.unwrap());
        // 1 was evicted by the bound.
        assert!(d.first_delivery(1).await.unwrap());
    }
}
