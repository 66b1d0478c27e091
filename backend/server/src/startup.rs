//! Building and running the server: the listener is bound in `build` (port 0 in tests, so
//! the caller learns the port before serving), and `run_until_stopped` serves until SIGINT
//! or SIGTERM, then drains in-flight requests up to the shutdown deadline.

use std::{net::SocketAddr, sync::Arc};

use poem::{Server, listener::TcpAcceptor};
use vinbot_decoder::Decoder;

use crate::{api, config::Settings, history::History, state::AppState};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The HTTP port could not be bound.
    #[error("cannot bind the HTTP port: {0}")]
    Bind(#[from] std::io::Error),
    /// The history database could not be opened or migrated (SQLite; PostgreSQL opens lazily).
    #[error(transparent)]
    Database(#[from] crate::db::DbError),
}

/// A bound, not yet running server.
pub struct Application {
    acceptor: TcpAcceptor,
    addr: SocketAddr,
    state: AppState,
}

impl Application {
    /// Builds the state (opening the history database) and binds `0.0.0.0:{PORT}`.
    pub async fn build(settings: Settings, decoder: Arc<Decoder>) -> Result<Self, StartupError> {
        let addr = SocketAddr::from(([0, 0, 0, 0], settings.port));
        Self::build_on(settings, decoder, addr).await
    }

    /// Like [`Application::build`] on an explicit address (tests bind `127.0.0.1:0`).
    pub async fn build_on(
        settings: Settings,
        decoder: Arc<Decoder>,
        addr: SocketAddr,
    ) -> Result<Self, StartupError> {
        let history = History::start(&settings).await?;
        let state = AppState::new(decoder, settings).with_history(history);
        Ok(Self::from_state(state, addr).await?)
    }

    /// Binds for a state assembled by the caller (with readiness checks, database, ...).
    pub async fn from_state(state: AppState, addr: SocketAddr) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let acceptor = TcpAcceptor::from_tokio(listener)?;
        Ok(Self {
            acceptor,
            addr,
            state,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The shared state (e.g. to inspect it in tests).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT/SIGTERM.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `stop` completes, then stops accepting and drains in-flight requests
    /// for at most the configured shutdown timeout; then writes buffered decode events.
    pub async fn run_until(
        self,
        stop: impl std::future::Future<Output = ()> + Send,
    ) -> std::io::Result<()> {
        let http = self.state.settings.http.clone();
        let history = self.state.history.clone();
        tracing::info!(addr = %self.addr, "listening");
        let app = api::app(self.state);
        let served = Server::new_with_acceptor(self.acceptor)
            .name("vinbot")
            .idle_timeout(http.idle_timeout)
            .run_with_graceful_shutdown(app, stop, Some(http.shutdown_timeout))
            .await;
        tracing::info!("server stopped");
        // -- history (issue 6): no request can record any more; write what is buffered. --
        if let Some(history) = history {
            history.shutdown(crate::history::FLUSH_DEADLINE).await;
        }
        served
    }
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
