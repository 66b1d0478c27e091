//! Slow clients: a request head or body drip-fed a byte at a time is cut off (header read
//! timeout: the connection is closed; body read timeout: 408 in the envelope), with the default
//! settings, within 15 s — and a graceful shutdown is not held by such connections.

use std::time::{Duration, Instant};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::helpers::{settings, spawn_app_with};

/// The most a drip-feeding connection may live.
const CUT_OFF: Duration = Duration::from_secs(15);

/// Sends `sent` at once, then `dripped` (cycled) one byte a second until the server closes the
/// connection; returns how long it stayed open and what the server answered (empty when it closed
/// without one).
async fn drip(
    addr: std::net::SocketAddr,
    sent: &'static [u8],
    dripped: &'static [u8],
) -> (Duration, Vec<u8>) {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(sent).await.expect("send");
    let mut answer = Vec::new();
    let mut bytes = dripped.iter().cycle();
    loop {
        let mut buf = [0u8; 4096];
        tokio::select! {
            read = stream.read(&mut buf) => match read {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            },
            () = tokio::time::sleep(Duration::from_secs(1)) => {
                let byte = [*bytes.next().expect("cycle")];
                if stream.write_all(&byte).await.is_err() {
                    break;
                }
            }
        }
        if started.elapsed() > CUT_OFF * 2 {
            break;
        }
    }
    (started.elapsed(), answer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drip_fed_request_heads_are_cut_off() {
    let app = spawn_app_with(settings(&[])).await;
    let drips = (0..50).map(|_| drip(app.addr, b"", b"GET /api/v1/meta HTTP/1.1\r\nX-A: "));
    let results = futures_util::future::join_all(drips).await;
    for (open, _) in &results {
        assert!(
            *open <= CUT_OFF,
            "a drip-fed head kept its connection {open:?}"
        );
    }
    // The server still answers.
    let resp = app.http.get(app.url("/api/v1/meta")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    app.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drip_fed_bodies_get_408() {
    let app = spawn_app_with(settings(&[])).await;
    let head: &'static [u8] = b"POST /api/vehicles/DecodeVinValuesBatch HTTP/1.1\r\nHost: x\r\n\
        Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n";
    let (open, answer) = drip(app.addr, head, b"D").await;
    assert!(open <= CUT_OFF, "body drip lasted {open:?}");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("\"code\":\"timeout\""), "{text}");
    app.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_is_not_held_by_drip_feeders() {
    let mut app = spawn_app_with(settings(&[])).await;
    let addr = app.addr;
    let drips: Vec<_> = (0..20)
        .map(|_| tokio::spawn(drip(addr, b"", b"GET /api/v1/meta HTTP/1.1\r\nX-B: ")))
        .collect();
    // Let every drip connection start its head.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let started = Instant::now();
    let server = app.begin_shutdown();
    let stopped = tokio::time::timeout(CUT_OFF, server).await;
    assert!(
        stopped.is_ok(),
        "shutdown held past {CUT_OFF:?} by drip-feeding connections"
    );
    assert!(started.elapsed() < CUT_OFF);
    for d in drips {
        d.abort();
    }
}

/// A chunked streamed batch whose body never comes holds the whole body budget (the smallest the
/// server allows: one 4 MiB body counted three times) until its read times out. Meanwhile another
/// body is told to come back later, and requests without a body are not held up at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_holding_the_budget_do_not_hold_up_requests_without_one() {
    let mut settings = settings(&[]);
    settings.http.body_budget = 0;
    settings.http.request_timeout = Duration::from_secs(4);
    settings.http.body_read_timeout = Duration::from_secs(8);
    let app = spawn_app_with(settings).await;
    let mut holder = TcpStream::connect(app.addr).await.expect("connect");
    holder
        .write_all(
            b"POST /api/v1/vins/batch HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n\
              Accept: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n",
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Both while the holder is within its deadline (4 s), which would release the budget.
    let (other, single) = tokio::join!(
        app.http
            .post(app.url("/api/v1/vins/batch"))
            .header("content-type", "text/plain")
            .body("1HGCM82633A004352\n")
            .send(),
        app.http
            .get(app.url("/api/v1/vins/1HGCM82633A004352"))
            .send()
    );
    let (other, single) = (other.unwrap(), single.unwrap());
    assert_eq!(
        other.status(),
        503,
        "the budget is held by the chunked body"
    );
    assert_eq!(other.headers()["retry-after"], "2");
    assert_eq!(single.status(), 200, "a GET has no body to budget");
    let meta = app.http.get(app.url("/api/v1/meta")).send().await.unwrap();
    assert_eq!(meta.status(), 200);
    drop(holder);
    app.shutdown().await.unwrap();
}
