//! `/api/v1/me/history`: the caller's own decodes (page and bot), newest first in keyset pages,
//! with filters; deleting one or all; a CSV export. Entries are the decode events recorded with
//! the caller's user id, which keep the whole VIN.

use chrono::{DateTime, SecondsFormat, Utc};
use poem::{Body, Request, web::Data};
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};
use uuid::Uuid;

use super::{
    access::{auth_of, signed_in},
    batch_stream::{Csv, csv_field},
    me::db_unavailable,
};
use crate::{
    api::{ApiTags, error::ApiError},
    db::{self, HistoryCursor, HistoryEntry, HistoryFilter},
    state::AppState,
};

/// Default page size.
const DEFAULT_LIMIT: u32 = 20;
/// Most entries an export holds (the newest).
const EXPORT_MAX: usize = 10_000;
/// Entries read per query while exporting.
const EXPORT_PAGE: u64 = 500;

/// The history routes.
pub struct MeHistoryApi;

/// One decode of yours.
#[derive(Debug, Object)]
pub struct HistoryItem {
    /// Entry id (for deleting it).
    pub id: Uuid,
    /// When you decoded it, RFC 3339 UTC.
    pub occurred_at: String,
    /// Where: `web`, `api` or `telegram`.
    pub channel: String,
    /// The VIN as decoded.
    pub vin: String,
    /// Decoded make.
    #[oai(nullable)]
    pub make: Option<String>,
    /// Decoded model.
    #[oai(nullable)]
    pub model: Option<String>,
    /// Decoded model year.
    #[oai(nullable)]
    pub model_year: Option<i32>,
    /// vPIC error codes, e.g. `0` or `1,14`.
    pub error_code: String,
}

/// A page of history.
#[derive(Debug, Object)]
pub struct HistoryPage {
    /// Entries, newest first.
    pub items: Vec<HistoryItem>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// How many entries were deleted.
#[derive(Debug, Object)]
pub struct Deleted {
    /// Entries removed from your history.
    pub deleted: u64,
}

/// A history page.
#[derive(ApiResponse)]
pub enum HistoryResponse {
    /// Your decodes.
    #[oai(status = 200)]
    Ok(Json<HistoryPage>),
}

/// Deleted entries.
#[derive(ApiResponse)]
pub enum DeleteAllResponse {
    /// Your history is empty now.
    #[oai(status = 200)]
    Ok(Json<Deleted>),
}

/// One entry deleted.
#[derive(ApiResponse)]
pub enum DeleteOneResponse {
    /// Gone.
    #[oai(status = 204)]
    Done,
}

/// The export.
#[derive(ApiResponse)]
pub enum ExportResponse {
    /// `occurred_at,channel,vin,make,model,model_year,error_code`, newest first.
    #[oai(status = 200)]
    Ok(
        Csv,
        /// `attachment; filename="vinbot-history.csv"`.
        #[oai(header = "Content-Disposition")]
        String,
    ),
}

#[OpenApi(prefix_path = "/api/v1/me", tag = "ApiTags::Account")]
impl MeHistoryApi {
    /// My decode history
    ///
    /// Your decodes on the page (while signed in) and in the bot, newest first. Keyset pages:
    /// pass `next_cursor` back as `cursor`. Filters combine.
    #[oai(path = "/history", method = "get", operation_id = "list_my_history")]
    #[expect(
        clippy::too_many_arguments,
        reason = "one argument per documented query parameter"
    )]
    async fn list(
        &self,
        state: Data<&AppState>,
        req: &Request,
        /// Page size (1-100, default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
        /// `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
        /// Only this make (case-insensitive).
        #[oai(validator(max_length = 100))]
        make: Query<Option<String>>,
        /// Only this model year.
        #[oai(validator(minimum(value = "1900"), maximum(value = "2100")))]
        year: Query<Option<i32>>,
        /// Only VINs starting with this (1-17 VIN characters).
        vin_prefix: Query<Option<String>>,
    ) -> Result<HistoryResponse, ApiError> {
        let user = signed_in(&state, req).await?;
        let filter = filter(make.0, year.0, vin_prefix.0)?;
        let after = cursor.0.as_deref().map(parse_cursor).transpose()?;
        let limit = u64::from(limit.0.unwrap_or(DEFAULT_LIMIT));
        // One more than asked tells whether there is a next page.
        let mut rows = db::user_history(
            auth_of(&state)?.db(),
            user.user_id,
            &filter,
            after,
            limit + 1,
        )
        .await
        .map_err(|e| db_unavailable(&e))?;
        let more = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = more
            .then(|| rows.last().map(|r| format_cursor(HistoryCursor::after(r))))
            .flatten();
        Ok(HistoryResponse::Ok(Json(HistoryPage {
            items: rows.iter().map(item).collect(),
            next_cursor,
        })))
    }

    /// Delete one entry of my history
    ///
    /// 404 when the entry is not yours (or does not exist).
    #[oai(
        path = "/history/:id",
        method = "delete",
        operation_id = "delete_my_history_entry"
    )]
    async fn delete_one(
        &self,
        state: Data<&AppState>,
        req: &Request,
        /// Entry id.
        id: Path<Uuid>,
    ) -> Result<DeleteOneResponse, ApiError> {
        let user = signed_in(&state, req).await?;
        let found = db::forget_decode(auth_of(&state)?.db(), user.user_id, id.0)
            .await
            .map_err(|e| db_unavailable(&e))?;
        if found {
            Ok(DeleteOneResponse::Done)
        } else {
            Err(ApiError::not_found("No such entry in your history."))
        }
    }

    /// Delete my whole history
    #[oai(
        path = "/history",
        method = "delete",
        operation_id = "delete_my_history"
    )]
    async fn delete_all(
        &self,
        state: Data<&AppState>,
        req: &Request,
    ) -> Result<DeleteAllResponse, ApiError> {
        let user = signed_in(&state, req).await?;
        let deleted = db::forget_decodes(auth_of(&state)?.db(), user.user_id)
            .await
            .map_err(|e| db_unavailable(&e))?;
        Ok(DeleteAllResponse::Ok(Json(Deleted { deleted })))
    }

    /// Export my history as CSV
    ///
    /// Your newest 10,000 entries (with the same filters as the listing).
    #[oai(
        path = "/history/export",
        method = "get",
        operation_id = "export_my_history"
    )]
    async fn export(
        &self,
        state: Data<&AppState>,
        req: &Request,
        /// Only this make (case-insensitive).
        #[oai(validator(max_length = 100))]
        make: Query<Option<String>>,
        /// Only this model year.
        #[oai(validator(minimum(value = "1900"), maximum(value = "2100")))]
        year: Query<Option<i32>>,
        /// Only VINs starting with this.
        vin_prefix: Query<Option<String>>,
    ) -> Result<ExportResponse, ApiError> {
        let user = signed_in(&state, req).await?;
        let filter = filter(make.0, year.0, vin_prefix.0)?;
        let db = auth_of(&state)?.db();
        let mut out = String::from("occurred_at,channel,vin,make,model,model_year,error_code\r\n");
        let mut after = None;
        let mut written = 0;
        while written < EXPORT_MAX {
            let rows = db::user_history(db, user.user_id, &filter, after, EXPORT_PAGE)
                .await
                .map_err(|e| db_unavailable(&e))?;
            for row in rows.iter().take(EXPORT_MAX - written) {
                csv_row(&mut out, row);
                written += 1;
            }
            match rows.last() {
                Some(last) if rows.len() as u64 == EXPORT_PAGE => {
                    after = Some(HistoryCursor::after(last))
                }
                _ => break,
            }
        }
        Ok(ExportResponse::Ok(
            Csv(Body::from_string(out)),
            "attachment; filename=\"vinbot-history.csv\"".to_owned(),
        ))
    }
}

fn item(row: &HistoryEntry) -> HistoryItem {
    HistoryItem {
        id: row.id,
        occurred_at: timestamp(row.occurred_at),
        channel: row.channel.clone(),
        vin: row.vin.clone(),
        make: row.make.clone(),
        model: row.model.clone(),
        model_year: row.model_year,
        error_code: row.error_code.clone(),
    }
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn csv_row(out: &mut String, row: &HistoryEntry) {
    let year = row.model_year.map(|y| y.to_string()).unwrap_or_default();
    let fields = [
        timestamp(row.occurred_at),
        row.channel.clone(),
        row.vin.clone(),
        defuse(row.make.as_deref().unwrap_or("")),
        defuse(row.model.as_deref().unwrap_or("")),
        year,
        row.error_code.clone(),
    ];
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(out, f);
    }
    out.push_str("\r\n");
}

/// Spreadsheets run cells starting with `=`, `+`, `-` or `@` as formulas.
fn defuse(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

fn filter(
    make: Option<String>,
    year: Option<i32>,
    vin_prefix: Option<String>,
) -> Result<HistoryFilter, ApiError> {
    let vin_prefix = match vin_prefix {
        None => None,
        Some(raw) => {
            let prefix = vinbot_decoder::vin::normalize(&raw);
            let ok = (1..=17).contains(&prefix.len())
                && prefix
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
            if !ok {
                return Err(ApiError::invalid_request(
                    "vin_prefix: expected 1 to 17 VIN characters (A-Z, 0-9).",
                ));
            }
            Some(prefix)
        }
    };
    Ok(HistoryFilter {
        make: make.map(|m| m.trim().to_owned()).filter(|m| !m.is_empty()),
        model_year: year,
        vin_prefix,
    })
}

/// `<unix micros>_<uuid>`: opaque to clients.
fn format_cursor(c: HistoryCursor) -> String {
    format!("{}_{}", c.occurred_at.timestamp_micros(), c.id.simple())
}

fn parse_cursor(raw: &str) -> Result<HistoryCursor, ApiError> {
    let bad = || ApiError::invalid_request("cursor: not a cursor this API gave out.");
    let (micros, id) = raw.split_once('_').ok_or_else(bad)?;
    let occurred_at = micros
        .parse::<i64>()
        .ok()
        .and_then(DateTime::from_timestamp_micros)
        .ok_or_else(bad)?;
    let id = Uuid::parse_str(id).map_err(|_| bad())?;
    Ok(HistoryCursor { occurred_at, id })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_junk_is_refused() {
        let c = HistoryCursor {
            occurred_at: DateTime::from_timestamp_micros(1_764_000_000_123_456).unwrap(),
            id: Uuid::now_v7(),
        };
        assert_eq!(parse_cursor(&format_cursor(c)).unwrap(), c);
        assert!(parse_cursor("nope").is_err());
        assert!(parse_cursor("12_zz").is_err());
    }

    #[test]
    fn prefixes_are_normalised_and_checked() {
        let f = filter(None, None, Some("1hg-cm".into())).unwrap();
        assert_eq!(f.vin_prefix.as_deref(), Some("1HGCM"));
        assert!(filter(None, None, Some("1HG%".into())).is_err());
        assert!(filter(None, None, Some("".into())).is_err());
    }
}
