//! The aggregate queries behind the stats report, built with sea-query so the same code renders
//! SQLite's and PostgreSQL's SQL. Every query filters on the indexed `day` column.

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::report::{DayCount, ModelCount, NameCount};
use crate::db::DbError;
use crate::db::entities::decode_event::{Column, Entity};

/// `SUM` of a boolean, portable: PostgreSQL has real booleans, SQLite stores 0/1.
const CLEAN_SUM: &str = r#"COALESCE(SUM(CASE WHEN "clean" THEN 1 ELSE 0 END), 0)"#;
const COUNT: &str = "COUNT(*)";

/// The days the report covers, both ends included.
pub(super) struct Window {
    pub(super) since: NaiveDate,
    pub(super) until: NaiveDate,
}

/// A column the report counts by.
#[derive(Clone, Copy)]
pub(super) enum Dimension {
    Make,
    Wmi,
    Channel,
    ErrorCode,
}

impl Dimension {
    fn column(self) -> Column {
        match self {
            Self::Make => Column::Make,
            Self::Wmi => Column::Wmi,
            Self::Channel => Column::Channel,
            Self::ErrorCode => Column::ErrorCode,
        }
    }
}

fn in_window(window: &Window) -> SelectStatement {
    Query::select()
        .from(Entity)
        .and_where(Expr::col(Column::Day).gte(window.since))
        .and_where(Expr::col(Column::Day).lte(window.until))
        .to_owned()
}

fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

#[derive(FromQueryResult)]
struct TotalsRow {
    total: i64,
    clean: i64,
}

/// Decodes and clean decodes in the window.
pub(super) async fn totals(
    db: &impl ConnectionTrait,
    window: &Window,
) -> Result<(u64, u64), DbError> {
    let query = in_window(window)
        .expr_as(Expr::cust(COUNT), "total")
        .expr_as(Expr::cust(CLEAN_SUM), "clean")
        .to_owned();
    let row = TotalsRow::find_by_statement(db.get_database_backend().build(&query))
        .one(db)
        .await?;
    Ok(row.map_or((0, 0), |r| (count(r.total), count(r.clean))))
}

#[derive(FromQueryResult)]
struct DayRow {
    day: NaiveDate,
    total: i64,
    clean: i64,
}

/// Decodes per day that had any, oldest first.
pub(super) async fn per_day(
    db: &impl ConnectionTrait,
    window: &Window,
) -> Result<Vec<DayCount>, DbError> {
    let query = in_window(window)
        .column(Column::Day)
        .expr_as(Expr::cust(COUNT), "total")
        .expr_as(Expr::cust(CLEAN_SUM), "clean")
        .group_by_col(Column::Day)
        .order_by(Column::Day, Order::Asc)
        .to_owned();
    let rows = DayRow::find_by_statement(db.get_database_backend().build(&query))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| DayCount {
            date: r.day,
            total: count(r.total),
            clean: count(r.clean),
        })
        .collect())
}

#[derive(FromQueryResult)]
struct NameRow {
    name: String,
    count: i64,
}

/// The most frequent non-empty values of a column, most first (ties by name).
pub(super) async fn top_names(
    db: &impl ConnectionTrait,
    window: &Window,
    dimension: Dimension,
    limit: u64,
) -> Result<Vec<NameCount>, DbError> {
    let column = dimension.column();
    let query = in_window(window)
        .expr_as(Expr::col(column), "name")
        .expr_as(Expr::cust(COUNT), "count")
        .and_where(Expr::col(column).is_not_null())
        .and_where(Expr::col(column).ne(""))
        .group_by_col(column)
        .order_by_expr(Expr::cust(COUNT), Order::Desc)
        .order_by(column, Order::Asc)
        .limit(limit)
        .to_owned();
    let rows = NameRow::find_by_statement(db.get_database_backend().build(&query))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| NameCount {
            name: r.name,
            count: count(r.count),
        })
        .collect())
}

#[derive(FromQueryResult)]
struct ModelRow {
    make: Option<String>,
    name: String,
    count: i64,
}

/// The most decoded (make, model) pairs, most first.
pub(super) async fn top_models(
    db: &impl ConnectionTrait,
    window: &Window,
    limit: u64,
) -> Result<Vec<ModelCount>, DbError> {
    let query = in_window(window)
        .expr_as(Expr::col(Column::Make), "make")
        .expr_as(Expr::col(Column::Model), "name")
        .expr_as(Expr::cust(COUNT), "count")
        .and_where(Expr::col(Column::Model).is_not_null())
        .and_where(Expr::col(Column::Model).ne(""))
        .group_by_col(Column::Make)
        .group_by_col(Column::Model)
        .order_by_expr(Expr::cust(COUNT), Order::Desc)
        .order_by(Column::Make, Order::Asc)
        .order_by(Column::Model, Order::Asc)
        .limit(limit)
        .to_owned();
    let rows = ModelRow::find_by_statement(db.get_database_backend().build(&query))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| ModelCount {
            name: r.name,
            make: r.make.unwrap_or_default(),
            count: count(r.count),
        })
        .collect())
}

#[derive(FromQueryResult)]
struct LatencyRow {
    latency_us: i64,
}

/// Nearest-rank percentile `p` of the latency over the `total` decodes of the window: the row
/// at rank ⌈p·total⌉ of the ordered latencies, fetched alone with `OFFSET`. 0 when empty.
pub(super) async fn latency_percentile_us(
    db: &impl ConnectionTrait,
    window: &Window,
    total: u64,
    p: f64,
) -> Result<u64, DbError> {
    if total == 0 {
        return Ok(0);
    }
    let offset = nearest_rank(total, p) - 1;
    let query = in_window(window)
        .column(Column::LatencyUs)
        .order_by(Column::LatencyUs, Order::Asc)
        .limit(1)
        .offset(offset)
        .to_owned();
    let row = LatencyRow::find_by_statement(db.get_database_backend().build(&query))
        .one(db)
        .await?;
    // Rows are only ever added, so the rank exists; `None` would only mean an empty table.
    Ok(row.map_or(0, |r| count(r.latency_us)))
}

/// 1-based rank of the nearest-rank percentile.
fn nearest_rank(total: u64, p: f64) -> u64 {
    ((p * total as f64).ceil() as u64).clamp(1, total)
}

#[cfg(test)]
mod tests {
    use super::nearest_rank;

    #[test]
    fn nearest_rank_follows_the_definition() {
        assert_eq!(nearest_rank(1, 0.5), 1);
        assert_eq!(nearest_rank(100, 0.5), 50);
        assert_eq!(nearest_rank(100, 0.95), 95);
        assert_eq!(nearest_rank(101, 0.95), 96);
        assert_eq!(nearest_rank(4, 0.5), 2);
    }
}
