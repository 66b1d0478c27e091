//! The error envelope `{code, message, request_id}`: its codes, its body and the answer for
//! errors raised outside an operation. A leaf of the module graph: the HTTP API, the rate
//! limiter's refusals and the Telegram webhook all answer with it, and it depends on none of them.

pub mod request_id;

use poem::{IntoResponse, Response, http::StatusCode};
use poem_openapi::{Enum, Object, payload::Json};

/// Stable, machine-readable error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The VIN has characters that no VIN can contain, or is too long.
    InvalidVin,
    /// The request is malformed (bad parameter, body, JSON, method).
    InvalidRequest,
    /// No such route or resource.
    NotFound,
    /// The body is larger than this route accepts.
    PayloadTooLarge,
    /// Too many requests; see `Retry-After`.
    RateLimited,
    /// Authentication is missing or wrong.
    Unauthorized,
    /// Authenticated, but not allowed to do this (e.g. not an admin).
    Forbidden,
    /// The request took longer than the server's deadline.
    Timeout,
    /// A dependency needed for this route is not available.
    Unavailable,
    /// An unexpected server error.
    Internal,
    /// A data reload found no snapshot in the data directory; the loaded data stays.
    DataMissing,
    /// A data reload found a snapshot that is not a vinbot snapshot of this format, or is
    /// truncated or corrupt; the loaded data stays.
    SnapshotInvalid,
    /// A data reload could not read the snapshot; the loaded data stays.
    DataIo,
}

impl ErrorCode {
    /// The code as it appears in the body.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidVin => "invalid_vin",
            Self::InvalidRequest => "invalid_request",
            Self::NotFound => "not_found",
            Self::PayloadTooLarge => "payload_too_large",
            Self::RateLimited => "rate_limited",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::Timeout => "timeout",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
            Self::DataMissing => "data_missing",
            Self::SnapshotInvalid => "snapshot_invalid",
            Self::DataIo => "data_io",
        }
    }
}

/// The error envelope.
#[derive(Debug, Clone, Object)]
pub struct ErrorBody {
    /// Stable machine-readable code.
    pub code: ErrorCode,
    /// A sentence for people.
    pub message: String,
    /// The id of this request (also in the `X-Request-Id` header); quote it in bug reports.
    pub request_id: String,
}

impl ErrorBody {
    /// An envelope for the current request.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            request_id: request_id::current(),
        }
    }
}

/// The envelope for an error raised outside an operation (unknown route, wrong method, body
/// cap, a refused webhook call): a code and a generic message chosen by the status.
pub fn response(status: StatusCode, detail: &str) -> Response {
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
        StatusCode::FORBIDDEN => (ErrorCode::Forbidden, "Forbidden.".to_owned()),
        StatusCode::TOO_MANY_REQUESTS => (ErrorCode::RateLimited, "Too many requests.".to_owned()),
        StatusCode::REQUEST_TIMEOUT => (
            ErrorCode::Timeout,
            "The request body did not arrive in time.".to_owned(),
        ),
        StatusCode::URI_TOO_LONG => (
            ErrorCode::InvalidRequest,
            "The request URI is longer than this server accepts.".to_owned(),
        ),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => (
            ErrorCode::InvalidRequest,
            "The request headers are larger than this server accepts.".to_owned(),
        ),
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
