//! Small dumps in pg_dump's plain format, written here, read into SQLite: every escape of the COPY text
//! format, every column type of vPIC's tables, the statements that carry no rows, and refused inputs.

use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use rusqlite::types::Value;
use vpic_dump::{DumpError, import};

/// A dump shaped like NHTSA's: header, settings, `\restrict`, a function whose body holds lines that
/// look like statements, tables of every column type, COPY blocks, constraints, footer.
fn dump_text() -> String {
    let rows_pattern = [
        // id, vinschemaid, keys, elementid, attributeid, createdon, updatedon
        "1\t10\tA[BC]*\t5\tplain\t2015-03-04 10:33:34.057\t\\N",
        "2\t10\t|1\t5\ttab\\there\\nnewline\\r\\\\back\t2015-03-04 10:33:34\t2020-01-01 00:00:00",
        "3\t10\tZ\t6\t\\101\\x42\\103 \\303\\251\t\\N\t\\N",
        "4\t10\t\t6\t\\b\\f\\v\t\\N\t\\N",
        "5\t10\tQ\t7\t\\\\N is not null\t\\N\t\\N",
    ];
    let element = [
        "5\tModel\tModel\tModel\t\\N\tf\tGeneral\tlookup\t\\N\t\\N\tt\tPattern\t100",
        "6\tBody Class\tBodyClass\tBodyStyle\tThe body\tt\tGeneral\tlookup\t1\t99\tf\t\\N\t\\N",
    ];
    format!(
        "--\n-- PostgreSQL database dump\n--\n\n\\restrict AbCdEf123\n\n\
         SET statement_timeout = 0;\nSET client_encoding = 'UTF8';\n\
         SELECT pg_catalog.set_config('search_path', '', false);\n\
         CREATE SCHEMA vpic;\n\n\
         CREATE FUNCTION vpic.f(v character varying) RETURNS integer\n    LANGUAGE plpgsql\n    AS $$\n\
         begin\nCOPY vpic.element (id) FROM stdin;\nCREATE TABLE vpic.ghost (\n    x integer\n);\n\
         return 1;\nend\n$$;\n\n\
         CREATE TABLE vpic.element (\n    id integer NOT NULL,\n    name character varying(100) NOT NULL,\n\
         \x20   code character varying(50),\n    lookuptable character varying(50),\n\
         \x20   description character varying,\n    isprivate boolean,\n    groupname character varying(100),\n\
         \x20   datatype character varying(50),\n    minallowedvalue integer,\n    maxallowedvalue integer,\n\
         \x20   isqs boolean,\n    decode character varying(50),\n    weight smallint\n);\n\n\
         CREATE TABLE vpic.pattern (\n    id integer NOT NULL,\n    vinschemaid integer NOT NULL,\n\
         \x20   keys character varying(50) NOT NULL,\n    elementid integer NOT NULL,\n\
         \x20   attributeid character varying(500) NOT NULL,\n    createdon timestamp without time zone,\n\
         \x20   updatedon timestamp without time zone,\n\
         \x20   keys_regex text GENERATED ALWAYS AS (vpic.sqlwild_to_regex((keys)::text)) STORED\n);\n\n\
         CREATE TABLE vpic.measure (\n    id bigint NOT NULL,\n    ratio numeric(10,3),\n    w double precision,\n\
         \x20   r real,\n    note text\n);\n\n\
         CREATE TABLE vpic.emptytable (\n    id integer NOT NULL\n);\n\n\
         CREATE TABLE public.other (\n    id integer\n);\n\n\
         COPY public.other (id) FROM stdin;\n1\n\\.\n\n\
         COPY vpic.element (id, name, code, lookuptable, description, isprivate, groupname, datatype, \
         minallowedvalue, maxallowedvalue, isqs, decode, weight) FROM stdin;\n{}\n\\.\n\n\
         COPY vpic.pattern (id, vinschemaid, keys, elementid, attributeid, createdon, updatedon) FROM stdin;\n\
         {}\n\\.\n\n\
         COPY vpic.measure (id, ratio, w, r, note) FROM stdin;\n\
         9000000000\t12.500\t1e3\t0.25\t\\N\n2\t7\t-0.5\t\\N\t\n\\.\n\n\
         COPY vpic.emptytable (id) FROM stdin;\n\\.\n\n\
         SELECT pg_catalog.setval('vpic.pattern_id_seq', 1, false);\n\n\
         ALTER TABLE ONLY vpic.pattern\n    ADD CONSTRAINT pk_pattern PRIMARY KEY (id);\n\n\
         --\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict AbCdEf123\n\n",
        element.join("\n"),
        rows_pattern.join("\n"),
    )
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn zip(dir: &Path, name: &str, entries: &[(&str, &[u8])]) -> PathBuf {
    let path = dir.join(name);
    let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (entry, bytes) in entries {
        w.start_file(*entry, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap();
    path
}

fn run(input: &Path) -> Result<(vpic_dump::Report, Connection), DumpError> {
    let out = input.with_extension("out.db");
    let _ = std::fs::remove_file(&out);
    let report = import(input, &out, &mut |_, _| {})?;
    Ok((report, Connection::open(&out).unwrap()))
}

fn values(conn: &Connection, sql: &str) -> Vec<Vec<Value>> {
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

fn check_content(report: &vpic_dump::Report, conn: &Connection) {
    let names: Vec<(&str, u64)> = report
        .tables
        .iter()
        .map(|t| (t.name.as_str(), t.rows))
        .collect();
    assert_eq!(
        names,
        [
            ("element", 2),
            ("pattern", 5),
            ("measure", 2),
            ("emptytable", 0)
        ]
    );
    assert_eq!(report.rows(), 9);
    // Escapes, NULL versus empty, `\\N` as text; names matched case-insensitively as vPIC readers do.
    let attrs = values(
        conn,
        "SELECT AttributeId, Keys, UpdatedOn FROM Pattern ORDER BY Id",
    );
    assert_eq!(
        attrs,
        vec![
            vec![text("plain"), text("A[BC]*"), Value::Null],
            vec![
                text("tab\there\nnewline\r\\back"),
                text("|1"),
                text("2020-01-01 00:00:00")
            ],
            vec![text("ABC é"), text("Z"), Value::Null],
            vec![text("\u{8}\u{c}\u{b}"), text(""), Value::Null],
            vec![text("\\N is not null"), text("Q"), Value::Null],
        ]
    );
    // Booleans become 1/0 and integers are integers, as in vPIC's SQLite files.
    let el = values(
        conn,
        "SELECT Id, IsPrivate, IsQS, MinAllowedValue, Description, Decode, weight FROM Element ORDER BY Id",
    );
    assert_eq!(
        el,
        vec![
            vec![
                Value::Integer(5),
                Value::Integer(0),
                Value::Integer(1),
                Value::Null,
                Value::Null,
                text("Pattern"),
                Value::Integer(100)
            ],
            vec![
                Value::Integer(6),
                Value::Integer(1),
                Value::Integer(0),
                Value::Integer(1),
                text("The body"),
                Value::Null,
                Value::Null
            ],
        ]
    );
    let m = values(
        conn,
        "SELECT id, ratio, w, r, note FROM measure ORDER BY id",
    );
    assert_eq!(
        m,
        vec![
            vec![
                Value::Integer(2),
                Value::Integer(7),
                Value::Real(-0.5),
                Value::Null,
                text("")
            ],
            vec![
                Value::Integer(9_000_000_000),
                Value::Real(12.5),
                Value::Real(1000.0),
                Value::Real(0.25),
                Value::Null
            ],
        ]
    );
    // The generated column is not copied; tables outside `vpic` and inside function bodies are not.
    let cols = values(conn, "SELECT name FROM pragma_table_info('pattern')");
    assert!(!cols.contains(&vec![text("keys_regex")]), "{cols:?}");
    let tables = values(
        conn,
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    );
    assert_eq!(
        tables,
        vec![
            vec![text("element")],
            vec![text("emptytable")],
            vec![text("measure")],
            vec![text("pattern")]
        ]
    );
}

#[test]
fn plain_sql_is_read_with_every_escape_and_type() {
    let dir = tempfile::tempdir().unwrap();
    let sql = write(
        dir.path(),
        "vPICList_lite_2026_02.sql",
        dump_text().as_bytes(),
    );
    let (report, conn) = run(&sql).unwrap();
    assert_eq!(report.month.as_deref(), Some("2026_02"));
    check_content(&report, &conn);
}

#[test]
fn zipped_dump_is_read_like_the_sql_inside() {
    let dir = tempfile::tempdir().unwrap();
    let text = dump_text();
    let z = zip(
        dir.path(),
        "download.zip",
        &[("vPICList_lite_2025_12.sql", text.as_bytes())],
    );
    let (report, conn) = run(&z).unwrap();
    assert_eq!(report.entry, "vPICList_lite_2025_12.sql");
    assert_eq!(report.month.as_deref(), Some("2025_12"));
    assert_eq!(report.sql_bytes, text.len() as u64);
    check_content(&report, &conn);
}

#[test]
fn a_cut_dump_is_truncated_wherever_it_ends() {
    let dir = tempfile::tempdir().unwrap();
    let text = dump_text();
    let marks = [
        "CREATE TABLE vpic.element",
        "2\t10\t|1",
        "COPY vpic.measure",
        "SELECT pg_catalog.setval",
        "-- PostgreSQL database dump complete",
    ];
    for mark in marks {
        let cut = text.find(mark).unwrap() + 4;
        let sql = write(dir.path(), "cut.sql", &text.as_bytes()[..cut]);
        let err = run(&sql).unwrap_err();
        assert_eq!(err.code(), "dump_truncated", "cut at {mark:?}: {err}");
    }
    // A zip cut short has lost its directory.
    let z = zip(dir.path(), "full.zip", &[("a.sql", text.as_bytes())]);
    let bytes = std::fs::read(&z).unwrap();
    let cut = write(dir.path(), "cut.zip", &bytes[..bytes.len() / 2]);
    assert_eq!(run(&cut).unwrap_err().code(), "dump_truncated");
}

#[test]
fn foreign_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let png = write(dir.path(), "a.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    assert_eq!(run(&png).unwrap_err().code(), "dump_foreign");
    let csv = write(dir.path(), "a.csv", b"id,name\n1,x\n");
    assert_eq!(run(&csv).unwrap_err().code(), "dump_foreign");
    let empty = write(dir.path(), "empty.sql", b"");
    assert_eq!(run(&empty).unwrap_err().code(), "dump_foreign");
    // A complete pg_dump of another schema holds no vPIC rows.
    let other = "--\n-- PostgreSQL database dump\n--\nCOPY public.t (a) FROM stdin;\n1\n\\.\n\
                 --\n-- PostgreSQL database dump complete\n--\n";
    let other = write(dir.path(), "other.sql", other.as_bytes());
    assert_eq!(run(&other).unwrap_err().code(), "dump_foreign");
    let text = dump_text();
    let two = zip(
        dir.path(),
        "two.zip",
        &[("a.sql", text.as_bytes()), ("b.sql", text.as_bytes())],
    );
    assert_eq!(run(&two).unwrap_err().code(), "dump_foreign");
    let none = zip(dir.path(), "none.zip", &[("readme.txt", b"hello")]);
    assert_eq!(run(&none).unwrap_err().code(), "dump_foreign");
}

#[test]
fn damaged_rows_name_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = dump_text();
    let line_of =
        |t: &str, needle: &str| t[..t.find(needle).unwrap()].matches('\n').count() as u64 + 1;
    let cases = [
        ("2\t10\t|1\t5\t", "2\t10\t|1\t"),             // a field short
        ("9000000000\t12.500", "9000000000x\t12.500"), // not an integer
        ("f\tGeneral", "maybe\tGeneral"),              // not a boolean
    ];
    for (from, to) in cases {
        let bad = text.replacen(from, to, 1);
        let sql = write(dir.path(), "bad.sql", bad.as_bytes());
        match run(&sql).unwrap_err() {
            DumpError::Damaged { line, .. } => assert_eq!(line, line_of(&bad, to), "{to:?}"),
            other => panic!("{to:?}: {other}"),
        }
    }
    // Bytes that are not UTF-8 (an octal escape of half a character).
    let bad = text.replacen("\\303\\251", "\\303", 1);
    let sql = write(dir.path(), "bad.sql", bad.as_bytes());
    assert_eq!(run(&sql).unwrap_err().code(), "dump_damaged");
    // A zip entry whose bytes were altered fails its checksum.
    let z = zip(dir.path(), "ok.zip", &[("a.sql", text.as_bytes())]);
    let mut bytes = std::fs::read(&z).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    let flipped = write(dir.path(), "flipped.zip", &bytes);
    let code = run(&flipped).unwrap_err().code();
    assert!(code == "dump_damaged" || code == "dump_truncated", "{code}");
}

#[test]
fn an_existing_output_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let sql = write(dir.path(), "d.sql", dump_text().as_bytes());
    let out = write(dir.path(), "out.db", b"keep me");
    assert!(import(&sql, &out, &mut |_, _| {}).is_err());
    assert_eq!(std::fs::read(&out).unwrap(), b"keep me");
}
