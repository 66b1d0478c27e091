//! The snapshots of a data directory: the current one (`vpic.snapshot`, what the server loads) and the one
//! it replaced (`vpic.snapshot.prev`, for `vinbot data rollback`). A new snapshot is written under a
//! staging name and renamed over the current one, so a reader (a starting or reloading server) sees the
//! old file or the new one, never a partial one; the previous one is kept through a hard link made
//! before the rename.

use std::path::{Path, PathBuf};

use vinbot_decoder::{DataIdentity, Decoder};

use super::{DataFailure, SNAPSHOT_FILE};

/// Suffix of the previous snapshot.
const PREVIOUS_SUFFIX: &str = "prev";
/// Suffix of a snapshot being written.
const STAGING_SUFFIX: &str = "new";

/// The snapshots of one data directory.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

/// What an install or a rollback left in place.
#[derive(Debug, Clone)]
pub struct Switched {
    /// The current snapshot.
    pub current: PathBuf,
    /// Its identity.
    pub identity: DataIdentity,
    /// The identity of the snapshot kept for rollback, if any.
    pub previous: Option<DataIdentity>,
}

impl Store {
    /// The store of a data directory.
    pub fn new(dir: &Path) -> Self {
        Store {
            dir: dir.to_path_buf(),
        }
    }

    /// The current snapshot's path.
    pub fn current(&self) -> PathBuf {
        self.dir.join(SNAPSHOT_FILE)
    }

    /// The previous snapshot's path.
    pub fn previous(&self) -> PathBuf {
        self.dir.join(format!("{SNAPSHOT_FILE}.{PREVIOUS_SUFFIX}"))
    }

    fn staging(&self) -> PathBuf {
        self.dir.join(format!("{SNAPSHOT_FILE}.{STAGING_SUFFIX}"))
    }

    /// A scratch path in the data directory (same file system, so renames stay atomic).
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.dir.join(format!(".{name}.{}.tmp", std::process::id()))
    }

    /// Writes `decoder`'s index as the current snapshot, keeping the replaced one as the previous.
    pub fn install(&self, decoder: &Decoder) -> Result<Switched, DataFailure> {
        std::fs::create_dir_all(&self.dir).map_err(|e| DataFailure::io(&self.dir, e))?;
        let staging = self.staging();
        decoder.write_snapshot(&staging)?;
        // Read back what was written, whole: every section's checksum and the content's digest must
        // match, and the header must name the data just built.
        let written = match Decoder::verify_snapshot(&staging) {
            Ok(id) => id,
            Err(e) => {
                let _ = std::fs::remove_file(&staging);
                return Err(e.into());
            }
        };
        if written.digest != decoder.identity().digest {
            let _ = std::fs::remove_file(&staging);
            return Err(DataFailure::Verify(format!(
                "{} holds {} after writing {}",
                staging.display(),
                written.digest,
                decoder.identity().digest
            )));
        }
        let current = self.current();
        let previous = if current.exists() {
            self.keep_previous(&current)?;
            Decoder::snapshot_identity(&self.previous()).ok()
        } else {
            None
        };
        std::fs::rename(&staging, &current).map_err(|e| DataFailure::io(&current, e))?;
        touch(&current)?;
        Ok(Switched {
            current,
            identity: written,
            previous,
        })
    }

    fn keep_previous(&self, current: &Path) -> Result<(), DataFailure> {
        let previous = self.previous();
        let _ = std::fs::remove_file(&previous);
        if std::fs::hard_link(current, &previous).is_err() {
            std::fs::copy(current, &previous).map_err(|e| DataFailure::io(&previous, e))?;
        }
        Ok(())
    }

    /// Makes the previous snapshot current again (and the current one previous), after checking that
    /// the previous one loads.
    pub fn rollback(&self) -> Result<Switched, DataFailure> {
        let previous = self.previous();
        if !previous.exists() {
            return Err(DataFailure::NoPrevious(previous));
        }
        let identity = Decoder::verify_snapshot(&previous)?;
        Decoder::load_snapshot(&previous)?;
        let current = self.current();
        let swap = self.scratch("swap");
        // The current file stays in place until the rename replaces it: no moment without a snapshot.
        let had_current = current.exists();
        if had_current {
            let _ = std::fs::remove_file(&swap);
            if std::fs::hard_link(&current, &swap).is_err() {
                std::fs::copy(&current, &swap).map_err(|e| DataFailure::io(&swap, e))?;
            }
        }
        std::fs::rename(&previous, &current).map_err(|e| DataFailure::io(&previous, e))?;
        if had_current {
            std::fs::rename(&swap, &previous).map_err(|e| DataFailure::io(&swap, e))?;
        }
        // Newer than the SQLite file, or loading would rebuild from it.
        touch(&current)?;
        Ok(Switched {
            current,
            identity,
            previous: Decoder::snapshot_identity(&previous).ok(),
        })
    }
}

/// Sets a file's modification time to now (snapshots are read-only files: opened for reading).
fn touch(path: &Path) -> Result<(), DataFailure> {
    let f = std::fs::File::open(path).map_err(|e| DataFailure::io(path, e))?;
    f.set_modified(std::time::SystemTime::now())
        .map_err(|e| DataFailure::io(path, e))
}
