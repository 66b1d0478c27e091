//! `telegram_logins`: Telegram Login Widget payloads already used, so a captured payload cannot
//! open a second session, on any instance. The primary key (the payload's own signature) does the
//! detection; rows older than the payload lifetime are pruned.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TelegramLogins::Table)
                    .if_not_exists()
                    // The payload's `hash` (64 hex characters).
                    .col(string_len(TelegramLogins::Hash, 64).primary_key())
                    .col(timestamp_with_time_zone(TelegramLogins::AuthDate))
                    .col(timestamp_with_time_zone(TelegramLogins::UsedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_telegram_logins_auth_date")
                    .table(TelegramLogins::Table)
                    .col(TelegramLogins::AuthDate)
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TelegramLogins::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum TelegramLogins {
    Table,
    Hash,
    AuthDate,
    UsedAt,
}
