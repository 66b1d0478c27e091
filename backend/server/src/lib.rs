//! vinbot's server crate: configuration, telemetry, the HTTP API (v1 and NHTSA-compatible), decode
//! history and statistics, the CLI. `main.rs` only parses the command line and calls [`cli::run`].

pub mod api;
pub mod apikeys;
pub mod auth;
pub mod cli;
pub mod config;
pub mod data;
pub mod db;
pub mod envelope;
pub mod history;
pub mod observability;
pub mod ratelimit;
pub mod readiness;
pub mod redis;
pub mod startup;
pub mod state;
pub mod telegram;
pub mod telemetry;
