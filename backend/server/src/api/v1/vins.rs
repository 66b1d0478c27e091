//! `GET /api/v1/vins/{vin}` and `POST /api/v1/vins/batch`.

use crate::observability::metrics::{DecodeResult, record_decodes};
use poem::web::Data;
use poem_openapi::{
    ApiRequest, ApiResponse, Object, OpenApi, ResponseContent,
    param::{Header, Path, Query},
    payload::{Json, PlainText},
};

use super::{
    batch_stream::{self, Csv, Ndjson, StreamFormat},
    decode_view::{VinDecode, vin_decode},
};
use crate::{
    api::{ApiTags, error::ApiError, vin_input},
    history::v1_channel,
    state::AppState,
};

/// The VIN routes.
pub struct VinsApi;

/// A JSON batch request.
#[derive(Debug, Object)]
pub struct BatchRequest {
    /// `VIN` or `VIN,model_year` entries (at most 1,000 without a streaming `Accept`).
    pub vins: Vec<String>,
}

/// A JSON batch answer.
#[derive(Debug, Object)]
pub struct BatchResult {
    /// Number of results.
    pub count: usize,
    /// One decode per input entry, in input order; a bad entry carries its error codes.
    pub results: Vec<VinDecode>,
}

/// Batch body: JSON, or plain text with one `VIN` or `VIN,year` a line.
#[derive(Debug, ApiRequest)]
pub enum BatchBody {
    /// `{"vins": [...]}`.
    Json(Json<BatchRequest>),
    /// One `VIN` or `VIN,year` a line.
    Text(PlainText<String>),
}

/// The batch answer in the format chosen by `Accept`.
#[derive(ResponseContent)]
pub enum BatchContent {
    /// The whole answer as one JSON document (default).
    Json(Json<BatchResult>),
    /// One decode object a line, streamed (`Accept: application/x-ndjson`).
    Ndjson(Ndjson),
    /// A header row of element codes and one row a VIN, streamed (`Accept: text/csv`).
    Csv(Csv),
}

/// Successful single decode.
#[derive(ApiResponse)]
pub enum DecodeResponse {
    /// The decode (also for VINs that decode with vPIC error codes).
    #[oai(status = 200)]
    Ok(Json<VinDecode>),
}

/// Successful batch.
#[derive(ApiResponse)]
pub enum BatchResponse {
    /// Results in input order.
    #[oai(status = 200)]
    Ok(BatchContent),
}

/// The statistics channel of a v1 request (`web` or `api`).
fn channel(state: &AppState, client: Option<&str>, req: &poem::Request) -> crate::db::Channel {
    let origin = req
        .headers()
        .get(poem::http::header::ORIGIN)
        .and_then(|v| v.to_str().ok());
    v1_channel(client, origin, &state.settings.dashboard_allowed_origins)
}

/// Recording for a v1 request: its channel, and the signed-in user whose decodes these are
/// (their history keeps the whole VIN).
fn recording(
    state: &AppState,
    client: Option<&str>,
    req: &poem::Request,
) -> crate::history::DecodeRecording {
    let recording = state.recording(channel(state, client, req));
    match state.auth.as_ref().and_then(|auth| auth.decode_owner(req)) {
        Some(user_id) => recording.with_user_id(user_id),
        None => recording,
    }
}

fn stream_format(accept: Option<&str>) -> Option<StreamFormat> {
    let accept = accept?.to_ascii_lowercase();
    if accept.contains("application/x-ndjson") || accept.contains("application/ndjson") {
        Some(StreamFormat::Ndjson)
    } else if accept.contains("text/csv") {
        Some(StreamFormat::Csv)
    } else {
        None
    }
}

#[OpenApi(
    prefix_path = "/api/v1",
    tag = "ApiTags::Vins",
    response_header(
        name = "RateLimit-Policy",
        ty = "Option<String>",
        description = "Decode quota of the caller's tier: `\"anon\";q=120;w=60` (VINs per 60 s). Sent when rate limits are on."
    ),
    response_header(
        name = "RateLimit",
        ty = "Option<String>",
        description = "Quota left: `\"anon\";r=57;t=2` (remaining VINs, seconds until full again)."
    )
)]
impl VinsApi {
    /// Decode one VIN
    ///
    /// The VIN is upper-cased, white space and the separators `-`, `.` and `_` removed; `*`
    /// wildcards and partial VINs are accepted (vPIC error 6). Characters that no VIN can hold
    /// are a 400 `invalid_vin`.
    #[oai(path = "/vins/:vin", method = "get", operation_id = "decode_vin")]
    async fn decode(
        &self,
        state: Data<&AppState>,
        /// The VIN (17 characters, or fewer with `*` for unknown positions).
        vin: Path<String>,
        /// Model-year hint (1980-2039), used like vPIC's `modelyear`.
        #[oai(validator(minimum(value = "1980"), maximum(value = "2039")))]
        model_year: Query<Option<u16>>,
        /// `web` when the request comes from vinbot's web page (counted as channel `web` in
        /// the statistics, as are requests from a dashboard origin); otherwise `api`.
        #[oai(name = "X-Vinbot-Client")]
        client: Header<Option<String>>,
        req: &poem::Request,
    ) -> Result<DecodeResponse, ApiError> {
        if let Some(reason) = vin_input::reject_reason(&vin) {
            record_decodes("api", DecodeResult::Rejected, 1);
            return Err(ApiError::invalid_vin(reason));
        }
        let started = std::time::Instant::now();
        let decoder = state.decoder();
        let decoded = decoder.decode(&vin, model_year.0);
        let latency = started.elapsed();
        // I, O and Q are letters but never VIN characters: without a repair to offer, the
        // input is not a VIN. With repairs, the decode (which lists them) is the useful answer.
        let excluded = vin_input::excluded_letters(&decoded.vin);
        if !excluded.is_empty() && decoded.repairs.is_empty() {
            record_decodes("api", DecodeResult::Rejected, 1);
            return Err(ApiError::invalid_vin(format!(
                "VIN contains characters outside A-H, J-N, P, R-Z, 0-9: {}",
                vin_input::positions(&excluded)
            )));
        }
        recording(&state, client.as_deref(), req).record(&decoded, latency);
        Ok(DecodeResponse::Ok(Json(vin_decode(
            &state.decoder(),
            &decoded,
        ))))
    }

    /// Decode many VINs
    ///
    /// JSON body `{"vins": [...]}` (at most 1,000 for a JSON answer) or a `text/plain` body
    /// with one `VIN` or `VIN,year` a line. With `Accept: application/x-ndjson` or
    /// `Accept: text/csv` any number (up to the body cap) is decoded and streamed in input
    /// order. A bad entry gives a result with its error codes; it never fails the batch.
    #[oai(path = "/vins/batch", method = "post", operation_id = "decode_batch")]
    async fn batch(
        &self,
        state: Data<&AppState>,
        /// `application/json` (default), `application/x-ndjson` or `text/csv`.
        #[oai(name = "Accept")]
        accept: Header<Option<String>>,
        /// `web` when the request comes from vinbot's web page (statistics channel `web`).
        #[oai(name = "X-Vinbot-Client")]
        client: Header<Option<String>>,
        req: &poem::Request,
        body: BatchBody,
    ) -> Result<BatchResponse, ApiError> {
        let recording = recording(&state, client.as_deref(), req);
        let lines: Vec<String> = match body {
            BatchBody::Json(Json(req)) => req
                .vins
                .into_iter()
                .filter(|v| !v.trim().is_empty())
                .collect(),
            BatchBody::Text(PlainText(text)) => {
                vin_input::lines(&text).map(str::to_owned).collect()
            }
        };
        if let Some(format) = stream_format(accept.0.as_deref()) {
            let body = batch_stream::body(state.decoder(), lines, format, recording);
            let content = match format {
                StreamFormat::Ndjson => BatchContent::Ndjson(Ndjson(body)),
                StreamFormat::Csv => BatchContent::Csv(Csv(body)),
            };
            return Ok(BatchResponse::Ok(content));
        }
        let max = state.settings.http.max_json_batch;
        if lines.len() > max {
            return Err(ApiError::invalid_request(format!(
                "{} VINs in one JSON batch; at most {max}. Ask for application/x-ndjson or text/csv to stream more.",
                lines.len()
            )));
        }
        let decoder = state.decoder();
        let results = tokio::task::spawn_blocking(move || {
            lines
                .iter()
                .map(|line| {
                    let (vin, year) = vin_input::parse_line(line);
                    vin_decode(&decoder, &recording.decode(&decoder, vin, year))
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| ApiError::internal(&e))?;
        Ok(BatchResponse::Ok(BatchContent::Json(Json(BatchResult {
            count: results.len(),
            results,
        }))))
    }
}
