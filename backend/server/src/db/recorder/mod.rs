//! Write-behind recording of decode events (docs/PERSISTENCE.md, "Writing decode events").
//!
//! Request paths call [`RecorderHandle::record`], which only tries to put the event in a bounded
//! channel: it never waits, and a full channel drops the event and counts it. One task drains the
//! channel, writes batches (by size or interval) with `ON CONFLICT (id) DO NOTHING`, and retries
//! with exponential backoff while the database is down; memory stays bounded because the channel
//! is the buffer. [`RecorderHandle::shutdown`] writes what is buffered within a deadline.

mod counters;
mod writer;

use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;

pub use counters::RecorderCounters;
use counters::{Counters, DropReason};
use std::sync::Arc;
use writer::{ShutdownRequest, Writer};

use super::events::{DecodeEvent, history_vin};

/// Tuning of the recorder; `Default` suits the server.
#[derive(Clone, Debug)]
pub struct RecorderConfig {
    /// Events the channel holds while the writer is busy or the database down; beyond it, events
    /// are dropped and counted.
    pub capacity: usize,
    /// Events per write; a full batch is written at once.
    pub batch_size: usize,
    /// A partial batch is written after this long (also the most a crash can lose).
    pub flush_interval: Duration,
    /// First wait after a failed write; doubles up to `max_backoff`.
    pub initial_backoff: Duration,
    /// Longest wait between retries.
    pub max_backoff: Duration,
    /// A write attempt taking longer counts as failed.
    pub write_timeout: Duration,
    /// Keep whole VINs (`STORE_FULL_VINS=true`); else the first 11 characters.
    pub store_full_vins: bool,
}

impl Default for RecorderConfig {
    fn default() -> Self {
        Self {
            capacity: 10_000,
            batch_size: 500,
            flush_interval: Duration::from_secs(1),
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
            store_full_vins: false,
        }
    }
}

/// What [`RecorderHandle::shutdown`] achieved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ShutdownReport {
    /// Buffered events written during shutdown.
    pub flushed: u64,
    /// Buffered events given up at the deadline.
    pub dropped: u64,
}

/// Spawns the writer task.
pub struct Recorder;

impl Recorder {
    /// Starts the writer on the current tokio runtime. Keep the `JoinHandle` to await the task
    /// after [`RecorderHandle::shutdown`].
    pub fn spawn(
        db: DatabaseConnection,
        config: RecorderConfig,
    ) -> (RecorderHandle, JoinHandle<()>) {
        let config = RecorderConfig {
            capacity: config.capacity.max(1),
            batch_size: config.batch_size.max(1),
            ..config
        };
        let (events_tx, events_rx) = mpsc::channel(config.capacity);
        let (control_tx, control_rx) = mpsc::channel(1);
        let counters = Arc::new(Counters::new());
        let handle = RecorderHandle {
            events: events_tx,
            control: control_tx,
            counters: Arc::clone(&counters),
            store_full_vins: config.store_full_vins,
        };
        let writer = Writer::new(db, events_rx, control_rx, config, counters);
        (handle, tokio::spawn(writer.run()))
    }
}

/// Cheap to clone; give one to every request handler.
#[derive(Clone)]
pub struct RecorderHandle {
    events: mpsc::Sender<DecodeEvent>,
    control: mpsc::Sender<ShutdownRequest>,
    counters: Arc<Counters>,
    store_full_vins: bool,
}

impl std::fmt::Debug for RecorderHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecorderHandle")
            .field("counters", &self.counters.snapshot())
            .finish_non_exhaustive()
    }
}

impl RecorderHandle {
    /// Buffers the event for writing; never waits. Returns `false` when it was dropped (buffer
    /// full or recorder stopped), which is counted. The VIN of an anonymous event is cut to 11
    /// characters here unless full VINs are stored, so such a full VIN never even sits in the
    /// buffer; a user's own decodes (with a user id) keep the whole VIN for their history.
    pub fn record(&self, mut event: DecodeEvent) -> bool {
        if !self.store_full_vins && event.user_id.is_none() {
            event.vin = history_vin(&event.vin, false);
        }
        self.counters.reserve();
        match self.events.try_send(event) {
            Ok(()) => {
                self.counters.accepted();
                true
            }
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.counters.rejected(DropReason::Full);
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {
                self.counters.rejected(DropReason::Closed);
                false
            }
        }
    }

    /// Current counters.
    pub fn counters(&self) -> RecorderCounters {
        self.counters.snapshot()
    }

    /// True while writes fail (from the first failed attempt until one succeeds).
    pub fn writes_failing(&self) -> bool {
        self.counters.failing()
    }

    /// Counters, updated after every write attempt of the writer; lets callers wait for progress
    /// (`wait_for`) instead of polling.
    pub fn progress(&self) -> watch::Receiver<RecorderCounters> {
        self.counters.subscribe()
    }

    /// Stops accepting events, writes the buffered ones until `deadline` has passed, drops the
    /// rest, and reports both counts (also logged). Later calls, or a recorder whose task has
    /// ended, report zeros.
    pub async fn shutdown(&self, deadline: Duration) -> ShutdownReport {
        let (reply, answer) = oneshot::channel();
        let request = ShutdownRequest {
            deadline: Instant::now() + deadline,
            reply,
        };
        if self.control.send(request).await.is_err() {
            return ShutdownReport::default();
        }
        answer.await.unwrap_or_default()
    }
}
