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
        "sqlite:///home/u/.cache/vinbot/vinbot.db?mode=rwc"
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
