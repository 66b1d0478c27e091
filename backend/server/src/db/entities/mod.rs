//! sea-orm entities, one per table created by the `migration` crate.
//!
//! Nothing outside `db/` uses these directly: the repository functions take and return the plain
//! types of their own modules.

pub mod api_key;
pub mod decode_event;
pub mod telegram_update;
pub mod user;
