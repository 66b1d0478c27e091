//! The vPIC data of the data directory: loading it (with an error that tells the operator what to run
//! when it is missing), building a snapshot from a vPIC-layout SQLite, importing NHTSA's monthly dump,
//! switching between snapshots (`vinbot data ...`), and the data of a running server with its reload.

mod import;
pub mod live;
pub mod progress;
pub mod reload;
mod store;
pub mod update;

use std::{
    path::{Path, PathBuf},
    time::Instant,
};

use anyhow::Context;
use vinbot_decoder::Decoder;

pub use import::{Imported, import_dump};
pub use live::{ElementIndex, LiveData, Loaded};
pub use store::{Store, Switched};

/// File name of the vPIC SQLite inside the data directory.
pub const SQLITE_FILE: &str = "vpic.lite.db";
/// File name of the compiled snapshot inside the data directory.
pub const SNAPSHOT_FILE: &str = "vpic.snapshot";

/// Why a data command failed; [`DataFailure::code`] is stable for scripts.
#[derive(Debug, thiserror::Error)]
pub enum DataFailure {
    /// The dump could not be read (foreign, truncated, damaged file).
    #[error(transparent)]
    Dump(#[from] vpic_dump::DumpError),
    /// The data could not be built, written or loaded.
    #[error(transparent)]
    Data(#[from] vinbot_decoder::DataError),
    /// A file operation in the data directory failed.
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    /// What was written does not read back as what was built.
    #[error("verification failed: {0}")]
    Verify(String),
    /// A reload found no snapshot in the data directory.
    #[error(
        "no snapshot at {0}: write one with `vinbot data build`, `vinbot data import` or `vinbot data update`"
    )]
    NoSnapshot(PathBuf),
    /// `rollback` without a previous snapshot.
    #[error("no previous snapshot to roll back to ({0} does not exist)")]
    NoPrevious(PathBuf),
    /// NHTSA's download page or file could not be fetched.
    #[error("{0}")]
    Download(String),
    /// The download page lists no dump (of the month asked for).
    #[error("{0}")]
    NotListed(String),
}

impl DataFailure {
    pub(crate) fn io(path: &Path, e: std::io::Error) -> Self {
        DataFailure::Io(path.to_path_buf(), e)
    }

    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            DataFailure::Dump(e) => e.code(),
            DataFailure::Data(vinbot_decoder::DataError::Missing(_))
            | DataFailure::NoSnapshot(_) => "data_missing",
            DataFailure::Data(vinbot_decoder::DataError::Sqlite(..)) => "data_not_vpic",
            DataFailure::Data(vinbot_decoder::DataError::Snapshot(..)) => "snapshot_invalid",
            DataFailure::Data(vinbot_decoder::DataError::Io(..)) | DataFailure::Io(..) => "data_io",
            DataFailure::Verify(_) => "data_verify_failed",
            DataFailure::NoPrevious(_) => "no_previous_snapshot",
            DataFailure::Download(_) => "download_failed",
            DataFailure::NotListed(_) => "dump_not_listed",
        }
    }
}

/// Opens `<dir>/vpic.snapshot`, building it from `<dir>/vpic.lite.db` when absent or stale.
pub fn open(dir: &Path) -> anyhow::Result<Decoder> {
    if !dir.join(SNAPSHOT_FILE).exists() && !dir.join(SQLITE_FILE).exists() {
        anyhow::bail!(
            "no vPIC data in {} (neither {SNAPSHOT_FILE} nor {SQLITE_FILE}); run scripts/fetch-vpic-data, \
             vinbot data import or vinbot data update, or set VINBOT_DATA_DIR",
            dir.display()
        );
    }
    let started = Instant::now();
    let decoder = Decoder::open_data_dir(dir)
        .with_context(|| format!("loading vPIC data from {}", dir.display()))?;
    let id = decoder.identity();
    tracing::info!(
        source = %id.source,
        data_date = %id.data_date,
        digest = %id.digest,
        millis = started.elapsed().as_millis() as u64,
        "vPIC data loaded"
    );
    Ok(decoder)
}

/// Rebuilds the snapshot from `<dir>/vpic.lite.db` (`vinbot data build`).
pub fn build(dir: &Path) -> Result<Switched, DataFailure> {
    build_from_sqlite(dir, &dir.join(SQLITE_FILE))
}

/// Builds the snapshot from any vPIC-layout SQLite file and makes it current, keeping the replaced one
/// for rollback (`vinbot data build --sqlite PATH`).
pub fn build_from_sqlite(dir: &Path, sqlite: &Path) -> Result<Switched, DataFailure> {
    let started = Instant::now();
    let decoder = Decoder::from_sqlite(sqlite)?;
    let switched = Store::new(dir).install(&decoder)?;
    tracing::info!(
        path = %switched.current.display(),
        millis = started.elapsed().as_millis() as u64,
        digest = %switched.identity.digest,
        "snapshot written"
    );
    Ok(switched)
}

/// Reads the current snapshot whole, checking every section's checksum and that the content's digest
/// matches the one its header carries, then opens it (`vinbot data verify`). Opening alone checks only
/// the header and the section table (see docs/DATA.md).
pub fn verify(dir: &Path) -> Result<vinbot_decoder::DataIdentity, DataFailure> {
    let path = Store::new(dir).current();
    let identity = Decoder::verify_snapshot(&path)?;
    Decoder::load_snapshot(&path)?;
    Ok(identity)
}
