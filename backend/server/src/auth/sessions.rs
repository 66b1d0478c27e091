//! The session flows on the database: sign in (a new session and its first refresh token),
//! refresh (rotate: the presented token is spent and a successor issued; presenting a spent
//! token revokes the whole session), sign out, and checking an access token's session.

use chrono::{DateTime, Duration, Utc};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::{
    AuthError,
    tokens::{self, AccessKeys},
};
use crate::db::{self, RefreshToken, Session};

/// How long a refresh token is accepted after it was issued (a week of inactivity signs out).
pub const REFRESH_TTL: Duration = Duration::days(7);
/// The longest a session lasts, however often it is refreshed.
pub const SESSION_MAX: Duration = Duration::days(30);

/// Tokens handed to a client that signed in or refreshed.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The user.
    pub user_id: i64,
    /// The session.
    pub session_id: Uuid,
    /// The access JWT.
    pub access_token: String,
    /// When the access token expires.
    pub access_expires_at: DateTime<Utc>,
    /// The refresh token (only its digest is stored).
    pub refresh_token: String,
    /// When the refresh token expires.
    pub refresh_expires_at: DateTime<Utc>,
}

/// Opens a session for `user_id`.
pub async fn open(
    db: &DatabaseConnection,
    keys: &AccessKeys,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<Issued, AuthError> {
    let session = Session {
        id: Uuid::now_v7(),
        user_id,
        created_at: now,
        expires_at: now + SESSION_MAX,
        revoked_at: None,
        revoked_reason: None,
    };
    db::insert_session(db, &session).await?;
    issue(db, keys, &session, now).await
}

/// Mints an access token and a fresh refresh token of `session`.
async fn issue(
    db: &DatabaseConnection,
    keys: &AccessKeys,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<Issued, AuthError> {
    let refresh_token = tokens::new_refresh_token();
    let refresh_expires_at = (now + REFRESH_TTL).min(session.expires_at);
    db::insert_refresh_token(
        db,
        &RefreshToken {
            hash: tokens::refresh_digest(&refresh_token),
            session_id: session.id,
            issued_at: now,
            expires_at: refresh_expires_at,
            used_at: None,
        },
    )
    .await?;
    let (access_token, access_expires_at) = keys.issue(session.user_id, session.id, now);
    Ok(Issued {
        user_id: session.user_id,
        session_id: session.id,
        access_token,
        access_expires_at: access_expires_at.min(session.expires_at),
        refresh_token,
        refresh_expires_at,
    })
}

/// Exchanges a refresh token for new tokens. A token already exchanged is reuse: someone holds a
/// copy, so the whole session is revoked.
pub async fn refresh(
    db: &DatabaseConnection,
    keys: &AccessKeys,
    presented: &str,
    now: DateTime<Utc>,
) -> Result<Issued, AuthError> {
    if !tokens::looks_like_refresh_token(presented) {
        return Err(AuthError::RefreshInvalid);
    }
    let hash = tokens::refresh_digest(presented);
    let token = db::find_refresh_token(db, &hash)
        .await?
        .ok_or(AuthError::RefreshInvalid)?;
    let session = live_session(db, token.session_id, now).await?;
    if token.used_at.is_some() {
        return Err(reuse(db, &session, now).await);
    }
    if token.expires_at <= now {
        return Err(AuthError::RefreshExpired);
    }
    // Conditional on "not used yet": of two racing requests (any instances) only one wins.
    if !db::mark_refresh_token_used(db, &hash, now).await? {
        return Err(reuse(db, &session, now).await);
    }
    issue(db, keys, &session, now).await
}

async fn reuse(db: &DatabaseConnection, session: &Session, now: DateTime<Utc>) -> AuthError {
    tracing::warn!(
        session = %session.id,
        "a spent refresh token was presented again; revoking the session"
    );
    match db::revoke_session(db, session.id, "reuse", now).await {
        Ok(_) => AuthError::RefreshReused,
        Err(e) => e.into(),
    }
}

/// The session, if it exists, is not revoked and has not expired.
pub async fn live_session(
    db: &DatabaseConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Session, AuthError> {
    let session = db::find_session(db, id)
        .await?
        .ok_or(AuthError::SessionEnded)?;
    if session.revoked_at.is_some() || session.expires_at <= now {
        return Err(AuthError::SessionEnded);
    }
    Ok(session)
}

/// Revokes the session of a refresh token (sign out). Unknown tokens are ignored: signing out
/// twice is not an error.
pub async fn close_by_refresh_token(
    db: &DatabaseConnection,
    presented: &str,
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    if !tokens::looks_like_refresh_token(presented) {
        return Ok(());
    }
    if let Some(token) = db::find_refresh_token(db, &tokens::refresh_digest(presented)).await? {
        db::revoke_session(db, token.session_id, "logout", now).await?;
    }
    Ok(())
}
