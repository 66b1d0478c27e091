//! The dump's statements: `CREATE TABLE` gives each table's columns, `COPY ... FROM stdin` blocks give
//! the rows; everything else (`SET`, `ALTER`, functions, `\restrict`, comments) carries no rows and is
//! passed over.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::Connection;
use rusqlite::types::{ToSqlOutput, Value, ValueRef};

use crate::ddl::{self, Column, Kind};
use crate::lines::Lines;
use crate::{DumpError, TableRows, copy};

/// pg_dump's first lines name the format; a plain-format dump says so within its header.
const HEADER: &[u8] = b"-- PostgreSQL database dump";
/// pg_dump's last comment: its absence means the file was cut.
const COMPLETE: &[u8] = b"-- PostgreSQL database dump complete";
/// NHTSA's schema.
const SCHEMA: &str = "vpic";
/// How many lines may come before the header comment.
const HEADER_WITHIN: u64 = 5;

/// Creates the SQLite file for a bulk load: no journal, no fsync (a failed load is deleted anyway).
pub fn open_sqlite(path: &Path) -> Result<Connection, DumpError> {
    let err = |source| DumpError::Sqlite {
        path: path.to_path_buf(),
        source,
    };
    let conn = Connection::open(path).map_err(err)?;
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE;
         PRAGMA cache_size = -65536; PRAGMA temp_store = FILE; BEGIN;",
    )
    .map_err(err)?;
    Ok(conn)
}

/// Reads the statements of one dump into the SQLite connection.
pub struct Parser<'c> {
    conn: &'c Connection,
    sqlite: &'c Path,
    /// Columns of the `vpic` tables defined so far, by table name.
    defined: HashMap<String, Vec<Column>>,
    /// Tables created in the SQLite (lower-cased name).
    created: HashMap<String, ()>,
    tables: Vec<TableRows>,
    row: copy::Row,
    /// The closing tag of the function body being passed over (`$$`, `$_$`).
    body_end: Option<String>,
    complete: bool,
}

impl<'c> Parser<'c> {
    /// A parser writing into `conn` (the SQLite at `sqlite`); `_input` names the dump.
    pub fn new(conn: &'c Connection, sqlite: &'c Path, _input: &Path) -> Self {
        Parser {
            conn,
            sqlite,
            defined: HashMap::new(),
            created: HashMap::new(),
            tables: Vec::new(),
            row: copy::Row::default(),
            body_end: None,
            complete: false,
        }
    }

    fn sql_err(&self, source: rusqlite::Error) -> DumpError {
        DumpError::Sqlite {
            path: self.sqlite.to_path_buf(),
            source,
        }
    }

    /// Reads the whole dump; returns the rows copied per table, in the dump's order.
    pub fn run(&mut self, lines: &mut Lines<'_>) -> Result<Vec<TableRows>, DumpError> {
        self.header(lines)?;
        while let Some(line) = lines.next_line()? {
            let line = line.to_vec();
            self.statement_line(&line, lines)?;
        }
        if !self.complete {
            return Err(lines.truncated("pg_dump's closing line is missing".into()));
        }
        if self.tables.is_empty() {
            return Err(lines.foreign(format!("no table of schema {SCHEMA} holds rows")));
        }
        let empty: Vec<(String, Vec<Column>)> = self
            .defined
            .iter()
            .filter(|(t, _)| !self.created.contains_key(&t.to_ascii_lowercase()))
            .map(|(t, c)| (t.clone(), c.clone()))
            .collect();
        for (table, columns) in empty {
            self.create(&table, &columns)?;
        }
        self.conn
            .execute_batch("COMMIT;")
            .map_err(|e| self.sql_err(e))?;
        Ok(std::mem::take(&mut self.tables))
    }

    fn header(&mut self, lines: &mut Lines<'_>) -> Result<(), DumpError> {
        while lines.number() < HEADER_WITHIN {
            let Some(line) = lines.next_line()? else {
                break;
            };
            if line.starts_with(HEADER) {
                return Ok(());
            }
            if !line.is_empty() && !line.starts_with(b"--") {
                break;
            }
        }
        Err(lines.foreign("it does not begin like a pg_dump plain-format dump".into()))
    }

    fn statement_line(&mut self, line: &[u8], lines: &mut Lines<'_>) -> Result<(), DumpError> {
        if let Some(tag) = &self.body_end {
            if contains(line, tag.as_bytes()) {
                self.body_end = None;
            }
            return Ok(());
        }
        if line.starts_with(COMPLETE) {
            self.complete = true;
        } else if line.starts_with(b"COPY ") {
            let text = String::from_utf8_lossy(line).into_owned();
            self.copy_block(&text, lines)?;
        } else if line.starts_with(b"CREATE TABLE ") {
            let text = String::from_utf8_lossy(line).into_owned();
            if let Some((schema, table)) = ddl::create_table_name(&text) {
                let columns = table_columns(lines)?;
                if schema == SCHEMA {
                    self.defined.insert(table, columns);
                }
            }
        } else if let Some(tag) = body_tag(line) {
            self.body_end = Some(tag);
        }
        Ok(())
    }

    fn create(&mut self, table: &str, columns: &[Column]) -> Result<(), DumpError> {
        let cols: Vec<String> = columns
            .iter()
            .map(|c| format!("{} {}", quote(&c.name), c.kind.sqlite_type()))
            .collect();
        let sql = format!("CREATE TABLE {} ({})", quote(table), cols.join(", "));
        self.conn.execute(&sql, []).map_err(|e| self.sql_err(e))?;
        self.created.insert(table.to_ascii_lowercase(), ());
        Ok(())
    }

    /// `COPY schema.table (c1, c2) FROM stdin;` and its rows up to `\.`.
    fn copy_block(&mut self, header: &str, lines: &mut Lines<'_>) -> Result<(), DumpError> {
        let Some((schema, table, names)) = copy_header(header) else {
            return Err(lines.damaged(format!("unreadable COPY statement: {header}")));
        };
        if schema != SCHEMA {
            return skip_block(lines);
        }
        if self.created.contains_key(&table.to_ascii_lowercase()) {
            return Err(lines.damaged(format!("a second COPY block for table {table}")));
        }
        let defined = self.defined.get(&table).cloned().unwrap_or_default();
        let names = names.unwrap_or_else(|| defined.iter().map(|c| c.name.clone()).collect());
        let kind_of = |n: &str| {
            defined
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(n))
                .map_or(Kind::Text, |c| c.kind)
        };
        let copied: Vec<Column> = names
            .iter()
            .map(|n| Column {
                name: n.clone(),
                kind: kind_of(n),
            })
            .collect();
        // The table gets every defined column, also one a COPY list leaves out.
        let mut all = copied.clone();
        for c in &defined {
            if !all.iter().any(|a| a.name.eq_ignore_ascii_case(&c.name)) {
                all.push(c.clone());
            }
        }
        self.create(&table, &all)?;
        let rows = self.copy_rows(&table, &copied, lines)?;
        self.tables.push(TableRows { name: table, rows });
        Ok(())
    }

    fn copy_rows(
        &mut self,
        table: &str,
        columns: &[Column],
        lines: &mut Lines<'_>,
    ) -> Result<u64, DumpError> {
        let names: Vec<String> = columns.iter().map(|c| quote(&c.name)).collect();
        let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            quote(table),
            names.join(", "),
            marks.join(", ")
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| DumpError::Sqlite {
            path: self.sqlite.to_path_buf(),
            source: e,
        })?;
        let mut rows = 0u64;
        loop {
            let Some(line) = lines.next_line()? else {
                return Err(lines.truncated(format!("the rows of table {table} end early")));
            };
            if line == b"\\." {
                return Ok(rows);
            }
            let parsed = copy::parse_row(line, &mut self.row);
            // A row cut by the end of the text is a truncation, not damage (a cut row that happens to
            // parse fails at the missing `\.` instead).
            if (parsed.is_err() || self.row.len() != columns.len()) && lines.cut() {
                return Err(lines.truncated(format!("the rows of table {table} end early")));
            }
            if let Err(detail) = parsed {
                return Err(lines.damaged(format!("table {table}: {detail}")));
            }
            if self.row.len() != columns.len() {
                let detail = format!(
                    "table {table}: {} fields where the COPY list names {}",
                    self.row.len(),
                    columns.len()
                );
                return Err(lines.damaged(detail));
            }
            for (i, c) in columns.iter().enumerate() {
                let value = field(&self.row, i, c.kind)
                    .map_err(|d| lines.damaged(format!("table {table}, column {}: {d}", c.name)))?;
                stmt.raw_bind_parameter(i + 1, value)
                    .map_err(|source| DumpError::Sqlite {
                        path: self.sqlite.to_path_buf(),
                        source,
                    })?;
            }
            stmt.raw_execute().map_err(|source| DumpError::Sqlite {
                path: self.sqlite.to_path_buf(),
                source,
            })?;
            rows += 1;
        }
    }
}

/// One field as the SQLite value its column kind stores.
fn field(row: &copy::Row, i: usize, kind: Kind) -> Result<ToSqlOutput<'_>, String> {
    let text = row.text(i).map_err(|e| format!("not UTF-8 text ({e})"))?;
    let Some(t) = text else {
        return Ok(ToSqlOutput::Owned(Value::Null));
    };
    let bad = |what: &str| format!("{t:?} is not {what}");
    Ok(ToSqlOutput::Owned(match kind {
        Kind::Text => return Ok(ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes()))),
        Kind::Integer => Value::Integer(t.parse().map_err(|_| bad("an integer"))?),
        Kind::Boolean => match t {
            "t" | "true" => Value::Integer(1),
            "f" | "false" => Value::Integer(0),
            _ => return Err(bad("a boolean")),
        },
        Kind::Real => Value::Real(t.parse().map_err(|_| bad("a number"))?),
        Kind::Numeric => match t.parse::<i64>() {
            Ok(i) => Value::Integer(i),
            Err(_) => Value::Real(t.parse().map_err(|_| bad("a number"))?),
        },
    }))
}

/// The column lines of a `CREATE TABLE` up to its closing `);`.
fn table_columns(lines: &mut Lines<'_>) -> Result<Vec<Column>, DumpError> {
    let mut columns = Vec::new();
    loop {
        let Some(line) = lines.next_line()? else {
            return Err(lines.truncated("a CREATE TABLE statement ends early".into()));
        };
        if line.starts_with(b")") {
            return Ok(columns);
        }
        if let Some(c) = ddl::column(&String::from_utf8_lossy(line)) {
            columns.push(c);
        }
    }
}

/// Passes over the rows of a table outside schema `vpic`.
fn skip_block(lines: &mut Lines<'_>) -> Result<(), DumpError> {
    loop {
        match lines.next_line()? {
            None => return Err(lines.truncated("a COPY block ends early".into())),
            Some(b"\\.") => return Ok(()),
            Some(_) => {}
        }
    }
}

/// `(schema, table, columns)` of a COPY statement (`None` columns: the table's own order).
fn copy_header(line: &str) -> Option<(String, String, Option<Vec<String>>)> {
    let rest = line.strip_prefix("COPY ")?.strip_suffix(" FROM stdin;")?;
    let (name, cols) = match rest.split_once(" (") {
        Some((n, c)) => (n, Some(c.strip_suffix(')')?)),
        None => (rest, None),
    };
    let (schema, table) = name.split_once('.')?;
    let cols = cols.map(|c| c.split(',').map(ddl::ident).collect());
    Some((ddl::ident(schema), ddl::ident(table), cols))
}

/// The closing tag when a line opens a dollar-quoted function body that it does not also close.
fn body_tag(line: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(line).ok()?;
    let at = text.find("AS $")?;
    let rest = &text[at + 3..];
    let end = rest[1..].find('$')? + 2;
    let tag = &rest[..end];
    if !tag[1..tag.len() - 1]
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return None;
    }
    (!rest[end..].contains(tag)).then(|| tag.to_string())
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_headers() {
        assert_eq!(
            copy_header("COPY vpic.wmi_make (wmiid, makeid) FROM stdin;"),
            Some((
                "vpic".into(),
                "wmi_make".into(),
                Some(vec!["wmiid".into(), "makeid".into()])
            ))
        );
        assert_eq!(
            copy_header("COPY vpic.\"Odd\" FROM stdin;"),
            Some(("vpic".into(), "Odd".into(), None))
        );
        assert_eq!(copy_header("COPY vpic.x (a) TO stdout;"), None);
    }

    #[test]
    fn function_bodies() {
        assert_eq!(body_tag(b"    AS $$").as_deref(), Some("$$"));
        assert_eq!(body_tag(b"    AS $_$").as_deref(), Some("$_$"));
        assert_eq!(body_tag(b"    AS $_$select 1$_$;"), None);
        assert_eq!(body_tag(b"SET x = 1;"), None);
    }
}
