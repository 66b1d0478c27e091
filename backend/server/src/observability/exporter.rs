//! The Prometheus exporter: one recorder for the `metrics` facade, rendered at `/metrics` on its
//! own listener (`METRICS_PORT`), never on the public port.

use std::{net::SocketAddr, sync::OnceLock, time::Duration};

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use poem::{
    Endpoint, EndpointExt, Response, Route, Server, get, handler, http::StatusCode,
    listener::TcpAcceptor, web::Data,
};

use super::metrics::{HTTP_BUCKETS, HTTP_RESPONSE_TIME};

/// How often histograms are drained (without upkeep they grow until the next scrape).
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// The `metrics` facade has one global recorder per process; the handle to it is kept here so
/// that a second server in the same process (tests) renders the same registry.
static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the Prometheus recorder (once per process) and returns its handle.
pub fn install() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(HTTP_RESPONSE_TIME.to_owned()), HTTP_BUCKETS)
                .expect("bucket list is not empty")
                .build_recorder();
            let handle = recorder.handle();
            if let Err(err) = metrics::set_global_recorder(recorder) {
                // Another recorder was installed first (an embedding program): ours stays empty.
                tracing::warn!(error = %err, "a metrics recorder was already installed");
            }
            handle
        })
        .clone()
}

/// A bound metrics listener.
pub struct MetricsServer {
    acceptor: TcpAcceptor,
    addr: SocketAddr,
    handle: PrometheusHandle,
}

impl MetricsServer {
    /// Installs the recorder and binds `addr` (`0.0.0.0:{METRICS_PORT}`; port 0 in tests).
    pub async fn bind(addr: SocketAddr) -> std::io::Result<Self> {
        let handle = install();
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        Ok(Self {
            acceptor: TcpAcceptor::from_tokio(listener)?,
            addr,
            handle,
        })
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves `/metrics` and runs the upkeep timer until `stop` completes.
    pub async fn run_until(
        self,
        stop: impl std::future::Future<Output = ()> + Send,
    ) -> std::io::Result<()> {
        tracing::info!(addr = %self.addr, "metrics listening");
        let upkeep = tokio::spawn(upkeep(self.handle.clone()));
        let result = Server::new_with_acceptor(self.acceptor)
            .name("vinbot-metrics")
            .run_with_graceful_shutdown(app(self.handle), stop, Some(Duration::from_secs(1)))
            .await;
        upkeep.abort();
        result
    }
}

/// The metrics endpoint: `GET /metrics` and nothing else.
pub fn app(handle: PrometheusHandle) -> impl Endpoint {
    Route::new().at("/metrics", get(render)).data(handle)
}

#[handler]
fn render(handle: Data<&PrometheusHandle>) -> Response {
    Response::builder()
        .status(StatusCode::OK)
        .content_type("text/plain; version=0.0.4")
        .body(handle.render())
}

async fn upkeep(handle: PrometheusHandle) {
    let mut tick = tokio::time::interval(UPKEEP_INTERVAL);
    loop {
        tick.tick().await;
        handle.run_upkeep();
    }
}
