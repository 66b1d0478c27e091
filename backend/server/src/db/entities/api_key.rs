//! An API key (table `api_keys`); only the SHA-256 digest of the secret is stored.

use sea_orm::entity::prelude::*;

/// One row of `api_keys`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    /// Key id (UUIDv7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Public, unique prefix of the key; finds the row.
    #[sea_orm(unique)]
    pub prefix: String,
    /// Lower-case hex SHA-256 of the whole key.
    pub hash: String,
    /// Operator-chosen label.
    pub name: String,
    /// Comma-separated scopes.
    pub scopes: String,
    /// When the key was created.
    pub created_at: DateTimeUtc,
    /// Last successful use.
    pub last_used_at: Option<DateTimeUtc>,
    /// When the key was revoked; revoked keys never authenticate.
    pub revoked_at: Option<DateTimeUtc>,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
