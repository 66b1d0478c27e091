//! Integration tests of `vinbot_server::db` against real databases: every case runs on a fresh
//! SQLite file and on a fresh PostgreSQL database (127.0.0.1:5432, user postgres, or
//! `VINBOT_TEST_PG_URL`). PostgreSQL being unreachable fails the tests; it never skips them.

mod recorder;
mod repository;
mod stats;
mod throughput;

use vinbot_testkit::db as helpers;

/// Runs each listed `async fn(TestDb)` case once per backend, as `sqlite::<case>` and
/// `postgres::<case>`.
macro_rules! on_both_backends {
    ($module:ident: $($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let db = crate::helpers::TestDb::new(crate::helpers::Backend::Sqlite).await;
                    crate::$module::$case(db).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    let db = crate::helpers::TestDb::new(crate::helpers::Backend::Postgres).await;
                    crate::$module::$case(db).await;
                }
            )*
        }
    };
}
pub(crate) use on_both_backends;
