//! A user's saved vehicles ("garage"). Every function takes the owner's id and filters on it, so
//! no id a caller sends can reach another user's rows.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, sea_query::Expr,
};
use uuid::Uuid;

use super::DbError;
use super::entities::saved_vehicle;

/// A saved vehicle.
pub type SavedVehicle = saved_vehicle::Model;

/// Longest nickname kept (characters).
pub const MAX_NICKNAME_CHARS: usize = 64;
/// Longest note kept (characters).
pub const MAX_NOTE_CHARS: usize = 500;

/// A change of nickname and/or note; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VehicleChange {
    /// New nickname.
    pub nickname: Option<Option<String>>,
    /// New note.
    pub note: Option<Option<String>>,
}

/// Saves `vin` for `user_id`. Returns the row and `true` when it is new, or the existing row and
/// `false` when the user had already saved this VIN (nickname and note are then left alone).
pub async fn save_vehicle(
    db: &impl ConnectionTrait,
    user_id: i64,
    vin: &str,
    nickname: Option<&str>,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(SavedVehicle, bool), DbError> {
    let row = saved_vehicle::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        vin: Set(vin.to_owned()),
        nickname: Set(nickname.map(|s| fit(s, MAX_NICKNAME_CHARS))),
        note: Set(note.map(|s| fit(s, MAX_NOTE_CHARS))),
        created_at: Set(now),
        updated_at: Set(now),
    };
    // The conflict is on the (user, VIN) index, not the primary key.
    let inserted = saved_vehicle::Entity::insert(row)
        .on_conflict_do_nothing_on([saved_vehicle::Column::UserId, saved_vehicle::Column::Vin])
        .exec_without_returning(db)
        .await?;
    let created = matches!(inserted, sea_orm::TryInsertResult::Inserted(1));
    let row = saved_vehicle::Entity::find()
        .filter(saved_vehicle::Column::UserId.eq(user_id))
        .filter(saved_vehicle::Column::Vin.eq(vin))
        .one(db)
        .await?
        .ok_or_else(|| DbError::Query(sea_orm::DbErr::RecordNotFound(vin.to_owned())))?;
    Ok((row, created))
}

/// The user's saved vehicles, newest first.
pub async fn list_vehicles(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<SavedVehicle>, DbError> {
    Ok(saved_vehicle::Entity::find()
        .filter(saved_vehicle::Column::UserId.eq(user_id))
        .order_by_desc(saved_vehicle::Column::CreatedAt)
        .order_by_desc(saved_vehicle::Column::Id)
        .all(db)
        .await?)
}

/// How many vehicles the user saved.
pub async fn count_vehicles(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbError> {
    Ok(saved_vehicle::Entity::find()
        .filter(saved_vehicle::Column::UserId.eq(user_id))
        .count(db)
        .await?)
}

/// Changes nickname and/or note of the user's vehicle `id`. `None` when it is not theirs.
pub async fn update_vehicle(
    db: &impl ConnectionTrait,
    user_id: i64,
    id: Uuid,
    change: &VehicleChange,
    now: DateTime<Utc>,
) -> Result<Option<SavedVehicle>, DbError> {
    let mut update = saved_vehicle::Entity::update_many()
        .col_expr(saved_vehicle::Column::UpdatedAt, Expr::value(now))
        .filter(saved_vehicle::Column::Id.eq(id))
        .filter(saved_vehicle::Column::UserId.eq(user_id));
    if let Some(nickname) = &change.nickname {
        let value = nickname.as_deref().map(|s| fit(s, MAX_NICKNAME_CHARS));
        update = update.col_expr(saved_vehicle::Column::Nickname, Expr::value(value));
    }
    if let Some(note) = &change.note {
        let value = note.as_deref().map(|s| fit(s, MAX_NOTE_CHARS));
        update = update.col_expr(saved_vehicle::Column::Note, Expr::value(value));
    }
    if update.exec(db).await?.rows_affected == 0 {
        return Ok(None);
    }
    Ok(saved_vehicle::Entity::find_by_id(id)
        .filter(saved_vehicle::Column::UserId.eq(user_id))
        .one(db)
        .await?)
}

/// Deletes the user's vehicle `id`. Returns `false` when it is not theirs.
pub async fn delete_vehicle(
    db: &impl ConnectionTrait,
    user_id: i64,
    id: Uuid,
) -> Result<bool, DbError> {
    let result = saved_vehicle::Entity::delete_many()
        .filter(saved_vehicle::Column::Id.eq(id))
        .filter(saved_vehicle::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Deletes every saved vehicle of the user. Returns how many.
pub async fn delete_vehicles(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbError> {
    let result = saved_vehicle::Entity::delete_many()
        .filter(saved_vehicle::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// At most `max` characters, without NUL (PostgreSQL rejects it in text).
fn fit(value: &str, max: usize) -> String {
    value.chars().filter(|&c| c != '\0').take(max).collect()
}
