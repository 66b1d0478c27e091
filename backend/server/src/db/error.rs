//! The error type of the persistence layer.

use std::path::PathBuf;

use sea_orm::DbErr;

/// What can go wrong in `db/`. Messages never contain a database URL (it may carry a password).
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL is neither `sqlite:` nor `postgres:`/`postgresql:`, or does not parse.
    #[error("invalid DATABASE_URL: {0}")]
    InvalidUrl(String),
    /// The directory that should hold the SQLite file could not be created.
    #[error("cannot create the directory {path} for the SQLite database: {source}")]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Opening the connection pool failed.
    #[error("cannot connect to the {backend} database: {source}")]
    Connect {
        /// `sqlite` or `postgres`.
        backend: &'static str,
        /// The cause.
        source: DbErr,
    },
    /// Applying the migrations failed.
    #[error("database migration failed: {0}")]
    Migrate(DbErr),
    /// A statement failed (including "database unreachable" after the pool gave up).
    #[error("database query failed: {0}")]
    Query(#[from] DbErr),
    /// An API key scope contains a character the comma-separated storage cannot hold.
    #[error("invalid API key scope {0:?}: scopes are non-empty and contain no comma or whitespace")]
    InvalidScope(String),
}
