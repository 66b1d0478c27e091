//! The writer task: drains the channel into batches and writes them, retrying while the database
//! is down, and flushes within the deadline at shutdown.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::{DatabaseConnection, TransactionTrait};
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, MissedTickBehavior, sleep_until};

use super::counters::Counters;
use super::{RecorderConfig, ShutdownReport};
use crate::db::DbError;
use crate::db::events::{DecodeEvent, record_decodes};

/// Sent by [`super::RecorderHandle::shutdown`].
pub(super) struct ShutdownRequest {
    pub(super) deadline: Instant,
    pub(super) reply: oneshot::Sender<ShutdownReport>,
}

/// How long the writer keeps flushing when every handle was dropped without a shutdown call.
const ORPHAN_FLUSH: Duration = Duration::from_secs(5);

pub(super) struct Writer {
    db: DatabaseConnection,
    events: mpsc::Receiver<DecodeEvent>,
    control: mpsc::Receiver<ShutdownRequest>,
    control_open: bool,
    config: RecorderConfig,
    counters: Arc<Counters>,
    shutdown: Option<ShutdownRequest>,
    /// Set by the first failure of an outage, so it is logged once, and its recovery once.
    failing_since: Option<Instant>,
}

/// Result of trying to write one batch.
enum Flush {
    Written,
    DeadlineExceeded,
}

impl Writer {
    pub(super) fn new(
        db: DatabaseConnection,
        events: mpsc::Receiver<DecodeEvent>,
        control: mpsc::Receiver<ShutdownRequest>,
        config: RecorderConfig,
        counters: Arc<Counters>,
    ) -> Self {
        Self {
            db,
            events,
            control,
            control_open: true,
            config,
            counters,
            shutdown: None,
            failing_since: None,
        }
    }

    pub(super) async fn run(mut self) {
        let batch_size = self.config.batch_size;
        let mut batch = Vec::with_capacity(batch_size);
        let mut ticker = tokio::time::interval(self.config.flush_interval);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        while self.shutdown.is_none() {
            // Never zero: a full batch is written before the loop comes back here.
            let room = batch_size - batch.len();
            tokio::select! {
                biased;
                request = self.control.recv(), if self.control_open => self.on_control(request),
                received = self.events.recv_many(&mut batch, room) => {
                    if received == 0 {
                        break; // every handle is gone
                    }
                    if batch.len() >= batch_size {
                        self.flush(&mut batch).await;
                    }
                }
                _ = ticker.tick() => {
                    if !batch.is_empty() {
                        self.flush(&mut batch).await;
                    }
                }
            }
        }
        self.finish(batch).await;
    }

    fn on_control(&mut self, request: Option<ShutdownRequest>) {
        match request {
            Some(request) => self.shutdown = Some(request),
            None => self.control_open = false,
        }
    }

    fn deadline(&self) -> Option<Instant> {
        self.shutdown.as_ref().map(|s| s.deadline)
    }

    /// Writes the batch, retrying with exponential backoff until it succeeds or a shutdown
    /// deadline passes. On success the batch is emptied.
    async fn flush(&mut self, batch: &mut Vec<DecodeEvent>) -> Flush {
        let mut backoff = self.config.initial_backoff;
        loop {
            let outcome = {
                let db = self.db.clone();
                let write =
                    tokio::time::timeout(self.config.write_timeout, write_batch(&db, batch));
                tokio::pin!(write);
                // Wait for the write, but give up at the shutdown deadline, which may arrive
                // meanwhile (a cancelled write may still have committed; it is counted dropped).
                loop {
                    let deadline = self.deadline();
                    let listen = self.control_open && deadline.is_none();
                    tokio::select! {
                        biased;
                        outcome = &mut write => break outcome,
                        request = self.control.recv(), if listen => self.on_control(request),
                        () = sleep_until_opt(deadline) => return Flush::DeadlineExceeded,
                    }
                }
            };
            let error = match outcome {
                Ok(Ok(_new_rows)) => {
                    self.counters.set_failing(false);
                    self.counters.written(batch.len() as u64);
                    batch.clear();
                    self.counters.publish();
                    if let Some(since) = self.failing_since.take() {
                        tracing::info!(
                            outage_ms = since.elapsed().as_millis() as u64,
                            "stats database writes recovered"
                        );
                    }
                    return Flush::Written;
                }
                Ok(Err(error)) => error.to_string(),
                Err(_elapsed) => format!("write timed out after {:?}", self.config.write_timeout),
            };
            self.counters.set_failing(true);
            self.counters.retried();
            self.counters.publish();
            if self.failing_since.is_none() {
                self.failing_since = Some(Instant::now());
                tracing::warn!(%error, batch = batch.len(), "stats database write failed; buffering and retrying");
            } else {
                tracing::debug!(%error, "stats database write failed again");
            }
            let wake = Instant::now() + backoff;
            loop {
                let deadline = self.deadline();
                let listen = self.control_open && deadline.is_none();
                tokio::select! {
                    biased;
                    request = self.control.recv(), if listen => self.on_control(request),
                    () = sleep_until_opt(deadline) => return Flush::DeadlineExceeded,
                    () = sleep_until(wake) => break,
                }
            }
            backoff = (backoff * 2).min(self.config.max_backoff);
        }
    }

    /// Stops intake, writes what is buffered until the deadline, drops and counts the rest.
    async fn finish(mut self, mut batch: Vec<DecodeEvent>) {
        self.events.close();
        if self.shutdown.is_none() {
            // No shutdown call (every handle dropped): still try briefly.
            let (reply, _ignored) = oneshot::channel();
            self.shutdown = Some(ShutdownRequest {
                deadline: Instant::now() + ORPHAN_FLUSH,
                reply,
            });
        }
        let mut flushed = 0;
        loop {
            while batch.len() < self.config.batch_size {
                match self.events.try_recv() {
                    Ok(event) => batch.push(event),
                    Err(_) => break,
                }
            }
            if batch.is_empty() {
                break;
            }
            let n = batch.len() as u64;
            match self.flush(&mut batch).await {
                Flush::Written => flushed += n,
                Flush::DeadlineExceeded => break,
            }
        }
        let mut dropped = batch.len() as u64;
        while self.events.try_recv().is_ok() {
            dropped += 1;
        }
        self.counters.lost(dropped);
        self.counters.publish();
        if dropped > 0 {
            tracing::warn!(
                flushed,
                dropped,
                "stats recorder stopped; events lost at the deadline"
            );
        } else {
            tracing::info!(flushed, dropped, "stats recorder stopped");
        }
        if let Some(request) = self.shutdown.take() {
            let _ = request.reply.send(ShutdownReport { flushed, dropped });
        }
    }
}

/// One transaction per batch: one commit (one fsync on PostgreSQL) instead of one per statement,
/// and a failed batch leaves nothing behind.
async fn write_batch(db: &DatabaseConnection, batch: &[DecodeEvent]) -> Result<u64, DbError> {
    let txn = db.begin().await?;
    let new_rows = record_decodes(&txn, batch).await?;
    txn.commit().await?;
    Ok(new_rows)
}

/// Sleeps until the deadline, or forever without one.
async fn sleep_until_opt(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
