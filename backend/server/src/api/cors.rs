//! CORS for the dashboard page: exact origins from `DASHBOARD_ALLOWED_ORIGINS` (never a
//! wildcard, even when the list is empty), explicit methods and headers, credentials (the
//! refresh cookie) only on the sign-in routes under `/api/v1/auth/`,
//! `Vary: Origin` on every answer. A same-origin request (Origin equal to the Host) is not
//! cross-origin and always passes, so the page served from `FRONTEND_DIR` works anywhere.

use std::{collections::HashSet, sync::Arc};

use poem::{
    Endpoint, IntoResponse, Middleware, Request, Response,
    http::{HeaderValue, Method, StatusCode, header},
};

/// Methods a cross-origin page may use.
pub const ALLOWED_METHODS: &str = "GET, POST, PATCH, DELETE, OPTIONS";
/// Request headers a cross-origin page may send.
pub const ALLOWED_HEADERS: &[&str] = &[
    "accept",
    "content-type",
    "authorization",
    "x-api-key",
    "x-request-id",
    "x-vinbot-client",
];
/// Response headers a cross-origin page may read.
pub const EXPOSED_HEADERS: &str = "ratelimit, ratelimit-policy, retry-after, x-request-id";
/// Routes whose answers a listed origin may read with credentials (the refresh cookie): the
/// sign-in routes only, the cookie's path.
pub const CREDENTIALED_PREFIX: &str = "/api/v1/auth/";
/// Preflight cache lifetime in seconds (browsers cap it at 7200 anyway).
pub const MAX_AGE_SECS: u32 = 7200;

/// The CORS middleware.
#[derive(Clone)]
pub struct Cors {
    origins: Arc<HashSet<String>>,
}

impl Cors {
    /// Allows exactly these origins.
    pub fn new(origins: &[String]) -> Self {
        Self {
            origins: Arc::new(origins.iter().cloned().collect()),
        }
    }
}

impl<E: Endpoint> Middleware<E> for Cors {
    type Output = CorsEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        CorsEndpoint {
            inner: ep,
            origins: self.origins.clone(),
        }
    }
}

/// The endpoint produced by [`Cors`].
pub struct CorsEndpoint<E> {
    inner: E,
    origins: Arc<HashSet<String>>,
}

fn same_origin(origin: &str, req: &Request) -> bool {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    matches!((host, origin_host), (Some(h), Some(o)) if h.eq_ignore_ascii_case(o))
}

impl<E: Endpoint> Endpoint for CorsEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let origin = req
            .headers()
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let Some(origin) = origin else {
            let mut resp = self.inner.call(req).await?.into_response();
            resp.headers_mut()
                .insert(header::VARY, HeaderValue::from_static("Origin"));
            return Ok(resp);
        };
        let allowed = self.origins.contains(&origin);
        let is_preflight = req.method() == Method::OPTIONS
            && req
                .headers()
                .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);

        if !allowed && !same_origin(&origin, &req) {
            return Ok(refused());
        }
        let credentialed = req.uri().path().starts_with(CREDENTIALED_PREFIX);
        if is_preflight {
            let mut resp = preflight(&origin, &req);
            if credentialed && resp.status() == StatusCode::NO_CONTENT {
                resp.headers_mut().insert(
                    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                    HeaderValue::from_static("true"),
                );
            }
            return Ok(resp);
        }
        let mut resp = self.inner.call(req).await?.into_response();
        let headers = resp.headers_mut();
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
        if allowed && let Ok(v) = HeaderValue::from_str(&origin) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
            if credentialed {
                headers.insert(
                    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                    HeaderValue::from_static("true"),
                );
            }
            headers.insert(
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static(EXPOSED_HEADERS),
            );
        }
        Ok(resp)
    }
}

fn refused() -> Response {
    let mut resp = StatusCode::FORBIDDEN.into_response();
    resp.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Origin"));
    resp
}

fn preflight(origin: &str, req: &Request) -> Response {
    let method_ok = req
        .headers()
        .get(header::ACCESS_CONTROL_REQUEST_METHOD)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|m| matches!(m, "GET" | "POST" | "PATCH" | "DELETE" | "OPTIONS" | "HEAD"));
    let headers_ok = req
        .headers()
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|list| {
            list.split(',')
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .all(|h| ALLOWED_HEADERS.contains(&h.as_str()))
        });
    if !method_ok || !headers_ok {
        return refused();
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    let h = resp.headers_mut();
    h.insert(header::VARY, HeaderValue::from_static("Origin"));
    if let Ok(v) = HeaderValue::from_str(origin) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
    }
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(ALLOWED_METHODS),
    );
    if let Ok(v) = HeaderValue::from_str(&ALLOWED_HEADERS.join(", ")) {
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, v);
    }
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from(MAX_AGE_SECS),
    );
    resp
}
