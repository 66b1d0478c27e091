//! A Telegram `update_id` already received (table `telegram_updates`), for de-duplication.

use sea_orm::entity::prelude::*;

/// One row of `telegram_updates`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "telegram_updates")]
pub struct Model {
    /// Telegram's `update_id`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub update_id: i64,
    /// When this instance first received it.
    pub received_at: DateTimeUtc,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
