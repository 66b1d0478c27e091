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
