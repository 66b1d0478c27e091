//! Watching the service: Sentry error reports (scrubbed), Prometheus metrics on their own port,
//! the per-request span and hub, and the `vinbot healthcheck` probe used by the container.

pub mod exporter;
pub mod healthcheck;
pub mod http;
pub mod metrics;
pub mod scrub;
pub mod sentry;
