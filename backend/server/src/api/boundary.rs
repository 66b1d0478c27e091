//! The outermost middleware: request id, one error envelope for every 4xx/5xx (also for
//! errors raised outside operations: unknown routes, wrong methods, body caps), security
//! headers, per-route `Cache-Control`, and one access-log line per request.

use std::time::Instant;

use poem::{
    Endpoint, IntoResponse, Middleware, Request, Response,
    http::{HeaderValue, Method, StatusCode, header},
};

use super::request_id;
use crate::{envelope::response as envelope, observability::scrub::redact_path};

/// See the module docs.
pub struct Boundary;

impl<E: Endpoint> Middleware<E> for Boundary {
    type Output = BoundaryEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        BoundaryEndpoint { inner: ep }
    }
}

/// The endpoint produced by [`Boundary`].
pub struct BoundaryEndpoint<E> {
    inner: E,
}

impl<E: Endpoint> Endpoint for BoundaryEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let started = Instant::now();
        let id = request_id::for_request(&req);
        let method = req.method().clone();
        let path = req.uri().path().to_owned();
        let refused = head_limit_status(&req);
        let mut resp = request_id::scope(id.clone(), async {
            if let Some(status) = refused {
                return envelope(status, "");
            }
            let resp = match self.inner.call(req).await {
                Ok(resp) => resp.into_response(),
                Err(err) => {
                    let message = err.to_string();
                    let resp = err.into_response();
                    if has_envelope(&resp) {
                        resp
                    } else {
                        envelope(resp.status(), &message)
                    }
                }
            };
            if resp.status().is_client_error() || resp.status().is_server_error() {
                if has_envelope(&resp) {
                    resp
                } else {
                    envelope(resp.status(), "")
                }
            } else {
                resp
            }
        })
        .await;

        let status = resp.status();
        let headers = resp.headers_mut();
        if status == StatusCode::METHOD_NOT_ALLOWED
            && !headers.contains_key(header::ALLOW)
            && let Some(allow) = super::allow::allowed_methods(&path)
            && let Ok(v) = HeaderValue::from_str(&allow)
        {
            headers.insert(header::ALLOW, v);
        }
        if let Ok(v) = HeaderValue::from_str(&id) {
            headers.insert(request_id::HEADER, v);
        }
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.remove(header::SERVER);
        if !headers.contains_key(header::CACHE_CONTROL) {
            headers.insert(header::CACHE_CONTROL, cache_control(&method, &path, status));
        }
        if path == "/docs" || path.starts_with("/docs/") {
            // Swagger UI inlines its bundle; this CSP is for that page only.
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(SWAGGER_CSP),
            );
        } else if !headers.contains_key(header::CONTENT_SECURITY_POLICY)
            && (path.starts_with("/api/") || path.starts_with("/health/"))
        {
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(API_CSP),
            );
        }

        tracing::info!(
            method = %method,
            path = %redact_path(&path),
            status = status.as_u16(),
            micros = started.elapsed().as_micros() as u64,
            request_id = %id,
            "request"
        );
        Ok(resp)
    }
}

/// Longest request target (path and query) answered; longer is a 414 in the envelope. VINs and
/// every parameter of the API fit many times over. (Request heads beyond hyper's own limits
/// are refused by hyper before they reach here, without a body: see [`super::serve`].)
pub const MAX_URI_LEN: usize = 8 * 1024;

/// Largest request head answered: the request target and every header line (name, value and
/// their `: ` and line end). Larger is a 431 in the envelope. Browsers' cookies and every
/// header the API reads fit several times over.
pub const MAX_HEAD_BYTES: usize = 32 * 1024;

/// The status a request head over this server's limits gets: 414 for the target, 431 for the
/// whole head.
fn head_limit_status(req: &Request) -> Option<StatusCode> {
    let target = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    if target > MAX_URI_LEN {
        return Some(StatusCode::URI_TOO_LONG);
    }
    let headers: usize = req
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + HEADER_LINE_OVERHEAD)
        .sum();
    (target + headers > MAX_HEAD_BYTES).then_some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
}

/// `: ` and `\r\n` around each header line.
const HEADER_LINE_OVERHEAD: usize = 4;

const SWAGGER_CSP: &str = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// True when the response is already our JSON envelope (set by an operation).
fn has_envelope(resp: &Response) -> bool {
    resp.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"))
}

/// Successful GETs of decode and catalog data may be cached briefly (the data changes only
/// with a deploy); everything else is not stored.
fn cache_control(method: &Method, path: &str, status: StatusCode) -> HeaderValue {
    let cacheable_api = path.starts_with("/api/v1/vins/")
        || path.starts_with("/api/v1/wmis/")
        || path.starts_with("/api/v1/makes")
        || (path.starts_with("/api/vehicles/") && !path.to_ascii_lowercase().contains("batch"));
    if (*method == Method::GET || *method == Method::HEAD) && status.is_success() {
        if cacheable_api {
            return HeaderValue::from_static("public, max-age=3600");
        }
        if path == "/openapi.json" || path == "/docs" || path == "/api/v1/meta" {
            return HeaderValue::from_static("public, max-age=300");
        }
        if !path.starts_with("/api/") && !path.starts_with("/health/") {
            // The web page: revalidate so a deploy shows at once.
            return HeaderValue::from_static("no-cache");
        }
    }
    HeaderValue::from_static("no-store")
}
