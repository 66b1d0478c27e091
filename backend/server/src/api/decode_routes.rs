//! Two things the single-VIN decode routes need before routing:
//!
//! - A VIN segment whose percent-decoded bytes are not UTF-8 is rewritten with U+FFFD for each
//!   invalid sequence, so it gets the answer of any other non-VIN (400 `invalid_vin` on v1,
//!   vPIC's error result on the vPIC routes) instead of failing to parse as a parameter.
//! - `HEAD` gets the status and `Content-Type` a `GET` would have, without decoding: a `HEAD` is
//!   neither a decode (no history event, no decode metric) nor charged to the caller's quota —
//!   and, because it costs nothing, it needs no quota either.

use poem::{
    Endpoint, IntoResponse, Middleware, Request, Response,
    http::{Method, StatusCode, header},
};

use super::{
    error::ApiError,
    nhtsa::{path_case::PREFIX as NHTSA_PREFIX, render::Format},
    vin_input,
};

/// vPIC operations that decode the VIN in their last path segment.
const NHTSA_DECODES: &[&str] = &[
    "DecodeVin",
    "DecodeVinExtended",
    "DecodeVinValues",
    "DecodeVinValuesExtended",
];

/// See the module docs. Runs after `NhtsaPathCase`, so vPIC paths are canonical here.
pub struct DecodeRoutes;

impl<E: Endpoint> Middleware<E> for DecodeRoutes {
    type Output = DecodeRoutesEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        DecodeRoutesEndpoint { inner: ep }
    }
}

/// The endpoint produced by [`DecodeRoutes`].
pub struct DecodeRoutesEndpoint<E> {
    inner: E,
}

/// Where the VIN segment of a single-VIN decode route starts, if `path` is one.
fn vin_segment_start(path: &str) -> Option<usize> {
    const V1: &str = "/api/v1/vins/";
    let start = if path.starts_with(V1) {
        V1.len()
    } else {
        let rest = path.strip_prefix(NHTSA_PREFIX)?;
        let (op, _) = rest.split_once('/')?;
        if !NHTSA_DECODES.contains(&op) {
            return None;
        }
        NHTSA_PREFIX.len() + op.len() + 1
    };
    let vin = &path[start..];
    (!vin.is_empty() && vin != "batch" && !vin.contains('/')).then_some(start)
}

/// The path with its VIN segment made valid UTF-8, or `None` when it already is.
fn lossy_vin_path(path: &str) -> Option<String> {
    let start = vin_segment_start(path)?;
    let bytes: Vec<u8> = percent_encoding::percent_decode_str(&path[start..]).collect();
    if std::str::from_utf8(&bytes).is_ok() {
        return None;
    }
    let text = String::from_utf8_lossy(&bytes);
    let encoded = percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC);
    Some(format!("{}{encoded}", &path[..start]))
}

fn with_path(req: &mut Request, path: &str) {
    let target = match req.uri().query() {
        Some(q) => format!("{path}?{q}"),
        None => path.to_owned(),
    };
    if let Ok(uri) = target.parse::<poem::http::Uri>() {
        *req.uri_mut() = uri;
    }
}

/// What a `HEAD` on `path` answers, or `None` when the path is not a decode route.
fn head_answer(path: &str, query: Option<&str>) -> Option<Response> {
    let start = vin_segment_start(path)?;
    if path.starts_with("/api/v1/") {
        let bytes: Vec<u8> = percent_encoding::percent_decode_str(&path[start..]).collect();
        let vin = String::from_utf8_lossy(&bytes);
        return Some(match vin_input::reject_reason(&vin) {
            Some(reason) => ApiError::invalid_vin(reason).into_response(),
            None => json_ok("application/json; charset=utf-8"),
        });
    }
    let format = query
        .into_iter()
        .flat_map(|q| form_urlencoded::parse(q.as_bytes()))
        .find(|(k, _)| k == "format")
        .map(|(_, v)| v.into_owned());
    Some(match Format::parse(format.as_deref()) {
        Ok(format) => json_ok(format.content_type()),
        Err(message) => ApiError::invalid_request(message).into_response(),
    })
}

fn json_ok(content_type: &'static str) -> Response {
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type)
        .finish()
}

impl<E: Endpoint> Endpoint for DecodeRoutesEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> poem::Result<Response> {
        if let Some(path) = lossy_vin_path(req.uri().path()) {
            with_path(&mut req, &path);
        }
        if req.method() == Method::HEAD
            && let Some(resp) = head_answer(req.uri().path(), req.uri().query())
        {
            return Ok(resp);
        }
        self.inner.call(req).await.map(IntoResponse::into_response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vin_segments_that_are_not_utf8_become_replacement_characters() {
        assert_eq!(
            lossy_vin_path("/api/v1/vins/%FF1HG").as_deref(),
            Some("/api/v1/vins/%EF%BF%BD1HG")
        );
        assert_eq!(
            lossy_vin_path("/api/vehicles/DecodeVinValues/%C3").as_deref(),
            Some("/api/vehicles/DecodeVinValues/%EF%BF%BD")
        );
        assert_eq!(lossy_vin_path("/api/v1/vins/%C3%A9"), None);
        assert_eq!(lossy_vin_path("/api/vehicles/DecodeWMI/%FF"), None);
    }

    #[test]
    fn only_decode_routes_are_answered_here() {
        assert!(head_answer("/api/v1/vins/1HGCM82633A004352", None).is_some());
        assert!(head_answer("/api/v1/vins/batch", None).is_none());
        assert!(head_answer("/api/v1/meta", None).is_none());
        assert!(head_answer("/api/vehicles/DecodeVinValues/1HG", Some("format=json")).is_some());
        assert!(head_answer("/api/vehicles/DecodeWMI/1HG", None).is_none());
        let bad = head_answer("/api/v1/vins/%C3%A9%C3%A9", None).expect("a decode route");
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    }
}
