//! Telegram Login Widget payloads already used: replay detection shared by every instance
//! through the table's primary key.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::DbError;
use super::entities::telegram_login;

/// Records a payload by its `hash`. Returns `true` the first time, `false` when any instance
/// already accepted it (a replay).
pub async fn claim_telegram_login(
    db: &impl ConnectionTrait,
    hash: &str,
    auth_date: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let row = telegram_login::ActiveModel {
        hash: Set(hash.to_owned()),
        auth_date: Set(auth_date),
        used_at: Set(now),
    };
    let result = telegram_login::Entity::insert(row)
        .on_conflict_do_nothing()
        .exec_without_returning(db)
        .await?;
    Ok(matches!(result, sea_orm::TryInsertResult::Inserted(1)))
}

/// Forgets payloads signed before `cutoff`: they are refused by age anyway.
pub async fn prune_telegram_logins(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
) -> Result<u64, DbError> {
    let result = telegram_login::Entity::delete_many()
        .filter(telegram_login::Column::AuthDate.lt(cutoff))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
