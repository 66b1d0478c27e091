//! Erasing everything stored about one user, in one transaction: their decode history is
//! anonymised, their saved vehicles, sessions and user row are deleted.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};

use super::entities::user;
use super::{DbError, sessions, user_history, vehicles};

/// What an erasure removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Erasure {
    /// History entries anonymised.
    pub decodes: u64,
    /// Saved vehicles deleted.
    pub vehicles: u64,
    /// Sessions deleted (every device signed out).
    pub sessions: u64,
    /// Whether a user row existed.
    pub user: bool,
}

/// Erases `user_id`'s data.
pub async fn erase_user(db: &DatabaseConnection, user_id: i64) -> Result<Erasure, DbError> {
    let txn = db.begin().await?;
    let decodes = user_history::forget_decodes(&txn, user_id).await?;
    let vehicles = vehicles::delete_vehicles(&txn, user_id).await?;
    let sessions = sessions::delete_user_sessions(&txn, user_id).await?;
    let user = user::Entity::delete_many()
        .filter(user::Column::Id.eq(user_id))
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    txn.commit().await?;
    Ok(Erasure {
        decodes,
        vehicles,
        sessions,
        user,
    })
}
