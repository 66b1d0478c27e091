//! Access tokens (JWT, HS256 under `DASHBOARD_SECRET_KEY`, 15 minutes) and refresh tokens
//! (opaque random strings, stored as SHA-256 digests). The algorithm is pinned: a token naming
//! `none` or any other algorithm is refused before its signature is looked at. Expiry is checked
//! against the injected clock, not inside the JWT library, so tests can move time.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Lifetime of an access token.
pub const ACCESS_TTL: Duration = Duration::minutes(15);
/// `iss` and `aud` of our access tokens.
const ISSUER: &str = "vinbot";
/// Bytes of randomness in a refresh token.
const REFRESH_BYTES: usize = 32;
/// Prefix of refresh tokens (recognisable in leaks and secret scanners).
pub const REFRESH_PREFIX: &str = "vbr_";

/// Claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// Issuer: `vinbot`.
    pub iss: String,
    /// Audience: `vinbot`.
    pub aud: String,
    /// Telegram user id, as a string (JWT subjects are strings).
    pub sub: String,
    /// Session id.
    pub sid: Uuid,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
}

impl AccessClaims {
    /// The user id in `sub`.
    pub fn user_id(&self) -> Option<i64> {
        self.sub.parse().ok()
    }
}

/// Why an access token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Malformed, wrong algorithm, wrong signature, wrong issuer or audience.
    #[error("the access token is invalid")]
    Invalid,
    /// Past its `exp`.
    #[error("the access token has expired")]
    Expired,
}

/// Signs and checks access tokens.
pub struct AccessKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for AccessKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessKeys(..)")
    }
}

impl AccessKeys {
    /// Keys from `DASHBOARD_SECRET_KEY`.
    pub fn new(secret: &SecretString) -> Self {
        let bytes = secret.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is ours to check with the injected clock; everything else the library checks.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.leeway = 0;
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss", "aud"]);
        // Only an empty key is refused, and configuration loading never yields one.
        const NON_EMPTY: &str = "DASHBOARD_SECRET_KEY is at least 32 characters (checked at start)";
        Self {
            encoding: EncodingKey::from_secret(bytes).expect(NON_EMPTY),
            decoding: DecodingKey::from_secret(bytes).expect(NON_EMPTY),
            validation,
        }
    }

    /// A token for `user_id` in session `sid`, valid for [`ACCESS_TTL`] from `now`.
    pub fn issue(&self, user_id: i64, sid: Uuid, now: DateTime<Utc>) -> (String, DateTime<Utc>) {
        let expires = now + ACCESS_TTL;
        let claims = AccessClaims {
            iss: ISSUER.to_owned(),
            aud: ISSUER.to_owned(),
            sub: user_id.to_string(),
            sid,
            iat: now.timestamp(),
            exp: expires.timestamp(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing with an in-memory key cannot fail");
        (token, expires)
    }

    /// The claims of a valid, unexpired token.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<AccessClaims, TokenError> {
        let data = jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &self.validation)
            .map_err(|_| TokenError::Invalid)?;
        let claims = data.claims;
        if claims.user_id().is_none() {
            return Err(TokenError::Invalid);
        }
        if now.timestamp() >= claims.exp {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }
}

/// A new refresh token: the prefix and 32 random bytes in hex.
pub fn new_refresh_token() -> String {
    let bytes: [u8; REFRESH_BYTES] = rand::random();
    format!("{REFRESH_PREFIX}{}", hex::encode(bytes))
}

/// What is stored of a refresh token: lower-case hex SHA-256.
pub fn refresh_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// True when `token` has the shape of one of our refresh tokens (saves a lookup for junk).
pub fn looks_like_refresh_token(token: &str) -> bool {
    token.strip_prefix(REFRESH_PREFIX).is_some_and(|rest| {
        rest.len() == REFRESH_BYTES * 2 && rest.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &str) -> AccessKeys {
        AccessKeys::new(&SecretString::from(secret.to_owned()))
    }

    const KEY: &str = "a-test-secret-that-is-long-enough-000000";

    #[test]
    fn a_token_is_valid_until_it_expires() {
        let now = Utc::now();
        let sid = Uuid::now_v7();
        let (token, expires) = keys(KEY).issue(42, sid, now);
        assert_eq!(expires - now, ACCESS_TTL);
        let claims = keys(KEY).verify(&token, now).unwrap();
        assert_eq!((claims.user_id(), claims.sid), (Some(42), sid));
        let later = now + ACCESS_TTL - Duration::seconds(1);
        assert!(keys(KEY).verify(&token, later).is_ok());
        assert_eq!(
            keys(KEY).verify(&token, now + ACCESS_TTL),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn another_key_none_and_other_algorithms_are_refused() {
        let now = Utc::now();
        let (token, _) = keys(KEY).issue(42, Uuid::now_v7(), now);
        let other = keys("another-secret-that-is-long-enough-1111111");
        assert_eq!(other.verify(&token, now), Err(TokenError::Invalid));
        // The same claims, unsigned, under `alg: none`.
        let payload = token.split('.').nth(1).unwrap();
        let none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
        assert_eq!(keys(KEY).verify(&none, now), Err(TokenError::Invalid));
        // Signed with the right key but HS512.
        let claims = keys(KEY).verify(&token, now).unwrap();
        let hs512 = jsonwebtoken::encode(
            &Header::new(Algorithm::HS512),
            &claims,
            &EncodingKey::from_secret(KEY.as_bytes()).unwrap(),
        )
        .unwrap();
        assert_eq!(keys(KEY).verify(&hs512, now), Err(TokenError::Invalid));
        assert_eq!(keys(KEY).verify("junk", now), Err(TokenError::Invalid));
    }

    #[test]
    fn refresh_tokens_are_random_and_recognisable() {
        let a = new_refresh_token();
        assert!(looks_like_refresh_token(&a));
        assert_ne!(a, new_refresh_token());
        assert!(!looks_like_refresh_token("vbr_xyz"));
        assert_eq!(refresh_digest(&a).len(), 64);
    }
}
