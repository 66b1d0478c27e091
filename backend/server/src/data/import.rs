//! `vinbot data import`: NHTSA's monthly dump → a scratch vPIC-layout SQLite in the data directory →
//! the decoder's index → the current snapshot. Nothing in place changes until the new snapshot is
//! complete and reads back; the scratch file is removed however the import ends.

use std::path::{Path, PathBuf};
use std::time::Instant;

use vinbot_decoder::Decoder;

use super::{DataFailure, Store, Switched};

/// Source name of NHTSA's data in the data identity.
pub const NHTSA_SOURCE: &str = "NHTSA vPIC";

/// What an import did.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The month of the dump (`YYYY_MM`), when its name tells.
    pub month: Option<String>,
    /// `sha256:` of the dump file as read.
    pub file_sha256: String,
    /// Tables and rows copied.
    pub tables: usize,
    /// Rows copied.
    pub rows: u64,
    /// The snapshot now current, and the one kept for rollback.
    pub switched: Switched,
    /// Seconds spent reading the dump, building the index, writing the snapshot.
    pub seconds: (f64, f64, f64),
}

/// Removes a scratch file when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The data identity's source for a dump: `NHTSA vPIC 2026_10 (vPICList_lite_2026_10.plain.zip,
/// sha256:...)`.
pub fn source_name(month: Option<&str>, file: &Path, sha256: &str) -> String {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match month {
        Some(m) => format!("{NHTSA_SOURCE} {m} ({name}, {sha256})"),
        None => format!("{NHTSA_SOURCE} ({name}, {sha256})"),
    }
}

/// Imports the dump at `dump` into the data directory `dir` and makes it current.
pub fn import_dump(
    dir: &Path,
    dump: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Imported, DataFailure> {
    let store = Store::new(dir);
    std::fs::create_dir_all(dir).map_err(|e| DataFailure::io(dir, e))?;
    let file_sha256 = vpic_dump::sha256_file(dump)?;
    let scratch = Scratch(store.scratch("vpic-import.db"));
    let _ = std::fs::remove_file(&scratch.0);
    let t0 = Instant::now();
    let report = vpic_dump::import(dump, &scratch.0, progress)?;
    let t1 = Instant::now();
    let source = source_name(report.month.as_deref(), dump, &file_sha256);
    let decoder = Decoder::from_sqlite_as(&scratch.0, &source)?;
    drop(scratch);
    let t2 = Instant::now();
    let switched = store.install(&decoder)?;
    let t3 = Instant::now();
    tracing::info!(
        month = report.month.as_deref().unwrap_or("?"),
        rows = report.rows(),
        digest = %switched.identity.digest,
        "NHTSA dump imported"
    );
    Ok(Imported {
        month: report.month.clone(),
        file_sha256,
        tables: report.tables.len(),
        rows: report.rows(),
        switched,
        seconds: (
            (t1 - t0).as_secs_f64(),
            (t2 - t1).as_secs_f64(),
            (t3 - t2).as_secs_f64(),
        ),
    })
}
