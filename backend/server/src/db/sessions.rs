//! Sign-in sessions and their refresh tokens. The rotation rules (reuse revokes the family) live
//! in the auth layer; this module stores and finds rows, with conditional updates so two
//! instances racing on the same token cannot both win.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter,
    sea_query::Expr,
};
use uuid::Uuid;

use super::DbError;
use super::entities::{auth_session, refresh_token};

/// A stored session.
pub type Session = auth_session::Model;

/// A stored refresh token (its digest).
pub type RefreshToken = refresh_token::Model;

/// Stores a new session.
pub async fn insert_session(db: &impl ConnectionTrait, session: &Session) -> Result<(), DbError> {
    let row = auth_session::ActiveModel {
        id: Set(session.id),
        user_id: Set(session.user_id),
        created_at: Set(session.created_at),
        expires_at: Set(session.expires_at),
        revoked_at: Set(session.revoked_at),
        revoked_reason: Set(session.revoked_reason.clone()),
    };
    auth_session::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The session with this id.
pub async fn find_session(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Session>, DbError> {
    Ok(auth_session::Entity::find_by_id(id).one(db).await?)
}

/// Revokes a session unless it already is. Returns `true` when this call revoked it.
pub async fn revoke_session(
    db: &impl ConnectionTrait,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let result = auth_session::Entity::update_many()
        .col_expr(auth_session::Column::RevokedAt, Expr::value(now))
        .col_expr(auth_session::Column::RevokedReason, Expr::value(reason))
        .filter(auth_session::Column::Id.eq(id))
        .filter(auth_session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Stores a refresh token digest.
pub async fn insert_refresh_token(
    db: &impl ConnectionTrait,
    token: &RefreshToken,
) -> Result<(), DbError> {
    let row = refresh_token::ActiveModel {
        hash: Set(token.hash.clone()),
        session_id: Set(token.session_id),
        issued_at: Set(token.issued_at),
        expires_at: Set(token.expires_at),
        used_at: Set(token.used_at),
    };
    refresh_token::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The refresh token with this digest.
pub async fn find_refresh_token(
    db: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<RefreshToken>, DbError> {
    Ok(refresh_token::Entity::find_by_id(hash.to_owned())
        .one(db)
        .await?)
}

/// Marks the token as exchanged. Returns `true` for the one caller that did it; `false` when it
/// was already used (by an earlier request, or a concurrent one on another instance).
pub async fn mark_refresh_token_used(
    db: &impl ConnectionTrait,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let result = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
        .filter(refresh_token::Column::Hash.eq(hash))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Deletes every session of a user and their refresh tokens (erasure). Returns the number of
/// sessions removed.
pub async fn delete_user_sessions(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbError> {
    let ids: Vec<Uuid> = auth_session::Entity::find()
        .filter(auth_session::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    delete_sessions(db, ids).await
}

/// Removes sessions that ended before `cutoff` (expired or revoked) with their tokens. Returns
/// the number of sessions removed.
pub async fn prune_sessions_ended_before(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
) -> Result<u64, DbError> {
    let ended = auth_session::Column::ExpiresAt
        .lt(cutoff)
        .or(auth_session::Column::RevokedAt.lt(cutoff));
    let ids: Vec<Uuid> = auth_session::Entity::find()
        .filter(ended)
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    delete_sessions(db, ids).await
}

/// Deletes these sessions and their refresh tokens; the number of sessions removed.
async fn delete_sessions(db: &impl ConnectionTrait, ids: Vec<Uuid>) -> Result<u64, DbError> {
    if ids.is_empty() {
        return Ok(0);
    }
    refresh_token::Entity::delete_many()
        .filter(refresh_token::Column::SessionId.is_in(ids.clone()))
        .exec(db)
        .await?;
    let result = auth_session::Entity::delete_many()
        .filter(auth_session::Column::Id.is_in(ids))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
