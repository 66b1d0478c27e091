//! One integration-test binary for the HTTP API and the CLI.

mod cli;
#[path = "../db/helpers.rs"]
#[expect(
    dead_code,
    reason = "shared with the db test binary, which uses all of it"
)]
mod db_helpers;
mod health;
mod helpers;
mod history;
mod nhtsa;
mod openapi;
mod socket;
mod v1;
