//! Writes a vPIC-layout SQLite as NHTSA publishes it: pg_dump's plain format, schema `vpic`, lower-case
//! names, one COPY block per table, optionally restricted to the rows of a few WMIs to stay small.

use std::io::Write;
use std::path::Path;

use rusqlite::Connection;
use rusqlite::types::ValueRef;

/// Escapes a value for COPY's text format.
pub fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

fn pg_type(decl: &str) -> &'static str {
    let d = decl.to_ascii_uppercase();
    if d.contains("INT") {
        "bigint"
    } else if d.contains("REAL") || d.contains("FLOA") || d.contains("DOUB") {
        "double precision"
    } else {
        "text"
    }
}

/// Rows kept per table when the dump is restricted to `wmis`.
fn filter(table: &str, wmis: Option<&str>) -> String {
    let Some(wmis) = wmis else {
        return String::new();
    };
    let wmi_ids = format!("SELECT Id FROM Wmi WHERE Wmi IN ({wmis})");
    let schemas = format!("SELECT VinSchemaId FROM Wmi_VinSchema WHERE WmiId IN ({wmi_ids})");
    match table.to_ascii_lowercase().as_str() {
        "wmi" => format!(" WHERE Wmi IN ({wmis})"),
        "wmi_make" | "wmi_vinschema" => format!(" WHERE WmiId IN ({wmi_ids})"),
        "pattern" | "vinschema" => {
            let col = if table.eq_ignore_ascii_case("pattern") {
                "VinSchemaId"
            } else {
                "Id"
            };
            format!(" WHERE {col} IN ({schemas})")
        }
        _ => String::new(),
    }
}

/// The SQL of the schema and the rows (what psql loads, and the core of a pg_dump file).
pub fn write_sql(sqlite: &Path, wmis: Option<&str>, out: &mut impl Write) {
    let conn =
        Connection::open_with_flags(sqlite, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    writeln!(out, "CREATE SCHEMA vpic;\n").unwrap();
    for table in &tables {
        let cols: Vec<(String, String)> = conn
            .prepare(&format!(
                "SELECT name, type FROM pragma_table_info('{table}')"
            ))
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let lower = table.to_ascii_lowercase();
        let defs: Vec<String> = cols
            .iter()
            .map(|(n, t)| format!("    {} {}", n.to_ascii_lowercase(), pg_type(t)))
            .collect();
        writeln!(
            out,
            "CREATE TABLE vpic.{lower} (\n{}\n);\n",
            defs.join(",\n")
        )
        .unwrap();
        let names: Vec<String> = cols.iter().map(|(n, _)| n.to_ascii_lowercase()).collect();
        writeln!(out, "COPY vpic.{lower} ({}) FROM stdin;", names.join(", ")).unwrap();
        let sql = format!("SELECT * FROM \"{table}\"{}", filter(table, wmis));
        let mut stmt = conn.prepare(&sql).unwrap();
        let n = cols.len();
        let mut rows = stmt.query([]).unwrap();
        let mut line = String::new();
        while let Some(r) = rows.next().unwrap() {
            line.clear();
            for i in 0..n {
                if i > 0 {
                    line.push('\t');
                }
                match r.get_ref(i).unwrap() {
                    ValueRef::Null => line.push_str("\\N"),
                    ValueRef::Integer(v) => line.push_str(&v.to_string()),
                    ValueRef::Real(v) => line.push_str(&v.to_string()),
                    ValueRef::Text(t) => escape(&String::from_utf8_lossy(t), &mut line),
                    ValueRef::Blob(b) => escape(&String::from_utf8_lossy(b), &mut line),
                }
            }
            writeln!(out, "{line}").unwrap();
        }
        writeln!(out, "\\.\n").unwrap();
    }
}

/// A whole plain-format dump as pg_dump writes it (header, `\restrict`, settings, rows, footer).
pub fn write_dump(sqlite: &Path, wmis: Option<&str>, out: &mut impl Write) {
    write!(
        out,
        "--\n-- PostgreSQL database dump\n--\n\n\\restrict k3y\n\nSET client_encoding = 'UTF8';\n\
         SET standard_conforming_strings = on;\n\n"
    )
    .unwrap();
    write_sql(sqlite, wmis, out);
    write!(
        out,
        "--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict k3y\n\n"
    )
    .unwrap();
}

/// The dump zipped as NHTSA ships it: `dir/vPICList_lite_MONTH.plain.zip` holding `vPICList_lite_MONTH.sql`.
pub fn zip_dump(sql: &[u8], dir: &Path, month: &str) -> std::path::PathBuf {
    let path = dir.join(format!("vPICList_lite_{month}.plain.zip"));
    let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    w.start_file(format!("vPICList_lite_{month}.sql"), opts)
        .unwrap();
    w.write_all(sql).unwrap();
    w.finish().unwrap();
    path
}
