//! Sign-in with Telegram and sessions (docs/AUTH.md): the Login Widget payload is checked
//! ([`telegram_login`]), a session opens with a 15-minute access JWT and a rotating refresh
//! token ([`tokens`], [`sessions`]); [`caller`] tells who a request comes from (a signed-in user,
//! an admin user, an admin API key). Time comes from an injected [`clock::Clock`].
//!
//! This module knows no HTTP framework beyond reading headers: the routes live in
//! `api::v1::auth` and `api::v1::me`.

pub mod caller;
pub mod clock;
pub mod cookie;
pub mod sessions;
pub mod telegram_login;
pub mod tokens;

use std::{collections::BTreeMap, collections::HashSet, num::NonZeroU32, sync::Arc};

use chrono::Duration;
use sea_orm::DatabaseConnection;

use crate::{
    apikeys::ApiKeyStore,
    config::{AppEnv, Settings},
    db::{self, DbError},
    ratelimit::local::LocalLimiter,
};
pub use caller::{Admin, SessionUser};
pub use clock::{Clock, ManualClock, SystemClock};
pub use cookie::CookiePolicy;
pub use sessions::Issued;
use telegram_login::{LoginError, LoginVerifier};
use tokens::{AccessKeys, TokenError};

/// How long an expired or revoked session and its refresh tokens are kept before a sign-in removes them.
const ENDED_SESSIONS_KEPT: Duration = Duration::days(1);
/// Most clients the sign-in limiter tracks.
const MAX_SIGNIN_CLIENTS: usize = 100_000;

/// Why a request was not authenticated or not allowed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The Telegram payload was refused.
    #[error(transparent)]
    Login(#[from] LoginError),
    /// No credentials were sent.
    #[error("sign in first: no access token was sent")]
    Missing,
    /// The access token is invalid or expired.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// The access token's session was revoked, expired or erased.
    #[error("the session has ended")]
    SessionEnded,
    /// The refresh token is unknown.
    #[error("the refresh token is invalid")]
    RefreshInvalid,
    /// The refresh token has expired.
    #[error("the refresh token has expired")]
    RefreshExpired,
    /// A spent refresh token was presented again; its session is now revoked.
    #[error("the refresh token was already used; the session is revoked")]
    RefreshReused,
    /// The API key is invalid or revoked.
    #[error("the API key is invalid or revoked")]
    BadApiKey,
    /// Authenticated, but not an admin.
    #[error("this needs an admin")]
    Forbidden,
    /// Too many sign-in attempts from this client.
    #[error("too many sign-in attempts")]
    RateLimited {
        /// Seconds until an attempt would be allowed.
        retry_after: u64,
        /// The quota per minute.
        limit: u32,
    },
    /// Sign-in with Telegram is not configured on this instance.
    #[error("sign-in with Telegram is not configured")]
    SignInOff,
    /// The database could not be asked.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Sign-in, sessions and access control of a running service (shared behind an `Arc`).
pub struct Auth {
    db: DatabaseConnection,
    keys: AccessKeys,
    clock: Arc<dyn Clock>,
    login: Option<LoginVerifier>,
    bot_username: Option<String>,
    admins: HashSet<i64>,
    stats_public: bool,
    cookie: CookiePolicy,
    signin_limiter: LocalLimiter,
    signin_limit: u32,
    api_keys: ApiKeyStore,
    trust_fly_client_ip: bool,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("sign_in", &self.login.is_some())
            .field("admins", &self.admins.len())
            .field("stats_public", &self.stats_public)
            .finish_non_exhaustive()
    }
}

impl Auth {
    /// Auth over the history database, reading time from `clock`.
    pub fn new(settings: &Settings, db: DatabaseConnection, clock: Arc<dyn Clock>) -> Self {
        let login = settings
            .telegram
            .as_ref()
            .filter(|_| settings.auth.telegram_bot_username.is_some())
            .map(|t| LoginVerifier::new(&t.bot_token));
        let limit = NonZeroU32::new(settings.auth.signin_per_minute).unwrap_or(NonZeroU32::MIN);
        Self {
            api_keys: ApiKeyStore::new(db.clone(), settings.api_key_cache_ttl),
            db,
            keys: AccessKeys::new(&settings.dashboard_secret_key),
            clock,
            login,
            bot_username: settings.auth.telegram_bot_username.clone(),
            admins: settings.auth.admin_telegram_ids.iter().copied().collect(),
            stats_public: settings.auth.stats_public,
            cookie: CookiePolicy::for_env(settings.app_env == AppEnv::Production),
            signin_limiter: LocalLimiter::new(limit, MAX_SIGNIN_CLIENTS),
            signin_limit: limit.get(),
            trust_fly_client_ip: settings.trust_fly_client_ip,
        }
    }

    /// The current time of the auth clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// The bot the page's Login Widget names, when sign-in is on.
    pub fn sign_in_bot(&self) -> Option<&str> {
        self.login.as_ref().and(self.bot_username.as_deref())
    }

    /// How the refresh-token cookie is written.
    pub fn cookie(&self) -> &CookiePolicy {
        &self.cookie
    }

    /// True for users listed in `ADMIN_TELEGRAM_IDS`.
    pub fn is_admin(&self, user_id: i64) -> bool {
        self.admins.contains(&user_id)
    }

    /// Whether statistics are readable without an admin (`STATS_PUBLIC`).
    pub fn stats_public(&self) -> bool {
        self.stats_public
    }

    /// The database the auth tables live in.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Signs in with a Login Widget payload: checks it, refuses a replay, stores the user and
    /// opens a session. `client` is the rate-limit key of the caller.
    pub async fn sign_in(
        &self,
        fields: &BTreeMap<String, String>,
        client: &str,
    ) -> Result<Issued, AuthError> {
        let decision = self.signin_limiter.check(client, NonZeroU32::MIN);
        if !decision.allowed {
            return Err(AuthError::RateLimited {
                retry_after: decision.retry_after.as_secs().max(1),
                limit: self.signin_limit,
            });
        }
        let verifier = self.login.as_ref().ok_or(AuthError::SignInOff)?;
        let now = self.clock.now();
        let identity = verifier.verify(fields, now)?;
        if !db::claim_telegram_login(&self.db, &identity.hash, identity.auth_date, now).await? {
            return Err(LoginError::Replayed.into());
        }
        let cutoff = now - telegram_login::MAX_AGE - Duration::hours(1);
        if let Err(error) = db::prune_telegram_logins(&self.db, cutoff).await {
            tracing::warn!(%error, "cannot prune used sign-in payloads");
        }
        // Sign-ins are rare and already write: they also sweep sessions that ended a while ago.
        if let Err(error) =
            db::prune_sessions_ended_before(&self.db, now - ENDED_SESSIONS_KEPT).await
        {
            tracing::warn!(%error, "cannot prune ended sessions");
        }
        db::record_sign_in(&self.db, identity.id, &identity.name, now).await?;
        sessions::open(&self.db, &self.keys, identity.id, now).await
    }

    /// Rotates a refresh token.
    pub async fn refresh(&self, presented: &str) -> Result<Issued, AuthError> {
        sessions::refresh(&self.db, &self.keys, presented, self.clock.now()).await
    }

    /// Signs out the session of a refresh token.
    pub async fn sign_out(&self, presented: &str) -> Result<(), AuthError> {
        sessions::close_by_refresh_token(&self.db, presented, self.clock.now()).await
    }
}
