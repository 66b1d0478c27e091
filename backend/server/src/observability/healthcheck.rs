//! `vinbot healthcheck`: the container's HEALTHCHECK without curl. One HTTP/1.1 GET to
//! `127.0.0.1:$PORT` with an overall 2 s deadline; healthy on a 2xx status.

use std::{
    io::{Read, Write},
    net::{SocketAddr, TcpStream},
    time::{Duration, Instant},
};

/// The whole probe must finish within this (Docker's `--timeout` is longer).
pub const DEADLINE: Duration = Duration::from_secs(2);

/// Why the probe failed.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// Could not connect, send or read in time.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The answer was not HTTP.
    #[error("not an HTTP response: {0:?}")]
    NotHttp(String),
    /// The server answered with a non-2xx status.
    #[error("status {0}")]
    Status(u16),
}

/// GETs `path` from `127.0.0.1:port`; `Ok(status)` on a 2xx.
pub fn probe(port: u16, path: &str) -> Result<u16, ProbeError> {
    let started = Instant::now();
    let remaining = || {
        DEADLINE
            .saturating_sub(started.elapsed())
            .max(Duration::from_millis(1))
    };
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&addr, remaining())?;
    stream.set_write_timeout(Some(remaining()))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: vinbot-healthcheck\r\nConnection: close\r\n\r\n"
    )?;
    let mut head = Vec::with_capacity(256);
    let mut buf = [0u8; 256];
    // The status line is all we need; stop reading once it is complete.
    while !head.contains(&b'\n') {
        stream.set_read_timeout(Some(remaining()))?;
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let line = String::from_utf8_lossy(&head);
    let line = line.lines().next().unwrap_or_default().to_owned();
    let status = line
        .strip_prefix("HTTP/1.")
        .and_then(|rest| rest.get(2..5))
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| ProbeError::NotHttp(line.clone()))?;
    if (200..300).contains(&status) {
        Ok(status)
    } else {
        Err(ProbeError::Status(status))
    }
}
