//! The same-origin page: only the page's own files (those the container and the Vercel build
//! ship), its security headers on every answer, `HEAD` answered, no path of the server in any
//! body, even for a raw `GET /../../etc/passwd`.

use std::path::PathBuf;

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::helpers::{settings, spawn_app_with};

fn frontend_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../frontend")
}

async fn raw(addr: std::net::SocketAddr, target: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let req = format!("GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn the_page_serves_only_its_own_files_with_its_headers() {
    let dir = frontend_dir().canonicalize().expect("frontend/");
    let app = spawn_app_with(settings(&[("FRONTEND_DIR", dir.to_str().unwrap())])).await;
    for (path, content_type) in [
        ("/", "text/html"),
        ("/index.html", "text/html"),
        ("/css/base.css", "text/css"),
        ("/js/main.js", "text/javascript"),
        ("/js/lib/api.js", "text/javascript"),
        ("/favicon.svg", "image/svg+xml"),
    ] {
        let resp = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        let h = resp.headers();
        assert!(
            h["content-type"]
                .to_str()
                .unwrap()
                .starts_with(content_type),
            "{path}"
        );
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert!(h.contains_key("referrer-policy"), "{path}");
    }
    for path in [
        "/package.json",
        "/package-lock.json",
        "/.gitignore",
        "/test/api.test.js",
        "/scripts/write-config.js",
        "/e2e/harness.js",
        "/e2e/fixtures/batch-50.txt",
        "/css/",
        "/js",
    ] {
        let resp = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 404, "{path}");
        assert_eq!(resp.headers()["x-frame-options"], "DENY", "{path}");
        let body = resp.text().await.unwrap();
        assert!(!body.contains(dir.to_str().unwrap()), "{path}: {body}");
    }
    for target in [
        "/../../etc/passwd",
        "/js/../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
    ] {
        let answer = raw(app.addr, target).await;
        let status_line = answer.lines().next().unwrap_or_default().to_owned();
        assert!(
            status_line.contains(" 400 ") || status_line.contains(" 404 "),
            "{target}: {status_line}"
        );
        assert!(!answer.contains("root:"), "{target}: {answer}");
        assert!(
            !answer.contains(dir.to_str().unwrap()),
            "{target}: {answer}"
        );
        assert!(
            !answer.contains("/work/") && !answer.contains("/home/"),
            "{target}: {answer}"
        );
    }

    let head = app.http.head(app.url("/")).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["x-frame-options"], "DENY");
    let post = app.http.post(app.url("/")).send().await.unwrap();
    assert_eq!(post.status(), 405);
    assert_eq!(post.headers()["allow"], "GET, HEAD");
    app.shutdown().await.unwrap();
}
