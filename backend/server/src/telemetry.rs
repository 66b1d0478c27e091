//! Logging setup in one place: an EnvFilter with a default, human or JSON lines on stderr.
//! stderr keeps stdout clean for `vinbot decode` and `vinbot openapi`.
//! Seam for Sentry: its tracing layers join the registry in `init`.

use tracing_subscriber::{EnvFilter, layer::SubscriberExt, util::SubscriberInitExt};

use crate::config::LogFormat;

/// Directives used when `RUST_LOG` is unset: our logs at info, sqlx's per-statement logs muted.
pub const DEFAULT_DIRECTIVES: &str = "info,sqlx=warn";

/// The filter from `RUST_LOG`, else [`DEFAULT_DIRECTIVES`]. Never sets environment variables.
pub fn env_filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_DIRECTIVES))
}

/// Installs the global subscriber. Fails if one is already installed.
pub fn init(format: LogFormat) -> Result<(), tracing_subscriber::util::TryInitError> {
    let registry = tracing_subscriber::registry().with(env_filter());
    match format {
        LogFormat::Pretty => registry
            .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
            .try_init(),
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(false)
                    .with_writer(std::io::stderr),
            )
            .try_init(),
    }
}
