//! The shape of an API key and its digest.

use rand::{Rng, distr::Alphanumeric};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Every key starts with this, so leaked keys are recognisable (secret scanners, logs).
pub const KEY_PREFIX: &str = "vb_";
/// Length of the public id after [`KEY_PREFIX`].
pub const ID_LEN: usize = 8;
/// Length of the secret part after the id.
pub const SECRET_LEN: usize = 32;
/// Total length of a key.
pub const KEY_LEN: usize = KEY_PREFIX.len() + ID_LEN + SECRET_LEN;

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Decode routes with the key tier's quota.
    Decode,
    /// Operator endpoints (implies `decode`).
    Admin,
}

impl Scope {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Decode => "decode",
            Self::Admin => "admin",
        }
    }

    /// Parses a stored or command-line name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "decode" => Some(Self::Decode),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

/// A freshly minted key: shown once, then only `prefix` and `hash` are kept.
#[derive(Debug, Clone)]
pub struct GeneratedKey {
    /// The whole key (secret).
    pub key: String,
    /// `vb_` + id: public, unique, stored.
    pub prefix: String,
    /// Lower-case hex SHA-256 of the whole key.
    pub hash: String,
}

/// Mints a key from the operating system's CSPRNG (rand's thread RNG is seeded from it).
pub fn generate() -> GeneratedKey {
    let mut rng = rand::rng();
    let mut random = |n: usize| -> String {
        (&mut rng)
            .sample_iter(Alphanumeric)
            .take(n)
            .map(char::from)
            .collect()
    };
    let prefix = format!("{KEY_PREFIX}{}", random(ID_LEN));
    let key = format!("{prefix}{}", random(SECRET_LEN));
    let hash = digest_hex(&key);
    GeneratedKey { key, prefix, hash }
}

/// The public prefix of a well-formed key, `None` for anything that cannot be a key.
pub fn parse(key: &str) -> Option<&str> {
    let well_formed = key.len() == KEY_LEN
        && key.starts_with(KEY_PREFIX)
        && key[KEY_PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric());
    well_formed.then(|| &key[..KEY_PREFIX.len() + ID_LEN])
}

/// SHA-256 of the key.
pub fn digest(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

/// Lower-case hex SHA-256 of the key, as stored.
pub fn digest_hex(key: &str) -> String {
    hex::encode(digest(key))
}

/// True when `key` hashes to `stored_hex`, compared in constant time.
pub fn matches(key: &str, stored_hex: &str) -> bool {
    let Ok(stored) = hex::decode(stored_hex) else {
        return false;
    };
    digest(key).ct_eq(stored.as_slice()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_parse_and_match_their_hash() {
        let k = generate();
        assert_eq!(k.key.len(), KEY_LEN);
        assert_eq!(parse(&k.key), Some(k.prefix.as_str()));
        assert!(matches(&k.key, &k.hash));
        let other = generate();
        assert_ne!(k.key, other.key);
        assert!(!matches(&other.key, &k.hash));
    }

    #[test]
    fn malformed_keys_do_not_parse() {
        let k = generate().key;
        assert_eq!(parse(&k[..KEY_LEN - 1]), None);
        assert_eq!(parse(&format!("xx_{}", &k[3..])), None);
        assert_eq!(parse(&format!("{}!", &k[..KEY_LEN - 1])), None);
        assert_eq!(parse(""), None);
        assert!(!matches(&k, "not hex"));
    }
}
