//! Loading the decoder from the data directory, with an error that tells the operator what
//! to run when the data is missing.

use std::{path::Path, time::Instant};

use anyhow::Context;
use vinbot_decoder::Decoder;

/// File name of the vPIC SQLite inside the data directory.
pub const SQLITE_FILE: &str = "vpic.lite.db";
/// File name of the compiled snapshot inside the data directory.
pub const SNAPSHOT_FILE: &str = "vpic.snapshot";

/// Opens `<dir>/vpic.snapshot`, building it from `<dir>/vpic.lite.db` when absent or stale.
pub fn open(dir: &Path) -> anyhow::Result<Decoder> {
    if !dir.join(SNAPSHOT_FILE).exists() && !dir.join(SQLITE_FILE).exists() {
        anyhow::bail!(
            "no vPIC data in {} (neither {SNAPSHOT_FILE} nor {SQLITE_FILE}); run scripts/fetch-vpic-data \
             or set VINBOT_DATA_DIR",
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

/// Rebuilds the snapshot from the SQLite (the `vinbot data build` command).
pub fn build(dir: &Path) -> anyhow::Result<std::path::PathBuf> {
    let sqlite = dir.join(SQLITE_FILE);
    anyhow::ensure!(
        sqlite.exists(),
        "{} not found; run scripts/fetch-vpic-data or set VINBOT_DATA_DIR",
        sqlite.display()
    );
    let started = Instant::now();
    let decoder =
        Decoder::from_sqlite(&sqlite).with_context(|| format!("reading {}", sqlite.display()))?;
    let snapshot = dir.join(SNAPSHOT_FILE);
    decoder
        .write_snapshot(&snapshot)
        .with_context(|| format!("writing {}", snapshot.display()))?;
    tracing::info!(
        path = %snapshot.display(),
        millis = started.elapsed().as_millis() as u64,
        digest = %decoder.identity().digest,
        "snapshot written"
    );
    Ok(snapshot)
}
