//! The recorder's counters: atomics shared by the handles and the writer task, mirrored to the
//! `metrics` facade (Prometheus) and published on a watch channel for readiness and tests.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tokio::sync::watch;

/// A snapshot of the recorder's counters since it was spawned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecorderCounters {
    /// Events accepted into the buffer by `record`.
    pub recorded: u64,
    /// Events written to the database (including ones that were already there).
    pub written: u64,
    /// Events lost: buffer full, recorder stopped, or still unwritten at the shutdown deadline.
    pub dropped: u64,
    /// Failed write attempts (each followed by a retry unless the shutdown deadline passed).
    pub retried: u64,
    /// Events accepted but not yet written (in the channel or the batch being written).
    pub buffered: u64,
}

/// Why an event was dropped; the `reason` label of `vinbot_stats_events_dropped_total`.
#[derive(Clone, Copy, Debug)]
pub(super) enum DropReason {
    /// The buffer was full (the database is slow or down).
    Full,
    /// The recorder had stopped.
    Closed,
    /// Still buffered when the shutdown deadline passed.
    Shutdown,
}

impl DropReason {
    fn label(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Closed => "closed",
            Self::Shutdown => "shutdown",
        }
    }
}

const RECORDED: &str = "vinbot_stats_events_recorded_total";
const WRITTEN: &str = "vinbot_stats_events_written_total";
const DROPPED: &str = "vinbot_stats_events_dropped_total";
const RETRIES: &str = "vinbot_stats_write_retries_total";
const BUFFERED: &str = "vinbot_stats_events_buffered";

pub(super) struct Counters {
    recorded: AtomicU64,
    written: AtomicU64,
    dropped: AtomicU64,
    retried: AtomicU64,
    buffered: AtomicU64,
    /// The last write attempt failed (readiness reports the database degraded).
    failing: AtomicBool,
    progress: watch::Sender<RecorderCounters>,
}

impl Counters {
    pub(super) fn new() -> Self {
        Self {
            recorded: AtomicU64::new(0),
            written: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            retried: AtomicU64::new(0),
            buffered: AtomicU64::new(0),
            failing: AtomicBool::new(false),
            progress: watch::Sender::new(RecorderCounters::default()),
        }
    }

    /// Reserves a buffer slot before `try_send`, so the writer can never count an event out
    /// before it was counted in.
    pub(super) fn reserve(&self) {
        self.buffered.fetch_add(1, Ordering::Relaxed);
    }

    /// `try_send` succeeded.
    pub(super) fn accepted(&self) {
        self.recorded.fetch_add(1, Ordering::Relaxed);
        metrics::counter!(RECORDED).increment(1);
        self.set_buffered_gauge();
    }

    /// `try_send` failed: give the reserved slot back and count the loss.
    pub(super) fn rejected(&self, reason: DropReason) {
        self.buffered.fetch_sub(1, Ordering::Relaxed);
        self.count_dropped(1, reason);
    }

    /// `n` buffered events reached the database.
    pub(super) fn written(&self, n: u64) {
        self.written.fetch_add(n, Ordering::Relaxed);
        self.buffered.fetch_sub(n, Ordering::Relaxed);
        metrics::counter!(WRITTEN).increment(n);
        self.set_buffered_gauge();
    }

    /// `n` buffered events were given up at shutdown.
    pub(super) fn lost(&self, n: u64) {
        self.buffered.fetch_sub(n, Ordering::Relaxed);
        self.count_dropped(n, DropReason::Shutdown);
        self.set_buffered_gauge();
    }

    /// Whether the last write attempt failed.
    pub(super) fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::Relaxed);
    }

    pub(super) fn failing(&self) -> bool {
        self.failing.load(Ordering::Relaxed)
    }

    /// A write attempt failed.
    pub(super) fn retried(&self) {
        self.retried.fetch_add(1, Ordering::Relaxed);
        metrics::counter!(RETRIES).increment(1);
    }

    pub(super) fn snapshot(&self) -> RecorderCounters {
        RecorderCounters {
            recorded: self.recorded.load(Ordering::Relaxed),
            written: self.written.load(Ordering::Relaxed),
            dropped: self.dropped.load(Ordering::Relaxed),
            retried: self.retried.load(Ordering::Relaxed),
            buffered: self.buffered.load(Ordering::Relaxed),
        }
    }

    /// Wakes watchers of [`Counters::subscribe`]; called by the writer after each attempt.
    pub(super) fn publish(&self) {
        self.progress.send_replace(self.snapshot());
    }

    pub(super) fn subscribe(&self) -> watch::Receiver<RecorderCounters> {
        self.progress.subscribe()
    }

    fn count_dropped(&self, n: u64, reason: DropReason) {
        self.dropped.fetch_add(n, Ordering::Relaxed);
        metrics::counter!(DROPPED, "reason" => reason.label()).increment(n);
    }

    fn set_buffered_gauge(&self) {
        metrics::gauge!(BUFFERED).set(self.buffered.load(Ordering::Relaxed) as f64);
    }
}
