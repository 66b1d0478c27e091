//! Sentry: initialised from the validated settings, only when `SENTRY_DSN` is set, before the
//! tokio runtime starts (its transport and panic hook must exist before any worker thread), with
//! `before_send` and `before_breadcrumb` scrubbing VINs, tokens, secrets and IP addresses.

use std::{borrow::Cow, sync::Arc};

use sentry::{
    ClientInitGuard, ClientOptions,
    protocol::{Breadcrumb, Context, Event},
};
use tracing::Level;
use tracing_subscriber::{Layer, filter::filter_fn, registry::LookupSpan};

use secrecy::ExposeSecret;

use super::scrub::Scrubber;
use crate::config::{AppEnv, Settings};

/// Initialises Sentry when `SENTRY_DSN` is set, tagged with `APP_ENV`, scrubbing the values of
/// every secret setting (bot token, webhook secret, signing key, database and Redis URLs, the DSN)
/// wherever they appear. `None` when the DSN is unset or invalid (reported on stderr: logging is
/// not up yet). Call it before the tokio runtime starts, and keep the guard alive for the whole
/// command: dropping it flushes queued events.
pub fn init(settings: &Settings) -> Option<ClientInitGuard> {
    let dsn = settings.sentry_dsn.as_ref()?.expose_secret().trim();
    let dsn = match dsn.parse::<sentry::types::Dsn>() {
        Ok(dsn) => dsn,
        Err(err) => {
            eprintln!("SENTRY_DSN is not a valid DSN ({err}); error reporting is off");
            return None;
        }
    };
    let environment = match settings.app_env {
        AppEnv::Production => "production",
        AppEnv::Development => "development",
    };
    let mut options = options(environment, Scrubber::new(secret_values(settings)));
    options.dsn = Some(dsn);
    Some(sentry::init(options))
}

/// The values of the secret settings, scrubbed verbatim from every event.
fn secret_values(settings: &Settings) -> Vec<String> {
    let telegram = settings
        .telegram
        .iter()
        .flat_map(|t| [&t.bot_token, &t.webhook_secret]);
    let others = [
        Some(&settings.dashboard_secret_key),
        Some(&settings.database_url),
        settings.redis_url.as_ref(),
        settings.sentry_dsn.as_ref(),
    ];
    telegram
        .chain(others.into_iter().flatten())
        .map(|s| s.expose_secret().to_owned())
        .collect()
}

/// Client options: release = crate version, the environment, no default PII, scrubbing hooks.
pub fn options(environment: &'static str, scrubber: Scrubber) -> ClientOptions {
    let scrubber = Arc::new(scrubber);
    let for_breadcrumbs = scrubber.clone();
    ClientOptions::new()
        .release(concat!("vinbot@", env!("CARGO_PKG_VERSION")))
        .environment(environment)
        .send_default_pii(false)
        .attach_stacktrace(false)
        .max_breadcrumbs(50)
        .before_send(move |event| Some(scrub_event(&scrubber, event)))
        .before_breadcrumb(move |crumb| Some(scrub_breadcrumb(&for_breadcrumbs, crumb)))
}

/// The tracing layers: `ERROR` events become Sentry events, `WARN`/`INFO` become breadcrumbs.
/// Without a Sentry client they do nothing.
pub fn tracing_layers<S>() -> impl Layer<S>
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
{
    let breadcrumbs =
        sentry::integrations::tracing::BreadcrumbLayer::new().with_filter(filter_fn(|m| {
            m.is_event() && matches!(*m.level(), Level::WARN | Level::INFO)
        }));
    let errors = sentry::integrations::tracing::ErrorLayer::new()
        .with_filter(filter_fn(|m| m.is_event() && *m.level() == Level::ERROR));
    breadcrumbs.and_then(errors)
}

/// Scrubs everything user data can reach in an event: message, log entry, exceptions,
/// breadcrumbs, request, tags, extra and contexts; drops the user's IP.
pub fn scrub_event(s: &Scrubber, mut event: Event<'static>) -> Event<'static> {
    if let Some(m) = event.message.as_mut() {
        s.scrub_in_place(m);
    }
    if let Some(entry) = event.logentry.as_mut() {
        s.scrub_in_place(&mut entry.message);
        entry.params.iter_mut().for_each(|p| s.scrub_json(p));
    }
    if let Some(t) = event.transaction.as_mut() {
        s.scrub_in_place(t);
    }
    if let Some(c) = event.culprit.as_mut() {
        s.scrub_in_place(c);
    }
    for exception in event.exception.values.iter_mut() {
        if let Some(v) = exception.value.as_mut() {
            s.scrub_in_place(v);
        }
    }
    for crumb in event.breadcrumbs.values.iter_mut() {
        scrub_breadcrumb_in_place(s, crumb);
    }
    if let Some(request) = event.request.as_mut() {
        request.url = request
            .url
            .take()
            .and_then(|url| s.scrub(url.as_str()).parse().ok());
        for field in [
            &mut request.data,
            &mut request.query_string,
            &mut request.cookies,
        ] {
            if let Some(v) = field.as_mut() {
                s.scrub_in_place(v);
            }
        }
        request.headers.retain(|k, _| !is_sensitive_header(k));
        request
            .headers
            .values_mut()
            .for_each(|v| s.scrub_in_place(v));
        request.env.clear();
    }
    event.tags.values_mut().for_each(|v| s.scrub_in_place(v));
    event.extra.values_mut().for_each(|v| s.scrub_json(v));
    for context in event.contexts.values_mut() {
        if let Context::Other(map) = context {
            for (key, v) in map.iter_mut() {
                if super::scrub::is_secret_key(key) {
                    *v = serde_json::Value::String(super::scrub::REDACTED.to_owned());
                } else {
                    s.scrub_json(v);
                }
            }
        }
    }
    if let Some(user) = event.user.as_mut() {
        user.ip_address = None;
        user.email = None;
    }
    event.server_name = event
        .server_name
        .map(|n| Cow::Owned(s.scrub(&n).into_owned()));
    event
}

/// Scrubs a breadcrumb's message and data.
pub fn scrub_breadcrumb(s: &Scrubber, mut crumb: Breadcrumb) -> Breadcrumb {
    scrub_breadcrumb_in_place(s, &mut crumb);
    crumb
}

fn scrub_breadcrumb_in_place(s: &Scrubber, crumb: &mut Breadcrumb) {
    if let Some(m) = crumb.message.as_mut() {
        s.scrub_in_place(m);
    }
    for (key, v) in crumb.data.iter_mut() {
        if super::scrub::is_secret_key(key) {
            *v = serde_json::Value::String(super::scrub::REDACTED.to_owned());
        } else {
            s.scrub_json(v);
        }
    }
}

/// Headers never sent: credentials and the client's address as proxies report it.
fn is_sensitive_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    super::scrub::is_secret_key(&name)
        || matches!(
            name.as_str(),
            "x-forwarded-for" | "fly-client-ip" | "x-real-ip" | "forwarded" | "cf-connecting-ip"
        )
        || name.contains("telegram")
}
