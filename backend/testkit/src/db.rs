//! Test databases: a fresh SQLite file or a fresh PostgreSQL database per test, migrated, and
//! removed afterwards (also when the test fails: `Drop` runs while unwinding).

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, TransactionTrait,
};
use vinbot_server::db::{self, Channel, ConnectConfig, DecodeEvent};

use crate::env::{pg_admin_url, pg_url_for};

/// A connection to the maintenance database that gives up after a few seconds.
async fn pg_admin() -> Result<DatabaseConnection, sea_orm::DbErr> {
    let mut options = sea_orm::ConnectOptions::new(pg_admin_url());
    options
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false);
    Database::connect(options).await
}

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A migrated database owned by one test.
pub struct TestDb {
    pub backend: Backend,
    pub db: DatabaseConnection,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
    /// Held open while a simulated SQLite outage lasts.
    sqlite_lock: Option<DatabaseTransaction>,
}

/// Settings for test pools: short waits, so outages show up as errors quickly.
pub fn test_connect_config() -> ConnectConfig {
    ConnectConfig {
        max_connections: 4,
        acquire_timeout: Duration::from_secs(2),
        sqlite_busy_timeout: Duration::from_millis(200),
        lazy: false,
    }
}

impl TestDb {
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Self::sqlite().await,
            Backend::Postgres => Self::postgres().await,
        }
    }

    /// A fresh SQLite file in a temporary directory.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let url = db::default_sqlite_url(dir.path());
        let conn = db::connect(&url, &test_connect_config())
            .await
            .expect("open the SQLite test database");
        db::migrate(&conn).await.expect("migrate SQLite");
        Self {
            backend: Backend::Sqlite,
            db: conn,
            url,
            _dir: Some(dir),
            pg_name: None,
            sqlite_lock: None,
        }
    }

    /// A fresh database `vinbot_test_<random>` on the local PostgreSQL, migrated.
    pub async fn postgres() -> Self {
        let test_db = Self::postgres_unmigrated().await;
        db::migrate(&test_db.db).await.expect("migrate PostgreSQL");
        test_db
    }

    /// A fresh, empty database `vinbot_test_<random>` on the local PostgreSQL: no migration
    /// applied, as a new deployment finds it.
    pub async fn postgres_unmigrated() -> Self {
        let admin_url = pg_admin_url();
        let admin = pg_admin().await.unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is unreachable at {} ({e}). The db tests need a real PostgreSQL: \
                 start it (scripts/test does) or set VINBOT_TEST_PG_URL.",
                db::redact_url(&admin_url)
            )
        });
        let name = format!("vinbot_test_{:016x}", rand::random::<u64>());
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("CREATE DATABASE for the test");
        admin.close().await.ok();
        // From here on, Drop removes the database even if connecting or migrating fails.
        let mut test_db = Self {
            backend: Backend::Postgres,
            db: DatabaseConnection::default(),
            url: pg_url_for(&name),
            _dir: None,
            pg_name: Some(name),
            sqlite_lock: None,
        };
        test_db.db = db::connect(&test_db.url, &test_connect_config())
            .await
            .expect("connect to the PostgreSQL test database");
        test_db
    }

    /// Makes every write fail until [`TestDb::end_outage`]: PostgreSQL refuses connections and
    /// kills the open ones; SQLite is locked exclusively by another connection.
    pub async fn start_outage(&mut self) {
        match self.backend {
            Backend::Postgres => {
                let name = self.pg_name.clone().expect("postgres test db has a name");
                let admin = pg_admin().await.expect("admin connection");
                admin
                    .execute_unprepared(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
                    .await
                    .expect("disallow connections");
                admin
                    .execute_unprepared(&format!(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                         WHERE datname = '{name}' AND pid <> pg_backend_pid()"
                    ))
                    .await
                    .expect("terminate sessions");
                admin.close().await.ok();
            }
            Backend::Sqlite => {
                let mut config = test_connect_config();
                config.max_connections = 1;
                let lock = db::connect(&self.url, &config)
                    .await
                    .expect("lock connection");
                // A transaction keeps its connection checked out of the pool (a raw `BEGIN` on a
                // pooled connection is undone when the pool closes a connection it finds inside a
                // transaction); its first write takes SQLite's one write lock and holds it.
                let txn = lock.begin().await.expect("begin the lock transaction");
                txn.execute_unprepared("CREATE TABLE IF NOT EXISTS outage_lock (x INTEGER)")
                    .await
                    .expect("take the SQLite write lock");
                txn.execute_unprepared("INSERT INTO outage_lock VALUES (1)")
                    .await
                    .expect("hold the SQLite write lock");
                self.sqlite_lock = Some(txn);
            }
        }
    }

    /// Ends [`TestDb::start_outage`].
    pub async fn end_outage(&mut self) {
        match self.backend {
            Backend::Postgres => {
                let name = self.pg_name.clone().expect("postgres test db has a name");
                let admin = pg_admin().await.expect("admin connection");
                admin
                    .execute_unprepared(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
                    .await
                    .expect("allow connections");
                admin.close().await.ok();
            }
            Backend::Sqlite => {
                let lock = self.sqlite_lock.take().expect("an outage was started");
                lock.rollback().await.expect("release the lock");
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.pg_name.take() else {
            return;
        };
        // Drop cannot await; a short-lived runtime on its own thread does the cleanup.
        let result = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("cleanup runtime");
            runtime.block_on(async move {
                let admin = pg_admin().await?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await?;
                admin.close().await
            })
        })
        .join();
        if !matches!(result, Ok(Ok(()))) {
            eprintln!("warning: could not drop a PostgreSQL test database: {result:?}");
        }
    }
}

/// A PostgreSQL URL on a loopback port nobody listens on.
pub fn unreachable_pg_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    let port = listener.local_addr().expect("local addr").port();
    drop(listener);
    format!("postgres://postgres@127.0.0.1:{port}/vinbot")
}

/// An event with the given decoded fields, at `at`.
pub fn event(
    at: DateTime<Utc>,
    channel: Channel,
    make: &str,
    model: &str,
    codes: &[u16],
    latency_us: u64,
) -> DecodeEvent {
    let mut event = DecodeEvent::new(
        channel,
        "1HGCM82633A004352",
        Duration::from_micros(latency_us),
    )
    .with_error_codes(codes);
    event.occurred_at = at;
    event.wmi = Some("1HG".to_owned());
    event.make = Some(make.to_owned());
    event.model = Some(model.to_owned());
    event.model_year = Some(2003);
    event
}

/// `n` distinct clean events now, spread over the channels.
pub fn events(n: usize) -> Vec<DecodeEvent> {
    let channels = [
        Channel::Api,
        Channel::Nhtsa,
        Channel::Web,
        Channel::Telegram,
    ];
    (0..n)
        .map(|i| {
            event(
                Utc::now(),
                channels[i % channels.len()],
                "HONDA",
                "Accord",
                &[0],
                20 + i as u64,
            )
        })
        .collect()
}
