//! A sign-in session of the web page (table `auth_sessions`): one refresh-token family.

use sea_orm::entity::prelude::*;

/// One row of `auth_sessions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "auth_sessions")]
pub struct Model {
    /// Session id (UUIDv7); also the `sid` claim of its access tokens.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Telegram user id of the signed-in user.
    pub user_id: i64,
    /// Sign-in time.
    pub created_at: DateTimeUtc,
    /// Absolute end of the session.
    pub expires_at: DateTimeUtc,
    /// When it was revoked (logout, refresh-token reuse, erasure).
    pub revoked_at: Option<DateTimeUtc>,
    /// Why it was revoked.
    pub revoked_reason: Option<String>,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
