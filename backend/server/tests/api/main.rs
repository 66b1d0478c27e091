//! One integration-test binary for the HTTP API and the CLI.
// The middleware chain nests deep futures; the default limit (128) is too low for their layout.
#![recursion_limit = "256"]

mod cli;
mod docs_examples;
mod health;
mod history;
mod nhtsa;
mod nhtsa_types;
mod openapi;
mod provenance;
mod socket;
mod v1;

use vinbot_testkit::{app as helpers, db as db_helpers, fixture as decoder_fixture};
