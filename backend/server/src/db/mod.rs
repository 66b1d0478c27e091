//! Persistence: decode history and statistics, Telegram users and update de-duplication, API
//! keys — on SQLite (the embedded default) or PostgreSQL through one sea-orm code path.
//!
//! Startup: [`connect`] → [`migrate`] → [`recorder::Recorder::spawn`]; request paths call
//! [`recorder::RecorderHandle::record`] (never blocks) and [`stats::StatsCache`]; shutdown calls
//! [`recorder::RecorderHandle::shutdown`]. Repository functions take `&impl ConnectionTrait`, so
//! they also run inside a transaction. No HTTP types live here.

mod api_keys;
mod connect;
pub mod entities;
mod erase;
mod error;
mod events;
pub mod recorder;
mod relocate;
mod sessions;
pub mod stats;
mod telegram_logins;
mod telegram_updates;
mod user_history;
mod users;
mod vehicles;

use migration::MigratorTrait;
use sea_orm::DatabaseConnection;

pub use api_keys::{
    ApiKey, NewApiKey, find_api_key_by_prefix, insert_api_key, list_api_keys, revoke_api_key,
    touch_api_key,
};
pub use connect::{
    ConnectConfig, SQLITE_FILE_NAME, backend_name, connect, default_sqlite_url, is_in_memory,
    redact_url,
};
pub use erase::{Erasure, erase_user};
pub use error::DbError;
pub use events::{Channel, DecodeEvent, PRIVATE_VIN_LEN, history_vin, record_decodes};
pub use relocate::{Relocation, adopt_legacy_sqlite, relocate};
pub use sessions::{
    RefreshToken, Session, delete_user_sessions, find_refresh_token, find_session,
    insert_refresh_token, insert_session, mark_refresh_token_used, prune_sessions_ended_before,
    revoke_session,
};
pub use telegram_logins::{claim_telegram_login, prune_telegram_logins};
pub use telegram_updates::{mark_update_seen, prune_updates_seen_before};
pub use user_history::{
    HistoryCursor, HistoryEntry, HistoryFilter, forget_decode, forget_decodes, user_history,
};
pub use users::{TelegramUser, User, find_user, record_sign_in, upsert_user};
pub use vehicles::{
    MAX_NICKNAME_CHARS, MAX_NOTE_CHARS, SavedVehicle, VehicleChange, count_vehicles,
    delete_vehicle, delete_vehicles, list_vehicles, save_vehicle, update_vehicle,
};

/// Applies every pending migration (`vinbot migrate`; `vinbot serve` on SQLite at start).
/// Safe to run repeatedly.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbError> {
    migration::Migrator::up(db, None)
        .await
        .map_err(DbError::Migrate)
}

/// The migrations this binary has that the database has not applied, oldest first. Read-only:
/// unlike [`migrate`], nothing is created (a database without the migrations table has applied
/// none).
pub async fn pending_migrations(db: &DatabaseConnection) -> Result<Vec<String>, DbError> {
    let pending = migration::Migrator::get_pending_migrations_read_only(db)
        .await
        .map_err(DbError::Migrate)?;
    Ok(pending.iter().map(|m| m.name().to_owned()).collect())
}

/// Cheap round trip for readiness checks.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbError> {
    Ok(db.ping().await?)
}
