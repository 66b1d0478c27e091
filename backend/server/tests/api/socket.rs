//! Tests over a real socket: CORS, body caps, graceful shutdown.

use crate::helpers::*;

#[tokio::test]
async fn cors_allows_exact_origins_only() {
    let app = spawn_app().await;
    let resp = app
        .http
        .get(app.url("/api/v1/meta"))
        .header("Origin", ALLOWED_ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let h = resp.headers();
    assert_eq!(h["access-control-allow-origin"], ALLOWED_ORIGIN);
    assert_eq!(h["vary"], "Origin");
    assert!(h.get("access-control-allow-credentials").is_none());
    assert!(
        h["access-control-expose-headers"]
            .to_str()
            .unwrap()
            .contains("x-request-id")
    );

    let resp = app
        .http
        .get(app.url("/api/v1/meta"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert!(resp.headers().get("access-control-allow-origin").is_none());
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "forbidden");

    let resp = app
        .http
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/vins/batch"))
        .header("Origin", ALLOWED_ORIGIN)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type, accept")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let h = resp.headers();
    assert_eq!(h["access-control-allow-origin"], ALLOWED_ORIGIN);
    assert_eq!(
        h["access-control-allow-methods"],
        "GET, POST, PATCH, DELETE, OPTIONS"
    );
    let max_age: u32 = h["access-control-max-age"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(max_age <= 7200);
    assert!(h.get("access-control-allow-credentials").is_none());

    // The sign-in routes (the refresh cookie's path) alone allow credentials, for listed origins.
    let resp = app
        .http
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/auth/refresh"))
        .header("Origin", ALLOWED_ORIGIN)
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    assert_eq!(resp.headers()["access-control-allow-credentials"], "true");
    assert_eq!(
        resp.headers()["access-control-allow-origin"],
        ALLOWED_ORIGIN
    );

    let resp = app
        .http
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/vins/batch"))
        .header("Origin", ALLOWED_ORIGIN)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "x-evil")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);

    // Same-origin requests (the page served from FRONTEND_DIR) are not cross-origin.
    let own = format!("http://{}", app.addr);
    let resp = app
        .http
        .get(app.url("/api/v1/meta"))
        .header("Origin", own)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    app.shutdown().await.unwrap();
}

#[tokio::test]
async fn oversized_bodies_are_413_before_parsing() {
    let mut s = settings(&[]);
    s.http.json_body_limit = 4 * 1024;
    let app = spawn_app_with(s).await;
    let big = format!("{{\"vins\": [\"{}\"]}}", "A".repeat(8 * 1024));
    let resp = app
        .http
        .post(app.url("/api/vehicles/DecodeVinValuesBatch"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "payload_too_large");
    // The streaming route has its own, larger cap.
    let resp = app
        .http
        .post(app.url("/api/v1/vins/batch"))
        .header("content-type", "application/json")
        .header("accept", "application/x-ndjson")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    app.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_in_flight_streams_then_refuses_connections() {
    let mut app = spawn_app().await;
    let lines: String = (0..2_000).map(|_| "1HGCM82633A004352\n").collect();
    let resp = app
        .http
        .post(app.url("/api/v1/vins/batch"))
        .header("content-type", "text/plain")
        .header("accept", "application/x-ndjson")
        .body(lines)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // Headers are in; stop the server while the body is still streaming.
    let server = app.begin_shutdown();
    let body = resp.text().await.expect("in-flight body completes");
    assert_eq!(body.lines().count(), 2_000);
    server.await.unwrap().unwrap();
    assert!(
        app.http.get(app.url("/health/live")).send().await.is_err(),
        "listener closed"
    );
}
