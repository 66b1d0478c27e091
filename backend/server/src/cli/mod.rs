//! The `vinbot` command line: one binary with subcommands.

mod apikey;
mod data;
mod decode;
mod migrate;
pub mod telegram;

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::{
    config::{self, LogFormat, Settings},
    observability,
    startup::Application,
    telemetry,
};

/// vinbot: offline VIN decoding from NHTSA's vPIC data.
#[derive(Debug, Parser)]
#[command(name = "vinbot", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (configured by environment variables).
    #[command(after_help = SERVE_ENV_HELP)]
    Serve,
    /// Decode VINs to JSON Lines: one DecodeVinValues-style object per input line, in order.
    Decode {
        /// VINs (`VIN` or `VIN,year`).
        vins: Vec<String>,
        /// Read one `VIN` or `VIN,year` a line from this file (`-` for stdin).
        #[arg(long, short, conflicts_with = "vins")]
        file: Option<PathBuf>,
    },
    /// Manage the vPIC data.
    Data {
        /// Data command.
        #[command(subcommand)]
        command: data::DataCommand,
    },
    /// Print the OpenAPI spec (YAML) of the HTTP API.
    Openapi,
    /// Apply database migrations.
    Migrate,
    /// Probe the local server (`GET http://127.0.0.1:$PORT/health/live`, 2 s); exit 0 on a 2xx.
    Healthcheck {
        /// The path to probe (`/health/ready` to include the dependencies).
        #[arg(long, default_value = "/health/live")]
        path: String,
    },
    /// Manage the Telegram webhook.
    Telegram {
        /// Telegram command.
        #[command(subcommand)]
        command: telegram::TelegramCommand,
    },
    /// Manage API keys (`X-API-Key`).
    Apikey {
        /// Key command.
        #[command(subcommand)]
        command: apikey::ApiKeyCommand,
    },
}

/// The environment `vinbot serve` reads (README.md, Configuration, says more).
const SERVE_ENV_HELP: &str = "\
Environment variables (read once at start; an invalid value stops the start and names the variable):
  PORT                        HTTP port [default: 8080]
  VINBOT_DATA_DIR             vPIC data: vpic.lite.db, vpic.snapshot [default: ${XDG_CACHE_HOME:-~/.cache}/vinbot]
  VINBOT_VPIC_DOWNLOAD_URL    read by `vinbot data update`, not by serve: NHTSA's page of monthly dumps
  DATABASE_URL                sqlite://... or postgres://...: history, API keys
                              [default: sqlite://${XDG_DATA_HOME:-~/.local/share}/vinbot/vinbot.db]
  REDIS_URL                   redis:// or rediss://: rate limits shared by instances [default: unset, per process]
  REDIS_KEY_PREFIX            prefix of every Redis key [default: vinbot:]
  RATE_LIMIT_ANON_PER_MINUTE  decode quota per anonymous client, a batch counting per VIN [default: 120]
  RATE_LIMIT_KEY_PER_MINUTE   decode quota per API key [default: 1200]
  TRUST_FLY_CLIENT_IP         key anonymous clients by Fly-Client-IP (only behind Fly's proxy) [default: false]
  API_KEY_CACHE_SECONDS       how long a checked API key is remembered [default: 30]
  DASHBOARD_ALLOWED_ORIGINS   comma-separated exact CORS origins [default: http://localhost:8080]
  DASHBOARD_SECRET_KEY        signing key, >= 32 characters [default: random per process; required in production]
  TELEGRAM_BOT_TOKEN          the Telegram bot's token [default: unset, bot off]
  TELEGRAM_WEBHOOK_SECRET     webhook secret token, 32-256 of A-Z a-z 0-9 _ - (webhook mode)
  TELEGRAM_MODE               webhook (POST /telegram/webhook) or polling (getUpdates) [default: webhook]
  TELEGRAM_API_BASE_URL       Bot API root [default: https://api.telegram.org]
  TELEGRAM_BOT_USERNAME       the bot the page's Login Widget names; sign-in on the page [default: unset, off]
  ADMIN_TELEGRAM_IDS          comma-separated Telegram user ids that are admins [default: none]
  STATS_PUBLIC                statistics without an admin (read-only) [default: false]
  RATE_LIMIT_SIGNIN_PER_MINUTE  sign-in attempts per client and minute [default: 10]
  FRONTEND_DIR                serve the web page from this directory at / [default: unset]
  METRICS_PORT                Prometheus /metrics listener, loopback in development [default: 9091]
  SENTRY_DSN                  Sentry error reports [default: unset]
  VINBOT_DEBUG_ROUTES         serve /_debug/error and /_debug/panic [default: false]
  STORE_FULL_VINS             keep whole VINs in the history, not the first 11 characters [default: false]
  STATS_FLUSH_INTERVAL_MS     longest wait of a decode event before it is written [default: 1000]
  LOG_FORMAT                  pretty or json [default: pretty]
  APP_ENV                     development or production [default: development]
  RUST_LOG                    log filter [default: info,sqlx=warn]";

fn env_lookup(key: &str) -> Option<String> {
    std::env::var(key).ok()
}

/// Log format for commands that do not load the full settings.
fn quick_log_format() -> LogFormat {
    match env_lookup("LOG_FORMAT").as_deref().map(str::trim) {
        Some(f) if f.eq_ignore_ascii_case("json") => LogFormat::Json,
        _ => LogFormat::Pretty,
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve => serve(),
        Command::Decode { vins, file } => {
            init_quiet_telemetry();
            let input = match file {
                Some(path) => decode::Input::File(path),
                None if vins.is_empty() => {
                    anyhow::bail!("give VINs as arguments, or --file PATH (- for stdin)")
                }
                None => decode::Input::Args(vins),
            };
            let dir = config::data_dir_from(env_lookup)?;
            let decoder = crate::data::open(&dir)?;
            // The index is never freed (it lives as long as the process), so ending here costs nothing.
            decode::run(&decoder, input)
        }
        Command::Data { command } => {
            telemetry::init(quick_log_format()).ok();
            let dir = config::data_dir_from(env_lookup)?;
            data::run(&dir, command)
        }
        Command::Openapi => {
            print!("{}", crate::api::spec_yaml());
            Ok(())
        }
        Command::Healthcheck { path } => healthcheck(&path),
        Command::Telegram { command } => {
            init_quiet_telemetry();
            telegram::run(command)
        }
        Command::Migrate => {
            let settings = Settings::from_env()?;
            let _sentry = observability::sentry::init(&settings);
            telemetry::init(settings.log_format).ok();
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("starting the tokio runtime")?
                .block_on(migrate::run(&settings))
        }
        Command::Apikey { command } => {
            init_quiet_telemetry();
            apikey::run(command)
        }
    }
}

/// Warnings only, unless RUST_LOG says otherwise: the CLI's stderr is for people.
fn init_quiet_telemetry() {
    if std::env::var_os("RUST_LOG").is_none() {
        let _ = tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_env_filter("warn")
            .try_init();
    } else {
        telemetry::init(quick_log_format()).ok();
    }
}

/// `vinbot serve`: settings, Sentry and logging first (before any thread exists), then
/// [`Application::build`] does the rest.
fn serve() -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    // Kept until the command returns: dropping the guard flushes queued events.
    let _sentry = observability::sentry::init(&settings);
    telemetry::init(settings.log_format).context("installing the log subscriber")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    runtime.block_on(async move {
        let app = Application::build(settings).await?;
        app.run_until_stopped().await.context("serving HTTP")
    })
}

/// `vinbot healthcheck`: exit status 0 on a 2xx, else an error (exit 1).
fn healthcheck(path: &str) -> anyhow::Result<()> {
    let port = match env_lookup("PORT") {
        Some(p) => p
            .trim()
            .parse::<u16>()
            .with_context(|| format!("PORT={p:?} is not a port number"))?,
        None => 8080,
    };
    let status = observability::healthcheck::probe(port, path)
        .with_context(|| format!("GET http://127.0.0.1:{port}{path}"))?;
    println!("{path}: {status}");
    Ok(())
}
