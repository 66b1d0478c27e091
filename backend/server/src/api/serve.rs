//! Serving the application on a TCP listener with hyper's HTTP/1.1 connections. Ours rather than
//! poem's `Server` because that one sets no timer, so a client that drip-feeds its request head
//! could hold a connection (and every graceful shutdown) forever. Here each request head must
//! arrive within `header_read_timeout`; shutdown stops accepting, lets requests in flight finish
//! within the drain deadline and then closes whatever is left.
//!
//! Request heads are limited in [`super::boundary`] (414 and 431 in the error envelope). hyper's
//! own limits sit above those so that what the boundary refuses reaches it: up to
//! [`MAX_HEADER_LINES`] header lines, hyper's read buffer (about 400 KiB) and a 64 KiB request
//! target. A head beyond them, or one that is not HTTP at all, gets hyper's bare status line
//! (431, 414 or 400, no body) and the connection is closed.

use std::{convert::Infallible, future::Future, io, net::SocketAddr, sync::Arc, time::Duration};

use hyper::{body::Incoming, server::conn::http1, service::service_fn};
use hyper_util::rt::{TokioIo, TokioTimer};
use poem::{Endpoint, Response, web::LocalAddr, web::RemoteAddr};
use tokio::{net::TcpListener, sync::watch, task::JoinSet};

/// Timeouts of the HTTP connections.
#[derive(Debug, Clone, Copy)]
pub struct ServeOptions {
    /// A request head (request line and headers) must be complete within this long after the
    /// connection opened or the previous response was sent; idle keep-alive connections are
    /// closed after it too.
    pub header_read_timeout: Duration,
    /// How long shutdown waits for requests in flight before closing their connections.
    pub shutdown_timeout: Duration,
}

/// The most header lines hyper parses in one request head (its default is 100). Above the
/// boundary's byte limit divided by the shortest usual header line, so that a head of many
/// small headers is refused by the boundary, in the envelope, rather than by hyper.
pub const MAX_HEADER_LINES: usize = 1024;

/// Serves `endpoint` on `listener` until `stop` completes, then drains (see the module docs).
pub async fn serve<E>(
    listener: TcpListener,
    endpoint: E,
    stop: impl Future<Output = ()>,
    options: ServeOptions,
) -> io::Result<()>
where
    E: Endpoint<Output = Response> + 'static,
{
    let local = listener.local_addr()?;
    let endpoint = Arc::new(endpoint);
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    let addrs = (local, peer);
                    let conn = connection(stream, addrs, endpoint.clone(), options, shutdown_rx.clone());
                    connections.spawn(conn);
                }
                Err(error) => {
                    // Out of descriptors and the like: back off instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
    drop(listener);
    let _ = shutdown_tx.send(true);
    let drained = tokio::time::timeout(options.shutdown_timeout, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            connections = connections.len(),
            "drain deadline passed; closing the remaining connections"
        );
        connections.shutdown().await;
    }
    Ok(())
}

/// Serves one HTTP/1.1 connection; when shutdown starts, lets the request in flight finish and
/// closes.
async fn connection<E>(
    stream: tokio::net::TcpStream,
    (local, peer): (SocketAddr, SocketAddr),
    endpoint: Arc<E>,
    options: ServeOptions,
    mut shutdown: watch::Receiver<bool>,
) where
    E: Endpoint<Output = Response> + 'static,
{
    let service = service_fn(move |req: http::Request<Incoming>| {
        let endpoint = endpoint.clone();
        async move {
            let req = poem::Request::from((
                req,
                LocalAddr(local.into()),
                RemoteAddr(peer.into()),
                http::uri::Scheme::HTTP,
            ));
            Ok::<_, Infallible>(http::Response::from(endpoint.get_response(req).await))
        }
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout)
        .max_headers(MAX_HEADER_LINES)
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    tokio::pin!(conn);
    tokio::select! {
        result = conn.as_mut() => {
            log_end(result);
            return;
        }
        _ = shutdown.wait_for(|stop| *stop) => {}
    }
    conn.as_mut().graceful_shutdown();
    log_end(conn.await);
}

fn log_end(result: hyper::Result<()>) {
    if let Err(error) = result {
        // Clients that vanish, time out or send garbage: theirs, not ours; not an error log.
        tracing::debug!(%error, "connection ended with an error");
    }
}
