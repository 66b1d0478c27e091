//! `POST /api/v1/admin/data/reload`: switches the running server to the current snapshot of its data
//! directory, as SIGHUP does, and answers what was loaded before and after. Admins only: a user in
//! `ADMIN_TELEGRAM_IDS` or an `X-API-Key` with the `admin` scope.

use poem::{Request, web::Data};
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, payload::Json};

use super::{
    access::admin,
    decode_view::{DataView, data_view},
};
use crate::{
    api::{
        ApiTags,
        error::{ApiError, ErrorCode},
    },
    data::{
        DataFailure, Loaded,
        reload::{self, Outcome},
    },
    state::AppState,
};

/// The data routes.
pub struct AdminDataApi;

/// What a reload did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ReloadOutcome {
    /// The snapshot held other data: it is now current (requests in flight finish on the old data).
    Reloaded,
    /// The snapshot holds the data already loaded: nothing changed, nothing was allocated.
    Unchanged,
}

/// One loaded data set.
#[derive(Debug, Object)]
pub struct LoadedData {
    /// Source, data date, digest.
    #[oai(flatten)]
    pub identity: DataView,
    /// Month of the data date, `YYYY-MM`.
    pub data_month: String,
    /// When this instance loaded it, RFC 3339 UTC.
    pub loaded_at: String,
}

/// The answer of a reload.
#[derive(Debug, Object)]
pub struct DataReload {
    /// `reloaded` or `unchanged`.
    pub outcome: ReloadOutcome,
    /// The data current before the reload.
    pub before: LoadedData,
    /// The data current now.
    pub after: LoadedData,
    /// Milliseconds spent reading and checking the snapshot.
    pub millis: u64,
}

/// Reloaded.
#[derive(ApiResponse)]
pub enum ReloadResponse {
    /// The data now current (`outcome` says whether it changed).
    #[oai(status = 200)]
    Ok(Json<DataReload>),
}

#[OpenApi(prefix_path = "/api/v1/admin", tag = "ApiTags::Admin")]
impl AdminDataApi {
    /// Reload the vPIC data
    ///
    /// Switches this instance to the current snapshot of its data directory (what `vinbot data
    /// update`, `import`, `build` or `rollback` wrote), as `SIGHUP` does. Requests in flight finish
    /// on the data they started with. A snapshot with the digest of the loaded data changes nothing
    /// (`unchanged`). A missing, damaged or foreign snapshot keeps the loaded data and answers 409
    /// with `data_missing`, `snapshot_invalid` or `data_io`. Each instance reloads its own data
    /// directory. Admins only.
    #[oai(path = "/data/reload", method = "post", operation_id = "reload_data")]
    async fn reload(
        &self,
        state: Data<&AppState>,
        req: &Request,
    ) -> Result<ReloadResponse, ApiError> {
        admin(&state, req).await?;
        // A task of its own: when the request's deadline passes first (the client gets a 503
        // `timeout`), the reload still completes, and the log and metrics say how it ended.
        let (live, dir) = (state.live_data().clone(), state.settings.data_dir.clone());
        let done = tokio::spawn(async move { reload::reload(&live, &dir, "api").await })
            .await
            .map_err(|e| ApiError::internal(&e))?
            .map_err(|e| refused(&e))?;
        Ok(ReloadResponse::Ok(Json(DataReload {
            outcome: match done.outcome {
                Outcome::Reloaded => ReloadOutcome::Reloaded,
                Outcome::Unchanged => ReloadOutcome::Unchanged,
            },
            before: loaded_data(&done.before),
            after: loaded_data(&done.after),
            millis: done.millis,
        })))
    }
}

/// A data set as answered.
pub fn loaded_data(d: &Loaded) -> LoadedData {
    LoadedData {
        identity: data_view(&d.decoder),
        data_month: d.month(),
        loaded_at: d
            .loaded_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }
}

/// A failed reload: the loaded data stays, the answer says why.
fn refused(e: &DataFailure) -> ApiError {
    let code = match e.code() {
        "data_missing" => ErrorCode::DataMissing,
        "snapshot_invalid" => ErrorCode::SnapshotInvalid,
        "data_io" => ErrorCode::DataIo,
        _ => return ApiError::internal(e),
    };
    ApiError::conflict(code, format!("The loaded vPIC data stays in place: {e}"))
}
