//! sea-orm entities, one per table created by the `migration` crate.
//!
//! Nothing outside `db/` uses these directly: the repository functions take and return the plain
//! types of their own modules.

pub mod api_key;
pub mod auth_session;
pub mod decode_event;
pub mod refresh_token;
pub mod saved_vehicle;
pub mod telegram_login;
pub mod telegram_update;
pub mod user;
