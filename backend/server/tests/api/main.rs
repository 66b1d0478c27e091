//! One integration-test binary for the HTTP API and the CLI.
// The middleware chain nests deep futures; the default limit (128) is too low for their layout.
#![recursion_limit = "256"]

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
