//! Login Widget payloads: forged, stale, replayed, malformed; and the sign-in rate limit.

use chrono::Duration;
use serde_json::json;

use crate::db_helpers::Backend;
use crate::harness::{BOT_TOKEN, assert_error, payload_signed, spawn, spawn_with};

crate::on_both_backends!(payloads:
    forged_stale_and_replayed_payloads_are_401,
    sign_in_attempts_are_rate_limited,
);

pub async fn forged_stale_and_replayed_payloads_are_401(b: Backend) {
    let app = spawn(b).await;
    let now = app.clock_now();
    // Another bot's signature.
    let other = payload_signed("777:another-bot", 5, now);
    assert_error(app.post_login(&other).await, 401, "unauthorized").await;
    // Our signature over other values.
    let mut altered = app.payload(5);
    altered["id"] = json!(6);
    assert_error(app.post_login(&altered).await, 401, "unauthorized").await;
    // Signed more than 24 hours ago (by the server's clock).
    let stale = payload_signed(BOT_TOKEN, 5, now - 24 * 3600 - 1);
    let body = assert_error(app.post_login(&stale).await, 401, "unauthorized").await;
    assert!(
        body["message"].as_str().unwrap().contains("too old"),
        "{body}"
    );
    // Missing hash, wrong types.
    let mut no_hash = app.payload(5);
    no_hash.as_object_mut().unwrap().remove("hash");
    assert_error(app.post_login(&no_hash).await, 401, "unauthorized").await;
    let mut nested = app.payload(5);
    nested["id"] = json!({"x": 1});
    assert_error(app.post_login(&nested).await, 400, "invalid_request").await;
    // A good payload works once; the replay is refused even a minute later.
    let good = app.payload(5);
    assert_eq!(app.post_login(&good).await.status(), 200);
    app.clock.advance(Duration::minutes(1));
    let body = assert_error(app.post_login(&good).await, 401, "unauthorized").await;
    assert!(
        body["message"].as_str().unwrap().contains("already used"),
        "{body}"
    );
    // Without the page's Origin nothing is checked at all.
    let resp = app
        .http
        .post(app.url("/api/v1/auth/telegram"))
        .json(&app.payload(5))
        .send()
        .await
        .unwrap();
    assert_error(resp, 403, "forbidden").await;
}

pub async fn sign_in_attempts_are_rate_limited(b: Backend) {
    let app = spawn_with(b, &[("RATE_LIMIT_SIGNIN_PER_MINUTE", "3")]).await;
    for i in 0..3 {
        let forged = payload_signed("1:wrong", 20 + i, app.clock_now());
        assert_eq!(app.post_login(&forged).await.status(), 401, "attempt {i}");
    }
    let resp = app.post_login(&app.payload(20)).await;
    let retry = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse::<u64>()
        .unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    assert_error(resp, 429, "rate_limited").await;
}
