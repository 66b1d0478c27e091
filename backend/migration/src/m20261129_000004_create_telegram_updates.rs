//! `telegram_updates`: the `update_id`s already handled, so a webhook delivery Telegram re-sends
//! (or that reaches two instances) is answered once. The primary key does the de-duplication.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TelegramUpdates::Table)
                    .if_not_exists()
                    // Telegram's id: never auto-incremented.
                    .col(big_integer(TelegramUpdates::UpdateId).primary_key())
                    .col(timestamp_with_time_zone(TelegramUpdates::ReceivedAt))
                    .to_owned(),
            )
            .await?;
        // Old rows are pruned by age.
        manager
            .create_index(
                Index::create()
                    .name("idx_telegram_updates_received_at")
                    .table(TelegramUpdates::Table)
                    .col(TelegramUpdates::ReceivedAt)
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TelegramUpdates::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum TelegramUpdates {
    Table,
    UpdateId,
    ReceivedAt,
}
