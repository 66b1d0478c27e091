//! vPIC's decode routes: `DecodeVin`, `DecodeVinValues`, their `Extended` twins and
//! `DecodeVinValuesBatch`.

use std::collections::BTreeMap;

use poem::web::Data;
use poem_openapi::{
    ApiRequest, Object, OpenApi,
    param::{Path, Query},
    payload::Form,
};
use vinbot_decoder::Decoded;

use super::{
    envelope::{DECODE_MESSAGE, Vpic},
    render::{Format, FormatParam},
    types::{DecodeVinEnvelope, DecodeVinValuesEnvelope, VpicVariable},
};
use crate::{
    api::{ApiTags, error::ApiError, vin_input},
    data::Loaded,
    db::Channel,
    state::AppState,
};

/// The decode routes.
pub struct NhtsaDecodeApi;

/// `DecodeVinValuesBatch` form body (`application/x-www-form-urlencoded`).
#[derive(Debug, Object, serde::Deserialize)]
pub struct BatchForm {
    /// `VIN,modelyear;VIN;…` (model year optional per VIN).
    #[oai(rename = "DATA")]
    #[serde(rename = "DATA", alias = "data", alias = "Data")]
    pub data: Option<String>,
    /// `json`, `csv` or `xml` (default). The pattern is `render::FORMAT_PATTERN`.
    #[oai(validator(pattern = "^([Jj][Ss][Oo][Nn]|[Cc][Ss][Vv]|[Xx][Mm][Ll])?$"))]
    #[serde(alias = "Format", alias = "FORMAT")]
    pub format: Option<String>,
}

/// Batch body.
#[derive(Debug, ApiRequest)]
pub enum BatchBody {
    /// The form vPIC documents.
    Form(Form<BatchForm>),
}

pub(super) fn format(raw: Option<&str>) -> Result<Format, ApiError> {
    Format::parse(raw).map_err(ApiError::invalid_request)
}

fn year(raw: Option<&str>) -> Option<u16> {
    raw.and_then(|y| y.trim().parse().ok())
        .filter(|y| vin_input::MODEL_YEAR_RANGE.contains(y))
}

/// The flat values of a decode (`data`: the data set that decoded it).
fn values(data: &Loaded, d: &Decoded<'_>) -> BTreeMap<String, String> {
    data.decoder
        .flat_values(d)
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// The variables of a decode (`data`: the data set that decoded it).
fn variables(data: &Loaded, d: &Decoded<'_>) -> Vec<VpicVariable> {
    data.decoder
        .flat_values(d)
        .into_iter()
        .filter_map(|(code, value)| {
            let element = data.elements.by_code(code)?;
            let value_id = d
                .values
                .iter()
                .find(|v| v.code == code)
                .and_then(|v| v.value_id.as_deref().map(str::to_owned))
                .unwrap_or_default();
            Some(VpicVariable {
                value: (!value.is_empty()).then(|| value.to_owned()),
                value_id: Some(value_id),
                variable: element.name.clone(),
                variable_id: element.id,
            })
        })
        .collect()
}

fn decode_vin(
    state: &AppState,
    vin: &str,
    modelyear: Option<&str>,
    fmt: Option<&str>,
) -> Result<Vpic<DecodeVinEnvelope>, ApiError> {
    let fmt = format(fmt)?;
    let vin = vin_input::capped(vin);
    let data = state.data();
    let d = state
        .recording(Channel::Nhtsa)
        .decode_values(&data.decoder, vin, year(modelyear));
    let env = DecodeVinEnvelope::new(
        DECODE_MESSAGE,
        Some(format!("VIN:{vin}")),
        variables(&data, &d),
    );
    Ok(Vpic::new(env, fmt, "DecodedVariable"))
}

fn decode_vin_values(
    state: &AppState,
    vin: &str,
    modelyear: Option<&str>,
    fmt: Option<&str>,
) -> Result<Vpic<DecodeVinValuesEnvelope>, ApiError> {
    let fmt = format(fmt)?;
    // Like vPIC, any input decodes (with its error codes); only its first bytes are read.
    let vin = vin_input::capped(vin);
    let data = state.data();
    let d = state
        .recording(Channel::Nhtsa)
        .decode_values(&data.decoder, vin, year(modelyear));
    let env = DecodeVinValuesEnvelope::new(
        DECODE_MESSAGE,
        Some(format!("VIN:{vin}")),
        vec![values(&data, &d)],
    );
    Ok(Vpic::new(env, fmt, "DecodedVINValues"))
}

#[OpenApi(
    prefix_path = "/api/vehicles",
    tag = "ApiTags::Nhtsa",
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
impl NhtsaDecodeApi {
    /// DecodeVin (vPIC)
    ///
    /// One entry per vPIC variable (`Variable`, `VariableId`, `Value`, `ValueId`).
    #[oai(
        path = "/DecodeVin/:vin",
        method = "get",
        operation_id = "vpic_decode_vin"
    )]
    async fn decode_vin(
        &self,
        state: Data<&AppState>,
        /// VIN or partial VIN with `*`.
        vin: Path<String>,
        /// Model year hint.
        modelyear: Query<Option<String>>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<DecodeVinEnvelope>, ApiError> {
        decode_vin(&state, &vin, modelyear.as_deref(), format.as_deref())
    }

    /// DecodeVinExtended (vPIC)
    ///
    /// Same as `DecodeVin`: the NCSA-only variables of vPIC's extended decode are not in our data.
    #[oai(
        path = "/DecodeVinExtended/:vin",
        method = "get",
        operation_id = "vpic_decode_vin_extended"
    )]
    async fn decode_vin_extended(
        &self,
        state: Data<&AppState>,
        /// VIN or partial VIN with `*`.
        vin: Path<String>,
        /// Model year hint.
        modelyear: Query<Option<String>>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<DecodeVinEnvelope>, ApiError> {
        decode_vin(&state, &vin, modelyear.as_deref(), format.as_deref())
    }

    /// DecodeVinValues (vPIC)
    ///
    /// One flat object keyed by vPIC element code, `""` for empty values.
    #[oai(
        path = "/DecodeVinValues/:vin",
        method = "get",
        operation_id = "vpic_decode_vin_values"
    )]
    async fn decode_vin_values(
        &self,
        state: Data<&AppState>,
        /// VIN or partial VIN with `*`.
        vin: Path<String>,
        /// Model year hint.
        modelyear: Query<Option<String>>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<DecodeVinValuesEnvelope>, ApiError> {
        decode_vin_values(&state, &vin, modelyear.as_deref(), format.as_deref())
    }

    /// DecodeVinValuesExtended (vPIC)
    ///
    /// Same as `DecodeVinValues` (see `DecodeVinExtended`).
    #[oai(
        path = "/DecodeVinValuesExtended/:vin",
        method = "get",
        operation_id = "vpic_decode_vin_values_extended"
    )]
    async fn decode_vin_values_extended(
        &self,
        state: Data<&AppState>,
        /// VIN or partial VIN with `*`.
        vin: Path<String>,
        /// Model year hint.
        modelyear: Query<Option<String>>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<DecodeVinValuesEnvelope>, ApiError> {
        decode_vin_values(&state, &vin, modelyear.as_deref(), format.as_deref())
    }

    /// DecodeVinValuesBatch (vPIC)
    ///
    /// Form fields `DATA=VIN,year;VIN;…` and `format`. Up to 1,000 VINs (vPIC allows 50).
    #[oai(
        path = "/DecodeVinValuesBatch",
        method = "post",
        operation_id = "vpic_decode_vin_values_batch"
    )]
    async fn decode_vin_values_batch(
        &self,
        state: Data<&AppState>,
        /// `json`, `csv` or `xml`; the form field wins when both are given.
        format: Query<Option<FormatParam>>,
        body: BatchBody,
    ) -> Result<Vpic<DecodeVinValuesEnvelope>, ApiError> {
        let BatchBody::Form(Form(form)) = body;
        let fmt = self::format(form.format.as_deref().or(format.as_deref()))?;
        let data = form.data.unwrap_or_default();
        let entries: Vec<&str> = data
            .split(';')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .collect();
        let max = state.settings.http.max_json_batch;
        if entries.len() > max {
            return Err(ApiError::invalid_request(format!(
                "{} VINs in one batch; at most {max}.",
                entries.len()
            )));
        }
        let recording = state.recording(Channel::Nhtsa);
        let data = state.data();
        let results = entries
            .iter()
            .map(|e| {
                let (vin, year) = vin_input::parse_line(e);
                values(&data, &recording.decode_values(&data.decoder, vin, year))
            })
            .collect();
        let env = DecodeVinValuesEnvelope::new(DECODE_MESSAGE, None, results);
        Ok(Vpic::new(env, fmt, "DecodedVINValues"))
    }
}
