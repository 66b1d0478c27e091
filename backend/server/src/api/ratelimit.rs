//! The poem middleware that applies [`RateLimits`] to the decode routes: v1 single and batch, and
//! the NHTSA-compatible decode routes. A batch costs one cell per VIN, so the body is read here
//! (it sits inside the body cap, which has already buffered it). Answers carry
//! `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers); a refusal is a 429
//! in the error envelope with an integer `Retry-After`. A sent but invalid or revoked `X-API-Key`
//! is a 401.

use std::sync::Arc;

use poem::{
    Body, Endpoint, IntoResponse, Middleware, Request, Response,
    http::{HeaderValue, Method, header},
};
use poem_openapi::payload::Json;

use super::{
    batch_count::{self, BatchRoute},
    error::{ApiError, ErrorBody, ErrorCode},
    nhtsa::path_case::PREFIX as NHTSA_PREFIX,
};
use crate::{
    apikeys::{Scope, VerifyError},
    ratelimit::{ClientId, Decision, RateLimits, Tier},
};

/// Header carrying an API key.
pub const API_KEY_HEADER: &str = "x-api-key";

/// What a route costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    /// One VIN.
    Single,
    /// `POST /api/v1/vins/batch`: JSON `{"vins": [...]}` or text lines.
    V1Batch,
    /// `POST /api/vehicles/DecodeVinValuesBatch`: form `DATA=vin,year;vin`.
    NhtsaBatch,
}

/// NHTSA operations that decode one VIN (paths are canonical here: `NhtsaPathCase` runs first).
const NHTSA_SINGLE: &[&str] = &[
    "DecodeVin",
    "DecodeVinExtended",
    "DecodeVinValues",
    "DecodeVinValuesExtended",
];

fn classify(method: &Method, path: &str) -> Option<Route> {
    if let Some(rest) = path.strip_prefix("/api/v1/vins/") {
        return match (method, rest) {
            (&Method::POST, "batch") => Some(Route::V1Batch),
            (&Method::GET, vin) if vin != "batch" && !vin.is_empty() => Some(Route::Single),
            _ => None,
        };
    }
    let rest = path.strip_prefix(NHTSA_PREFIX)?;
    let op = rest.split('/').next().unwrap_or_default();
    if *method == Method::POST && op == "DecodeVinValuesBatch" {
        return Some(Route::NhtsaBatch);
    }
    (*method == Method::GET && NHTSA_SINGLE.contains(&op) && rest.len() > op.len())
        .then_some(Route::Single)
}

/// Applies the limits; `None` turns the middleware off (tests, `vinbot` without limits).
pub struct RateLimit(Option<Arc<RateLimits>>);

impl RateLimit {
    /// The middleware over `limits`.
    pub fn new(limits: Option<Arc<RateLimits>>) -> Self {
        Self(limits)
    }
}

impl<E: Endpoint> Middleware<E> for RateLimit {
    type Output = RateLimitEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        RateLimitEndpoint {
            inner: ep,
            limits: self.0.clone(),
        }
    }
}

/// The endpoint produced by [`RateLimit`].
pub struct RateLimitEndpoint<E> {
    inner: E,
    limits: Option<Arc<RateLimits>>,
}

impl<E: Endpoint> Endpoint for RateLimitEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> poem::Result<Response> {
        let (Some(limits), Some(route)) = (&self.limits, classify(req.method(), req.uri().path()))
        else {
            return self.inner.call(req).await.map(IntoResponse::into_response);
        };
        let (tier, client) = match identify(limits, &req).await {
            Ok(who) => who,
            Err(resp) => return Ok(resp),
        };
        let cost = match route {
            Route::Single => 1,
            Route::V1Batch | Route::NhtsaBatch => {
                let bytes = req.take_body().into_bytes().await?;
                let n = count_vins(route, content_type(&req), &bytes);
                req.set_body(Body::from_bytes(bytes));
                n
            }
        };
        let decision = limits.check(tier, &client, cost).await;
        if !decision.allowed {
            return Ok(refusal(tier, &decision, cost));
        }
        let mut resp = self.inner.call(req).await?.into_response();
        let (policy, state) = headers(tier, &decision);
        resp.headers_mut().insert("ratelimit-policy", policy);
        resp.headers_mut().insert("ratelimit", state);
        Ok(resp)
    }
}

/// The tier and bucket of a request, or the 401 for a bad key.
async fn identify(limits: &RateLimits, req: &Request) -> Result<(Tier, ClientId), Response> {
    let anonymous = || {
        ClientId::anonymous(req, limits.trust_fly_client_ip())
            .unwrap_or_else(|| ClientId::ip(std::net::Ipv4Addr::UNSPECIFIED.into()))
    };
    let (Some(presented), Some(store)) = (req.headers().get(API_KEY_HEADER), limits.api_keys())
    else {
        return Ok((Tier::Anonymous, anonymous()));
    };
    let presented = presented.to_str().unwrap_or_default().trim();
    match store.verify(presented).await {
        Ok(key) if key.allows(Scope::Decode) => Ok((Tier::Key, ClientId::api_key(key.id))),
        Ok(_) | Err(VerifyError::Invalid) => {
            // A wrong key costs the sender one unit of the anonymous quota, so guessing keys
            // is throttled like decoding without one.
            let decision = limits.check(Tier::Anonymous, &anonymous(), 1).await;
            if !decision.allowed {
                return Err(refusal(Tier::Anonymous, &decision, 1));
            }
            Err(ApiError::Unauthorized(Json(ErrorBody::new(
                ErrorCode::Unauthorized,
                "The X-API-Key is invalid or revoked.",
            )))
            .into_response())
        }
        Err(VerifyError::Unavailable(e)) => {
            // Decoding must not depend on the database: serve with the anonymous quota.
            tracing::warn!(error = %e, "cannot verify an API key; using the anonymous tier");
            Ok((Tier::Anonymous, anonymous()))
        }
    }
}

fn content_type(req: &Request) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// VINs in a batch body, at least 1 (an unparseable body costs one request; the route answers 400).
fn count_vins(route: Route, content_type: String, body: &[u8]) -> u32 {
    let n = match route {
        Route::V1Batch => batch_count::count_vins(BatchRoute::V1, &content_type, body),
        Route::NhtsaBatch => batch_count::count_vins(BatchRoute::Nhtsa, &content_type, body),
        Route::Single => 1,
    };
    u32::try_from(n).unwrap_or(u32::MAX).max(1)
}

fn ceil_secs(d: std::time::Duration) -> u64 {
    d.as_micros().div_ceil(1_000_000) as u64
}

/// `RateLimit-Policy` and `RateLimit` values.
fn headers(tier: Tier, d: &Decision) -> (HeaderValue, HeaderValue) {
    let name = tier.as_str();
    let policy = format!("\"{name}\";q={};w=60", d.limit);
    let state = format!(
        "\"{name}\";r={};t={}",
        d.remaining,
        ceil_secs(d.reset_after)
    );
    (
        HeaderValue::from_str(&policy).unwrap_or(HeaderValue::from_static("")),
        HeaderValue::from_str(&state).unwrap_or(HeaderValue::from_static("")),
    )
}

fn refusal(tier: Tier, d: &Decision, cost: u32) -> Response {
    crate::observability::metrics::record_rate_limit_rejection(tier.as_str());
    let message = if d.too_large {
        format!(
            "This batch has {cost} VINs, more than the whole quota of {} a minute; send smaller batches.",
            d.limit
        )
    } else {
        format!(
            "Rate limit of {} VINs a minute reached; retry after the Retry-After seconds.",
            d.limit
        )
    };
    let (policy, state) = headers(tier, d);
    ApiError::RateLimited(
        Json(ErrorBody::new(ErrorCode::RateLimited, message)),
        ceil_secs(d.retry_after).max(1),
        policy.to_str().unwrap_or_default().to_owned(),
        state.to_str().unwrap_or_default().to_owned(),
    )
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_only_decode_routes() {
        let get = Method::GET;
        let post = Method::POST;
        assert_eq!(
            classify(&get, "/api/v1/vins/1HGCM82633A004352"),
            Some(Route::Single)
        );
        assert_eq!(classify(&post, "/api/v1/vins/batch"), Some(Route::V1Batch));
        assert_eq!(classify(&get, "/api/v1/vins/batch"), None);
        assert_eq!(
            classify(&get, "/api/vehicles/DecodeVinValues/1HGCM82633A004352"),
            Some(Route::Single)
        );
        assert_eq!(
            classify(&post, "/api/vehicles/DecodeVinValuesBatch"),
            Some(Route::NhtsaBatch)
        );
        assert_eq!(classify(&get, "/api/vehicles/DecodeWMI/1HG"), None);
        assert_eq!(classify(&get, "/api/v1/makes"), None);
        assert_eq!(classify(&get, "/health/ready"), None);
    }

    #[test]
    fn batches_count_per_vin() {
        let json = br#"{"vins": ["1HGCM82633A004352", " ", "5YJSA1E26HF000001,2017"]}"#;
        assert_eq!(
            count_vins(Route::V1Batch, "application/json".into(), json),
            2
        );
        let text = b"1HGCM82633A004352\n\n5YJSA1E26HF000001\nWBA3A5C51CF256985\n";
        assert_eq!(count_vins(Route::V1Batch, "text/plain".into(), text), 3);
        let form = b"format=json&DATA=1HGCM82633A004352%2C2003%3B5YJSA1E26HF000001;;";
        assert_eq!(
            count_vins(
                Route::NhtsaBatch,
                "application/x-www-form-urlencoded".into(),
                form
            ),
            2
        );
        assert_eq!(
            count_vins(Route::V1Batch, "application/json".into(), b"{"),
            1
        );
    }
}
