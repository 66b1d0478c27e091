//! `vinbot data import` of small NHTSA-format dumps written from the npm file (every one of its tables,
//! the rows of a few WMIs), refused inputs, `rollback` and `verify`.

use std::path::Path;

use crate::{dump, fails, files, npm_sqlite, ok};

/// Honda's and a few other WMIs: enough rows to decode, small enough to import in a second.
const WMIS: &str = "'1HG','5FN','1FT','WDB'";

fn small_sql() -> Vec<u8> {
    static SQL: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let mut v = Vec::new();
        dump::write_dump(&npm_sqlite(), Some(WMIS), &mut v);
        v
    })
    .clone()
}

fn import(dir: &Path, month: &str) -> String {
    let zip = dump::zip_dump(&small_sql(), &dir.join(".."), month);
    ok(dir, &["data", "import", zip.to_str().unwrap()])
}

fn decode(dir: &Path, vin: &str) -> serde_json::Value {
    let out = ok(dir, &["decode", vin]);
    serde_json::from_str(out.trim()).unwrap()
}

fn data_dir(root: &tempfile::TempDir) -> std::path::PathBuf {
    let dir = root.path().join("data");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn every_table_of_a_dump_is_imported_and_decodes() {
    let root = tempfile::tempdir().unwrap();
    let dir = data_dir(&root);
    let out = import(&dir, "2026_01");
    assert!(
        out.contains("NHTSA vPIC 2026_01 (vPICList_lite_2026_01.plain.zip, sha256:"),
        "{out}"
    );
    let v = decode(&dir, "1HGCM82633A004352");
    assert_eq!(v["Make"], "HONDA", "{v}");
    assert_eq!(v["Model"], "Accord", "{v}");
    assert_eq!(v["ModelYear"], "2003", "{v}");
    // A WMI left out of the dump is unknown to the imported data.
    let other = decode(&dir, "5YJSA1DG9DFP14705");
    assert_eq!(other["Make"], "", "{other}");
    // Only the snapshot stays: no scratch file of the import is left behind.
    let names: Vec<String> = files(&dir).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["vpic.snapshot"]);
}

#[test]
fn refused_dumps_leave_the_data_in_place() {
    let root = tempfile::tempdir().unwrap();
    let dir = data_dir(&root);
    import(&dir, "2026_01");
    let before = files(&dir);
    let sql = small_sql();
    let cut = dump::zip_dump(&sql[..sql.len() / 2], root.path(), "2026_02");
    let damaged_text = String::from_utf8(sql.clone())
        .unwrap()
        .replacen("\n1\t", "\n1x\t", 1);
    let damaged = root.path().join("vPICList_lite_2026_03.sql");
    std::fs::write(&damaged, damaged_text).unwrap();
    let foreign = root.path().join("vPICList_lite_2026_04.plain.zip");
    std::fs::write(&foreign, b"<html>Service unavailable</html>").unwrap();
    let not_vpic = root.path().join("other.sql");
    std::fs::write(
        &not_vpic,
        "--\n-- PostgreSQL database dump\n--\nCREATE TABLE vpic.t (\n    a integer\n);\n\
         COPY vpic.t (a) FROM stdin;\n1\n\\.\n--\n-- PostgreSQL database dump complete\n--\n",
    )
    .unwrap();
    for (file, code) in [
        (cut, "[dump_truncated]"),
        (damaged, "[dump_damaged]"),
        (foreign, "[dump_"),
        (not_vpic, "[data_not_vpic]"),
        (root.path().join("missing.zip"), "[dump_unreadable]"),
    ] {
        let err = fails(&dir, &["data", "import", file.to_str().unwrap()]);
        assert!(err.contains(code), "{}: {err}", file.display());
        assert!(
            files(&dir) == before,
            "{} changed the data directory",
            file.display()
        );
    }
    assert_eq!(decode(&dir, "1HGCM82633A004352")["Make"], "HONDA");
}

#[test]
fn rollback_returns_to_the_previous_snapshot_and_verify_reads_it_whole() {
    let root = tempfile::tempdir().unwrap();
    let dir = data_dir(&root);
    let err = fails(&dir, &["data", "rollback"]);
    assert!(err.contains("[no_previous_snapshot]"), "{err}");
    import(&dir, "2026_01");
    let out = import(&dir, "2026_02");
    assert!(out.contains("previous\tNHTSA vPIC 2026_01"), "{out}");
    assert!(ok(&dir, &["data", "verify"]).starts_with("ok\tNHTSA vPIC 2026_02"));
    let out = ok(&dir, &["data", "rollback"]);
    assert!(out.contains("NHTSA vPIC 2026_01"), "{out}");
    assert!(out.contains("previous\tNHTSA vPIC 2026_02"), "{out}");
    assert!(ok(&dir, &["data", "verify"]).starts_with("ok\tNHTSA vPIC 2026_01"));
    assert_eq!(decode(&dir, "1HGCM82633A004352")["Make"], "HONDA");
    ok(&dir, &["data", "rollback"]);
    assert!(ok(&dir, &["data", "verify"]).starts_with("ok\tNHTSA vPIC 2026_02"));
    // A damaged current snapshot fails verification.
    let snap = dir.join("vpic.snapshot");
    let mut bytes = std::fs::read(&snap).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&snap, bytes).unwrap();
    let err = fails(&dir, &["data", "verify"]);
    assert!(err.contains("[snapshot_invalid]"), "{err}");
}
