//! API keys: `vb_` + an 8-character public id + 32 random characters. Only the SHA-256 digest of
//! the whole key is stored; a presented key is found by its public prefix and checked against
//! the digest in constant time. [`format`](mod@format) mints and parses keys, [`store::ApiKeyStore`] verifies
//! them for requests (with a short cache and throttled last-used updates).

pub mod format;
pub mod store;

pub use format::{GeneratedKey, KEY_PREFIX, Scope, generate, parse};
pub use store::{ApiKeyStore, Verified, VerifyError};
