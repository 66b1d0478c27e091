//! `users`: Telegram users who talked to the bot, keyed by their Telegram user id.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .if_not_exists()
                    // Telegram's id, not ours: never auto-incremented.
                    .col(big_integer(Users::Id).primary_key())
                    .col(string_len_null(Users::Name, 256))
                    .col(string_len_null(Users::Language, 16))
                    .col(timestamp_with_time_zone(Users::FirstSeen))
                    .col(timestamp_with_time_zone(Users::LastSeen))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Users::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Name,
    Language,
    FirstSeen,
    LastSeen,
}
