//! One integration-test binary for the HTTP API and the CLI.

mod cli;
mod health;
mod helpers;
mod nhtsa;
mod openapi;
mod socket;
mod v1;
