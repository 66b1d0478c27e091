//! Assembling and running the service. [`Application::build`] is the one path from validated
//! [`Settings`] to a bound server: `vinbot serve` and every test server go through it, so tests
//! run the production wiring (history, Redis, rate limits and API keys, the Telegram bot, the
//! metrics listener).
//!
//! Each feature starts on its own from the settings and returns its parts ([`History::start`],
//! [`Redis::start`], [`RateLimits::new`], [`TelegramBot::new`]); only this module puts them
//! together into the [`AppState`]. A new feature plugs in here the same way.
//!
//! Both listeners are bound in `build` (port 0 in tests, so the caller learns the ports before
//! serving); [`Application::run_until_stopped`] serves until SIGINT or SIGTERM, then drains
//! in-flight requests up to the shutdown deadline and writes buffered decode events.

use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    path::Path,
    sync::Arc,
};

use tokio::net::TcpListener;
use vinbot_decoder::Decoder;

use crate::{
    api,
    apikeys::ApiKeyStore,
    auth::{Auth, Clock, SystemClock},
    config::{Settings, TelegramMode},
    data::{LiveData, reload},
    history::{self, History},
    observability::{exporter::MetricsServer, metrics::DATA_AGE_INTERVAL},
    ratelimit::RateLimits,
    redis::Redis,
    state::AppState,
    telegram::{
        BotDeps, BotOptions, TelegramBot,
        client::BotApiError,
        polling::{PollOptions, Poller},
    },
};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The vPIC data could not be loaded.
    #[error("{0:#}")]
    Data(anyhow::Error),
    /// A port could not be bound.
    #[error(
        "cannot listen on {addr} ({what}={}): {source}; is another vinbot running? Set {what} to a free port",
        .addr.port()
    )]
    Bind {
        /// `PORT` or `METRICS_PORT`.
        what: &'static str,
        /// The address tried.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The history database could not be opened or migrated (SQLite; PostgreSQL opens lazily).
    #[error("opening the history database: {0}")]
    Database(#[from] crate::db::DbError),
    /// The Telegram client could not be built.
    #[error("building the Telegram client: {0}")]
    Telegram(#[from] BotApiError),
}

/// A bound, not yet running server: the public HTTP listener, the metrics listener and the
/// assembled state.
pub struct Application {
    listener: TcpListener,
    addr: SocketAddr,
    metrics: MetricsServer,
    state: AppState,
    redis: Option<Redis>,
    poll_options: Option<PollOptions>,
}

/// What is not a setting: where to listen, a decoder loaded already, the bot's limits.
/// [`Application::build`] uses the defaults.
pub struct Builder {
    settings: Settings,
    decoder: Option<Decoder>,
    host: Option<IpAddr>,
    bot_options: BotOptions,
    poll_options: Option<PollOptions>,
    clock: Arc<dyn Clock>,
}

impl Builder {
    /// The clock of sign-in and sessions (tests move time by hand).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Uses this decoder instead of loading the data directory (tests load it once per process).
    pub fn decoder(mut self, decoder: Decoder) -> Self {
        self.decoder = Some(decoder);
        self
    }

    /// Listens (both listeners) on this address instead of the defaults (tests use loopback).
    pub fn host(mut self, host: IpAddr) -> Self {
        self.host = Some(host);
        self
    }

    /// How the bot polls when `TELEGRAM_MODE=polling`; `None` leaves polling to the caller
    /// (tests that stop and restart it).
    pub fn poll_options(mut self, options: Option<PollOptions>) -> Self {
        self.poll_options = options;
        self
    }

    /// Limits of the Telegram bot (tests shrink them).
    pub fn bot_options(mut self, options: BotOptions) -> Self {
        self.bot_options = options;
        self
    }

    /// Loads the data, starts every feature, binds both listeners.
    pub async fn build(self) -> Result<Application, StartupError> {
        let decoder = match self.decoder {
            Some(decoder) => decoder,
            None => load_decoder(&self.settings.data_dir).await?,
        };
        let metrics_addr = match self.host {
            Some(host) => SocketAddr::new(host, self.settings.metrics_port),
            None => self.settings.metrics_addr(),
        };
        let metrics =
            MetricsServer::bind(metrics_addr)
                .await
                .map_err(|source| StartupError::Bind {
                    what: "METRICS_PORT",
                    addr: metrics_addr,
                    source,
                })?;
        let host = self.host.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        let addr = SocketAddr::new(host, self.settings.port);
        let polls = self
            .settings
            .telegram
            .as_ref()
            .is_some_and(|tg| tg.mode == TelegramMode::Polling);
        let poll_options = self.poll_options.filter(|_| polls);
        let (state, redis) = assemble(self.settings, decoder, self.bot_options, self.clock).await?;
        let bind = |source| StartupError::Bind {
            what: "PORT",
            addr,
            source,
        };
        let listener = TcpListener::bind(addr).await.map_err(bind)?;
        let addr = listener.local_addr().map_err(bind)?;
        Ok(Application {
            listener,
            addr,
            metrics,
            state,
            redis,
            poll_options,
        })
    }
}

/// Loads the vPIC data off the async threads (it takes seconds).
async fn load_decoder(dir: &Path) -> Result<Decoder, StartupError> {
    let dir = dir.to_owned();
    tokio::task::spawn_blocking(move || crate::data::open(&dir))
        .await
        .map_err(|e| StartupError::Data(anyhow::anyhow!("loading the vPIC data: {e}")))?
        .map_err(StartupError::Data)
}

/// Starts the features and puts their parts into the state. Redis is never fatal: a bad
/// `REDIS_URL` is logged and leaves the in-process limits in charge.
async fn assemble(
    settings: Settings,
    decoder: Decoder,
    bot_options: BotOptions,
    clock: Arc<dyn Clock>,
) -> Result<(AppState, Option<Redis>), StartupError> {
    let history = History::start(&settings).await?;
    let redis = Redis::start(&settings).unwrap_or_else(|e| {
        tracing::error!(error = %e, "Redis disabled; rate limits are per instance");
        None
    });
    // API keys live in the history database.
    let keys = ApiKeyStore::new(history.db.clone(), settings.api_key_cache_ttl);
    let limits = RateLimits::new(&settings, redis.clone(), Some(keys));
    // Sign-in and sessions keep their users in the history database.
    let auth = Arc::new(Auth::new(&settings, history.db.clone(), clock));
    // One live data set for the HTTP API and the bot: a reload switches both.
    let data = LiveData::new(decoder);
    let bot = match &settings.telegram {
        Some(tg) => {
            let deps = BotDeps {
                db: Some(history.db.clone()),
                recorder: Some(history.recorder.clone()),
                dedup: None,
                auth: Some(auth.clone()),
            };
            Some(TelegramBot::new(tg, data.clone(), deps, bot_options)?)
        }
        None => None,
    };
    let mut state = AppState::new(data, settings)
        .with_history(history)
        .with_rate_limits(Arc::new(limits))
        .with_auth(auth);
    if let Some(redis) = &redis {
        tracing::info!(
            prefix = redis.prefix(),
            "Redis configured; connecting in the background"
        );
        state = state.with_readiness_check(redis.readiness_check());
    }
    if let Some(bot) = bot {
        if state.settings.telegram.as_ref().map(|tg| tg.mode) == Some(TelegramMode::Webhook) {
            tracing::info!("telegram bot on: POST /telegram/webhook");
        }
        state = state.with_telegram(Arc::new(bot));
    }
    Ok((state, redis))
}

impl Application {
    /// Everything `vinbot serve` runs, on `0.0.0.0:{PORT}` and `0.0.0.0:{METRICS_PORT}`, with the
    /// vPIC data of the data directory.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        Self::builder(settings).build().await
    }

    /// [`Application::build`] with choices that are not settings.
    pub fn builder(settings: Settings) -> Builder {
        Builder {
            settings,
            decoder: None,
            host: None,
            bot_options: BotOptions::default(),
            poll_options: Some(PollOptions::default()),
            clock: Arc::new(SystemClock),
        }
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The bound address of the public listener.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The bound address of the metrics listener.
    pub fn metrics_addr(&self) -> SocketAddr {
        self.metrics.local_addr()
    }

    /// The assembled state (e.g. to inspect the bot in tests).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT/SIGTERM; SIGHUP reloads the vPIC data meanwhile.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let reloads = reload_on_sighup(&self.state);
        let served = self.run_until(shutdown_signal()).await;
        if let Some(task) = reloads {
            task.abort();
        }
        served
    }

    /// Serves until `stop` completes, then stops accepting and drains in-flight requests for at
    /// most the configured shutdown timeout; then writes buffered decode events, stops the
    /// metrics listener and closes Redis.
    pub async fn run_until(
        self,
        stop: impl std::future::Future<Output = ()> + Send,
    ) -> std::io::Result<()> {
        let http = self.state.settings.http.clone();
        let history = self.state.history.clone();
        // Long polling (`TELEGRAM_MODE=polling`) instead of the webhook: updates come from
        // `getUpdates` into the same intake.
        let poller = self
            .poll_options
            .zip(self.state.telegram.clone())
            .map(|(options, bot)| Poller::spawn(bot, options));
        let (stop_metrics, metrics_stopped) = tokio::sync::oneshot::channel::<()>();
        let metrics = tokio::spawn(self.metrics.run_until(async {
            let _ = metrics_stopped.await;
        }));
        let ages = tokio::spawn(refresh_data_age(self.state.live_data().clone()));
        tracing::info!(addr = %self.addr, "listening");
        // The database's state is logged at start, not at the first probe: a PostgreSQL nobody
        // ran `vinbot migrate` on is named (with the fix) before history is lost to it.
        if let Some(check) = self.state.readiness.iter().find(|c| c.name() == "database") {
            let check = check.clone();
            tokio::spawn(async move { check.check().await });
        }
        let app = api::app(self.state);
        let options = api::serve::ServeOptions {
            header_read_timeout: http.header_read_timeout,
            shutdown_timeout: http.shutdown_timeout,
        };
        let served = api::serve::serve(self.listener, app, stop, options).await;
        tracing::info!("server stopped");
        ages.abort();
        if let Some(poller) = poller {
            poller.stop().await;
        }
        // No request can record any more: write what is buffered.
        if let Some(history) = history {
            history.shutdown(history::FLUSH_DEADLINE).await;
        }
        let _ = stop_metrics.send(());
        let metrics = metrics.await.map_err(std::io::Error::other).flatten();
        if let Some(redis) = self.redis {
            redis.quit().await;
        }
        served.and(metrics)
    }
}

/// Keeps `vinbot_data_age_days` true while the days pass without a reload.
async fn refresh_data_age(data: LiveData) {
    let mut tick = tokio::time::interval(DATA_AGE_INTERVAL);
    loop {
        tick.tick().await;
        data.publish_age();
    }
}

/// Reloads the vPIC data of the data directory on each SIGHUP (the outcome is logged). The handler
/// is installed before this returns, so a SIGHUP sent once the server listens never kills it.
#[cfg(unix)]
fn reload_on_sighup(state: &AppState) -> Option<tokio::task::JoinHandle<()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut hangups = match signal(SignalKind::hangup()) {
        Ok(s) => s,
        Err(err) => {
            tracing::error!(error = %err, "cannot listen for SIGHUP; reload with the admin route");
            return None;
        }
    };
    let data = state.live_data().clone();
    let dir = state.settings.data_dir.clone();
    Some(tokio::spawn(async move {
        while hangups.recv().await.is_some() {
            // The outcome (and a failure's cause) is logged by the reload itself.
            let _ = reload::reload(&data, &dir, "sighup").await;
        }
    }))
}

#[cfg(not(unix))]
fn reload_on_sighup(_: &AppState) -> Option<tokio::task::JoinHandle<()>> {
    None
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM (what Fly and containers send).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("SIGINT received, shutting down"),
        () = term => tracing::info!("SIGTERM received, shutting down"),
    }
}
