//! `api_keys`: API keys for higher rate limits. Only a SHA-256 digest of the secret is stored;
//! the public `prefix` finds the row, the digest proves the secret.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApiKeys::Table)
                    .if_not_exists()
                    .col(pk_uuid(ApiKeys::Id))
                    .col(string_len_uniq(ApiKeys::Prefix, 32))
                    .col(string_len(ApiKeys::Hash, 64))
                    .col(string_len(ApiKeys::Name, 200))
                    .col(string_len(ApiKeys::Scopes, 500))
                    .col(timestamp_with_time_zone(ApiKeys::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiKeys::LastUsedAt))
                    .col(timestamp_with_time_zone_null(ApiKeys::RevokedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ApiKeys::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    Prefix,
    Hash,
    Name,
    Scopes,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}
