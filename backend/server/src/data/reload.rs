//! Switching a running server to the current snapshot of its data directory (SIGHUP and
//! `POST /api/v1/admin/data/reload`).
//!
//! The snapshot's header is read first: when it names the data already loaded the reload is a no-op
//! (`unchanged`, nothing allocated). Otherwise the whole snapshot is loaded and checked off the async
//! threads, and only a snapshot that loads becomes current; a missing, damaged or foreign file leaves the
//! loaded data in place and the failure says why ([`DataFailure::code`]).

use std::{path::Path, time::Instant};

use vinbot_decoder::{DataIdentity, Decoder};

use super::{
    DataFailure, Store,
    live::{LiveData, Loaded},
};
use crate::observability::metrics;

/// What a successful reload did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Another data set is now current.
    Reloaded,
    /// The snapshot holds the data already loaded: nothing changed.
    Unchanged,
}

impl Outcome {
    /// The label in answers, logs and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Reloaded => "reloaded",
            Outcome::Unchanged => "unchanged",
        }
    }
}

/// A successful reload: the data before and after.
#[derive(Clone)]
pub struct Reloaded {
    /// What happened.
    pub outcome: Outcome,
    /// The data current before.
    pub before: Loaded,
    /// The data current now.
    pub after: Loaded,
    /// Milliseconds spent.
    pub millis: u64,
}

/// Makes the current snapshot of `dir` the data of `live`, one reload at a time; `trigger` (`sighup`,
/// `api`) is logged. Never changes the data when it fails.
pub async fn reload(live: &LiveData, dir: &Path, trigger: &str) -> Result<Reloaded, DataFailure> {
    let _one_at_a_time = live.reload_lock().await;
    let started = Instant::now();
    let before = live.current();
    let path = Store::new(dir).current();
    let loaded_digest = before.identity().digest.clone();
    let read = tokio::task::spawn_blocking(move || read_if_changed(&path, &loaded_digest))
        .await
        .unwrap_or_else(|e| Err(DataFailure::Verify(format!("the loading task failed: {e}"))));
    let millis = started.elapsed().as_millis() as u64;
    let result = match read {
        Ok(Some(decoder)) => {
            let after = Loaded::new(decoder);
            live.switch(after.clone());
            Ok(Reloaded {
                outcome: Outcome::Reloaded,
                before: before.clone(),
                after,
                millis,
            })
        }
        Ok(None) => Ok(Reloaded {
            outcome: Outcome::Unchanged,
            before: before.clone(),
            after: before.clone(),
            millis,
        }),
        Err(e) => Err(e),
    };
    log(&result, before.identity(), trigger, millis);
    result
}

/// The decoder of the snapshot at `path`, or `None` when its header names the data of `loaded_digest`.
fn read_if_changed(path: &Path, loaded_digest: &str) -> Result<Option<Decoder>, DataFailure> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(DataFailure::NoSnapshot(path.to_path_buf()));
        }
        Err(e) => return Err(DataFailure::io(path, e)),
        Ok(_) => {}
    }
    if Decoder::snapshot_identity(path)?.digest == loaded_digest {
        return Ok(None);
    }
    // Off the request path, a reload can afford the whole check (tens of milliseconds): a damaged file
    // is refused before anything switches. A start checks the header only.
    Decoder::verify_snapshot(path)?;
    Ok(Some(Decoder::load_snapshot(path)?))
}

fn log(result: &Result<Reloaded, DataFailure>, before: &DataIdentity, trigger: &str, millis: u64) {
    match result {
        Ok(r) => {
            metrics::record_data_reload(r.outcome.as_str());
            let after = r.after.identity();
            tracing::info!(
                trigger,
                outcome = r.outcome.as_str(),
                before = %before.digest,
                after = %after.digest,
                source = %after.source,
                data_date = %after.data_date,
                millis,
                "vPIC data reload"
            );
        }
        Err(e) => {
            metrics::record_data_reload("failed");
            tracing::warn!(
                trigger,
                outcome = "failed",
                code = e.code(),
                error = %e,
                kept = %before.digest,
                millis,
                "vPIC data reload"
            );
        }
    }
}
