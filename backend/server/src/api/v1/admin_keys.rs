//! `/api/v1/admin/api-keys`: create, list and revoke API keys over HTTP, the twins of
//! `vinbot apikey create|list|revoke`. Admins only: a user in `ADMIN_TELEGRAM_IDS` or an
//! `X-API-Key` with the `admin` scope.

use chrono::{DateTime, SecondsFormat, Utc};
use poem::{Request, web::Data};
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, param::Path, payload::Json};
use uuid::Uuid;

use super::{
    access::{admin, auth_of},
    me::db_unavailable,
};
use crate::{
    api::{ApiTags, error::ApiError},
    apikeys::{self, Scope},
    db::{self, ApiKey},
    state::AppState,
};

/// The API-key routes.
pub struct AdminKeysApi;

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum KeyScope {
    /// Decode routes with the key tier's quota.
    Decode,
    /// Operator routes too (statistics, API keys); includes `decode`.
    Admin,
}

/// A key to create.
#[derive(Debug, Object)]
pub struct NewKey {
    /// A label: who or what uses the key (1-200 characters).
    #[oai(validator(min_length = 1, max_length = 200))]
    pub name: String,
    /// Scope (default `decode`).
    #[oai(nullable)]
    pub scope: Option<KeyScope>,
}

/// A stored key (never its secret).
#[derive(Debug, Object)]
pub struct KeyInfo {
    /// Key id.
    pub id: Uuid,
    /// Public prefix (`vb_` + 8 characters).
    pub prefix: String,
    /// Label.
    pub name: String,
    /// Scopes.
    pub scopes: Vec<String>,
    /// Creation time, RFC 3339 UTC.
    pub created_at: String,
    /// Last use, RFC 3339 UTC (updated at most once a minute).
    #[oai(nullable)]
    pub last_used_at: Option<String>,
    /// Revocation time, RFC 3339 UTC.
    #[oai(nullable)]
    pub revoked_at: Option<String>,
}

/// A created key, with its secret shown this once.
#[derive(Debug, Object)]
pub struct CreatedKey {
    /// The whole key: send it as `X-API-Key`. Only its digest is stored; it cannot be shown again.
    pub key: String,
    /// The stored key.
    pub info: KeyInfo,
}

/// Every key.
#[derive(Debug, Object)]
pub struct KeyList {
    /// Oldest first.
    pub items: Vec<KeyInfo>,
}

/// Created.
#[derive(ApiResponse)]
pub enum CreateResponse {
    /// The key (shown once).
    #[oai(status = 201)]
    Created(Json<CreatedKey>),
}

/// Listed.
#[derive(ApiResponse)]
pub enum ListResponse {
    /// The keys.
    #[oai(status = 200)]
    Ok(Json<KeyList>),
}

/// Revoked.
#[derive(ApiResponse)]
pub enum RevokeResponse {
    /// Refused everywhere within `API_KEY_CACHE_SECONDS`.
    #[oai(status = 204)]
    Done,
}

#[OpenApi(prefix_path = "/api/v1/admin", tag = "ApiTags::Admin")]
impl AdminKeysApi {
    /// Create an API key
    ///
    /// The key is in the answer once; only its SHA-256 digest is stored. Admins only.
    #[oai(path = "/api-keys", method = "post", operation_id = "create_api_key")]
    async fn create(
        &self,
        state: Data<&AppState>,
        req: &Request,
        body: Json<NewKey>,
    ) -> Result<CreateResponse, ApiError> {
        admin(&state, req).await?;
        let scope = match body.scope.unwrap_or(KeyScope::Decode) {
            KeyScope::Decode => Scope::Decode,
            KeyScope::Admin => Scope::Admin,
        };
        let generated = apikeys::generate();
        let stored = db::insert_api_key(
            auth_of(&state)?.db(),
            db::NewApiKey {
                prefix: generated.prefix.clone(),
                hash: generated.hash,
                name: body.name.trim().to_owned(),
                scopes: vec![scope.as_str().to_owned()],
                created_at: Utc::now(),
            },
        )
        .await
        .map_err(|e| db_unavailable(&e))?;
        Ok(CreateResponse::Created(Json(CreatedKey {
            key: generated.key,
            info: info(&stored),
        })))
    }

    /// List API keys
    ///
    /// Every key with its prefix, name, scopes and times; never the secrets. Admins only.
    #[oai(path = "/api-keys", method = "get", operation_id = "list_api_keys")]
    async fn list(&self, state: Data<&AppState>, req: &Request) -> Result<ListResponse, ApiError> {
        admin(&state, req).await?;
        let keys = db::list_api_keys(auth_of(&state)?.db())
            .await
            .map_err(|e| db_unavailable(&e))?;
        Ok(ListResponse::Ok(Json(KeyList {
            items: keys.iter().map(info).collect(),
        })))
    }

    /// Revoke an API key
    ///
    /// By id or public prefix. 404 when unknown or already revoked. Admins only.
    #[oai(
        path = "/api-keys/:key",
        method = "delete",
        operation_id = "revoke_api_key"
    )]
    async fn revoke(
        &self,
        state: Data<&AppState>,
        req: &Request,
        /// Key id (UUID) or prefix (`vb_xxxxxxxx`).
        key: Path<String>,
    ) -> Result<RevokeResponse, ApiError> {
        admin(&state, req).await?;
        let db = auth_of(&state)?.db();
        let not_found = || ApiError::not_found("No active API key with this id or prefix.");
        let id = match Uuid::parse_str(&key) {
            Ok(id) => id,
            Err(_) => {
                let prefix = apikeys::parse(&key).unwrap_or(&key);
                db::find_api_key_by_prefix(db, prefix)
                    .await
                    .map_err(|e| db_unavailable(&e))?
                    .ok_or_else(not_found)?
                    .id
            }
        };
        if db::revoke_api_key(db, id, Utc::now())
            .await
            .map_err(|e| db_unavailable(&e))?
        {
            Ok(RevokeResponse::Done)
        } else {
            Err(not_found())
        }
    }
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn info(k: &ApiKey) -> KeyInfo {
    KeyInfo {
        id: k.id,
        prefix: k.prefix.clone(),
        name: k.name.clone(),
        scopes: k.scopes.clone(),
        created_at: time(k.created_at),
        last_used_at: k.last_used_at.map(time),
        revoked_at: k.revoked_at.map(time),
    }
}
