//! Decode history wired into the running service: opening the database at start (migrating
//! SQLite), the write-behind recorder, the stats cache, the readiness check and the flush at
//! shutdown. The persistence itself lives in [`crate::db`]; this module only assembles it.

mod readiness;
mod record;

use std::{sync::Arc, time::Duration};

use sea_orm::DatabaseConnection;
use secrecy::ExposeSecret;
use tokio::{sync::Mutex, task::JoinHandle};

use crate::{
    config::Settings,
    db::{
        self, ConnectConfig, DbError,
        recorder::{Recorder, RecorderConfig, RecorderHandle, ShutdownReport},
        stats::StatsCache,
    },
};

pub use readiness::DatabaseCheck;
pub use record::{CLIENT_HEADER, DecodeRecording, v1_channel};

/// How long a stats report is reused: a busy dashboard costs one set of queries per TTL.
pub const STATS_CACHE_TTL: Duration = Duration::from_secs(5);

/// How long shutdown spends writing buffered events after the HTTP server stopped. With the
/// HTTP drain (20 s) it stays inside Fly's `kill_timeout` (30 s): 25 s from SIGTERM to exit.
pub const FLUSH_DEADLINE: Duration = Duration::from_secs(5);

/// The database, the recorder and the stats cache of a running service (cheap to clone).
#[derive(Clone)]
pub struct History {
    /// The connection pool.
    pub db: DatabaseConnection,
    /// Where request paths put decode events (never blocks).
    pub recorder: RecorderHandle,
    /// Reports of `GET /api/v1/stats`.
    pub stats: Arc<StatsCache>,
    /// The recorder's writer task, awaited once at shutdown.
    writer: Arc<Mutex<Option<JoinHandle<()>>>>,
    /// This process applied every migration itself (SQLite): the readiness check need not ask.
    migrated_here: bool,
}

impl std::fmt::Debug for History {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("History")
            .field("recorder", &self.recorder)
            .finish_non_exhaustive()
    }
}

/// A process over its file-size limit (`ulimit -f`, RLIMIT_FSIZE) is killed by SIGXFSZ unless it
/// handles the signal; handled, the write fails with `EFBIG` like a full disk: the recorder counts
/// and retries it, readiness says `degraded`, and decoding goes on. Handlers stay installed for
/// the life of the process, so the stream is not kept.
fn survive_file_size_limit() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Err(error) = signal(SignalKind::from_raw(libc::SIGXFSZ)) {
            tracing::warn!(%error, "cannot handle SIGXFSZ; a file-size limit would end the process");
        }
    }
}

impl History {
    /// Opens `DATABASE_URL` and starts recording. PostgreSQL is opened lazily, so the service
    /// starts (and decodes) while it is down; its migrations are `vinbot migrate`'s job (once per
    /// deploy). SQLite is migrated here, and an error doing so stops the start: it means a
    /// misconfigured path, not an outage.
    pub async fn start(settings: &Settings) -> Result<Self, DbError> {
        // A failed move is not fatal: the database then starts empty at the new place, and the
        // warning says where the old one is.
        if let Err(err) = db::adopt_legacy_sqlite(settings) {
            tracing::warn!(error = %err, "cannot move the old history database out of the cache directory");
        }
        let url = settings.database_url.expose_secret();
        let backend = db::backend_name(url)?;
        tracing::info!(backend, url = %db::redact_url(url), "opening the history database");
        let config = ConnectConfig {
            lazy: true,
            ..ConnectConfig::default()
        };
        if backend == "sqlite" && !db::is_in_memory(url) {
            survive_file_size_limit();
            // Migrated through a pool of its own, closed before the serving pool opens: a connection
            // opened while the migrations ran keeps the schema it read then, and SQLite compiles a
            // statement against that (an upsert on an index created later fails), so no connection
            // that serves may predate the final schema.
            let migrating = db::connect(url, &ConnectConfig::default()).await?;
            db::migrate(&migrating).await?;
            tracing::info!("SQLite migrations applied");
            // The serving pool opens its first connection before the migrating one closes: closing the
            // last connection of a WAL database checkpoints it and removes the log (a sync), which the
            // serving pool would then create again.
            let conn = db::connect(
                url,
                &ConnectConfig {
                    lazy: false,
                    ..config
                },
            )
            .await?;
            migrating.close().await.map_err(DbError::Query)?;
            return Ok(Self {
                migrated_here: true,
                ..Self::with_connection(conn, settings)
            });
        }
        let conn = db::connect(url, &config).await?;
        if backend == "sqlite" {
            // In memory: the database lives in its one connection, migrated here.
            db::migrate(&conn).await?;
            tracing::info!("SQLite migrations applied");
            return Ok(Self {
                migrated_here: true,
                ..Self::with_connection(conn, settings)
            });
        }
        Ok(Self::with_connection(conn, settings))
    }

    /// Starts recording on an open connection (already migrated).
    pub fn with_connection(conn: DatabaseConnection, settings: &Settings) -> Self {
        let config = RecorderConfig {
            flush_interval: settings.stats_flush_interval,
            store_full_vins: settings.store_full_vins,
            ..RecorderConfig::default()
        };
        let (recorder, writer) = Recorder::spawn(conn.clone(), config);
        Self {
            db: conn,
            recorder,
            stats: Arc::new(StatsCache::in_process(STATS_CACHE_TTL)),
            writer: Arc::new(Mutex::new(Some(writer))),
            migrated_here: false,
        }
    }

    /// The readiness check of this database.
    pub fn readiness_check(&self) -> Arc<DatabaseCheck> {
        let check = DatabaseCheck::new(self.db.clone()).with_recorder(self.recorder.clone());
        Arc::new(if self.migrated_here {
            check.with_schema_current()
        } else {
            check
        })
    }

    /// Stops recording and writes what is buffered within `deadline` (the recorder logs the
    /// flushed and dropped counts), then waits for the writer task. Later calls report zeros.
    pub async fn shutdown(&self, deadline: Duration) -> ShutdownReport {
        let report = self.recorder.shutdown(deadline).await;
        if let Some(writer) = self.writer.lock().await.take()
            && let Err(error) = writer.await
        {
            tracing::error!(%error, "the stats writer task failed");
        }
        report
    }
}
