use std::collections::HashMap;

use secrecy::ExposeSecret;

use super::*;

fn load(pairs: &[(&str, &str)]) -> Result<Settings, ConfigErrors> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Settings::from_lookup(move |k| map.get(k).cloned())
}

#[test]
fn defaults_need_only_home() {
    let s = load(&[("HOME", "/home/u")]).expect("defaults load");
    assert_eq!(s.port, 8080);
    assert_eq!(s.data_dir, PathBuf::from("/home/u/.cache/vinbot"));
    assert_eq!(
        s.database_url.expose_secret(),
        "sqlite:///home/u/.local/share/vinbot/vinbot.db?mode=rwc"
    );
    assert_eq!(
        s.legacy_sqlite,
        Some(PathBuf::from("/home/u/.cache/vinbot/vinbot.db"))
    );
    assert_eq!(s.dashboard_allowed_origins, vec!["http://localhost:8080"]);
    assert_eq!(s.redis_key_prefix, "vinbot:");
    assert_eq!(s.metrics_port, 9091);
    assert_eq!(s.app_env, AppEnv::Development);
    assert_eq!(s.log_format, LogFormat::Pretty);
    assert!(s.telegram.is_none());
    assert_eq!(s.dashboard_secret_key.expose_secret().len(), 64);
}

#[test]
fn xdg_cache_home_wins_over_home_and_data_dir_wins_over_both() {
    let s = load(&[("HOME", "/h"), ("XDG_CACHE_HOME", "/x")]).unwrap();
    assert_eq!(s.data_dir, PathBuf::from("/x/vinbot"));
    let s = load(&[
        ("HOME", "/h"),
        ("XDG_CACHE_HOME", "/x"),
        ("VINBOT_DATA_DIR", "/d"),
    ])
    .unwrap();
    assert_eq!(s.data_dir, PathBuf::from("/d"));
}

#[test]
fn the_database_lives_in_the_data_home_not_the_cache() {
    let s = load(&[
        ("HOME", "/h"),
        ("XDG_DATA_HOME", "/xd"),
        ("XDG_CACHE_HOME", "/xc"),
    ])
    .unwrap();
    assert_eq!(s.state_dir, PathBuf::from("/xd/vinbot"));
    assert_eq!(
        s.database_url.expose_secret(),
        "sqlite:///xd/vinbot/vinbot.db?mode=rwc"
    );
    assert_eq!(s.legacy_sqlite, Some(PathBuf::from("/xc/vinbot/vinbot.db")));
    // An explicit DATABASE_URL is used as given; nothing is moved.
    let s = load(&[("HOME", "/h"), ("DATABASE_URL", "sqlite:///elsewhere.db")]).unwrap();
    assert_eq!(s.legacy_sqlite, None);
    // Without HOME or XDG_DATA_HOME the database stays beside the vPIC data, as before.
    let s = load(&[("VINBOT_DATA_DIR", "/data")]).unwrap();
    assert_eq!(
        s.database_url.expose_secret(),
        "sqlite:///data/vinbot.db?mode=rwc"
    );
    assert_eq!(s.legacy_sqlite, None);
}

#[test]
fn metrics_listen_on_loopback_in_development_only() {
    let dev = load(&[("HOME", "/h"), ("METRICS_PORT", "9191")]).unwrap();
    assert_eq!(dev.metrics_addr().to_string(), "127.0.0.1:9191");
    let key = "k".repeat(40);
    let prod = load(&[
        ("HOME", "/h"),
        ("APP_ENV", "production"),
        ("DASHBOARD_SECRET_KEY", &key),
    ])
    .unwrap();
    assert_eq!(prod.metrics_addr().to_string(), "0.0.0.0:9091");
}

#[test]
fn errors_name_every_bad_key() {
    let err = load(&[
        ("HOME", "/h"),
        ("PORT", "eighty"),
        ("REDIS_URL", "http://x"),
        ("LOG_FORMAT", "xml"),
        ("DASHBOARD_ALLOWED_ORIGINS", "https://ok.example,*"),
        ("RATE_LIMIT_ANON_PER_MINUTE", "0"),
    ])
    .unwrap_err();
    for key in [
        "PORT",
        "REDIS_URL",
        "LOG_FORMAT",
        "DASHBOARD_ALLOWED_ORIGINS",
        "RATE_LIMIT_ANON_PER_MINUTE",
    ] {
        assert!(err.mentions(key), "{key} missing from {err}");
    }
    assert!(err.to_string().contains("PORT: expected a port number"));
}

#[test]
fn production_requires_a_secret_key() {
    let err = load(&[("HOME", "/h"), ("APP_ENV", "production")]).unwrap_err();
    assert!(err.mentions("DASHBOARD_SECRET_KEY"));
    let key = "k".repeat(40);
    let s = load(&[
        ("HOME", "/h"),
        ("APP_ENV", "production"),
        ("DASHBOARD_SECRET_KEY", &key),
    ])
    .unwrap();
    assert_eq!(s.dashboard_secret_key.expose_secret(), key);
}

#[test]
fn origins_must_be_exact() {
    for bad in ["https://a.example/", "a.example", "https://a.example/path"] {
        let err = load(&[("HOME", "/h"), ("DASHBOARD_ALLOWED_ORIGINS", bad)]).unwrap_err();
        assert!(err.mentions("DASHBOARD_ALLOWED_ORIGINS"), "{bad}");
    }
    let s = load(&[
        ("HOME", "/h"),
        (
            "DASHBOARD_ALLOWED_ORIGINS",
            " https://a.example , http://localhost:3000 ",
        ),
    ])
    .unwrap();
    assert_eq!(
        s.dashboard_allowed_origins,
        vec!["https://a.example", "http://localhost:3000"]
    );
}

#[test]
fn telegram_needs_both_halves_and_a_strong_secret() {
    let err = load(&[("HOME", "/h"), ("TELEGRAM_BOT_TOKEN", "1:abc")]).unwrap_err();
    assert!(err.mentions("TELEGRAM_WEBHOOK_SECRET"));
    let err = load(&[
        ("HOME", "/h"),
        ("TELEGRAM_BOT_TOKEN", "1:abc"),
        ("TELEGRAM_WEBHOOK_SECRET", "short"),
    ])
    .unwrap_err();
    assert!(err.mentions("TELEGRAM_WEBHOOK_SECRET"));
    let secret = "s".repeat(32);
    let s = load(&[
        ("HOME", "/h"),
        ("TELEGRAM_BOT_TOKEN", "1:abc"),
        ("TELEGRAM_WEBHOOK_SECRET", &secret),
    ])
    .unwrap();
    let tg = s.telegram.expect("bot on");
    assert_eq!(tg.api_base_url, "https://api.telegram.org");
    assert_eq!(tg.mode, TelegramMode::Webhook);
}

#[test]
fn polling_needs_only_the_token() {
    let s = load(&[
        ("HOME", "/h"),
        ("TELEGRAM_BOT_TOKEN", "1:abc"),
        ("TELEGRAM_MODE", "polling"),
    ])
    .unwrap();
    let tg = s.telegram.expect("bot on");
    assert_eq!(tg.mode, TelegramMode::Polling);
    assert!(tg.webhook_secret.expose_secret().len() >= 32);
    let err = load(&[
        ("HOME", "/h"),
        ("TELEGRAM_BOT_TOKEN", "1:abc"),
        ("TELEGRAM_MODE", "carrier-pigeon"),
    ])
    .unwrap_err();
    assert!(err.mentions("TELEGRAM_MODE"));
    assert!(
        load(&[("HOME", "/h"), ("TELEGRAM_MODE", "polling")])
            .unwrap()
            .telegram
            .is_none()
    );
}

#[test]
fn secrets_are_redacted_in_debug() {
    let secret = "s".repeat(32);
    let s = load(&[
        ("HOME", "/h"),
        ("TELEGRAM_BOT_TOKEN", "123:topsecret"),
        ("TELEGRAM_WEBHOOK_SECRET", &secret),
    ])
    .unwrap();
    let dbg = format!("{s:?}");
    assert!(!dbg.contains("topsecret"));
    assert!(!dbg.contains(&secret));
}

#[test]
fn metrics_port_must_differ_from_port() {
    let err = load(&[("HOME", "/h"), ("PORT", "9000"), ("METRICS_PORT", "9000")]).unwrap_err();
    assert!(err.mentions("METRICS_PORT"));
}

#[test]
fn blank_values_mean_default() {
    let s = load(&[("HOME", "/h"), ("PORT", "  "), ("REDIS_URL", "")]).unwrap();
    assert_eq!(s.port, 8080);
    assert!(s.redis_url.is_none());
}
