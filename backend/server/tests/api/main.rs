//! One integration-test binary for the HTTP API and the CLI.
// The middleware chain nests deep futures; the default limit (128) is too low for their layout.
#![recursion_limit = "256"]

mod cli;
mod health;
mod helpers;
mod nhtsa;
mod openapi;
mod socket;
mod v1;
