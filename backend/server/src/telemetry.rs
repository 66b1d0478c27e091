//! Logging setup in one place: an EnvFilter with a default, human or JSON lines on stderr.
//! stderr keeps stdout clean for `vinbot decode` and `vinbot openapi`.
//! Sentry's tracing layers (errors → events, info/warn → breadcrumbs) join the registry here;
//! they do nothing unless `main` initialised Sentry. Lines inside a request carry its span
//! (`request_id`, `method`, `route`): in JSON as the `span` object.

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
    let registry = tracing_subscriber::registry()
        .with(env_filter())
        .with(crate::observability::sentry::tracing_layers());
    match format {
        LogFormat::Pretty => registry
            .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
            .try_init(),
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_writer(std::io::stderr),
            )
            .try_init(),
    }
}
