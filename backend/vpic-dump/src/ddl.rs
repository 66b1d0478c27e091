//! The `CREATE TABLE` statements of the dump: table names and column types, enough to give the SQLite
//! copy the same columns with SQLite's matching storage classes.

/// How a column's values are stored in the SQLite copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `integer`, `smallint`, `bigint`: stored as integers.
    Integer,
    /// `boolean`: `t`/`f` stored as 1/0, as vPIC's SQLite files hold them.
    Boolean,
    /// `real`, `double precision`: stored as floating point.
    Real,
    /// `numeric`/`decimal`: integer when whole, else floating point.
    Numeric,
    /// Everything else (`character varying`, `text`, timestamps as text).
    Text,
}

impl Kind {
    fn of(pg_type: &str) -> Kind {
        let t = pg_type.trim().to_ascii_lowercase();
        if ["integer", "smallint", "bigint", "int"]
            .iter()
            .any(|p| t.starts_with(p))
        {
            Kind::Integer
        } else if t.starts_with("boolean") {
            Kind::Boolean
        } else if t.starts_with("real") || t.starts_with("double precision") {
            Kind::Real
        } else if t.starts_with("numeric") || t.starts_with("decimal") {
            Kind::Numeric
        } else {
            Kind::Text
        }
    }

    /// The SQLite column type that gives this kind its affinity.
    pub fn sqlite_type(self) -> &'static str {
        match self {
            Kind::Integer | Kind::Boolean => "INTEGER",
            Kind::Real => "REAL",
            Kind::Numeric => "NUMERIC",
            Kind::Text => "TEXT",
        }
    }
}

/// A column of a dumped table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Name as the dump spells it (lower case in NHTSA's file).
    pub name: String,
    /// Storage kind.
    pub kind: Kind,
}

/// Unquotes an identifier (`"Keys"` → `Keys`) and drops a schema prefix.
pub fn ident(raw: &str) -> String {
    let raw = raw.trim();
    let last = raw.rsplit_once('.').map_or(raw, |(_, t)| t);
    last.trim_matches('"').replace("\"\"", "\"")
}

/// The `(schema, table)` of `CREATE TABLE schema.table (`, if the line opens a table definition.
pub fn create_table_name(line: &str) -> Option<(String, String)> {
    let rest = line.strip_prefix("CREATE TABLE ")?;
    let name = rest.trim_end().strip_suffix('(')?.trim();
    let (schema, table) = name.split_once('.')?;
    Some((ident(schema), ident(table)))
}

/// A column from one line of a table definition; `None` for constraints and generated columns
/// (pg_dump leaves generated columns out of the COPY column list).
pub fn column(line: &str) -> Option<Column> {
    let line = line.trim().trim_end_matches(',');
    if line.is_empty() || line.starts_with("CONSTRAINT ") || line.contains(" GENERATED ALWAYS AS ")
    {
        return None;
    }
    let (name, ty) = if let Some(rest) = line.strip_prefix('"') {
        let end = rest.find('"')?;
        (rest[..end].to_string(), &rest[end + 1..])
    } else {
        let (n, t) = line.split_once(char::is_whitespace)?;
        (n.to_string(), t)
    };
    Some(Column {
        name,
        kind: Kind::of(ty),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_and_types() {
        assert_eq!(
            create_table_name("CREATE TABLE vpic.wmi_vinschema ("),
            Some(("vpic".into(), "wmi_vinschema".into()))
        );
        assert_eq!(create_table_name("CREATE TABLE vpic.x AS SELECT 1;"), None);
        let c = column("    id integer NOT NULL,").unwrap();
        assert_eq!((c.name.as_str(), c.kind), ("id", Kind::Integer));
        let c = column("    \"Keys\" character varying(50) NOT NULL,").unwrap();
        assert_eq!((c.name.as_str(), c.kind), ("Keys", Kind::Text));
        assert_eq!(column("    isqs boolean,").unwrap().kind, Kind::Boolean);
        assert_eq!(column("    w numeric(10,2)").unwrap().kind, Kind::Numeric);
        assert_eq!(column("    w double precision").unwrap().kind, Kind::Real);
        assert_eq!(
            column("    createdon timestamp without time zone,")
                .unwrap()
                .kind,
            Kind::Text
        );
        assert!(
            column("    keys_regex text GENERATED ALWAYS AS (vpic.f((keys)::text)) STORED")
                .is_none()
        );
    }
}
