//! vinbot's database migrations, one per file, applied in order by [`Migrator`].
//!
//! Every migration is backend-neutral: it is written with sea-query's schema builder so the same
//! file creates the same tables on SQLite (the embedded default) and PostgreSQL. A migration is
//! never edited once released; a change is a new file. Migration names come from the file names.

// sea-orm-migration's `MigrationTrait` takes `&SchemaManager` with its lifetime elided; naming it
// `SchemaManager<'_>` in an `#[async_trait]` impl does not match the trait's signature.
#![expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait's signature elides SchemaManager's lifetime"
)]

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_create_decode_events;
mod m20261129_000002_create_users;
mod m20261129_000003_create_api_keys;
mod m20261129_000004_create_telegram_updates;
mod m20261203_000010_create_auth_sessions;
mod m20261203_000011_create_telegram_logins;
mod m20261203_000012_create_saved_vehicles;

/// The ordered list of vinbot's migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_create_decode_events::Migration),
            Box::new(m20261129_000002_create_users::Migration),
            Box::new(m20261129_000003_create_api_keys::Migration),
            Box::new(m20261129_000004_create_telegram_updates::Migration),
            Box::new(m20261203_000010_create_auth_sessions::Migration),
            Box::new(m20261203_000011_create_telegram_logins::Migration),
            Box::new(m20261203_000012_create_saved_vehicles::Migration),
        ]
    }
}
