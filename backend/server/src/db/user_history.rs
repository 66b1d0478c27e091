//! A user's own decode history: the decode events carrying their user id, newest first, in
//! keyset pages. Deleting an entry anonymises it (user id removed, VIN cut to
//! [`PRIVATE_VIN_LEN`] characters): it stops being anyone's, while the statistics, which count
//! decodes served, stay true.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, Func},
};
use uuid::Uuid;

use super::DbError;
use super::entities::decode_event;
use super::events::PRIVATE_VIN_LEN;

/// One decode of a user's history.
pub type HistoryEntry = decode_event::Model;

/// Filters of a history listing; all optional, combined with AND.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryFilter {
    /// Make, compared case-insensitively.
    pub make: Option<String>,
    /// Model year.
    pub model_year: Option<i32>,
    /// VIN prefix: upper-case VIN characters only (no SQL wildcard can get in).
    pub vin_prefix: Option<String>,
}

/// Where a page starts: strictly after this entry in newest-first order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HistoryCursor {
    /// `occurred_at` of the last entry of the previous page.
    pub occurred_at: DateTime<Utc>,
    /// Its id (ties on the time).
    pub id: Uuid,
}

impl HistoryCursor {
    /// The cursor after `entry`.
    pub fn after(entry: &HistoryEntry) -> Self {
        Self {
            occurred_at: entry.occurred_at,
            id: entry.id,
        }
    }
}

fn owned_by(user_id: i64) -> Condition {
    Condition::all().add(decode_event::Column::UserId.eq(user_id))
}

/// Up to `limit` entries of `user_id`'s history, newest first, after `cursor`.
pub async fn user_history(
    db: &impl ConnectionTrait,
    user_id: i64,
    filter: &HistoryFilter,
    cursor: Option<HistoryCursor>,
    limit: u64,
) -> Result<Vec<HistoryEntry>, DbError> {
    let mut cond = owned_by(user_id);
    if let Some(make) = &filter.make {
        cond = cond.add(
            Expr::expr(Func::upper(Expr::col(decode_event::Column::Make))).eq(make.to_uppercase()),
        );
    }
    if let Some(year) = filter.model_year {
        cond = cond.add(decode_event::Column::ModelYear.eq(year));
    }
    if let Some(prefix) = &filter.vin_prefix
        && prefix
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        cond = cond.add(decode_event::Column::Vin.starts_with(prefix));
    }
    if let Some(c) = cursor {
        cond = cond.add(
            Condition::any()
                .add(decode_event::Column::OccurredAt.lt(c.occurred_at))
                .add(
                    Condition::all()
                        .add(decode_event::Column::OccurredAt.eq(c.occurred_at))
                        .add(decode_event::Column::Id.lt(c.id)),
                ),
        );
    }
    Ok(decode_event::Entity::find()
        .filter(cond)
        .order_by_desc(decode_event::Column::OccurredAt)
        .order_by_desc(decode_event::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Anonymises one entry of `user_id`'s history. Returns `false` when no such entry is theirs.
pub async fn forget_decode(
    db: &impl ConnectionTrait,
    user_id: i64,
    id: Uuid,
) -> Result<bool, DbError> {
    let result = anonymise(owned_by(user_id).add(decode_event::Column::Id.eq(id)), db).await?;
    Ok(result == 1)
}

/// Anonymises every entry of `user_id`'s history. Returns how many there were.
pub async fn forget_decodes(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbError> {
    anonymise(owned_by(user_id), db).await
}

async fn anonymise(cond: Condition, db: &impl ConnectionTrait) -> Result<u64, DbError> {
    let result = decode_event::Entity::update_many()
        .col_expr(
            decode_event::Column::UserId,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(
            decode_event::Column::Vin,
            Expr::cust(format!("SUBSTR(vin, 1, {PRIVATE_VIN_LEN})")),
        )
        .filter(cond)
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
