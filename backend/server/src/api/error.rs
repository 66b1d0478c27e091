//! The one error type at the HTTP boundary: `{code, message, request_id}` for every 4xx/5xx.
//! 5xx messages are generic; the cause goes to the log where the error becomes a response.

use poem_openapi::{ApiResponse, Enum, Object, payload::Json};

use super::request_id;

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
    /// The request took longer than the server's deadline.
    Timeout,
    /// A dependency needed for this route is not available.
    Unavailable,
    /// An unexpected server error.
    Internal,
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
            Self::Timeout => "timeout",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
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

/// Every error answer of the API.
#[derive(Debug, ApiResponse)]
#[oai(bad_request_handler = "bad_request")]
pub enum ApiError {
    /// The request is invalid (`invalid_vin`, `invalid_request`).
    #[oai(status = 400)]
    BadRequest(Json<ErrorBody>),
    /// Authentication is missing or wrong (`unauthorized`).
    #[oai(status = 401)]
    Unauthorized(Json<ErrorBody>),
    /// No such route or resource (`not_found`).
    #[oai(status = 404)]
    NotFound(Json<ErrorBody>),
    /// The body is too large (`payload_too_large`).
    #[oai(status = 413)]
    PayloadTooLarge(Json<ErrorBody>),
    /// Too many requests (`rate_limited`); retry after the given number of seconds.
    #[oai(status = 429)]
    RateLimited(
        Json<ErrorBody>,
        /// Seconds to wait before retrying.
        #[oai(header = "Retry-After")]
        u64,
        /// The quota: `"anon";q=120;w=60` (tier, requests, window in seconds).
        #[oai(header = "RateLimit-Policy")]
        String,
        /// What is left: `"anon";r=0;t=12` (remaining, seconds until the quota is full again).
        #[oai(header = "RateLimit")]
        String,
    ),
    /// An unexpected error (`internal`).
    #[oai(status = 500)]
    Internal(Json<ErrorBody>),
    /// A dependency is unavailable or the deadline passed (`unavailable`, `timeout`).
    #[oai(status = 503)]
    Unavailable(Json<ErrorBody>),
}

impl ApiError {
    /// 400 `invalid_vin`.
    pub fn invalid_vin(message: impl Into<String>) -> Self {
        Self::BadRequest(Json(ErrorBody::new(ErrorCode::InvalidVin, message)))
    }

    /// 400 `invalid_request`.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::BadRequest(Json(ErrorBody::new(ErrorCode::InvalidRequest, message)))
    }

    /// 404 `not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::NotFound(Json(ErrorBody::new(ErrorCode::NotFound, message)))
    }

    /// 503 `unavailable`.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::Unavailable(Json(ErrorBody::new(ErrorCode::Unavailable, message)))
    }

    /// 500 `internal`: logs the cause once, answers a generic message.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::Internal(Json(ErrorBody::new(
            ErrorCode::Internal,
            "Internal server error.",
        )))
    }
}

/// Parse failures of parameters and bodies use the same envelope.
fn bad_request(err: poem::Error) -> ApiError {
    ApiError::invalid_request(err.to_string())
}
