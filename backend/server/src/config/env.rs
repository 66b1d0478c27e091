//! Reading raw environment values through a lookup function, so that loading is testable without
//! touching the process environment, and turning bad values into errors that name the key.

use std::str::FromStr;

/// One invalid or missing configuration value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {reason}")]
pub struct ConfigError {
    /// The environment variable at fault.
    pub key: &'static str,
    /// What is wrong with it (never the value of a secret).
    pub reason: String,
}

/// Every configuration problem found in one pass, so an operator fixes them all at once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid configuration: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl ConfigErrors {
    /// True when some error names `key`.
    pub fn mentions(&self, key: &str) -> bool {
        self.0.iter().any(|e| e.key == key)
    }
}

/// A view over a lookup function that collects errors instead of stopping at the first one.
pub(crate) struct Env<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    pub(crate) errors: Vec<ConfigError>,
}

impl<'a> Env<'a> {
    pub(crate) fn new(lookup: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Self {
            lookup,
            errors: Vec::new(),
        }
    }

    /// The trimmed value, `None` when unset or blank (a blank variable means "use the default").
    pub(crate) fn get(&self, key: &str) -> Option<String> {
        (self.lookup)(key)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    pub(crate) fn fail(&mut self, key: &'static str, reason: impl Into<String>) {
        self.errors.push(ConfigError {
            key,
            reason: reason.into(),
        });
    }

    /// A parsed value or `default`; a value that does not parse is recorded as an error.
    pub(crate) fn parse_or<T: FromStr>(&mut self, key: &'static str, default: T, what: &str) -> T {
        match self.get(key) {
            None => default,
            Some(raw) => match raw.parse() {
                Ok(v) => v,
                Err(_) => {
                    self.fail(key, format!("expected {what}, got {raw:?}"));
                    default
                }
            },
        }
    }

    pub(crate) fn bool_or(&mut self, key: &'static str, default: bool) -> bool {
        match self.get(key).map(|v| v.to_ascii_lowercase()) {
            None => default,
            Some(v) => match v.as_str() {
                "1" | "true" | "yes" | "on" => true,
                "0" | "false" | "no" | "off" => false,
                _ => {
                    self.fail(key, format!("expected true or false, got {v:?}"));
                    default
                }
            },
        }
    }
}
