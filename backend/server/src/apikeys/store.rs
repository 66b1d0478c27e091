//! Verifying presented keys for requests. A verdict (good or bad) is cached for a short TTL so
//! a busy client costs one database lookup per TTL, not one per request; a revocation therefore
//! takes effect within the TTL on every instance. The last-used time is written behind the
//! request, at most once per `touch_every` per key.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::format::{self, Scope};
use crate::db::{self, DbError};

/// Most cached verdicts; the cache is emptied when full (bounded memory under key spraying).
const MAX_CACHED: usize = 10_000;

/// A key that authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Key id (the rate-limit bucket).
    pub id: Uuid,
    /// Public prefix (safe to log).
    pub prefix: String,
    /// Scopes it carries.
    pub scopes: Vec<Scope>,
}

impl Verified {
    /// True when the key may use routes that need `scope` (`admin` implies `decode`).
    pub fn allows(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope) || self.scopes.contains(&Scope::Admin)
    }
}

/// Why a key did not authenticate.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// Malformed, unknown, wrong or revoked (one answer for all, so callers learn nothing).
    #[error("invalid or revoked API key")]
    Invalid,
    /// The database could not be asked.
    #[error("cannot verify the API key: {0}")]
    Unavailable(#[from] DbError),
}

#[derive(Clone)]
enum Verdict {
    Good(Verified),
    Bad,
}

/// Verifies keys against the `api_keys` table (cheap to clone).
#[derive(Clone)]
pub struct ApiKeyStore {
    inner: Arc<Inner>,
}

struct Inner {
    db: DatabaseConnection,
    ttl: Duration,
    touch_every: Duration,
    cache: Mutex<HashMap<[u8; 32], (Instant, Verdict)>>,
    touched: Mutex<HashMap<Uuid, Instant>>,
}

impl ApiKeyStore {
    /// A store over `db`; verdicts are cached for `ttl` (zero disables the cache).
    pub fn new(db: DatabaseConnection, ttl: Duration) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                ttl,
                touch_every: Duration::from_secs(60),
                cache: Mutex::new(HashMap::new()),
                touched: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Checks a presented `X-API-Key` value.
    pub async fn verify(&self, presented: &str) -> Result<Verified, VerifyError> {
        let Some(prefix) = format::parse(presented) else {
            return Err(VerifyError::Invalid);
        };
        let digest = format::digest(presented);
        if let Some(verdict) = self.cached(&digest) {
            return self.conclude(verdict);
        }
        let verdict = match db::find_api_key_by_prefix(&self.inner.db, prefix).await? {
            Some(row) if row.is_active() && format::matches(presented, &row.hash) => {
                Verdict::Good(Verified {
                    id: row.id,
                    prefix: row.prefix.clone(),
                    scopes: row.scopes.iter().filter_map(|s| Scope::parse(s)).collect(),
                })
            }
            _ => Verdict::Bad,
        };
        self.remember(digest, verdict.clone());
        self.conclude(verdict)
    }

    fn conclude(&self, verdict: Verdict) -> Result<Verified, VerifyError> {
        match verdict {
            Verdict::Good(v) => {
                self.touch_later(v.id);
                Ok(v)
            }
            Verdict::Bad => Err(VerifyError::Invalid),
        }
    }

    fn cached(&self, digest: &[u8; 32]) -> Option<Verdict> {
        if self.inner.ttl.is_zero() {
            return None;
        }
        let cache = self.inner.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache
            .get(digest)
            .filter(|(at, _)| at.elapsed() < self.inner.ttl)
            .map(|(_, v)| v.clone())
    }

    fn remember(&self, digest: [u8; 32], verdict: Verdict) {
        if self.inner.ttl.is_zero() {
            return;
        }
        let mut cache = self.inner.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= MAX_CACHED {
            cache.clear();
        }
        cache.insert(digest, (Instant::now(), verdict));
    }

    /// Writes `last_used_at` behind the request, at most once per `touch_every` per key.
    fn touch_later(&self, id: Uuid) {
        {
            let mut touched = self.inner.touched.lock().unwrap_or_else(|p| p.into_inner());
            if touched
                .get(&id)
                .is_some_and(|at| at.elapsed() < self.inner.touch_every)
            {
                return;
            }
            if touched.len() >= MAX_CACHED {
                touched.clear();
            }
            touched.insert(id, Instant::now());
        }
        let inner = self.inner.clone();
        tokio::spawn(async move {
            if let Err(e) = db::touch_api_key(&inner.db, id, chrono::Utc::now()).await {
                tracing::warn!(error = %e, "cannot record the API key's last use");
            }
        });
    }
}
