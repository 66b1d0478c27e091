//! A loopback TCP proxy in front of a real server (Redis, PostgreSQL) that a test can kill
//! (every connection cut, new ones refused) and pause (connections stay open, no byte moves),
//! then restore — the outages a network or a restarting dependency causes.

use std::{net::SocketAddr, sync::Arc};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::watch,
};

/// What the proxy does with traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Forwards both ways.
    Up,
    /// Holds every byte (connections stay open).
    Paused,
    /// Cuts every connection and refuses new ones.
    Down,
}

/// The proxy; dropped, it stops accepting.
pub struct Proxy {
    /// Where clients connect.
    pub addr: SocketAddr,
    mode: Arc<watch::Sender<Mode>>,
    accept: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// Starts a proxy on 127.0.0.1:0 forwarding to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("addr");
        let mode = Arc::new(watch::Sender::new(Mode::Up));
        let modes = mode.clone();
        let accept = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                if *modes.borrow() == Mode::Down {
                    drop(client);
                    continue;
                }
                let rx = modes.subscribe();
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(upstream).await {
                        pipe(client, server, rx).await;
                    }
                });
            }
        });
        Self { addr, mode, accept }
    }

    /// Switches the mode; `Down` cuts the open connections at once.
    pub fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.set(Mode::Down);
        self.accept.abort();
    }
}

/// Copies both ways until either side closes or the proxy goes down; holds bytes while paused.
async fn pipe(client: TcpStream, server: TcpStream, mode: watch::Receiver<Mode>) {
    let (cr, cw) = client.into_split();
    let (sr, sw) = server.into_split();
    let up = copy(cr, sw, mode.clone());
    let down = copy(sr, cw, mode);
    tokio::select! {
        () = up => {}
        () = down => {}
    }
}

async fn copy(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut mode: watch::Receiver<Mode>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        // Wait while paused; stop when down.
        match mode.wait_for(|m| *m != Mode::Paused).await.map(|m| *m) {
            Ok(Mode::Up) => {}
            _ => return,
        }
        tokio::select! {
            read = from.read(&mut buf) => {
                let n = match read { Ok(0) | Err(_) => return, Ok(n) => n };
                // A pause that starts now holds this chunk until it ends.
                match mode.wait_for(|m| *m != Mode::Paused).await.map(|m| *m) {
                    Ok(Mode::Up) => {}
                    _ => return,
                }
                if to.write_all(&buf[..n]).await.is_err() {
                    return;
                }
            }
            changed = mode.changed() => {
                if changed.is_err() || *mode.borrow() == Mode::Down {
                    return;
                }
            }
        }
    }
}
