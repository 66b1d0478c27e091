//! Operations tests: the real `vinbot` binary as the container runs it, its metrics listener,
//! and error reports reaching a Sentry-compatible stub. A separate binary from `api`, because
//! the metrics recorder and the Sentry client are per process.

mod container;
mod helpers;
mod metrics;
mod sentry;
