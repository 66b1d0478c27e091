//! The observability middleware, just inside the boundary (which owns the request id): a tracing
//! span per request (`request_id`, `method`, `route`), a Sentry hub per request (5xx answers and
//! panics are reported with the request id and the route template), and the response-time
//! histogram labelled by route template, never by raw path.
//!
//! With `VINBOT_DEBUG_ROUTES=true` it also answers `GET /_debug/error` (a 500 whose cause text
//! holds a VIN, an IP address and a token, to check scrubbing end to end) and `GET /_debug/panic`.
//! Off by default; not in the OpenAPI spec.

use std::{panic::AssertUnwindSafe, sync::Arc, time::Instant};

use futures_util::FutureExt;
use poem::{Endpoint, IntoResponse, Middleware, PathPattern, Request, Response, http::StatusCode};
use sentry::{Hub, Level, SentryFutureExt};
use tracing::{Instrument, field::Empty};

use super::metrics::{UNMATCHED_ROUTE, record_http_response};
use super::scrub::redact_path;
use crate::envelope::request_id;

/// Path of the forced 500 (only with debug routes on).
pub const DEBUG_ERROR_PATH: &str = "/_debug/error";
/// Path of the forced panic (only with debug routes on).
pub const DEBUG_PANIC_PATH: &str = "/_debug/panic";

/// See the module docs.
pub struct Observe {
    debug_routes: bool,
}

impl Observe {
    /// The middleware; `debug_routes` from `VINBOT_DEBUG_ROUTES`.
    pub fn new(debug_routes: bool) -> Self {
        Self { debug_routes }
    }
}

impl<E: Endpoint> Middleware<E> for Observe {
    type Output = ObserveEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        ObserveEndpoint {
            inner: ep,
            debug_routes: self.debug_routes,
        }
    }
}

/// The endpoint produced by [`Observe`].
pub struct ObserveEndpoint<E> {
    inner: E,
    debug_routes: bool,
}

impl<E: Endpoint> ObserveEndpoint<E> {
    async fn dispatch(&self, req: Request) -> poem::Result<Response> {
        if self.debug_routes {
            match req.uri().path() {
                DEBUG_ERROR_PATH => {
                    let mut err = poem::Error::from_string(
                        "forced error for VIN 1HGCM82633A004352 from 203.0.113.7 with bot token \
                         123456789:AAF-debug-token-0123456789abcdefghijkl",
                        StatusCode::INTERNAL_SERVER_ERROR,
                    );
                    err.set_data(PathPattern(DEBUG_ERROR_PATH.into()));
                    return Err(err);
                }
                DEBUG_PANIC_PATH => panic!("forced panic for VIN 1HGCM82633A004352"),
                _ => {}
            }
        }
        self.inner.call(req).await.map(IntoResponse::into_response)
    }
}

impl<E: Endpoint> Endpoint for ObserveEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let started = Instant::now();
        let request_id = request_id::current();
        let method = req.method().clone();
        let url = redact_path(req.uri().path());
        let span = tracing::info_span!(
            "request",
            request_id = %request_id,
            method = %method,
            route = Empty,
        );
        let hub = Arc::new(Hub::new_from_top(Hub::current()));
        hub.configure_scope(|scope| {
            scope.set_tag("request_id", &request_id);
            let method = method.to_string();
            // Only the method and the path (scrubbed again in before_send): no headers, no IP.
            scope.add_event_processor(move |mut event| {
                event
                    .request
                    .get_or_insert_with(|| sentry::protocol::Request {
                        url: format!("http://vinbot{url}").parse().ok(),
                        method: Some(method.clone()),
                        ..Default::default()
                    });
                Some(event)
            });
        });

        let outcome = async {
            let result = AssertUnwindSafe(self.dispatch(req)).catch_unwind().await;
            let result = match result {
                Ok(result) => result,
                // The panic hook already reported it to this request's hub.
                Err(_) => Err(poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR)),
            };
            let route = route_of(&result);
            tracing::Span::current().record("route", route.as_str());
            sentry::configure_scope(|scope| scope.set_tag("route", &route));
            let result = match result {
                Err(err) if err.status().is_server_error() => {
                    // Logged once here, inside the request's span and hub; the boundary then
                    // wraps the bare status in the generic envelope without logging again.
                    let status = err.status();
                    let cause = err.to_string();
                    if !cause.is_empty() && cause != status.canonical_reason().unwrap_or("") {
                        tracing::error!(error = %cause, status = status.as_u16(), "request failed");
                    }
                    Ok(Response::builder().status(status).finish())
                }
                other => other,
            };
            (result, route)
        }
        .bind_hub(hub.clone())
        .instrument(span)
        .await;
        let (result, route) = outcome;

        let status = match &result {
            Ok(resp) => resp.status(),
            Err(err) => err.status(),
        };
        record_http_response(&route, method.as_str(), status.as_u16(), started.elapsed());
        if status.is_server_error() && hub.last_event_id().is_none() {
            hub.with_scope(
                |scope| {
                    scope.set_tag("route", &route);
                    scope.set_tag("status", status.as_u16());
                },
                || {
                    hub.capture_message(
                        &format!("HTTP {} {method} {route}", status.as_u16()),
                        Level::Error,
                    )
                },
            );
        }
        result
    }
}

/// The matched route template, set by poem's router on the response or error.
fn route_of(result: &poem::Result<Response>) -> String {
    let pattern = match result {
        Ok(resp) => resp.data::<PathPattern>(),
        Err(err) => err.data::<PathPattern>(),
    };
    // A request that reached no operation carries at most the empty pattern of the `/` nest.
    match pattern {
        Some(p) if !p.0.is_empty() => p.0.to_string(),
        _ => UNMATCHED_ROUTE.to_owned(),
    }
}
