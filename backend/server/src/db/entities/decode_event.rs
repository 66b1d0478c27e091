//! A decoded VIN, as the stats recorder stores it (table `decode_events`).

use sea_orm::entity::prelude::*;

/// One row of `decode_events`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "decode_events")]
pub struct Model {
    /// UUIDv7 minted when the request was decoded; makes retried inserts idempotent.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// When the decode happened.
    pub occurred_at: DateTimeUtc,
    /// The UTC date of `occurred_at`, for portable per-day grouping.
    pub day: Date,
    /// Where the request came from: `api`, `nhtsa`, `web`, `telegram`, `cli`.
    pub channel: String,
    /// The VIN, cut to its first 11 characters unless full VINs are stored.
    pub vin: String,
    /// World Manufacturer Identifier (3 or 6 characters), when the input had one.
    pub wmi: Option<String>,
    /// Decoded make.
    pub make: Option<String>,
    /// Decoded model.
    pub model: Option<String>,
    /// Decoded model year.
    pub model_year: Option<i32>,
    /// vPIC error codes as vPIC writes them, e.g. `0` or `1,14`.
    pub error_code: String,
    /// True when the decode was clean (vPIC error code 0 alone).
    pub clean: bool,
    /// Decode latency in microseconds.
    pub latency_us: i64,
    /// Telegram user id for bot requests.
    pub user_id: Option<i64>,
}

/// `decode_events` has no foreign keys: events are written behind the request, possibly before
/// the user row exists.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
