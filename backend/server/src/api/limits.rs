//! Body caps and the per-request deadline. poem-openapi's `Json<T>` reads the whole body, so
//! the cap sits in front of it: a declared or actual body over the route's limit is a 413
//! before any parsing.

use std::time::Duration;

use poem::{
    Body, Endpoint, IntoResponse, Middleware, Request, Response, http::StatusCode, http::header,
};

use super::{
    boundary::envelope,
    error::{ErrorBody, ErrorCode},
};
use crate::config::HttpSettings;

/// Path of the one route that takes large (streamed-out) bodies.
pub const STREAM_BATCH_PATH: &str = "/api/v1/vins/batch";

/// Caps request bodies: the streaming batch route at `stream_body_limit`, all others at
/// `json_body_limit`.
pub struct BodyCap {
    json: usize,
    stream: usize,
}

impl BodyCap {
    /// Caps from the HTTP settings.
    pub fn new(http: &HttpSettings) -> Self {
        Self {
            json: http.json_body_limit,
            stream: http.stream_body_limit,
        }
    }
}

impl<E: Endpoint> Middleware<E> for BodyCap {
    type Output = BodyCapEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        BodyCapEndpoint {
            inner: ep,
            json: self.json,
            stream: self.stream,
        }
    }
}

/// The endpoint produced by [`BodyCap`].
pub struct BodyCapEndpoint<E> {
    inner: E,
    json: usize,
    stream: usize,
}

impl<E: Endpoint> Endpoint for BodyCapEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> poem::Result<Response> {
        let limit = if req.uri().path() == STREAM_BATCH_PATH {
            self.stream
        } else {
            self.json
        };
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|len| len > limit as u64) {
            return Ok(envelope(StatusCode::PAYLOAD_TOO_LARGE, ""));
        }
        // Chunked bodies have no length: read at most `limit` bytes, then refuse.
        let body = req.take_body();
        match body.into_bytes_limit(limit).await {
            Ok(bytes) => req.set_body(Body::from_bytes(bytes)),
            Err(poem::error::ReadBodyError::PayloadTooLarge) => {
                return Ok(envelope(StatusCode::PAYLOAD_TOO_LARGE, ""));
            }
            Err(err) => {
                return Ok(envelope(
                    StatusCode::BAD_REQUEST,
                    &format!("Could not read the request body: {err}"),
                ));
            }
        }
        Ok(self.inner.call(req).await?.into_response())
    }
}

/// Answers 503 `timeout` when the response head is not ready within the deadline.
pub struct Deadline(pub Duration);

impl<E: Endpoint> Middleware<E> for Deadline {
    type Output = DeadlineEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        DeadlineEndpoint {
            inner: ep,
            deadline: self.0,
        }
    }
}

/// The endpoint produced by [`Deadline`].
pub struct DeadlineEndpoint<E> {
    inner: E,
    deadline: Duration,
}

impl<E: Endpoint> Endpoint for DeadlineEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        match tokio::time::timeout(self.deadline, self.inner.call(req)).await {
            Ok(result) => result.map(IntoResponse::into_response),
            Err(_) => Ok(poem_openapi::payload::Json(ErrorBody::new(
                ErrorCode::Timeout,
                "The request took too long.",
            ))
            .with_status(StatusCode::SERVICE_UNAVAILABLE)
            .into_response()),
        }
    }
}
