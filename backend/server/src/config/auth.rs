//! Settings of sign-in and access control: the Telegram Login Widget's bot, who is an admin,
//! whether the statistics are public, and the sign-in rate limit.

use super::env::Env;

/// Sign-in and access control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthSettings {
    /// `TELEGRAM_BOT_USERNAME`: the bot the page's Telegram Login Widget names (without `@`);
    /// sign-in on the page is off without it (or without `TELEGRAM_BOT_TOKEN`, which checks the
    /// widget's signature).
    pub telegram_bot_username: Option<String>,
    /// `ADMIN_TELEGRAM_IDS`: Telegram user ids that are admins when signed in.
    pub admin_telegram_ids: Vec<i64>,
    /// `STATS_PUBLIC`: statistics are readable without an admin.
    pub stats_public: bool,
    /// `RATE_LIMIT_SIGNIN_PER_MINUTE`: sign-in and refresh attempts per client and minute.
    pub signin_per_minute: u32,
}

impl AuthSettings {
    pub(super) fn load(env: &mut Env<'_>) -> Self {
        let telegram_bot_username = env
            .get("TELEGRAM_BOT_USERNAME")
            .map(|u| u.trim_start_matches('@').to_owned());
        if let Some(name) = &telegram_bot_username
            && !valid_username(name)
        {
            env.fail(
                "TELEGRAM_BOT_USERNAME",
                "expected a bot username: 5-32 characters of A-Z, a-z, 0-9 and _",
            );
        }
        let mut admin_telegram_ids = Vec::new();
        for raw in env
            .get("ADMIN_TELEGRAM_IDS")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match raw.parse::<i64>() {
                Ok(id) if id > 0 => admin_telegram_ids.push(id),
                _ => env.fail(
                    "ADMIN_TELEGRAM_IDS",
                    format!("expected comma-separated Telegram user ids, got {raw:?}"),
                ),
            }
        }
        let stats_public = env.bool_or("STATS_PUBLIC", false);
        let signin_per_minute =
            env.parse_or("RATE_LIMIT_SIGNIN_PER_MINUTE", 10u32, "a positive integer");
        if signin_per_minute == 0 {
            env.fail("RATE_LIMIT_SIGNIN_PER_MINUTE", "must be at least 1");
        }
        Self {
            telegram_bot_username,
            admin_telegram_ids,
            stats_public,
            signin_per_minute,
        }
    }
}

fn valid_username(name: &str) -> bool {
    (5..=32).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::super::Settings;

    fn load(pairs: &[(&str, &str)]) -> Result<Settings, super::super::ConfigErrors> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::from_lookup(move |k| map.get(k).cloned())
    }

    #[test]
    fn defaults_keep_statistics_admin_only_and_sign_in_off() {
        let s = load(&[("HOME", "/h")]).expect("defaults");
        assert_eq!(s.auth.telegram_bot_username, None);
        assert!(s.auth.admin_telegram_ids.is_empty());
        assert!(!s.auth.stats_public);
        assert_eq!(s.auth.signin_per_minute, 10);
    }

    #[test]
    fn values_are_parsed_and_bad_ones_named() {
        let s = load(&[
            ("HOME", "/h"),
            ("TELEGRAM_BOT_USERNAME", "@vin_test_bot"),
            ("ADMIN_TELEGRAM_IDS", " 42, 7 "),
            ("STATS_PUBLIC", "true"),
        ])
        .expect("valid");
        assert_eq!(
            s.auth.telegram_bot_username.as_deref(),
            Some("vin_test_bot")
        );
        assert_eq!(s.auth.admin_telegram_ids, vec![42, 7]);
        assert!(s.auth.stats_public);
        let err = load(&[
            ("HOME", "/h"),
            ("TELEGRAM_BOT_USERNAME", "no spaces allowed"),
            ("ADMIN_TELEGRAM_IDS", "42,abc"),
            ("RATE_LIMIT_SIGNIN_PER_MINUTE", "0"),
        ])
        .unwrap_err();
        for key in [
            "TELEGRAM_BOT_USERNAME",
            "ADMIN_TELEGRAM_IDS",
            "RATE_LIMIT_SIGNIN_PER_MINUTE",
        ] {
            assert!(err.mentions(key), "{key} in {err}");
        }
    }
}
