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
/// before they are parsed. All bodies together hold at most `body_budget` bytes, and all
/// batches together at most `entry_budget` entries.
#[derive(Clone)]
pub struct BodyCap {
    json: usize,
    stream: usize,
    read_timeout: Duration,
    max_json_batch: usize,
    max_stream_batch: usize,
    budget_wait: Duration,
    budget: Arc<Semaphore>,
    entries: Arc<Semaphore>,
}

/// Budget permits are KiB, so the budget fits a semaphore's `u32` permits.
const PERMIT_BYTES: usize = 1024;

/// A body is held up to three times while its request runs: the bytes read, what the JSON or
/// text parser makes of them, and the typed entries taken from that (one long string is all
/// three). The budget counts all of them.
const COPIES: usize = 3;

impl BodyCap {
    /// Caps from the HTTP settings.
    pub fn new(http: &HttpSettings) -> Self {
        Self {
            json: http.json_body_limit,
            stream: http.stream_body_limit,
            read_timeout: http.body_read_timeout,
            max_json_batch: http.max_json_batch,
            max_stream_batch: http.max_stream_batch,
            // Both budgets together are waited for at most half the request deadline, so a
            // request they cannot take is told so (503 with `Retry-After`) before that deadline.
            budget_wait: http.request_timeout / 2,
            // Never less than the largest body takes, or that body could never be read.
            budget: Arc::new(Semaphore::new(
                http.body_budget
                    .max(http.stream_body_limit.saturating_mul(COPIES))
                    .max(http.json_body_limit.saturating_mul(COPIES))
                    .div_ceil(PERMIT_BYTES)
                    .max(1),
            )),
            // Never less than one whole batch of the largest kind, or that batch could never run.
            entries: Arc::new(Semaphore::new(
                http.entry_budget
                    .max(http.max_stream_batch)
                    .max(http.max_json_batch)
                    .max(1),
            )),
        }
    }
}

impl<E: Endpoint> Middleware<E> for BodyCap {
    type Output = BodyCapEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        BodyCapEndpoint {
            inner: ep,
            cap: self.clone(),
        }
    }
}

/// The endpoint produced by [`BodyCap`] (its caps, and the budgets it shares with every route).
pub struct BodyCapEndpoint<E> {
    inner: E,
    cap: BodyCap,
}

/// Takes `n` permits of `pool`, waiting until `until` at most; `None` when they did not come in
/// time.
async fn reserve(
    pool: &Arc<Semaphore>,
    n: usize,
    until: tokio::time::Instant,
) -> Option<OwnedSemaphorePermit> {
    let n = u32::try_from(n.max(1)).unwrap_or(u32::MAX);
    match tokio::time::timeout_at(until, pool.clone().acquire_many_owned(n)).await {
        Ok(Ok(permit)) => Some(permit),
        _ => None,
    }
}

/// Whether a body may follow the head: HTTP/1.x carries one only with a non-zero
/// `Content-Length` or a `Transfer-Encoding` (RFC 9112 §6.3); HTTP/2 may send one without either.
fn has_body(req: &Request, declared: Option<u64>) -> bool {
    match declared {
        Some(len) => len > 0,
        None => {
            req.headers().contains_key(header::TRANSFER_ENCODING)
                || req.version() >= poem::http::Version::HTTP_2
        }
    }
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
        let waited_until = tokio::time::Instant::now() + self.cap.budget_wait;
        let stream = req.uri().path() == STREAM_BATCH_PATH && wants_stream(&req);
        let limit = if stream {
            self.cap.stream
        } else {
            self.cap.json
        };
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|len| len > limit as u64) {
            return Ok(closing(envelope(StatusCode::PAYLOAD_TOO_LARGE, "")));
        }
        // A body without a length may be as large as the cap: reserve that much. A request
        // without a body (most GETs) takes nothing: drip-fed bodies holding the budget must not
        // hold up single decodes.
        let body_bytes = if has_body(&req, declared) {
            declared.map_or(limit, |n| n as usize)
        } else {
            0
        };
        let mut permits = Vec::new();
        if body_bytes > 0 {
            let kib = body_bytes.saturating_mul(COPIES).div_ceil(PERMIT_BYTES);
            let Some(permit) = reserve(&self.cap.budget, kib, waited_until).await else {
                return Ok(closing(busy()));
            };
            permits.push(permit);
        }
        let body = req.take_body();
        let bytes =
            match tokio::time::timeout(self.cap.read_timeout, body.into_bytes_limit(limit)).await {
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
                self.cap.max_stream_batch
            } else {
                self.cap.max_json_batch
            };
            let content_type = req.content_type().unwrap_or_default().to_owned();
            let n = count_vins(route, &content_type, &bytes);
            if n > max {
                return Ok(envelope(
                    StatusCode::BAD_REQUEST,
                    &too_many(n, max, route == BatchRoute::V1 && !stream),
                ));
            }
            // Always taken after the body's permit, never the other way round: no two requests
            // can each hold what the other waits for.
            let Some(held) = reserve(&self.cap.entries, n, waited_until).await else {
                return Ok(busy());
            };
            permits.push(held);
        }
        req.set_body(Body::from_bytes(bytes));
        let resp = self.inner.call(req).await?.into_response();
        Ok(if stream {
            // The streamed answer keeps the parsed entries until it ends: so does the permit.
            hold_until_sent(resp, permits)
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

/// The response with `permits` released when its body has been sent (or dropped).
fn hold_until_sent(resp: Response, permits: Vec<OwnedSemaphorePermit>) -> Response {
    let (parts, body) = resp.into_parts();
    let chunks = body.into_bytes_stream().map(move |chunk| {
        let _held = &permits;
        chunk
    });
    Response::from_parts(parts, Body::from_bytes_stream(chunks))
}

/// The 503 for a request the memory budgets could not take in time: worth retrying soon.
fn busy() -> Response {
    let mut resp = envelope(StatusCode::SERVICE_UNAVAILABLE, "");
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
    resp
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
