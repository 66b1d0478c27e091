//! The npm vPIC file through the real PostgreSQL: its tables created in schema `vpic` under lower-case
//! names, rows loaded with COPY, dumped with `pg_dump --format=plain --schema=vpic`; `vinbot data import`
//! of that dump must decode the golden set byte for byte like `vinbot data build --sqlite` of the file.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::{dump, npm_sqlite, ok};

use vinbot_testkit::env::{pg_admin_url as admin_url, pg_url_for as db_url};

fn psql(url: &str, sql: &str) {
    let out = Command::new("psql")
        .args(["-v", "ON_ERROR_STOP=1", "-q", "-d", url, "-c", sql])
        .output()
        .expect("run psql");
    assert!(
        out.status.success(),
        "{sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Drops the scratch database however the test ends.
struct Scratch(String);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args([
                "-q",
                "-d",
                &admin_url(),
                "-c",
                &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.0),
            ])
            .output();
    }
}

fn golden_vins(path: &std::path::Path) {
    let text = include_str!("../../../decoder/tests/golden/golden.jsonl");
    let mut out = String::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        out.push_str(v["vin"].as_str().unwrap());
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn pg_dump_of_the_npm_file_imports_like_build_sqlite() {
    let root = tempfile::tempdir().unwrap();
    let db = format!(
        "vinbot_import_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
            % 1_000_000_000
    );
    psql(&admin_url(), &format!("CREATE DATABASE {db}"));
    let _scratch = Scratch(db.clone());
    let mut load = Command::new("psql")
        .args(["-v", "ON_ERROR_STOP=1", "-q", "-d", &db_url(&db)])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("run psql");
    {
        let mut stdin = std::io::BufWriter::new(load.stdin.take().unwrap());
        dump::write_sql(&npm_sqlite(), None, &mut stdin);
        stdin.flush().unwrap();
    }
    assert!(
        load.wait().unwrap().success(),
        "psql could not load the npm file"
    );
    let sql = root.path().join("vPICList_lite_2026_03.sql");
    let out = Command::new("pg_dump")
        .args([
            "--format=plain",
            "--schema=vpic",
            "--no-owner",
            "--no-privileges",
            "-f",
        ])
        .arg(&sql)
        .arg(db_url(&db))
        .output()
        .expect("run pg_dump");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let imported = root.path().join("imported");
    let built = root.path().join("built");
    let said = ok(&imported, &["data", "import", sql.to_str().unwrap()]);
    assert!(said.contains("NHTSA vPIC 2026_03"), "{said}");
    ok(
        &built,
        &["data", "build", "--sqlite", npm_sqlite().to_str().unwrap()],
    );
    let vins = root.path().join("golden.txt");
    golden_vins(&vins);
    let a = ok(&imported, &["decode", "--file", vins.to_str().unwrap()]);
    let b = ok(&built, &["decode", "--file", vins.to_str().unwrap()]);
    assert!(
        a.lines().count() > 300 && a.contains("\"Make\":\"HONDA\""),
        "{}",
        &a[..a.len().min(500)]
    );
    assert!(
        a == b,
        "the imported dump decodes the golden set differently from the SQLite"
    );
}
