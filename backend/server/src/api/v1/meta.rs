//! `GET /api/v1/meta` (`GET /api/v1/stats` lives in `stats.rs`).

use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, payload::Json};

use super::decode_view::{DataView, data_view};
use crate::{api::ApiTags, state::AppState};

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
    async fn meta(&self, state: Data<&AppState>) -> MetaResponse {
        MetaResponse::Ok(Json(Meta {
            service: "vinbot".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            decoder_version: vinbot_decoder::DECODER_VERSION.into(),
            data: data_view(&state.decoder),
            uptime_seconds: state.started_at.elapsed().as_secs(),
        }))
    }
}
