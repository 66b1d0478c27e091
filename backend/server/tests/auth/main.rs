//! Sign-in, sessions, the `/me` routes and admin access against a real server on loopback and a
//! real database: every case runs on a fresh SQLite file and on a fresh PostgreSQL database.
//! Time is a hand-moved clock injected into the auth code, so expiry needs no sleeping.

mod harness;

mod admin;
mod bola;
mod history;
mod payloads;
mod sessions;

use vinbot_testkit::db as db_helpers;

/// Runs each listed `async fn(Backend)` case once per backend.
macro_rules! on_both_backends {
    ($module:ident: $($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    crate::$module::$case(crate::db_helpers::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    crate::$module::$case(crate::db_helpers::Backend::Postgres).await;
                }
            )*
        }
    };
}
pub(crate) use on_both_backends;
