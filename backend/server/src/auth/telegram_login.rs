//! Checking a Telegram Login Widget payload as Telegram specifies: the data-check string (every
//! field but `hash`, sorted by name, `name=value` joined by line feeds) signed with
//! HMAC-SHA-256 under the SHA-256 of the bot token; compared in constant time; `auth_date` at
//! most a day old. Replays are caught by the caller (the database remembers used payloads).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, KeyInit, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// The oldest payload accepted.
pub const MAX_AGE: Duration = Duration::hours(24);
/// How far in the future `auth_date` may lie (clock skew between Telegram and us).
const MAX_SKEW: Duration = Duration::minutes(5);
/// Most fields a payload may have (Telegram sends seven).
const MAX_FIELDS: usize = 16;
/// Longest field value (photo URLs are the longest, ~100 characters).
const MAX_VALUE_CHARS: usize = 1024;

/// Why a payload was refused. One answer goes to the client; the kind goes to logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LoginError {
    /// Missing or malformed fields.
    #[error("the payload is malformed")]
    Malformed,
    /// The signature does not match (forged or altered, or another bot's).
    #[error("the payload's signature is wrong")]
    BadSignature,
    /// `auth_date` is older than [`MAX_AGE`] or in the future.
    #[error("the payload is expired")]
    Expired,
    /// The payload was already used.
    #[error("the payload was already used")]
    Replayed,
}

/// The verified Telegram user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelegramIdentity {
    /// Telegram user id.
    pub id: i64,
    /// First and last name.
    pub name: String,
    /// `@username`, when the user has one.
    pub username: Option<String>,
    /// When Telegram signed the payload.
    pub auth_date: DateTime<Utc>,
    /// The payload's `hash` (lower-case hex): its identity for replay detection.
    pub hash: String,
}

/// Checks payloads of one bot.
pub struct LoginVerifier {
    /// SHA-256 of the bot token: the HMAC key.
    secret_key: [u8; 32],
}

impl std::fmt::Debug for LoginVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginVerifier(..)")
    }
}

impl LoginVerifier {
    /// A verifier for the bot with this token.
    pub fn new(bot_token: &SecretString) -> Self {
        Self {
            secret_key: Sha256::digest(bot_token.expose_secret().as_bytes()).into(),
        }
    }

    /// Verifies `fields` (the widget's user object) at time `now`.
    pub fn verify(
        &self,
        fields: &BTreeMap<String, String>,
        now: DateTime<Utc>,
    ) -> Result<TelegramIdentity, LoginError> {
        if fields.len() > MAX_FIELDS || fields.values().any(|v| v.chars().count() > MAX_VALUE_CHARS)
        {
            return Err(LoginError::Malformed);
        }
        let presented = fields.get("hash").ok_or(LoginError::Malformed)?;
        let presented_bytes = hex::decode(presented).map_err(|_| LoginError::Malformed)?;
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.secret_key)
            .map_err(|_| LoginError::Malformed)?;
        mac.update(data_check_string(fields).as_bytes());
        // `verify_slice` compares in constant time.
        mac.verify_slice(&presented_bytes)
            .map_err(|_| LoginError::BadSignature)?;
        let auth_date = fields
            .get("auth_date")
            .and_then(|v| v.parse::<i64>().ok())
            .and_then(|s| DateTime::from_timestamp(s, 0))
            .ok_or(LoginError::Malformed)?;
        if now - auth_date > MAX_AGE || auth_date - now > MAX_SKEW {
            return Err(LoginError::Expired);
        }
        let id = fields
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|&id| id > 0)
            .ok_or(LoginError::Malformed)?;
        let first = fields.get("first_name").map_or("", String::as_str);
        let name = match fields.get("last_name") {
            Some(last) if !last.is_empty() => format!("{first} {last}"),
            _ => first.to_owned(),
        };
        Ok(TelegramIdentity {
            id,
            name,
            username: fields.get("username").cloned(),
            auth_date,
            hash: presented.to_ascii_lowercase(),
        })
    }
}

/// Every field but `hash`, sorted by name (a `BTreeMap` is), as `name=value` lines.
pub fn data_check_string(fields: &BTreeMap<String, String>) -> String {
    fields
        .iter()
        .filter(|(k, _)| k.as_str() != "hash")
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Signs `fields` as Telegram would (tests and the e2e stand-in use it to forge honest payloads).
pub fn sign(bot_token: &str, fields: &BTreeMap<String, String>) -> String {
    let key: [u8; 32] = Sha256::digest(bot_token.as_bytes()).into();
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).expect("any key length");
    mac.update(data_check_string(fields).as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "123456:test-token";

    fn payload(auth_date: i64) -> BTreeMap<String, String> {
        let mut f = BTreeMap::new();
        f.insert("id".into(), "42".into());
        f.insert("first_name".into(), "Ada".into());
        f.insert("last_name".into(), "L".into());
        f.insert("username".into(), "ada".into());
        f.insert("auth_date".into(), auth_date.to_string());
        let hash = sign(TOKEN, &f);
        f.insert("hash".into(), hash);
        f
    }

    fn verifier() -> LoginVerifier {
        LoginVerifier::new(&SecretString::from(TOKEN))
    }

    #[test]
    fn data_check_string_sorts_and_skips_the_hash() {
        let mut f = BTreeMap::new();
        f.insert("username".into(), "u".into());
        f.insert("hash".into(), "x".into());
        f.insert("auth_date".into(), "1".into());
        f.insert("id".into(), "7".into());
        assert_eq!(data_check_string(&f), "auth_date=1\nid=7\nusername=u");
    }

    #[test]
    fn a_fresh_signed_payload_is_accepted() {
        let now = Utc::now();
        let id = verifier().verify(&payload(now.timestamp()), now).unwrap();
        assert_eq!((id.id, id.name.as_str()), (42, "Ada L"));
        assert_eq!(id.username.as_deref(), Some("ada"));
    }

    #[test]
    fn altered_foreign_or_stale_payloads_are_refused() {
        let now = Utc::now();
        let mut altered = payload(now.timestamp());
        altered.insert("id".into(), "43".into());
        assert_eq!(
            verifier().verify(&altered, now),
            Err(LoginError::BadSignature)
        );
        let other_bot = LoginVerifier::new(&SecretString::from("999:other"));
        assert_eq!(
            other_bot.verify(&payload(now.timestamp()), now),
            Err(LoginError::BadSignature)
        );
        let old = payload((now - MAX_AGE - Duration::seconds(1)).timestamp());
        assert_eq!(verifier().verify(&old, now), Err(LoginError::Expired));
        let future = payload((now + Duration::hours(1)).timestamp());
        assert_eq!(verifier().verify(&future, now), Err(LoginError::Expired));
        let mut no_hash = payload(now.timestamp());
        no_hash.remove("hash");
        assert_eq!(verifier().verify(&no_hash, now), Err(LoginError::Malformed));
        let mut bad_hex = payload(now.timestamp());
        bad_hex.insert("hash".into(), "zz".into());
        assert_eq!(verifier().verify(&bad_hex, now), Err(LoginError::Malformed));
    }
}
