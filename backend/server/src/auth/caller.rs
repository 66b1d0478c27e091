//! Who a request comes from: a signed-in user (`Authorization: Bearer <access JWT>` whose
//! session is still live), an admin (such a user listed in `ADMIN_TELEGRAM_IDS`, or an
//! `X-API-Key` with the `admin` scope), or nobody.

use poem::{Request, http::header};
use uuid::Uuid;

use super::{Auth, AuthError, sessions};
use crate::{
    apikeys::{Scope, VerifyError},
    ratelimit::ClientId,
};

/// A signed-in user with a live session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionUser {
    /// Telegram user id.
    pub user_id: i64,
    /// The session of the access token.
    pub session_id: Uuid,
    /// Listed in `ADMIN_TELEGRAM_IDS`.
    pub admin: bool,
}

/// An admin caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admin {
    /// A signed-in user listed in `ADMIN_TELEGRAM_IDS`.
    User(i64),
    /// An API key with the `admin` scope.
    ApiKey(Uuid),
}

/// The bearer token of the request, if it sent one.
pub fn bearer(req: &Request) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

impl Auth {
    /// The signed-in user of the request: a valid access token of a live session.
    pub async fn user(&self, req: &Request) -> Result<SessionUser, AuthError> {
        let token = bearer(req).ok_or(AuthError::Missing)?;
        let now = self.clock.now();
        let claims = self.keys.verify(token, now)?;
        let user_id = claims.user_id().ok_or(AuthError::SessionEnded)?;
        let session = sessions::live_session(&self.db, claims.sid, now).await?;
        if session.user_id != user_id {
            return Err(AuthError::SessionEnded);
        }
        Ok(SessionUser {
            user_id,
            session_id: session.id,
            admin: self.is_admin(user_id),
        })
    }

    /// An admin: an `X-API-Key` with the admin scope, or an admin user's access token.
    pub async fn admin(&self, req: &Request) -> Result<Admin, AuthError> {
        if let Some(key) = req.headers().get("x-api-key") {
            let key = key.to_str().unwrap_or_default().trim();
            return match self.api_keys.verify(key).await {
                Ok(v) if v.allows(Scope::Admin) => Ok(Admin::ApiKey(v.id)),
                Ok(_) => Err(AuthError::Forbidden),
                Err(VerifyError::Invalid) => Err(AuthError::BadApiKey),
                Err(VerifyError::Unavailable(e)) => Err(e.into()),
            };
        }
        let user = self.user(req).await?;
        if user.admin {
            Ok(Admin::User(user.user_id))
        } else {
            Err(AuthError::Forbidden)
        }
    }

    /// The owner of the decodes of this request: the user of a valid, unexpired access token,
    /// checked without the database (decoding never waits for it). An invalid token means an
    /// anonymous decode, never a refused one.
    pub fn decode_owner(&self, req: &Request) -> Option<i64> {
        let token = bearer(req)?;
        self.keys.verify(token, self.clock.now()).ok()?.user_id()
    }

    /// The sign-in rate-limit key of the request (its client address).
    pub fn client_key(&self, req: &Request) -> String {
        ClientId::anonymous(req, self.trust_fly_client_ip)
            .map_or_else(|| "unknown".to_owned(), |c| c.as_str().to_owned())
    }
}
