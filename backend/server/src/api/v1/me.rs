//! `GET /api/v1/me` and `DELETE /api/v1/me`: the signed-in user, and erasing everything stored
//! about them. The history and the saved vehicles are in [`super::me_history`] and
//! [`super::me_vehicles`]. Every `/me` route acts on the caller's own rows only: the user id comes
//! from the access token, never from the request.

use poem::{Request, web::Data};
use poem_openapi::{ApiResponse, Object, OpenApi, payload::Json};

use super::{
    access::{auth_of, signed_in},
    auth::Me,
};
use crate::{
    api::{ApiTags, error::ApiError},
    state::AppState,
};

/// The account routes.
pub struct MeApi;

/// What an erasure removed.
#[derive(Debug, Object)]
pub struct Erased {
    /// History entries anonymised (no longer linked to you; the VIN cut to 11 characters).
    pub decodes: u64,
    /// Saved vehicles deleted.
    pub vehicles: u64,
    /// Sessions ended (every device is signed out).
    pub sessions: u64,
}

/// The signed-in user.
#[derive(ApiResponse)]
pub enum MeResponse {
    /// Who you are.
    #[oai(status = 200)]
    Ok(Json<Me>),
}

/// Erased.
#[derive(ApiResponse)]
pub enum EraseResponse {
    /// Everything stored about you is gone.
    #[oai(status = 200)]
    Ok(Json<Erased>),
}

/// Internal failures of `/me` routes become 503: the database is the only thing they need.
pub(crate) fn db_unavailable(error: &crate::db::DbError) -> ApiError {
    tracing::warn!(%error, "account route: database unavailable");
    ApiError::unavailable("Your data is temporarily unavailable: try again shortly.")
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Account")]
impl MeApi {
    /// The signed-in user
    ///
    /// Needs `Authorization: Bearer <access token>`.
    #[oai(path = "/me", method = "get", operation_id = "get_me")]
    async fn me(&self, state: Data<&AppState>, req: &Request) -> Result<MeResponse, ApiError> {
        let user = signed_in(&state, req).await?;
        let db = auth_of(&state)?.db();
        let name = crate::db::find_user(db, user.user_id)
            .await
            .map_err(|e| db_unavailable(&e))?
            .and_then(|u| u.name);
        Ok(MeResponse::Ok(Json(Me {
            id: user.user_id,
            name,
            is_admin: user.admin,
        })))
    }

    /// Erase my data
    ///
    /// Anonymises your decode history, deletes your saved vehicles, ends every session and
    /// deletes your user record. The same as `/forget` in the bot.
    #[oai(path = "/me", method = "delete", operation_id = "erase_me")]
    async fn erase(
        &self,
        state: Data<&AppState>,
        req: &Request,
    ) -> Result<EraseResponse, ApiError> {
        let user = signed_in(&state, req).await?;
        let db = auth_of(&state)?.db();
        let erased = crate::db::erase_user(db, user.user_id)
            .await
            .map_err(|e| db_unavailable(&e))?;
        Ok(EraseResponse::Ok(Json(Erased {
            decodes: erased.decodes,
            vehicles: erased.vehicles,
            sessions: erased.sessions,
        })))
    }
}
