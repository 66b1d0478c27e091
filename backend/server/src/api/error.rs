//! The one error type at the HTTP boundary: `{code, message, request_id}` for every 4xx/5xx.
//! 5xx messages are generic; the cause goes to the log where the error becomes a response.
//! The envelope itself ([`ErrorBody`], [`ErrorCode`]) lives in [`crate::envelope`].

use poem_openapi::{ApiResponse, payload::Json};

pub use crate::envelope::{ErrorBody, ErrorCode};

/// Every error answer of the API: every operation declares this one type, so the spec lists the
/// same error statuses for all of them, each with the envelope.
#[derive(Debug, ApiResponse)]
#[oai(bad_request_handler = "bad_request")]
pub enum ApiError {
    /// The request is invalid (`invalid_vin`, `invalid_request`).
    #[oai(status = 400)]
    BadRequest(Json<ErrorBody>),
    /// Authentication is missing or wrong (`unauthorized`).
    #[oai(status = 401)]
    Unauthorized(Json<ErrorBody>),
    /// Authenticated, but not allowed (`forbidden`).
    #[oai(status = 403)]
    Forbidden(Json<ErrorBody>),
    /// No such route or resource (`not_found`).
    #[oai(status = 404)]
    NotFound(Json<ErrorBody>),
    /// The request body did not arrive within the body read timeout (`timeout`).
    #[oai(status = 408)]
    RequestTimeout(Json<ErrorBody>),
    /// The request cannot be done in the server's present state (`data_missing`,
    /// `snapshot_invalid`, `data_io` of a data reload).
    #[oai(status = 409)]
    Conflict(Json<ErrorBody>),
    /// The body is too large (`payload_too_large`).
    #[oai(status = 413)]
    PayloadTooLarge(Json<ErrorBody>),
    /// The request URI is longer than the server reads (`invalid_request`).
    #[oai(status = 414)]
    UriTooLong(Json<ErrorBody>),
    /// The body's `Content-Type` is missing or not one this operation reads (`invalid_request`).
    #[oai(status = 415)]
    UnsupportedMediaType(Json<ErrorBody>),
    /// The request headers are larger than the server reads (`invalid_request`).
    #[oai(status = 431)]
    HeadersTooLarge(Json<ErrorBody>),
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

    /// 401 `unauthorized`.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::Unauthorized(Json(ErrorBody::new(ErrorCode::Unauthorized, message)))
    }

    /// 403 `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden(Json(ErrorBody::new(ErrorCode::Forbidden, message)))
    }

    /// 404 `not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::NotFound(Json(ErrorBody::new(ErrorCode::NotFound, message)))
    }

    /// 409 with `code`.
    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Conflict(Json(ErrorBody::new(code, message)))
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
