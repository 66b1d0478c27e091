//! Body caps and the per-request deadline. poem-openapi's `Json<T>` reads the whole body, so
//! the cap sits in front of it: a declared or actual body over the route's limit is a 413
//! before any parsing, and a body that trickles in too slowly is a 408.

use std::{sync::Arc, time::Duration};

use futures_util::StreamExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use poem::{
    Body, Endpoint, IntoResponse, Middleware, Request, Response,
    http::{HeaderValue, StatusCode, header},
};

use super::{
    batch_count::{BatchRoute, count_vins},
    error::{ErrorBody, ErrorCode},
};
use crate::{config::HttpSettings, envelope::response as envelope};

/// Path of the one route that takes large (streamed-out) bodies.
pub const STREAM_BATCH_PATH: &str = "/api/v1/vins/batch";

/// Caps request bodies: the batch route asking for a streamed answer (`Accept` NDJSON or CSV)
/// at `stream_body_limit`, all others at `json_body_limit`; a body that does not arrive within
/// `body_read_timeout` is a 408. Batches with more entries than their route takes are refused
/// before they are parsed. All bodies together hold at most `body_budget` bytes.
pub struct BodyCap {
    json: usize,
    stream: usize,
    read_timeout: Duration,
    max_json_batch: usize,
    max_stream_batch: usize,
    budget: Arc<Semaphore>,
}

/// Budget permits are KiB, so the budget fits a semaphore's `u32` permits.
const PERMIT_BYTES: usize = 1024;

impl BodyCap {
    /// Caps from the HTTP settings.
    pub fn new(http: &HttpSettings) -> Self {
        Self {
            json: http.json_body_limit,
            stream: http.stream_body_limit,
            read_timeout: http.body_read_timeout,
            max_json_batch: http.max_json_batch,
            max_stream_batch: http.max_stream_batch,
            budget: Arc::new(Semaphore::new((http.body_budget / PERMIT_BYTES).max(1))),
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
            read_timeout: self.read_timeout,
            max_json_batch: self.max_json_batch,
            max_stream_batch: self.max_stream_batch,
            budget: self.budget.clone(),
        }
    }
}

/// The endpoint produced by [`BodyCap`].
pub struct BodyCapEndpoint<E> {
    inner: E,
    json: usize,
    stream: usize,
    read_timeout: Duration,
    max_json_batch: usize,
    max_stream_batch: usize,
    budget: Arc<Semaphore>,
}

/// True when the request asks for a streamed batch answer (the only one that may be large).
pub fn wants_stream(req: &Request) -> bool {
    req.headers()
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("ndjson") || v.contains("text/csv")
        })
}

impl<E: Endpoint> Endpoint for BodyCapEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> poem::Result<Response> {
        let stream = req.uri().path() == STREAM_BATCH_PATH && wants_stream(&req);
        let limit = if stream { self.stream } else { self.json };
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|len| len > limit as u64) {
            return Ok(closing(envelope(StatusCode::PAYLOAD_TOO_LARGE, "")));
        }
        // A body without a length may be as large as the cap: reserve that much.
        let reserve = declared
            .map_or(limit, |n| n as usize)
            .div_ceil(PERMIT_BYTES);
        let reserve = u32::try_from(reserve.max(1)).unwrap_or(u32::MAX);
        let acquire = self.budget.clone().acquire_many_owned(reserve);
        let permit = match tokio::time::timeout(self.read_timeout, acquire).await {
            Ok(Ok(permit)) => permit,
            _ => return Ok(closing(envelope(StatusCode::SERVICE_UNAVAILABLE, ""))),
        };
        let body = req.take_body();
        let bytes =
            match tokio::time::timeout(self.read_timeout, body.into_bytes_limit(limit)).await {
                Ok(Ok(bytes)) => bytes,
                Ok(Err(poem::error::ReadBodyError::PayloadTooLarge)) => {
                    return Ok(closing(envelope(StatusCode::PAYLOAD_TOO_LARGE, "")));
                }
                Ok(Err(err)) => {
                    return Ok(closing(envelope(
                        StatusCode::BAD_REQUEST,
                        &format!("Could not read the request body: {err}"),
                    )));
                }
                Err(_elapsed) => return Ok(closing(envelope(StatusCode::REQUEST_TIMEOUT, ""))),
            };
        if let Some(route) = BatchRoute::of(req.method(), req.uri().path()) {
            let max = if stream {
                self.max_stream_batch
            } else {
                self.max_json_batch
            };
            let content_type = req.content_type().unwrap_or_default().to_owned();
            let n = count_vins(route, &content_type, &bytes);
            if n > max {
                return Ok(envelope(
                    StatusCode::BAD_REQUEST,
                    &too_many(n, max, route == BatchRoute::V1 && !stream),
                ));
            }
        }
        req.set_body(Body::from_bytes(bytes));
        let resp = self.inner.call(req).await?.into_response();
        Ok(if stream {
            // The streamed answer keeps the parsed entries until it ends: so does the permit.
            hold_until_sent(resp, permit)
        } else {
            resp
        })
    }
}

/// The message for a batch over its route's maximum.
fn too_many(n: usize, max: usize, could_stream: bool) -> String {
    if could_stream {
        format!(
            "{n} VINs in one JSON batch; at most {max}. Ask for application/x-ndjson or text/csv to stream more."
        )
    } else {
        format!("{n} VINs in one batch; at most {max}.")
    }
}

/// The response with `permit` released when its body has been sent (or dropped).
fn hold_until_sent(resp: Response, permit: OwnedSemaphorePermit) -> Response {
    let (parts, body) = resp.into_parts();
    let chunks = body.into_bytes_stream().map(move |chunk| {
        let _held = &permit;
        chunk
    });
    Response::from_parts(parts, Body::from_bytes_stream(chunks))
}

/// The body was not read to its end: the connection cannot carry another request.
fn closing(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp
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
