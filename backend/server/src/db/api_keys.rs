//! API keys: stored as a public prefix plus the SHA-256 digest of the whole key. Generating keys
//! and checking a presented key against the digest belong to the auth layer; this module only
//! stores and finds them.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    sea_query::Expr,
};
use uuid::Uuid;

use super::DbError;
use super::entities::api_key;

/// A key to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewApiKey {
    /// Public, unique prefix (shown in listings, used to find the key).
    pub prefix: String,
    /// Lower-case hex SHA-256 of the whole key.
    pub hash: String,
    /// Operator-chosen label.
    pub name: String,
    /// Scopes; each non-empty, without commas or whitespace.
    pub scopes: Vec<String>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// A stored key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKey {
    /// Key id.
    pub id: Uuid,
    /// Public prefix.
    pub prefix: String,
    /// Lower-case hex SHA-256 of the whole key.
    pub hash: String,
    /// Label.
    pub name: String,
    /// Scopes.
    pub scopes: Vec<String>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last successful use.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Revocation time; a revoked key never authenticates.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiKey {
    /// True unless revoked.
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

impl From<api_key::Model> for ApiKey {
    fn from(row: api_key::Model) -> Self {
        Self {
            id: row.id,
            prefix: row.prefix,
            hash: row.hash,
            name: row.name,
            scopes: row
                .scopes
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        }
    }
}

/// Stores a new key with a fresh id. Fails on a duplicate prefix (unique index).
pub async fn insert_api_key(db: &impl ConnectionTrait, key: NewApiKey) -> Result<ApiKey, DbError> {
    if let Some(bad) = key
        .scopes
        .iter()
        .find(|s| s.is_empty() || s.contains(|c: char| c == ',' || c.is_whitespace()))
    {
        return Err(DbError::InvalidScope(bad.clone()));
    }
    let row = api_key::Model {
        id: Uuid::now_v7(),
        prefix: key.prefix,
        hash: key.hash,
        name: key.name,
        scopes: key.scopes.join(","),
        created_at: key.created_at,
        last_used_at: None,
        revoked_at: None,
    };
    let active = api_key::ActiveModel {
        id: Set(row.id),
        prefix: Set(row.prefix.clone()),
        hash: Set(row.hash.clone()),
        name: Set(row.name.clone()),
        scopes: Set(row.scopes.clone()),
        created_at: Set(row.created_at),
        last_used_at: Set(None),
        revoked_at: Set(None),
    };
    api_key::Entity::insert(active)
        .exec_without_returning(db)
        .await?;
    Ok(row.into())
}

/// The key with this prefix, revoked or not (check [`ApiKey::is_active`]).
pub async fn find_api_key_by_prefix(
    db: &impl ConnectionTrait,
    prefix: &str,
) -> Result<Option<ApiKey>, DbError> {
    let row = api_key::Entity::find()
        .filter(api_key::Column::Prefix.eq(prefix))
        .one(db)
        .await?;
    Ok(row.map(ApiKey::from))
}

/// Every key, oldest first.
pub async fn list_api_keys(db: &impl ConnectionTrait) -> Result<Vec<ApiKey>, DbError> {
    let rows = api_key::Entity::find()
        .order_by_asc(api_key::Column::CreatedAt)
        .order_by_asc(api_key::Column::Id)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(ApiKey::from).collect())
}

/// Revokes the key. Returns `true` if it was active, `false` if unknown or already revoked.
pub async fn revoke_api_key(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let result = api_key::Entity::update_many()
        .col_expr(api_key::Column::RevokedAt, Expr::value(now))
        .filter(api_key::Column::Id.eq(id))
        .filter(api_key::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records a successful use of the key.
pub async fn touch_api_key(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    api_key::Entity::update_many()
        .col_expr(api_key::Column::LastUsedAt, Expr::value(now))
        .filter(api_key::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
