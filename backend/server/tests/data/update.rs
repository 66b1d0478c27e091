//! `vinbot data update` against a loopback HTTP server standing in for NHTSA's download page.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;

use crate::{dump, fails, files, npm_sqlite, ok};

/// Serves `routes` (path → body) on 127.0.0.1 until the process ends; `cut` paths announce more bytes
/// than they send. Returns the base URL.
fn serve(routes: Vec<(String, Vec<u8>)>, cut: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let routes = Arc::new(routes);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let routes = routes.clone();
            std::thread::spawn(move || {
                let mut req = Vec::new();
                let mut buf = [0u8; 4096];
                while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => req.extend_from_slice(&buf[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&req);
                let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
                let Some((_, body)) = routes.iter().find(|(p, _)| *p == path) else {
                    let _ = s.write_all(
                        b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                    );
                    return;
                };
                let (len, sent) = if path == cut {
                    (body.len() * 2, body.len() / 2)
                } else {
                    (body.len(), body.len())
                };
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {len}\r\nconnection: close\r\n\r\n"
                );
                let _ = s.write_all(head.as_bytes());
                let _ = s.write_all(&body[..sent]);
            });
        }
    });
    format!("http://{addr}")
}

fn small_zip(root: &Path, month: &str) -> Vec<u8> {
    let mut sql = Vec::new();
    dump::write_dump(&npm_sqlite(), Some("'1HG'"), &mut sql);
    std::fs::read(dump::zip_dump(&sql, root, month)).unwrap()
}

#[test]
fn update_finds_downloads_switches_and_rolls_back() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("data");
    let page = "<html><body><h2>Standalone vPIC database</h2>\
        <a href=\"/files/vPICList_lite_2026_01.plain.zip\">January</a>\
        <a href=\"files/vPICList_lite_2026_02.plain.zip\">February</a>\
        <a href=\"/files/vPICList_lite_2026_02.bak.zip\">February (MS SQL)</a>\
        <a href=\"/files/vPICList_lite_2026_03.plain.zip\">March (cut)</a></body></html>";
    let jan = small_zip(root.path(), "2026_01");
    let feb = small_zip(root.path(), "2026_02");
    let mar = small_zip(root.path(), "2026_03");
    let base = serve(
        vec![
            ("/api/".into(), page.as_bytes().to_vec()),
            ("/files/vPICList_lite_2026_01.plain.zip".into(), jan),
            ("/api/files/vPICList_lite_2026_02.plain.zip".into(), feb),
            ("/files/vPICList_lite_2026_03.plain.zip".into(), mar),
        ],
        "/files/vPICList_lite_2026_03.plain.zip",
    );
    let url = format!("{base}/api/");
    // March is the newest listed, but its download is cut: an error, nothing changed.
    std::fs::create_dir_all(&dir).unwrap();
    let err = fails(&dir, &["data", "update", "--url", &url]);
    assert!(err.contains("[download_failed]"), "{err}");
    assert!(
        files(&dir).is_empty(),
        "{:?}",
        files(&dir).iter().map(|f| &f.0).collect::<Vec<_>>()
    );

    let out = ok(
        &dir,
        &["data", "update", "--url", &url, "--month", "2026_02"],
    );
    assert!(out.contains("NHTSA vPIC 2026_02"), "{out}");
    let out = ok(
        &dir,
        &["data", "update", "--url", &url, "--month", "2026_01"],
    );
    assert!(
        out.contains("current") && out.contains("NHTSA vPIC 2026_01"),
        "{out}"
    );
    assert!(out.contains("previous\tNHTSA vPIC 2026_02"), "{out}");
    let before = files(&dir);
    let err = fails(
        &dir,
        &["data", "update", "--url", &url, "--month", "2025_12"],
    );
    assert!(
        err.contains("[dump_not_listed]") && err.contains("2026_02"),
        "{err}"
    );
    let err = fails(
        &dir,
        &["data", "update", "--url", "http://127.0.0.1:9/api/"],
    );
    assert!(err.contains("[download_failed]"), "{err}");
    assert!(
        files(&dir) == before,
        "a failed update changed the data directory"
    );
    let out = ok(&dir, &["data", "rollback"]);
    assert!(
        out.contains("current") && out.contains("NHTSA vPIC 2026_02"),
        "{out}"
    );
}
