//! `decode_events`: one row per decoded VIN, written behind the request by the stats recorder.
//!
//! `id` is minted at request time (UUIDv7), so a retried batch insert with `ON CONFLICT (id) DO
//! NOTHING` never counts an event twice. `day` repeats the UTC date of `occurred_at` so that the
//! per-day statistics group on a plain column on both SQLite and PostgreSQL (their date functions
//! differ).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DecodeEvents::Table)
                    .if_not_exists()
                    .col(pk_uuid(DecodeEvents::Id))
                    .col(timestamp_with_time_zone(DecodeEvents::OccurredAt))
                    .col(date(DecodeEvents::Day))
                    .col(string_len(DecodeEvents::Channel, 16))
                    .col(string_len(DecodeEvents::Vin, 17))
                    .col(string_len_null(DecodeEvents::Wmi, 6))
                    .col(string_len_null(DecodeEvents::Make, 100))
                    .col(string_len_null(DecodeEvents::Model, 100))
                    .col(integer_null(DecodeEvents::ModelYear))
                    .col(string_len(DecodeEvents::ErrorCode, 64))
                    .col(boolean(DecodeEvents::Clean))
                    .col(big_integer(DecodeEvents::LatencyUs))
                    .col(big_integer_null(DecodeEvents::UserId))
                    .to_owned(),
            )
            .await?;
        // Every stats query filters on a window of days.
        manager
            .create_index(
                Index::create()
                    .name("idx_decode_events_day")
                    .table(DecodeEvents::Table)
                    .col(DecodeEvents::Day)
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        // A user's own history (the bot's "my last decodes"), newest first.
        manager
            .create_index(
                Index::create()
                    .name("idx_decode_events_user_id_occurred_at")
                    .table(DecodeEvents::Table)
                    .col(DecodeEvents::UserId)
                    .col(DecodeEvents::OccurredAt)
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DecodeEvents::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum DecodeEvents {
    Table,
    Id,
    OccurredAt,
    Day,
    Channel,
    Vin,
    Wmi,
    Make,
    Model,
    ModelYear,
    ErrorCode,
    Clean,
    LatencyUs,
    UserId,
}
