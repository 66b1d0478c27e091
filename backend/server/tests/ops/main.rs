//! Operations tests: the real `vinbot` binary as the container runs it, its metrics listener,
//! error reports reaching a Sentry-compatible stub, and reloading the vPIC data of a running
//! server. A separate binary from `api`, because the metrics recorder and the Sentry client are
//! per process.
#![recursion_limit = "256"]

mod container;
mod helpers;
mod metrics;
mod reload;
mod sentry;
