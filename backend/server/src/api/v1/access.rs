//! Access control at the HTTP boundary: turning [`AuthError`]s into the error envelope, and the
//! checks operations call first: a signed-in user, an admin, a statistics reader, an `Origin`
//! of the page on cookie routes.

use std::sync::Arc;

use poem::{Request, http::header};
use poem_openapi::payload::Json;

use crate::{
    api::error::{ApiError, ErrorBody, ErrorCode},
    auth::{Admin, Auth, AuthError, SessionUser, telegram_login::LoginError},
    state::AppState,
};

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> Self {
        let unauthorized = ApiError::unauthorized;
        match error {
            AuthError::Login(LoginError::Malformed) => {
                unauthorized("The Telegram sign-in data is incomplete or malformed.")
            }
            AuthError::Login(LoginError::BadSignature) => {
                unauthorized("The Telegram sign-in data is not signed by this bot.")
            }
            AuthError::Login(LoginError::Expired) => {
                unauthorized("The Telegram sign-in data is too old: sign in again.")
            }
            AuthError::Login(LoginError::Replayed) => {
                unauthorized("This Telegram sign-in was already used: sign in again.")
            }
            AuthError::Missing => unauthorized("Sign in first: no access token was sent."),
            AuthError::Token(_) => {
                unauthorized("The access token is invalid or expired: refresh the session.")
            }
            AuthError::SessionEnded => unauthorized("The session has ended: sign in again."),
            AuthError::RefreshInvalid | AuthError::RefreshExpired => {
                unauthorized("The session is invalid or expired: sign in again.")
            }
            AuthError::RefreshReused => unauthorized(
                "This session was revoked because its refresh token was used twice: sign in again.",
            ),
            AuthError::BadApiKey => unauthorized("The X-API-Key is invalid or revoked."),
            AuthError::Forbidden => ApiError::forbidden("This needs an admin."),
            AuthError::RateLimited { retry_after, limit } => ApiError::RateLimited(
                Json(ErrorBody::new(
                    ErrorCode::RateLimited,
                    "Too many sign-in attempts: wait a moment and try again.",
                )),
                retry_after,
                format!("\"signin\";q={limit};w=60"),
                format!("\"signin\";r=0;t={retry_after}"),
            ),
            AuthError::SignInOff => {
                ApiError::unavailable("Sign-in with Telegram is not configured on this server.")
            }
            AuthError::Db(error) => {
                tracing::warn!(%error, "auth: database unavailable");
                ApiError::unavailable("Sign-in is temporarily unavailable: try again shortly.")
            }
        }
    }
}

/// The auth service, or 503 when this instance has no database.
pub fn auth_of(state: &AppState) -> Result<&Arc<Auth>, ApiError> {
    state.auth.as_ref().ok_or_else(|| {
        ApiError::unavailable("Accounts are not available: this instance keeps no database.")
    })
}

/// The signed-in caller (401 otherwise).
pub async fn signed_in(state: &AppState, req: &Request) -> Result<SessionUser, ApiError> {
    Ok(auth_of(state)?.user(req).await?)
}

/// An admin caller (401 without credentials, 403 with a non-admin's).
pub async fn admin(state: &AppState, req: &Request) -> Result<Admin, ApiError> {
    Ok(auth_of(state)?.admin(req).await?)
}

/// Statistics are for admins unless `STATS_PUBLIC=true`.
pub async fn stats_reader(state: &AppState, req: &Request) -> Result<(), ApiError> {
    if state.settings.auth.stats_public {
        return Ok(());
    }
    admin(state, req).await.map(drop)
}

/// Cookie routes answer only the page: an `Origin` header must be present and be one of
/// `DASHBOARD_ALLOWED_ORIGINS` or the API's own origin. (The CORS layer already refuses other
/// origins; this refuses requests without any, which a browser never sends on a `POST`.)
pub fn caller_origin_ok(state: &AppState, req: &Request) -> Result<(), ApiError> {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok());
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok());
    let allowed = origin.is_some_and(|o| {
        state.settings.dashboard_allowed_origins.iter().any(|a| a == o)
            || matches!((o.split_once("://"), host), (Some((_, h)), Some(host)) if h.eq_ignore_ascii_case(host))
    });
    if allowed {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "This route answers the vinbot page only: an allowed Origin header is required.",
        ))
    }
}
