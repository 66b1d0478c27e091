//! De-duplication of Telegram webhook deliveries by `update_id`, shared by all instances through
//! the database's primary key.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::DbError;
use super::entities::telegram_update;

/// Records `update_id` as received. Returns `true` the first time (handle the update), `false`
/// when any instance already recorded it (a re-delivery: acknowledge and skip).
pub async fn mark_update_seen(
    db: &impl ConnectionTrait,
    update_id: i64,
    received_at: DateTime<Utc>,
) -> Result<bool, DbError> {
    let row = telegram_update::ActiveModel {
        update_id: Set(update_id),
        received_at: Set(received_at),
    };
    let result = telegram_update::Entity::insert(row)
        .on_conflict_do_nothing()
        .exec_without_returning(db)
        .await?;
    Ok(matches!(result, sea_orm::TryInsertResult::Inserted(1)))
}

/// Forgets update ids received before `cutoff` (Telegram re-sends for at most a day). Returns how
/// many were removed.
pub async fn prune_updates_seen_before(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
) -> Result<u64, DbError> {
    let result = telegram_update::Entity::delete_many()
        .filter(telegram_update::Column::ReceivedAt.lt(cutoff))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
