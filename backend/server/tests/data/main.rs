//! The vPIC data commands against the real binary: `vinbot data import` of NHTSA-format dumps (written
//! here from the npm vPIC file, one of them through the real PostgreSQL's `pg_dump`), refused inputs that
//! leave the data in place, `build --sqlite`, `update` from a loopback download page, `rollback`.

mod dump;
mod import;
mod pg;
mod update;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The npm vPIC file (fetched by scripts/fetch-vpic-data).
pub fn npm_sqlite() -> PathBuf {
    let dir = vinbot_testkit::env::data_dir();
    let db = dir.join("vpic.lite.db");
    assert!(
        db.exists(),
        "these tests need the npm vPIC file at {}: run scripts/fetch-vpic-data",
        db.display()
    );
    db
}

/// `vinbot` with `VINBOT_DATA_DIR=dir`.
pub fn vinbot(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vinbot"))
        .env("VINBOT_DATA_DIR", dir)
        .env_remove("RUST_LOG")
        .env_remove("VINBOT_VPIC_DOWNLOAD_URL")
        .args(args)
        .output()
        .expect("run vinbot")
}

/// Runs and requires success; returns stdout.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = vinbot(dir, args);
    assert!(
        out.status.success(),
        "vinbot {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs and requires failure; returns stderr.
pub fn fails(dir: &Path, args: &[&str]) -> String {
    let out = vinbot(dir, args);
    assert!(
        !out.status.success(),
        "vinbot {args:?} should fail; stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr).unwrap()
}

/// Every file of a directory with its bytes (the data in place).
pub fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let bytes = if p.is_file() {
                std::fs::read(&p).unwrap()
            } else {
                Vec::new()
            };
            (p.file_name().unwrap().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    v.sort();
    v
}
