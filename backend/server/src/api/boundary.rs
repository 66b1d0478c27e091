//! The outermost middleware: request id, one error envelope for every 4xx/5xx (also for
//! errors raised outside operations: unknown routes, wrong methods, body caps), security
//! headers, per-route `Cache-Control`, and one access-log line per request.

use std::time::Instant;

use poem::{
    Endpoint, IntoResponse, Middleware, Request, Response,
    http::{HeaderValue, Method, StatusCode, header},
};
use poem_openapi::payload::Json;

use super::{
    error::{ErrorBody, ErrorCode},
    request_id,
};

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
        let mut resp = request_id::scope(id.clone(), async {
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

/// The envelope for an error raised outside an operation.
pub(crate) fn envelope(status: StatusCode, detail: &str) -> Response {
    let (code, message) = match status {
        StatusCode::NOT_FOUND => (ErrorCode::NotFound, "No such route.".to_owned()),
        StatusCode::METHOD_NOT_ALLOWED => (
            ErrorCode::InvalidRequest,
            "Method not allowed on this route.".to_owned(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            ErrorCode::PayloadTooLarge,
            "Request body is larger than this route accepts.".to_owned(),
        ),
        StatusCode::UNAUTHORIZED => (ErrorCode::Unauthorized, "Unauthorized.".to_owned()),
        StatusCode::TOO_MANY_REQUESTS => (ErrorCode::RateLimited, "Too many requests.".to_owned()),
        StatusCode::SERVICE_UNAVAILABLE => (
            ErrorCode::Unavailable,
            "Service temporarily unavailable.".to_owned(),
        ),
        s if s.is_client_error() => (
            ErrorCode::InvalidRequest,
            if detail.is_empty() {
                s.canonical_reason().unwrap_or("Bad request").to_owned()
            } else {
                detail.to_owned()
            },
        ),
        _ => {
            if !detail.is_empty() {
                tracing::error!(error = %detail, status = status.as_u16(), "unhandled error");
            }
            (ErrorCode::Internal, "Internal server error.".to_owned())
        }
    };
    Json(ErrorBody::new(code, message))
        .with_status(status)
        .into_response()
}

/// Successful GETs of decode and catalog data may be cached briefly (the data changes only
/// with a deploy); everything else is not stored.
fn cache_control(method: &Method, path: &str, status: StatusCode) -> HeaderValue {
    let cacheable_api = path.starts_with("/api/v1/vins/")
        || path.starts_with("/api/v1/wmis/")
        || path.starts_with("/api/v1/makes")
        || (path.starts_with("/api/vehicles/") && !path.to_ascii_lowercase().contains("batch"));
    if *method == Method::GET && status.is_success() {
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

/// Paths carry VINs; logs keep only the first 11 characters of a VIN-like segment.
pub(crate) fn redact_path(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.len() > 11 && seg.bytes().filter(u8::is_ascii_digit).count() >= 3 {
                format!(
                    "{}…",
                    &seg[..seg.char_indices().nth(11).map_or(seg.len(), |(i, _)| i)]
                )
            } else {
                seg.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_vin_segments_only() {
        assert_eq!(
            redact_path("/api/v1/vins/1HGCM82633A004352"),
            "/api/v1/vins/1HGCM82633A…"
        );
        assert_eq!(
            redact_path("/api/v1/makes/honda/models"),
            "/api/v1/makes/honda/models"
        );
    }
}
