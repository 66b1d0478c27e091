//! `GET /api/v1/meta` (`GET /api/v1/stats` lives in `stats.rs`).

use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, payload::Json};

use super::decode_view::{DataView, data_view};
use crate::{
    api::{ApiTags, error::ApiError},
    state::AppState,
};

/// The service routes.
pub struct MetaApi;

/// Versions and data identity.
#[derive(Debug, Object)]
pub struct Meta {
    /// Always `vinbot`.
    pub service: String,
    /// Version of the service.
    pub version: String,
    /// Version of the decoding engine.
    pub decoder_version: String,
    /// The loaded vPIC data.
    pub data: DataView,
    /// Month of the loaded data's date, `YYYY-MM`.
    pub data_month: String,
    /// Whole days from the loaded data's date to today.
    pub data_age_days: Option<i64>,
    /// When this instance loaded the data (at start or by the last reload), RFC 3339 UTC.
    pub data_loaded_at: String,
    /// Seconds since this instance started.
    pub uptime_seconds: u64,
}

/// Meta answer.
#[derive(ApiResponse)]
pub enum MetaResponse {
    /// Versions and data identity.
    #[oai(status = 200)]
    Ok(Json<Meta>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Meta")]
impl MetaApi {
    /// Versions and data identity
    #[oai(path = "/meta", method = "get", operation_id = "get_meta")]
    async fn meta(&self, state: Data<&AppState>) -> Result<MetaResponse, ApiError> {
        let loaded = state.data();
        Ok(MetaResponse::Ok(Json(Meta {
            service: "vinbot".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            decoder_version: vinbot_decoder::DECODER_VERSION.into(),
            data: data_view(&loaded.decoder),
            data_month: loaded.month(),
            data_age_days: loaded.age_days(chrono::Utc::now()),
            data_loaded_at: loaded
                .loaded_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            uptime_seconds: state.started_at.elapsed().as_secs(),
        })))
    }
}
