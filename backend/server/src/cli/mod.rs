//! The `vinbot` command line: one binary with subcommands.

mod apikey;
mod decode;

use std::{path::PathBuf, sync::Arc};

use anyhow::Context;
use clap::{Parser, Subcommand};
use secrecy::ExposeSecret;

use crate::{
    config::{self, LogFormat, Settings},
    data,
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
        Command::Apikey { command } => {
            init_quiet_telemetry();
            apikey::run(command)
        }
        Command::Migrate => anyhow::bail!(
            "vinbot migrate: the database module is not part of this build yet; nothing was migrated"
        ),
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
        let addr = std::net::SocketAddr::from(([0, 0, 0, 0], settings.port));
        let state = crate::state::AppState::new(Arc::new(decoder), settings);
        // --- issue 7: Redis, rate limits, API keys. Merge: pass the shared database handle
        // instead of this lazily opened pool.
        let db = crate::db::connect(
            state.settings.database_url.expose_secret(),
            &crate::db::ConnectConfig {
                lazy: true,
                ..Default::default()
            },
        )
        .await
        .inspect_err(|e| tracing::error!(error = %e, "API keys disabled: no database"))
        .ok();
        let (state, redis) = crate::ratelimit::setup::install(state, db);
        // --- end issue 7
        let app = Application::from_state(state, addr)
            .await
            .context("binding the HTTP port")?;
        let served = app.run_until_stopped().await.context("serving HTTP");
        if let Some(redis) = redis {
            redis.quit().await;
        }
        served
    })
}
