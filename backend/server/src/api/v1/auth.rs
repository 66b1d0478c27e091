//! `/api/v1/auth/*`: sign in with the Telegram Login Widget, refresh, sign out, and the page's
//! sign-in configuration. The access token travels in the body (the page keeps it in memory and
//! sends it as `Authorization: Bearer`); the refresh token only in an `HttpOnly` cookie scoped to
//! these routes. The cookie routes require an `Origin` header of the page (CSRF).

use std::collections::BTreeMap;

use poem::{Request, web::Data};
use poem_openapi::{ApiResponse, Object, OpenApi, payload::Json};

use super::access::{auth_of, caller_origin_ok};
use crate::{
    api::{ApiTags, error::ApiError},
    auth::{Issued, cookie},
    state::AppState,
};

/// The sign-in routes.
pub struct AuthApi;

/// How the page offers sign-in.
#[derive(Debug, Object)]
pub struct AuthConfig {
    /// True when sign-in with Telegram is configured.
    pub sign_in: bool,
    /// The bot the Telegram Login Widget names (without `@`), when sign-in is on.
    #[oai(nullable)]
    pub telegram_bot_username: Option<String>,
}

/// The signed-in user.
#[derive(Debug, Object)]
pub struct Me {
    /// Telegram user id.
    pub id: i64,
    /// Display name, as Telegram gave it.
    #[oai(nullable)]
    pub name: Option<String>,
    /// True for admins (`ADMIN_TELEGRAM_IDS`): statistics and API keys.
    pub is_admin: bool,
}

/// A session's access token (the refresh token is in the `Set-Cookie` header).
#[derive(Debug, Object)]
pub struct SessionTokens {
    /// The access JWT: send it as `Authorization: Bearer <token>`. Keep it in memory only.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires (at most 900).
    pub expires_in: i64,
    /// When the refresh cookie expires, RFC 3339 UTC (refreshing extends it).
    pub refresh_expires_at: String,
    /// Who signed in.
    pub user: Me,
}

/// A new session or a rotated one.
#[derive(ApiResponse)]
pub enum SessionResponse {
    /// Signed in; the refresh token is in the `HttpOnly` cookie.
    #[oai(status = 200)]
    Ok(
        Json<SessionTokens>,
        /// The refresh token: `vinbot_refresh=…; Path=/api/v1/auth; HttpOnly; …`.
        #[oai(header = "Set-Cookie")]
        String,
    ),
}

/// Signed out.
#[derive(ApiResponse)]
pub enum LogoutResponse {
    /// The session is revoked and the cookie cleared.
    #[oai(status = 204)]
    Done(
        /// Clears the refresh cookie.
        #[oai(header = "Set-Cookie")]
        String,
    ),
}

/// Sign-in configuration.
#[derive(ApiResponse)]
pub enum AuthConfigResponse {
    /// How to sign in.
    #[oai(status = 200)]
    Ok(Json<AuthConfig>),
}

#[OpenApi(prefix_path = "/api/v1/auth", tag = "ApiTags::Auth")]
impl AuthApi {
    /// Sign-in configuration
    ///
    /// Whether sign-in with Telegram is on, and the bot username the page's Telegram Login
    /// Widget needs.
    #[oai(path = "/config", method = "get", operation_id = "get_auth_config")]
    async fn config(&self, state: Data<&AppState>) -> Result<AuthConfigResponse, ApiError> {
        let bot = state
            .auth
            .as_ref()
            .and_then(|a| a.sign_in_bot())
            .map(str::to_owned);
        Ok(AuthConfigResponse::Ok(Json(AuthConfig {
            sign_in: bot.is_some(),
            telegram_bot_username: bot,
        })))
    }

    /// Sign in with Telegram
    ///
    /// Takes the user object the Telegram Login Widget passed to the page (`id`, `first_name`,
    /// `last_name`, `username`, `photo_url`, `auth_date`, `hash`) unchanged. The signature is
    /// checked as Telegram specifies, `auth_date` must be at most 24 hours old, and each payload
    /// signs in once (a replay is refused on every instance). Opens a session: the access token
    /// in the body, the refresh token in an `HttpOnly` cookie. Rate limited per client
    /// (`RATE_LIMIT_SIGNIN_PER_MINUTE`). Needs an `Origin` header of the page.
    #[oai(
        path = "/telegram",
        method = "post",
        operation_id = "sign_in_with_telegram"
    )]
    async fn telegram(
        &self,
        state: Data<&AppState>,
        req: &Request,
        /// The widget's user object.
        body: Json<BTreeMap<String, serde_json::Value>>,
    ) -> Result<SessionResponse, ApiError> {
        let auth = auth_of(&state)?;
        caller_origin_ok(&state, req)?;
        let fields = login_fields(&body.0)?;
        let issued = auth.sign_in(&fields, &auth.client_key(req)).await?;
        Ok(session_response(&state, &issued).await)
    }

    /// Refresh the session
    ///
    /// Exchanges the refresh cookie for a new access token and a new refresh cookie. Each
    /// refresh token works once: presenting one that was already exchanged revokes the whole
    /// session (someone else holds a copy). Needs an `Origin` header of the page.
    #[oai(path = "/refresh", method = "post", operation_id = "refresh_session")]
    async fn refresh(
        &self,
        state: Data<&AppState>,
        req: &Request,
    ) -> Result<SessionResponse, ApiError> {
        let auth = auth_of(&state)?;
        caller_origin_ok(&state, req)?;
        let presented = cookie::read(req)
            .ok_or_else(|| ApiError::unauthorized("No session: sign in first."))?;
        let issued = auth.refresh(&presented).await?;
        Ok(session_response(&state, &issued).await)
    }

    /// Sign out
    ///
    /// Revokes the session of the refresh cookie and clears the cookie. Signing out without a
    /// session is not an error. Needs an `Origin` header of the page.
    #[oai(path = "/logout", method = "post", operation_id = "sign_out")]
    async fn logout(
        &self,
        state: Data<&AppState>,
        req: &Request,
    ) -> Result<LogoutResponse, ApiError> {
        let auth = auth_of(&state)?;
        caller_origin_ok(&state, req)?;
        if let Some(presented) = cookie::read(req) {
            auth.sign_out(&presented).await?;
        }
        Ok(LogoutResponse::Done(auth.cookie().clear()))
    }
}

/// The widget's values as the strings Telegram signed: strings as they are, numbers in decimal.
fn login_fields(
    body: &BTreeMap<String, serde_json::Value>,
) -> Result<BTreeMap<String, String>, ApiError> {
    body.iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => Ok((k.clone(), s.clone())),
            serde_json::Value::Number(n) => Ok((k.clone(), n.to_string())),
            _ => Err(ApiError::invalid_request(format!(
                "field {k:?}: expected a string or a number"
            ))),
        })
        .collect()
}

async fn session_response(state: &AppState, issued: &Issued) -> SessionResponse {
    let auth = state.auth.as_ref().expect("checked by the caller");
    let now = auth.now();
    let name = match crate::db::find_user(auth.db(), issued.user_id).await {
        Ok(user) => user.and_then(|u| u.name),
        Err(error) => {
            tracing::warn!(%error, "cannot read the signed-in user's name");
            None
        }
    };
    let max_age = (issued.refresh_expires_at - now).num_seconds();
    SessionResponse::Ok(
        Json(SessionTokens {
            access_token: issued.access_token.clone(),
            token_type: "Bearer".to_owned(),
            expires_in: (issued.access_expires_at - now).num_seconds().max(0),
            refresh_expires_at: issued
                .refresh_expires_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            user: Me {
                id: issued.user_id,
                name,
                is_admin: auth.is_admin(issued.user_id),
            },
        }),
        auth.cookie().set(&issued.refresh_token, max_age),
    )
}
