//! Telegram users: created on first contact, refreshed on every update.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

use super::DbError;
use super::entities::user;

/// What the bot knows about a user from an update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TelegramUser {
    /// Telegram user id.
    pub id: i64,
    /// Display name (first and last name).
    pub name: Option<String>,
    /// `language_code` from Telegram.
    pub language: Option<String>,
}

/// Stored user row.
pub type User = user::Model;

/// Inserts the user, or refreshes name, language and `last_seen` of a known one (`first_seen`
/// stays).
pub async fn upsert_user(
    db: &impl ConnectionTrait,
    user: &TelegramUser,
    seen_at: DateTime<Utc>,
) -> Result<(), DbError> {
    let row = user::ActiveModel {
        id: Set(user.id),
        name: Set(user.name.as_deref().map(|s| s.chars().take(256).collect())),
        language: Set(user
            .language
            .as_deref()
            .map(|s| s.chars().take(16).collect())),
        first_seen: Set(seen_at),
        last_seen: Set(seen_at),
    };
    user::Entity::insert(row)
        .on_conflict(
            OnConflict::column(user::Column::Id)
                .update_columns([
                    user::Column::Name,
                    user::Column::Language,
                    user::Column::LastSeen,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The user with this Telegram id, if known.
pub async fn find_user(db: &impl ConnectionTrait, id: i64) -> Result<Option<User>, DbError> {
    Ok(user::Entity::find_by_id(id).one(db).await?)
}

/// Records a sign-in on the page: inserts the user, or refreshes the name and `last_seen` of a
/// known one (the language the bot learnt stays).
pub async fn record_sign_in(
    db: &impl ConnectionTrait,
    id: i64,
    name: &str,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    let row = user::ActiveModel {
        id: Set(id),
        name: Set(Some(name.chars().take(256).collect())),
        language: Set(None),
        first_seen: Set(at),
        last_seen: Set(at),
    };
    user::Entity::insert(row)
        .on_conflict(
            OnConflict::column(user::Column::Id)
                .update_columns([user::Column::Name, user::Column::LastSeen])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}
