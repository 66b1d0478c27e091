//! The web page served at `/` from `FRONTEND_DIR`: only the page's own files — `index.html`,
//! `favicon.svg`, `config.js`, `css/*.css` and `js/**.js`, the set the container image and the
//! Vercel build ship — never anything else in the directory (package files, tests, scripts).
//! `GET` and `HEAD` only; every answer carries the page's security headers, and a refusal never
//! names a path on the server.

use std::path::PathBuf;

use poem::{
    Endpoint, IntoResponse, Request, Response,
    http::{HeaderValue, Method, StatusCode, header},
};

use crate::envelope::response as envelope;

/// The page's Content-Security-Policy: its own scripts, styles and API only, never framed; and
/// Telegram's Login Widget (its script from telegram.org, its button a frame of
/// oauth.telegram.org).
pub const PAGE_CSP: &str = "default-src 'self'; script-src 'self' https://telegram.org; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
     frame-src https://oauth.telegram.org; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// Serves the page's files from a directory.
pub struct SiteFiles {
    root: PathBuf,
}

impl SiteFiles {
    /// Files under `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }
}

/// The file a request path names, when it is one of the page's files: a relative path of plain
/// segments (letters, digits, `-`, `_`, one `.` before the extension), never `..` or a hidden file.
pub fn page_file(path: &str) -> Option<String> {
    let rel = path.strip_prefix('/')?;
    if rel.is_empty() {
        return Some("index.html".to_owned());
    }
    let segments: Vec<&str> = rel.split('/').collect();
    let plain = |s: &str| {
        !s.is_empty()
            && !s.starts_with('.')
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && s.matches('.').count() <= 1
    };
    if !segments.iter().all(|s| plain(s)) {
        return None;
    }
    let allowed = match segments.as_slice() {
        ["index.html" | "favicon.svg" | "config.js"] => true,
        ["css", name] => name.ends_with(".css"),
        ["js", .., name] => name.ends_with(".js") && segments.len() <= 4,
        _ => false,
    };
    allowed.then(|| rel.to_owned())
}

fn content_type(file: &str) -> &'static str {
    match file.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// The page's security headers, on every answer of the page (also 404s).
fn with_page_headers(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(
        "cross-origin-opener-policy",
        // The Login Widget signs in through a popup of oauth.telegram.org.
        HeaderValue::from_static("same-origin-allow-popups"),
    );
    resp
}

impl Endpoint for SiteFiles {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        if req.method() != Method::GET && req.method() != Method::HEAD {
            let mut resp = envelope(StatusCode::METHOD_NOT_ALLOWED, "");
            resp.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return Ok(with_page_headers(resp));
        }
        let Some(file) = page_file(req.uri().path()) else {
            return Ok(with_page_headers(envelope(StatusCode::NOT_FOUND, "")));
        };
        let resp = match tokio::fs::read(self.root.join(&file)).await {
            Ok(bytes) => Response::builder()
                .header(header::CONTENT_TYPE, content_type(&file))
                .body(bytes),
            // Missing (e.g. config.js outside the Vercel build) or unreadable: the same 404,
            // without the path.
            Err(_) => envelope(StatusCode::NOT_FOUND, ""),
        };
        Ok(with_page_headers(resp.into_response()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_pages_own_files() {
        assert_eq!(page_file("/").as_deref(), Some("index.html"));
        assert_eq!(page_file("/index.html").as_deref(), Some("index.html"));
        assert_eq!(page_file("/css/base.css").as_deref(), Some("css/base.css"));
        assert_eq!(
            page_file("/js/views/tabs.js").as_deref(),
            Some("js/views/tabs.js")
        );
        for refused in [
            "/package.json",
            "/package-lock.json",
            "/.gitignore",
            "/test/api.test.js",
            "/scripts/write-config.js",
            "/e2e/harness.js",
            "/../../etc/passwd",
            "/js/../package.json",
            "/css/..%2fpackage.json",
            "/js//main.js",
            "/css/base.css.map",
            "/css/",
            "//etc/passwd",
            "/js/main.js/",
            "/node_modules/x/index.js",
        ] {
            assert_eq!(page_file(refused), None, "{refused}");
        }
    }
}
