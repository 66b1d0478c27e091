//! A Telegram user who talked to the bot (table `users`).

use sea_orm::entity::prelude::*;

/// One row of `users`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    /// Telegram user id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    /// Display name as Telegram gave it.
    pub name: Option<String>,
    /// IETF language tag from Telegram (`language_code`).
    pub language: Option<String>,
    /// First update seen from this user.
    pub first_seen: DateTimeUtc,
    /// Latest update seen from this user.
    pub last_seen: DateTimeUtc,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
