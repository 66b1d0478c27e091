//! A vehicle a signed-in user saved (table `saved_vehicles`).

use sea_orm::entity::prelude::*;

/// One row of `saved_vehicles`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "saved_vehicles")]
pub struct Model {
    /// Id (UUIDv7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Owner: Telegram user id.
    pub user_id: i64,
    /// The whole VIN.
    pub vin: String,
    /// The user's name for it.
    pub nickname: Option<String>,
    /// The user's note.
    pub note: Option<String>,
    /// When it was saved.
    pub created_at: DateTimeUtc,
    /// Last change of nickname or note.
    pub updated_at: DateTimeUtc,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
