//! Hardening: hostile input, bounded memory, slow clients, the same-origin page, protocol
//! details, a history database that cannot write, dependencies failing behind a proxy, and
//! property tests of every parser. Each test here reproduces a way the service was once broken
//! from outside.
// The middleware chain nests deep futures; the default limit (128) is too low for their layout.
#![recursion_limit = "256"]

mod bodies;
mod dependency_faults;
mod history_faults;
mod hostile_input;
mod page;
mod properties;
mod protocol;
mod proxy;
mod slow_clients;

use vinbot_testkit::{app as helpers, db as db_helpers};

/// The binary under test.
const BIN: &str = env!("CARGO_BIN_EXE_vinbot");

/// Rows of the decode history (`decode_events`) in a database, SQLite or PostgreSQL.
async fn count_events(db: &sea_orm::DatabaseConnection) -> u64 {
    use sea_orm::{ConnectionTrait, Statement};
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM decode_events",
        ))
        .await
        .expect("count")
        .expect("a row");
    u64::try_from(row.try_get::<i64>("", "n").expect("n")).expect("count")
}
