//! A Telegram Login Widget payload already used (table `telegram_logins`), for replay detection.

use sea_orm::entity::prelude::*;

/// One row of `telegram_logins`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "telegram_logins")]
pub struct Model {
    /// The payload's `hash` field.
    #[sea_orm(primary_key, auto_increment = false)]
    pub hash: String,
    /// The payload's `auth_date`.
    pub auth_date: DateTimeUtc,
    /// When it was used to sign in.
    pub used_at: DateTimeUtc,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
