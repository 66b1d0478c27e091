//! Opening the connection pool: SQLite (a file, the default) or PostgreSQL, chosen by URL.
//!
//! Both go through sea-orm's `DatabaseConnection`, so every repository function runs unchanged on
//! either. SQLite gets WAL journaling and a busy timeout so a small pool of connections can read
//! while one writes.

use std::str::FromStr;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use super::DbError;

/// Pool settings; `Default` suits the server.
#[derive(Clone, Debug)]
pub struct ConnectConfig {
    /// Largest pool size. In-memory SQLite always uses one connection (each connection would
    /// otherwise see its own empty database).
    pub max_connections: u32,
    /// How long a query waits for a pooled connection (or for a new connection to open) before it
    /// fails; bounds how long a request or the recorder hangs while the database is down.
    pub acquire_timeout: Duration,
    /// How long SQLite waits on a lock held by another connection before `SQLITE_BUSY`.
    pub sqlite_busy_timeout: Duration,
    /// Open connections on first use instead of at start, so the server starts (and decodes)
    /// while PostgreSQL is down.
    pub lazy: bool,
}

impl Default for ConnectConfig {
    fn default() -> Self {
        Self {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(5),
            sqlite_busy_timeout: Duration::from_secs(5),
            lazy: false,
        }
    }
}

/// The default `DATABASE_URL` is a setting ([`crate::config`] derives it from the state
/// directory); re-exported here because the database tools use it too.
pub use crate::config::{SQLITE_FILE_NAME, default_sqlite_url};

/// The database kind a URL names, for logs and errors.
pub fn backend_name(url: &str) -> Result<&'static str, DbError> {
    if url.starts_with("sqlite:") {
        Ok("sqlite")
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok("postgres")
    } else {
        Err(DbError::InvalidUrl(
            "expected a sqlite:// or postgres:// URL".to_owned(),
        ))
    }
}

/// The URL with any password replaced by `***`, safe to log.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_owned();
    };
    match rest[..at].split_once(':') {
        Some((user, _password)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &rest[at..]),
        None => url.to_owned(),
    }
}

/// Opens a pool on `url` (`sqlite:` or `postgres:`). For a SQLite file, its directory and the
/// file are created when missing.
pub async fn connect(url: &str, config: &ConnectConfig) -> Result<DatabaseConnection, DbError> {
    let backend = backend_name(url)?;
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(config.max_connections.max(1))
        .acquire_timeout(config.acquire_timeout)
        .connect_timeout(config.acquire_timeout)
        .connect_lazy(config.lazy)
        // sqlx logs every statement at INFO by default; keep only slow ones visible.
        .sqlx_logging(true)
        .sqlx_logging_level(log::LevelFilter::Debug)
        .sqlx_slow_statements_logging_settings(log::LevelFilter::Warn, Duration::from_secs(1));
    if backend == "sqlite" {
        configure_sqlite(url, config, &mut options)?;
    }
    Database::connect(options)
        .await
        .map_err(|source| DbError::Connect { backend, source })
}

/// Whether a SQLite URL names an in-memory database (sqlx has no getter; these are the spellings it
/// accepts).
pub fn is_in_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

fn configure_sqlite(
    url: &str,
    config: &ConnectConfig,
    options: &mut ConnectOptions,
) -> Result<(), DbError> {
    let parsed = SqliteConnectOptions::from_str(url)
        .map_err(|e| DbError::InvalidUrl(format!("SQLite URL: {e}")))?;
    let in_memory = is_in_memory(url);
    if in_memory {
        // One connection that never closes: the database lives exactly as long as it.
        options
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None);
        return Ok(());
    }
    if let Some(dir) = parsed.get_filename().parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(|source| DbError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let busy_timeout = config.sqlite_busy_timeout;
    options.map_sqlx_sqlite_pool_opts(|pool| {
        pool.after_release(|conn, _meta| Box::pin(sqlite_connection_reusable(conn)))
    });
    options.map_sqlx_sqlite_opts(move |opts| {
        opts.create_if_missing(true)
            // WAL: readers do not block the writer; NORMAL sync is durable across application
            // crashes and loses at most the last commits on power loss, fine for statistics.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(busy_timeout)
            .foreign_keys(true)
    });
    Ok(())
}

/// Whether a connection given back to the pool may serve again. After a failed `COMMIT` (disk
/// full, file-size limit, I/O error) SQLite has rolled the transaction back by itself, the
/// driver's `ROLLBACK` then fails, and the driver may still count the connection as inside a
/// transaction: its next "transaction" would be a savepoint in a transaction that never
/// commits, so writes would report success and vanish at shutdown. Such a connection is
/// closed instead, as is one that SQLite itself still sees inside a transaction.
async fn sqlite_connection_reusable(
    conn: &mut sea_orm::sqlx::SqliteConnection,
) -> Result<bool, sea_orm::sqlx::Error> {
    use sea_orm::sqlx::{Connection, Executor};
    if conn.is_in_transaction() {
        return Ok(false);
    }
    // `BEGIN` fails inside a transaction: then SQLite and the driver disagree.
    if conn.execute("BEGIN").await.is_err() {
        return Ok(false);
    }
    Ok(conn.execute("ROLLBACK").await.is_ok())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn default_url_points_into_the_data_dir() {
        let url = default_sqlite_url(Path::new("/var/lib/vinbot"));
        assert_eq!(url, "sqlite:///var/lib/vinbot/vinbot.db?mode=rwc");
    }

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(
            redact_url("postgres://vin:s3cret@db.internal:5432/vinbot"),
            "postgres://vin:***@db.internal:5432/vinbot"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1/vinbot"),
            "postgres://postgres@127.0.0.1/vinbot"
        );
        assert_eq!(
            redact_url("postgres://127.0.0.1/vinbot"),
            "postgres://127.0.0.1/vinbot"
        );
        assert_eq!(
            redact_url("sqlite:///tmp/a@b/vinbot.db"),
            "sqlite:///tmp/a@b/vinbot.db"
        );
    }

    #[test]
    fn backend_is_chosen_by_scheme() {
        assert_eq!(backend_name("sqlite::memory:").ok(), Some("sqlite"));
        assert_eq!(backend_name("postgresql://x/y").ok(), Some("postgres"));
        assert!(backend_name("mysql://x/y").is_err());
    }
}
