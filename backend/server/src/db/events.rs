//! Decode events: what the stats recorder stores for each decoded VIN, and its batch insert.
//!
//! Each event carries an id minted at request time, so inserting the same batch twice (a retry
//! after a lost acknowledgement) stores it once: `ON CONFLICT (id) DO NOTHING`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use uuid::Uuid;

use super::DbError;
use super::entities::decode_event;

/// How many characters of a VIN are kept when full VINs are not stored: WMI (1–3), vehicle
/// descriptor (4–8), check digit (9), model year (10) and plant (11). The serial number
/// (12–17), which singles out one vehicle, is dropped.
pub const PRIVATE_VIN_LEN: usize = 11;

/// Rows per INSERT statement. 13 bind parameters a row stays far below SQLite's (32 766) and
/// PostgreSQL's (65 535) limits, and the statement small: sqlx 0.9.0 leaves Nagle's algorithm on
/// (launchbadge/sqlx#4335), and with statements of 200+ rows each insert on PostgreSQL stalled
/// ~40 ms on a delayed ACK (measured: 100 rows 2.5 ms, 200 rows 47 ms). Callers wanting one
/// commit per batch run this in a transaction (the recorder does).
const ROWS_PER_STATEMENT: usize = 100;

/// Where a decode request came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Channel {
    /// The JSON API (`/api/v1/...`).
    Api,
    /// The NHTSA-compatible routes (`/api/vehicles/...`).
    Nhtsa,
    /// The web page.
    Web,
    /// The Telegram bot.
    Telegram,
}

impl Channel {
    /// The stored name, also used in the stats report.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Api => "api",
            Self::Nhtsa => "nhtsa",
            Self::Web => "web",
            Self::Telegram => "telegram",
        }
    }
}

/// One decoded VIN, as recorded for history and statistics.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodeEvent {
    /// Minted at request time (UUIDv7); the idempotency key of the insert.
    pub id: Uuid,
    /// When the decode happened.
    pub occurred_at: DateTime<Utc>,
    /// Where the request came from.
    pub channel: Channel,
    /// The normalised VIN; the recorder cuts it to [`PRIVATE_VIN_LEN`] characters unless full
    /// VINs are stored.
    pub vin: String,
    /// The WMI the decoder found.
    pub wmi: Option<String>,
    /// Decoded make.
    pub make: Option<String>,
    /// Decoded model.
    pub model: Option<String>,
    /// Decoded model year.
    pub model_year: Option<i32>,
    /// vPIC error codes joined by commas, e.g. `0` or `1,14`.
    pub error_code: String,
    /// True for a clean decode (error code 0 alone).
    pub clean: bool,
    /// How long the decode took.
    pub latency: Duration,
    /// Telegram user id for bot requests.
    pub user_id: Option<i64>,
}

impl DecodeEvent {
    /// An event for a decode happening now, with a fresh UUIDv7 id. Fill in the decoded fields
    /// and call [`DecodeEvent::with_error_codes`].
    pub fn new(channel: Channel, vin: impl Into<String>, latency: Duration) -> Self {
        Self {
            id: Uuid::now_v7(),
            occurred_at: Utc::now(),
            channel,
            vin: vin.into(),
            wmi: None,
            make: None,
            model: None,
            model_year: None,
            error_code: String::new(),
            clean: false,
            latency,
            user_id: None,
        }
    }

    /// Sets `error_code` (`1,14`) and `clean` (only code 0) from the decoder's error codes.
    pub fn with_error_codes(mut self, codes: &[u16]) -> Self {
        self.error_code = codes
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(",");
        self.clean = codes == [0];
        self
    }
}

/// The VIN as history keeps it: whole when `store_full_vins`, else its first
/// [`PRIVATE_VIN_LEN`] characters.
pub fn history_vin(vin: &str, store_full_vins: bool) -> String {
    if store_full_vins {
        vin.to_owned()
    } else {
        vin.chars().take(PRIVATE_VIN_LEN).collect()
    }
}

/// Inserts a batch of events; events whose id is already stored are skipped. Returns how many
/// rows were new. Several statements for large batches: run it in a transaction to make the batch
/// atomic.
pub async fn record_decodes(
    db: &impl ConnectionTrait,
    events: &[DecodeEvent],
) -> Result<u64, DbError> {
    let mut inserted = 0;
    for chunk in events.chunks(ROWS_PER_STATEMENT) {
        let rows = chunk.iter().map(to_active_model);
        let result = decode_event::Entity::insert_many(rows)
            .on_conflict_do_nothing()
            .exec_without_returning(db)
            .await?;
        if let sea_orm::TryInsertResult::Inserted(n) = result {
            inserted += n;
        }
    }
    Ok(inserted)
}

/// Fits every value into its column, so a batch can only fail because of the database, never
/// because of one odd event (a failing batch is retried, and would be retried forever).
fn to_active_model(event: &DecodeEvent) -> decode_event::ActiveModel {
    decode_event::ActiveModel {
        id: Set(event.id),
        occurred_at: Set(event.occurred_at),
        day: Set(event.occurred_at.date_naive()),
        channel: Set(event.channel.as_str().to_owned()),
        vin: Set(fit(&event.vin, 17)),
        wmi: Set(event.wmi.as_deref().map(|s| fit(s, 6))),
        make: Set(event.make.as_deref().map(|s| fit(s, 100))),
        model: Set(event.model.as_deref().map(|s| fit(s, 100))),
        model_year: Set(event.model_year),
        error_code: Set(fit(&event.error_code, 64)),
        clean: Set(event.clean),
        latency_us: Set(i64::try_from(event.latency.as_micros()).unwrap_or(i64::MAX)),
        user_id: Set(event.user_id),
    }
}

/// At most `max` characters, without NUL (PostgreSQL rejects it in text).
fn fit(value: &str, max: usize) -> String {
    value.chars().filter(|&c| c != '\0').take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_vin_keeps_eleven_characters_unless_full() {
        assert_eq!(history_vin("1HGCM82633A004352", false), "1HGCM82633A");
        assert_eq!(history_vin("1HGCM82633A004352", true), "1HGCM82633A004352");
        assert_eq!(history_vin("1HGCM", false), "1HGCM");
    }

    #[test]
    fn error_codes_set_the_clean_flag() {
        let clean = DecodeEvent::new(Channel::Api, "X", Duration::ZERO).with_error_codes(&[0]);
        assert_eq!((clean.error_code.as_str(), clean.clean), ("0", true));
        let dirty = DecodeEvent::new(Channel::Api, "X", Duration::ZERO).with_error_codes(&[1, 14]);
        assert_eq!((dirty.error_code.as_str(), dirty.clean), ("1,14", false));
    }

    #[test]
    fn values_are_fitted_to_their_columns() {
        let mut event = DecodeEvent::new(Channel::Web, "1HGCM82633A004352XYZ", Duration::MAX);
        event.make = Some(format!("A\0{}", "B".repeat(200)));
        let row = to_active_model(&event);
        assert_eq!(row.vin.unwrap(), "1HGCM82633A004352");
        assert_eq!(row.make.unwrap().unwrap(), format!("A{}", "B".repeat(99)));
        assert_eq!(row.latency_us.unwrap(), i64::MAX);
    }
}
