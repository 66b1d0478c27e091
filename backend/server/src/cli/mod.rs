//! The `vinbot` command line: one binary with subcommands.

mod apikey;
mod decode;
mod migrate;
// --- telegram (issue 8) ---
pub mod telegram;
// --- end telegram ---

use std::{path::PathBuf, sync::Arc};

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::{
    config::{self, LogFormat, Settings},
    data, observability,
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
        command: DataCommand,
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
    // --- telegram (issue 8) ---
    /// Manage the Telegram webhook.
    Telegram {
        /// Telegram command.
        #[command(subcommand)]
        command: telegram::TelegramCommand,
    },
    // --- end telegram ---
    /// Manage API keys (`X-API-Key`).
    Apikey {
        /// Key command.
        #[command(subcommand)]
        command: apikey::ApiKeyCommand,
    },
}

/// `vinbot data …`.
#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Build `vpic.snapshot` from `vpic.lite.db` in the data directory.
    Build,
}

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
            let dir = config::data_dir_from(env_lookup)?;
            let decoder = data::open(&dir)?;
            let input = match file {
                Some(path) => decode::Input::File(path),
                None if vins.is_empty() => {
                    anyhow::bail!("give VINs as arguments, or --file PATH (- for stdin)")
                }
                None => decode::Input::Args(vins),
            };
            // The index is never freed (it lives as long as the process), so ending here costs nothing.
            decode::run(&decoder, input)
        }
        Command::Data {
            command: DataCommand::Build,
        } => {
            telemetry::init(quick_log_format()).ok();
            let dir = config::data_dir_from(env_lookup)?;
            let path = data::build(&dir)?;
            println!("{}", path.display());
            Ok(())
        }
        Command::Openapi => {
            print!("{}", crate::api::spec_yaml());
            Ok(())
        }
        Command::Healthcheck { path } => healthcheck(&path),
        // --- telegram (issue 8) ---
        Command::Telegram { command } => {
            init_quiet_telemetry();
            telegram::run(command)
        }
        // --- end telegram ---
        Command::Migrate => {
            let settings = Settings::from_env()?;
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

fn serve() -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    telemetry::init(settings.log_format).context("installing the log subscriber")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    runtime.block_on(async move {
        let dir = settings.data_dir.clone();
        let decoder = tokio::task::spawn_blocking(move || data::open(&dir)).await??;
        let metrics_addr = std::net::SocketAddr::from(([0, 0, 0, 0], settings.metrics_port));
        let metrics = observability::exporter::MetricsServer::bind(metrics_addr)
            .await
            .context("binding METRICS_PORT")?;
        let decoder = Arc::new(decoder);
        let history = crate::history::History::start(&settings)
            .await
            .context("opening the history database")?;
        let db = history.db.clone();
        let deps = crate::telegram::BotDeps {
            db: Some(history.db.clone()),
            recorder: Some(history.recorder.clone()),
            dedup: None,
        };
        let state =
            crate::state::AppState::new(decoder.clone(), settings.clone()).with_history(history);
        // --- issue 7: Redis, rate limits, API keys (keys live in the history database).
        let (mut state, redis) = crate::ratelimit::setup::install(state, Some(db));
        // --- end issue 7
        // --- telegram (issue 8) ---
        if let Some(tg) = &settings.telegram {
            let bot = crate::telegram::TelegramBot::new(
                tg,
                decoder,
                deps,
                crate::telegram::BotOptions::default(),
            )
            .context("building the Telegram client")?;
            state = state.with_telegram(Arc::new(bot));
            tracing::info!("telegram bot on: POST /telegram/webhook");
        }
        // --- end telegram ---
        let addr = std::net::SocketAddr::from(([0, 0, 0, 0], settings.port));
        let app = Application::from_state(state, addr)
            .await
            .context("binding the HTTP port")?;
        let (stop_metrics, stopped) = tokio::sync::oneshot::channel::<()>();
        let metrics = tokio::spawn(metrics.run_until(async {
            let _ = stopped.await;
        }));
        let served = app.run_until_stopped().await.context("serving HTTP");
        let _ = stop_metrics.send(());
        metrics.await?.context("serving metrics")?;
        if let Some(redis) = redis {
            redis.quit().await;
        }
        served
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
