//! Moving the default SQLite database out of the cache directory. Older versions kept it next to
//! the vPIC files (`~/.cache/vinbot/vinbot.db`); it holds the decode history and the API keys,
//! which must survive a cleared cache, so it now lives in the state directory
//! (`~/.local/share/vinbot`). An existing file is moved once, the first time vinbot opens the
//! default database, and the move is logged.

use std::{
    io,
    path::{Path, PathBuf},
};

use crate::config::Settings;

/// What [`adopt_legacy_sqlite`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relocation {
    /// Nothing to do: `DATABASE_URL` is set, or there is no old file.
    None,
    /// The old file (and its `-wal`/`-shm` companions) moved to the new place.
    Moved {
        /// The old path.
        from: PathBuf,
        /// The new path.
        to: PathBuf,
    },
    /// Both exist: the new one is used, the old one is left alone.
    BothExist {
        /// The old path, not used.
        old: PathBuf,
        /// The path in use.
        current: PathBuf,
    },
}

/// SQLite keeps the recent writes of a WAL database in these companion files.
const COMPANIONS: [&str; 2] = ["-wal", "-shm"];

/// Moves `<data dir>/vinbot.db` to `<state dir>/vinbot.db` when `DATABASE_URL` is unset, the old
/// file exists and the new one does not; logs what it did. Call before opening the database.
pub fn adopt_legacy_sqlite(settings: &Settings) -> io::Result<Relocation> {
    let Some(old) = &settings.legacy_sqlite else {
        return Ok(Relocation::None);
    };
    let new = settings.state_dir.join(super::SQLITE_FILE_NAME);
    let outcome = relocate(old, &new)?;
    match &outcome {
        Relocation::Moved { from, to } => tracing::warn!(
            from = %from.display(),
            to = %to.display(),
            "moved the history database (decode history, API keys) out of the cache directory"
        ),
        Relocation::BothExist { old, current } => tracing::warn!(
            old = %old.display(),
            current = %current.display(),
            "an old history database is still in the cache directory and is not used; \
             remove it, or move it over the current one while vinbot is stopped"
        ),
        Relocation::None => {}
    }
    Ok(outcome)
}

/// The move itself, without settings (tested directly).
pub fn relocate(old: &Path, new: &Path) -> io::Result<Relocation> {
    if !old.is_file() {
        return Ok(Relocation::None);
    }
    if new.exists() {
        return Ok(Relocation::BothExist {
            old: old.to_path_buf(),
            current: new.to_path_buf(),
        });
    }
    if let Some(dir) = new.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // Companions first: if the main file moved and a crash stopped us before its WAL, the moved
    // database would miss its latest writes. A WAL without its database is ignored by SQLite.
    for suffix in COMPANIONS {
        let from = with_suffix(old, suffix);
        if from.exists() {
            move_file(&from, &with_suffix(new, suffix))?;
        }
    }
    move_file(old, new)?;
    Ok(Relocation::Moved {
        from: old.to_path_buf(),
        to: new.to_path_buf(),
    })
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// `rename`, or copy and remove when the two directories are on different file systems.
fn move_file(from: &Path, to: &Path) -> io::Result<()> {
    match std::fs::rename(from, to) {
        Ok(()) => Ok(()),
        Err(_) => {
            std::fs::copy(from, to)?;
            std::fs::remove_file(from)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_the_file_and_its_wal_and_leaves_a_second_copy_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let old = tmp.path().join("cache/vinbot/vinbot.db");
        let new = tmp.path().join("share/vinbot/vinbot.db");
        assert_eq!(relocate(&old, &new).unwrap(), Relocation::None);

        std::fs::create_dir_all(old.parent().unwrap()).unwrap();
        std::fs::write(&old, b"main").unwrap();
        std::fs::write(with_suffix(&old, "-wal"), b"wal").unwrap();
        let moved = relocate(&old, &new).unwrap();
        assert!(matches!(moved, Relocation::Moved { .. }), "{moved:?}");
        assert!(!old.exists() && !with_suffix(&old, "-wal").exists());
        assert_eq!(std::fs::read(&new).unwrap(), b"main");
        assert_eq!(std::fs::read(with_suffix(&new, "-wal")).unwrap(), b"wal");

        std::fs::write(&old, b"stale").unwrap();
        let both = relocate(&old, &new).unwrap();
        assert!(matches!(both, Relocation::BothExist { .. }), "{both:?}");
        assert_eq!(
            std::fs::read(&old).unwrap(),
            b"stale",
            "the old file is kept"
        );
        assert_eq!(
            std::fs::read(&new).unwrap(),
            b"main",
            "the new file is untouched"
        );
    }
}
