//! # vpic-dump
//!
//! Reads NHTSA's monthly vPIC database as published, `vPICList_lite_YYYY_MM.plain.zip` (or the `.sql`
//! inside it): a PostgreSQL dump in pg_dump's plain format, schema `vpic`. Every table of the dump is
//! copied into a new SQLite file with vPIC's table layout (names as the dump spells them, lower case;
//! SQLite matches names case-insensitively), typed from the dump's `CREATE TABLE`, so any reader of
//! vPIC-layout SQLite files can build from it. No PostgreSQL is involved.
//!
//! The file is streamed: one line at a time from the zip entry, rows inserted as they are parsed, so
//! memory stays flat whatever the size of the dump. A file that is not such a dump, or that ends early
//! (pg_dump closes every dump with a known line, every COPY block with `\.`), or that has a damaged row,
//! is refused with an error naming the line.
#![deny(missing_docs)]

mod copy;
mod ddl;
mod lines;
mod parse;
mod source;

use std::path::{Path, PathBuf};

pub use copy::{Row, parse_row};

/// Why a dump could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    /// Reading the input failed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The input file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The input is not a pg_dump plain-format dump of vPIC.
    #[error("{path} is not NHTSA's vPIC database dump: {detail}")]
    Foreign {
        /// The input file.
        path: PathBuf,
        /// What was found instead.
        detail: String,
    },
    /// The input ends before the dump does.
    #[error("{path} is truncated: {detail}")]
    Truncated {
        /// The input file.
        path: PathBuf,
        /// Where it ends.
        detail: String,
    },
    /// A line of the dump cannot be read as what it should be.
    #[error("{path} is damaged at line {line}: {detail}")]
    Damaged {
        /// The input file.
        path: PathBuf,
        /// 1-based line number in the SQL text.
        line: u64,
        /// What is wrong.
        detail: String,
    },
    /// Writing the SQLite copy failed.
    #[error("cannot write the SQLite copy {path}: {source}")]
    Sqlite {
        /// The SQLite file.
        path: PathBuf,
        /// The cause.
        source: rusqlite::Error,
    },
}

impl DumpError {
    /// A stable machine-readable code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            DumpError::Io { .. } => "dump_unreadable",
            DumpError::Foreign { .. } => "dump_foreign",
            DumpError::Truncated { .. } => "dump_truncated",
            DumpError::Damaged { .. } => "dump_damaged",
            DumpError::Sqlite { .. } => "dump_sqlite",
        }
    }
}

/// Rows copied for one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRows {
    /// Table name as the dump spells it.
    pub name: String,
    /// Rows copied.
    pub rows: u64,
}

/// What an import read.
#[derive(Debug, Clone)]
pub struct Report {
    /// Name of the SQL text read (the zip entry, or the file itself).
    pub entry: String,
    /// The dump's month, `YYYY_MM`, from NHTSA's file name, when it has one.
    pub month: Option<String>,
    /// Tables in the order the dump holds them, with their rows.
    pub tables: Vec<TableRows>,
    /// Bytes of SQL text read.
    pub sql_bytes: u64,
}

impl Report {
    /// Rows copied over all tables.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }
}

/// Progress of an import: bytes of SQL text read so far and the total (0 when unknown).
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

/// Copies every table of the dump at `input` (zip or plain `.sql`) into a new SQLite file at `sqlite`
/// (which must not exist yet). On error the SQLite file may be partly written: callers write to a
/// temporary name and delete it.
pub fn import(input: &Path, sqlite: &Path, progress: Progress<'_>) -> Result<Report, DumpError> {
    if sqlite.exists() {
        return Err(DumpError::Sqlite {
            path: sqlite.to_path_buf(),
            source: rusqlite::Error::InvalidPath(sqlite.to_path_buf()),
        });
    }
    let conn = parse::open_sqlite(sqlite)?;
    let report = source::with_sql(input, |reader, entry, total| {
        let mut lines = lines::Lines::new(reader, input, total, progress);
        let mut parser = parse::Parser::new(&conn, sqlite, input);
        let tables = parser.run(&mut lines)?;
        Ok(Report {
            entry: entry.to_string(),
            month: month_in(entry).or_else(|| month_in(&input.to_string_lossy())),
            tables,
            sql_bytes: lines.bytes(),
        })
    })?;
    conn.close().map_err(|(_, e)| DumpError::Sqlite {
        path: sqlite.to_path_buf(),
        source: e,
    })?;
    Ok(report)
}

/// `sha256:<hex>` of a file's bytes (read in blocks).
pub fn sha256_file(path: &Path) -> Result<String, DumpError> {
    use sha2::Digest;
    use std::io::Read;
    let io = |source| DumpError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut f = std::fs::File::open(path).map_err(io)?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(format!("sha256:{}", hex::encode(h.finalize())))
}

/// The month `YYYY_MM` of NHTSA's file name (`vPICList_lite_2026_10.plain.zip` → `2026_10`).
pub fn month_in(name: &str) -> Option<String> {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let lower = file.to_ascii_lowercase();
    let at = lower.find("vpiclist")?;
    let b = &file.as_bytes()[at..];
    (0..b.len().saturating_sub(6)).find_map(|i| {
        let w = &b[i..i + 7];
        let digits = |r: std::ops::Range<usize>| w[r].iter().all(u8::is_ascii_digit);
        if !(digits(0..4) && w[4] == b'_' && digits(5..7)) {
            return None;
        }
        let month = (w[5] - b'0') * 10 + (w[6] - b'0');
        (1..=12)
            .contains(&month)
            .then(|| String::from_utf8_lossy(w).into_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_from_nhtsa_names() {
        assert_eq!(
            month_in("/x/vPICList_lite_2026_10.plain.zip").as_deref(),
            Some("2026_10")
        );
        assert_eq!(
            month_in("vPICList_lite_2025_01.sql").as_deref(),
            Some("2025_01")
        );
        assert_eq!(month_in("vPICList_lite_2025_13.sql"), None);
        assert_eq!(month_in("dump_2025_01.sql"), None);
    }
}
