//! Operations tests: the real `vinbot` binary as the container runs it, its metrics listener,
//! and error reports reaching a Sentry-compatible stub. A separate binary from `api`, because
//! the metrics recorder and the Sentry client are per process.
#![recursion_limit = "256"]

mod container;
mod helpers;
mod metrics;
mod sentry;
