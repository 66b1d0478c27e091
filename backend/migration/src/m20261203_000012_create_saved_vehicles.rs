//! `saved_vehicles`: a signed-in user's garage: whole VINs the user chose to keep, with a
//! nickname and a note. Decoded again whenever shown, so they follow the current data.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SavedVehicles::Table)
                    .if_not_exists()
                    .col(pk_uuid(SavedVehicles::Id))
                    .col(big_integer(SavedVehicles::UserId))
                    .col(string_len(SavedVehicles::Vin, 17))
                    .col(string_len_null(SavedVehicles::Nickname, 64))
                    .col(string_len_null(SavedVehicles::Note, 500))
                    .col(timestamp_with_time_zone(SavedVehicles::CreatedAt))
                    .col(timestamp_with_time_zone(SavedVehicles::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // One row per VIN and user; also the index of a user's list.
        manager
            .create_index(
                Index::create()
                    .name("idx_saved_vehicles_user_id_vin")
                    .table(SavedVehicles::Table)
                    .col(SavedVehicles::UserId)
                    .col(SavedVehicles::Vin)
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SavedVehicles::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum SavedVehicles {
    Table,
    Id,
    UserId,
    Vin,
    Nickname,
    Note,
    CreatedAt,
    UpdatedAt,
}
