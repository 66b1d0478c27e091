//! The one test harness of vinbot's integration tests (`backend/server/tests/*`), so every test binary
//! finds the data, the databases and the servers the same way:
//!
//! - [`mod@env`]: the environment names the tests read (the same `scripts/test` exports) and the data
//!   directory;
//! - [`db`]: a fresh, migrated SQLite file or PostgreSQL database per test;
//! - [`app`]: the server assembled in process ([`app::spawn_app`], bound to port 0, built by the same
//!   `Application` builder as `vinbot serve`) and an in-process client;
//! - [`process`]: the real `vinbot` binary as a child process (environment from scratch, port 0, JSON
//!   logs read line by line).
//!
//! The binary's path is only known to the server's test targets (`env!("CARGO_BIN_EXE_vinbot")`), so the
//! process helpers take it as an argument.

pub mod app;
/// The decoder's own small vPIC-layout fixture (every decoding step has rows).
pub use vinbot_decoder::fixture;
pub mod db;
pub mod env;
pub mod process;
