//! Typed settings, loaded once at start from the environment variables (listed in the README's
//! configuration table) and validated there, so the rest of the program never reads the
//! environment. A leaf of the module graph: it depends on no other module of the crate.

mod auth;
mod env;

use std::{path::PathBuf, time::Duration};

use secrecy::SecretString;

pub use auth::AuthSettings;
use env::Env;
pub use env::{ConfigError, ConfigErrors};

/// `development` (defaults fill in secrets) or `production` (secrets are required).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    /// Local runs and tests.
    Development,
    /// A deployment: no generated secrets.
    Production,
}

/// Log output of `tracing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object a line (the container).
    Json,
}

/// How the bot receives updates (`TELEGRAM_MODE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TelegramMode {
    /// Telegram POSTs each update to `/telegram/webhook` (needs a public HTTPS URL).
    Webhook,
    /// The server asks Telegram for updates (`getUpdates` long polling): works on a laptop or
    /// behind a firewall; `/telegram/webhook` is off.
    Polling,
}

/// The Telegram bot, present when its token is set (and, for the webhook, its secret).
#[derive(Debug, Clone)]
pub struct TelegramSettings {
    /// `TELEGRAM_BOT_TOKEN`.
    pub bot_token: SecretString,
    /// `TELEGRAM_WEBHOOK_SECRET` (Telegram's `secret_token`, at least 32 characters).
    pub webhook_secret: SecretString,
    /// `TELEGRAM_API_BASE_URL`: calls go to `{base}/bot{token}/{method}`.
    pub api_base_url: String,
    /// `TELEGRAM_MODE`: `webhook` (default) or `polling`.
    pub mode: TelegramMode,
}

/// HTTP limits. Not read from the environment: they are part of the API contract; tests shrink them.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Largest body of ordinary JSON routes (413 beyond).
    pub json_body_limit: usize,
    /// Largest body of the streaming batch route.
    pub stream_body_limit: usize,
    /// Per-request deadline for producing the response head (503 `timeout` beyond).
    pub request_timeout: Duration,
    /// A request head must arrive within this long (slow-header clients are cut off); idle
    /// keep-alive connections are closed after it too.
    pub header_read_timeout: Duration,
    /// A request body must arrive within this long (408 beyond).
    pub body_read_timeout: Duration,
    /// How long shutdown waits for in-flight requests.
    pub shutdown_timeout: Duration,
    /// Most VINs in one JSON (non-streaming) batch.
    pub max_json_batch: usize,
    /// Most VINs in one streamed batch.
    pub max_stream_batch: usize,
    /// Request body bytes held by all requests together, each body counted three times (its
    /// bytes, their parse, the typed entries); a request whose body does not fit waits (both
    /// budgets together up to half the request deadline), then is a 503 with `Retry-After`. Bounds memory however many large bodies arrive
    /// at once.
    pub body_budget: usize,
    /// Batch entries held by all requests together, from their count until their answer is sent:
    /// the parsed entries of a body cost far more than its bytes (a 4-byte `"1",` becomes a
    /// string), so they have a budget of their own, taken after the body's. Waits and 503s
    /// like the body budget.
    pub entry_budget: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            json_body_limit: 1024 * 1024,
            stream_body_limit: 4 * 1024 * 1024,
            request_timeout: Duration::from_secs(10),
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
            shutdown_timeout: Duration::from_secs(20),
            max_json_batch: 1000,
            max_stream_batch: 100_000,
            body_budget: 16 * 1024 * 1024,
            entry_budget: 200_000,
        }
    }
}

/// Everything the program is configured with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `APP_ENV`.
    pub app_env: AppEnv,
    /// `PORT` (0 binds an ephemeral port, as tests do).
    pub port: u16,
    /// `VINBOT_DATA_DIR`: the vPIC SQLite and the snapshot.
    pub data_dir: PathBuf,
    /// `DATABASE_URL` (may carry a password, hence secret). Default: `vinbot.db` in the
    /// [`Settings::state_dir`].
    pub database_url: SecretString,
    /// Where vinbot keeps what must not be lost with a cache (the default SQLite history and API
    /// keys): `${XDG_DATA_HOME:-$HOME/.local/share}/vinbot`.
    pub state_dir: PathBuf,
    /// The default SQLite file of older versions (`<data dir>/vinbot.db`, in the cache directory)
    /// when `DATABASE_URL` is unset: [`crate::db::adopt_legacy_sqlite`] moves it to the state dir.
    pub legacy_sqlite: Option<PathBuf>,
    /// `REDIS_URL`; `None` means in-process cache and limits.
    pub redis_url: Option<SecretString>,
    /// `REDIS_KEY_PREFIX`.
    pub redis_key_prefix: String,
    /// `RATE_LIMIT_ANON_PER_MINUTE`.
    pub rate_limit_anon_per_minute: u32,
    /// `RATE_LIMIT_KEY_PER_MINUTE`.
    pub rate_limit_key_per_minute: u32,
    /// `TRUST_FLY_CLIENT_IP`.
    pub trust_fly_client_ip: bool,
    /// `API_KEY_CACHE_SECONDS`: how long a verified (or refused) API key is remembered; a
    /// revocation takes effect within this time on every instance. 0 disables the cache.
    pub api_key_cache_ttl: Duration,
    /// `DASHBOARD_ALLOWED_ORIGINS`: exact CORS origins.
    pub dashboard_allowed_origins: Vec<String>,
    /// `DASHBOARD_SECRET_KEY`.
    pub dashboard_secret_key: SecretString,
    /// `TELEGRAM_*`; `None` when the bot is off.
    pub telegram: Option<TelegramSettings>,
    /// `FRONTEND_DIR`: serve the web page at `/` when set.
    pub frontend_dir: Option<PathBuf>,
    /// `METRICS_PORT`.
    pub metrics_port: u16,
    /// `SENTRY_DSN`.
    pub sentry_dsn: Option<SecretString>,
    /// `STORE_FULL_VINS`.
    pub store_full_vins: bool,
    /// `STATS_FLUSH_INTERVAL_MS` (default 1000): how long decode events may wait in memory
    /// before they are written, i.e. the most a crash loses.
    pub stats_flush_interval: Duration,
    /// `LOG_FORMAT`.
    pub log_format: LogFormat,
    /// `VINBOT_DEBUG_ROUTES`: serve `/_debug/error` and `/_debug/panic` (to check error
    /// reporting; off by default).
    pub debug_routes: bool,
    /// Limits of the HTTP server.
    pub http: HttpSettings,
    /// Sign-in and access control (`TELEGRAM_BOT_USERNAME`, `ADMIN_TELEGRAM_IDS`,
    /// `STATS_PUBLIC`, `RATE_LIMIT_SIGNIN_PER_MINUTE`).
    pub auth: AuthSettings,
}

const TELEGRAM_DEFAULT_BASE: &str = "https://api.telegram.org";

impl Settings {
    /// Loads from the process environment.
    pub fn from_env() -> Result<Self, ConfigErrors> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Loads from any key lookup (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigErrors> {
        let mut env = Env::new(&lookup);

        let app_env = match env
            .get("APP_ENV")
            .map(|v| v.to_ascii_lowercase())
            .as_deref()
        {
            None | Some("development") | Some("dev") => AppEnv::Development,
            Some("production") | Some("prod") => AppEnv::Production,
            Some(other) => {
                env.fail(
                    "APP_ENV",
                    format!("expected development or production, got {other:?}"),
                );
                AppEnv::Development
            }
        };
        let port = env.parse_or("PORT", 8080u16, "a port number (0-65535)");
        let data_dir = resolve_data_dir(&mut env);
        let state_dir = resolve_state_dir(&env, &data_dir);
        let database_url = database_url(&mut env, &state_dir);
        let legacy_sqlite = (env.get("DATABASE_URL").is_none() && state_dir != data_dir)
            .then(|| data_dir.join(SQLITE_FILE_NAME));
        let redis_url = env.get("REDIS_URL");
        if let Some(url) = &redis_url
            && !(url.starts_with("redis://") || url.starts_with("rediss://"))
        {
            env.fail("REDIS_URL", "expected a redis:// or rediss:// URL");
        }
        let redis_key_prefix = env
            .get("REDIS_KEY_PREFIX")
            .unwrap_or_else(|| "vinbot:".into());
        let rate_limit_anon_per_minute = positive(&mut env, "RATE_LIMIT_ANON_PER_MINUTE", 120);
        let rate_limit_key_per_minute = positive(&mut env, "RATE_LIMIT_KEY_PER_MINUTE", 1200);
        let trust_fly_client_ip = env.bool_or("TRUST_FLY_CLIENT_IP", false);
        let api_key_cache_ttl = Duration::from_secs(env.parse_or(
            "API_KEY_CACHE_SECONDS",
            30u64,
            "a number of seconds",
        ));
        let dashboard_allowed_origins = origins(&mut env);
        let dashboard_secret_key = secret_key(&mut env, app_env);
        let telegram = telegram(&mut env);
        let frontend_dir = env.get("FRONTEND_DIR").map(PathBuf::from);
        let metrics_port = env.parse_or("METRICS_PORT", 9091u16, "a port number (0-65535)");
        if metrics_port != 0 && metrics_port == port {
            env.fail(
                "METRICS_PORT",
                "must differ from PORT (metrics stay off the public port)",
            );
        }
        let sentry_dsn = env.get("SENTRY_DSN");
        if let Some(dsn) = &sentry_dsn
            && !dsn.starts_with("https://")
            && !dsn.starts_with("http://")
        {
            env.fail("SENTRY_DSN", "expected an http(s) URL");
        }
        let store_full_vins = env.bool_or("STORE_FULL_VINS", false);
        let debug_routes = env.bool_or("VINBOT_DEBUG_ROUTES", false);
        let stats_flush_interval =
            Duration::from_millis(positive(&mut env, "STATS_FLUSH_INTERVAL_MS", 1000).into());
        let log_format = match env
            .get("LOG_FORMAT")
            .map(|v| v.to_ascii_lowercase())
            .as_deref()
        {
            None | Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => {
                env.fail(
                    "LOG_FORMAT",
                    format!("expected pretty or json, got {other:?}"),
                );
                LogFormat::Pretty
            }
        };
        let auth = AuthSettings::load(&mut env);

        if !env.errors.is_empty() {
            return Err(ConfigErrors(env.errors));
        }
        Ok(Self {
            app_env,
            port,
            data_dir,
            database_url,
            state_dir,
            legacy_sqlite,
            redis_url: redis_url.map(SecretString::from),
            redis_key_prefix,
            rate_limit_anon_per_minute,
            rate_limit_key_per_minute,
            trust_fly_client_ip,
            api_key_cache_ttl,
            dashboard_allowed_origins,
            dashboard_secret_key,
            telegram,
            frontend_dir,
            metrics_port,
            sentry_dsn: sentry_dsn.map(SecretString::from),
            store_full_vins,
            stats_flush_interval,
            log_format,
            debug_routes,
            http: HttpSettings::default(),
            auth,
        })
    }
}

impl Settings {
    /// Where the Prometheus listener binds: loopback in development (the metrics are internal and a
    /// laptop's port should not face the network), every interface in production, where the
    /// platform's scraper reaches it over the private network.
    pub fn metrics_addr(&self) -> std::net::SocketAddr {
        let ip: std::net::IpAddr = match self.app_env {
            AppEnv::Development => std::net::Ipv4Addr::LOCALHOST.into(),
            AppEnv::Production => std::net::Ipv4Addr::UNSPECIFIED.into(),
        };
        (ip, self.metrics_port).into()
    }
}

/// `VINBOT_DATA_DIR`, else `${XDG_CACHE_HOME:-$HOME/.cache}/vinbot` (where `scripts/fetch-vpic-data` puts the data).
/// Also used on its own by CLI commands that need nothing else.
pub fn data_dir_from(lookup: impl Fn(&str) -> Option<String>) -> Result<PathBuf, ConfigError> {
    let mut env = Env::new(&lookup);
    let dir = resolve_data_dir(&mut env);
    match env.errors.pop() {
        Some(e) => Err(e),
        None => Ok(dir),
    }
}

fn resolve_data_dir(env: &mut Env<'_>) -> PathBuf {
    if let Some(dir) = env.get("VINBOT_DATA_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(cache) = env.get("XDG_CACHE_HOME") {
        return PathBuf::from(cache).join("vinbot");
    }
    if let Some(home) = env.get("HOME") {
        return PathBuf::from(home).join(".cache").join("vinbot");
    }
    env.fail(
        "VINBOT_DATA_DIR",
        "not set, and neither XDG_CACHE_HOME nor HOME is set to derive it",
    );
    PathBuf::new()
}

/// `${XDG_DATA_HOME:-$HOME/.local/share}/vinbot`; the vPIC data directory when neither is set.
fn resolve_state_dir(env: &Env<'_>, data_dir: &std::path::Path) -> PathBuf {
    if let Some(data_home) = env.get("XDG_DATA_HOME") {
        return PathBuf::from(data_home).join("vinbot");
    }
    match env.get("HOME") {
        Some(home) => PathBuf::from(home).join(".local/share/vinbot"),
        None => data_dir.to_path_buf(),
    }
}

fn database_url(env: &mut Env<'_>, state_dir: &std::path::Path) -> SecretString {
    match env.get("DATABASE_URL") {
        Some(url) => {
            let ok = ["sqlite:", "postgres://", "postgresql://"]
                .iter()
                .any(|p| url.starts_with(p));
            if !ok {
                env.fail("DATABASE_URL", "expected a sqlite:… or postgres://… URL");
            }
            SecretString::from(url)
        }
        None => SecretString::from(default_sqlite_url(state_dir)),
    }
}

/// File name of the history database inside the state directory (the default `DATABASE_URL`).
pub const SQLITE_FILE_NAME: &str = "vinbot.db";

/// The default `DATABASE_URL`: `sqlite://<dir>/vinbot.db?mode=rwc`.
pub fn default_sqlite_url(dir: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join(SQLITE_FILE_NAME).display())
}

fn positive(env: &mut Env<'_>, key: &'static str, default: u32) -> u32 {
    let v = env.parse_or(key, default, "a positive integer");
    if v == 0 {
        env.fail(key, "must be at least 1");
    }
    v
}

fn origins(env: &mut Env<'_>) -> Vec<String> {
    let raw = env
        .get("DASHBOARD_ALLOWED_ORIGINS")
        .unwrap_or_else(|| "http://localhost:8080".into());
    let mut out = Vec::new();
    for origin in raw.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        match check_origin(origin) {
            Ok(()) => out.push(origin.to_owned()),
            Err(reason) => env.fail("DASHBOARD_ALLOWED_ORIGINS", format!("{origin:?}: {reason}")),
        }
    }
    out
}

/// An origin is `scheme://host[:port]`: exact, no wildcard, no path, no trailing slash.
fn check_origin(origin: &str) -> Result<(), &'static str> {
    if origin.contains('*') {
        return Err("wildcards are not allowed; list exact origins");
    }
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or("must start with http:// or https://")?;
    if rest.is_empty() || rest.contains('/') || rest.contains('?') || rest.contains('#') {
        return Err("must be scheme://host[:port] without a path or trailing slash");
    }
    Ok(())
}

fn secret_key(env: &mut Env<'_>, app_env: AppEnv) -> SecretString {
    match env.get("DASHBOARD_SECRET_KEY") {
        Some(key) if key.len() >= 32 => SecretString::from(key),
        Some(_) => {
            env.fail("DASHBOARD_SECRET_KEY", "must be at least 32 characters");
            SecretString::from(String::new())
        }
        None if app_env == AppEnv::Production => {
            env.fail("DASHBOARD_SECRET_KEY", "required when APP_ENV=production");
            SecretString::from(String::new())
        }
        // Development: a fresh random key per process; sessions simply do not survive a restart.
        None => SecretString::from(hex::encode(rand::random::<[u8; 32]>())),
    }
}

fn telegram_mode(env: &mut Env<'_>) -> TelegramMode {
    match env
        .get("TELEGRAM_MODE")
        .map(|v| v.to_ascii_lowercase())
        .as_deref()
    {
        None | Some("webhook") => TelegramMode::Webhook,
        Some("polling") | Some("poll") => TelegramMode::Polling,
        Some(other) => {
            env.fail(
                "TELEGRAM_MODE",
                format!("expected webhook or polling, got {other:?}"),
            );
            TelegramMode::Webhook
        }
    }
}

fn telegram(env: &mut Env<'_>) -> Option<TelegramSettings> {
    let token = env.get("TELEGRAM_BOT_TOKEN");
    let mode = telegram_mode(env);
    let secret = match (env.get("TELEGRAM_WEBHOOK_SECRET"), mode) {
        // Polling needs no webhook secret; this random one is never given to anyone, so the
        // webhook code path, which is off in this mode anyway, could not be authenticated.
        (None, TelegramMode::Polling) if token.is_some() => {
            Some(hex::encode(rand::random::<[u8; 32]>()))
        }
        (secret, _) => secret,
    };
    let base = env
        .get("TELEGRAM_API_BASE_URL")
        .unwrap_or_else(|| TELEGRAM_DEFAULT_BASE.into());
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        env.fail("TELEGRAM_API_BASE_URL", "expected an http(s) URL");
    }
    match (token, secret) {
        (None, None) => None,
        (Some(_), None) => {
            env.fail(
                "TELEGRAM_WEBHOOK_SECRET",
                "required when TELEGRAM_BOT_TOKEN is set (or TELEGRAM_MODE=polling, which needs none)",
            );
            None
        }
        (None, Some(_)) => {
            env.fail(
                "TELEGRAM_BOT_TOKEN",
                "required when TELEGRAM_WEBHOOK_SECRET is set",
            );
            None
        }
        (Some(token), Some(secret)) => {
            let valid_chars = secret
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if secret.len() < 32 || secret.len() > 256 || !valid_chars {
                env.fail(
                    "TELEGRAM_WEBHOOK_SECRET",
                    "must be 32-256 characters of A-Z, a-z, 0-9, _ and -",
                );
            }
            if !token.contains(':') {
                env.fail(
                    "TELEGRAM_BOT_TOKEN",
                    "does not look like a bot token (id:secret)",
                );
            }
            Some(TelegramSettings {
                bot_token: SecretString::from(token),
                webhook_secret: SecretString::from(secret),
                api_base_url: base.trim_end_matches('/').to_owned(),
                mode,
            })
        }
    }
}

#[cfg(test)]
mod tests;
