//! Sessions: rotation, reuse detection, expiry under the clock, sign-out, forged access tokens.

use base64::Engine as _;
use chrono::Duration;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::db_helpers::Backend;
use crate::harness::{SECRET_KEY, assert_error, signed, spawn};

crate::on_both_backends!(sessions:
    rotation_spends_each_refresh_token_once_and_reuse_revokes_the_session,
    access_and_refresh_tokens_expire_by_the_clock,
    sign_out_revokes_the_session_and_clears_the_cookie,
    forged_expired_and_revoked_access_tokens_are_401,
    sessions_ended_a_day_ago_are_removed_by_the_next_sign_in,
);

pub async fn rotation_spends_each_refresh_token_once_and_reuse_revokes_the_session(b: Backend) {
    let app = spawn(b).await;
    let first = app.sign_in(42).await;
    assert!(
        first.set_cookie.contains("HttpOnly"),
        "{}",
        first.set_cookie
    );
    assert!(
        first.set_cookie.contains("Path=/api/v1/auth"),
        "{}",
        first.set_cookie
    );
    assert!(
        first.set_cookie.contains("SameSite=Strict"),
        "{}",
        first.set_cookie
    );
    assert_eq!(first.body["token_type"], "Bearer");
    assert_eq!(first.body["expires_in"], 900);
    assert_eq!(first.body["user"]["id"], 42);
    assert_eq!(first.body["user"]["is_admin"], false);
    let me: Value = app
        .get("/api/v1/me", &first.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (me["id"].as_i64(), me["name"].as_str()),
        (Some(42), Some("User42"))
    );

    let second = signed(app.refresh(&first.cookie).await).await;
    assert_ne!(second.cookie, first.cookie, "a new refresh token each time");
    assert_eq!(app.get("/api/v1/me", &second.access).await.status(), 200);

    // The spent token again: somebody holds a copy. Refused, and the whole family is revoked.
    assert_error(app.refresh(&first.cookie).await, 401, "unauthorized").await;
    assert_error(app.refresh(&second.cookie).await, 401, "unauthorized").await;
    assert_error(
        app.get("/api/v1/me", &second.access).await,
        401,
        "unauthorized",
    )
    .await;
    // A new sign-in (a new payload: Telegram dates each one) is a new session and works.
    app.clock.advance(Duration::seconds(1));
    let again = app.sign_in(42).await;
    assert_eq!(app.get("/api/v1/me", &again.access).await.status(), 200);
}

pub async fn access_and_refresh_tokens_expire_by_the_clock(b: Backend) {
    let app = spawn(b).await;
    let s = app.sign_in(7).await;
    app.clock.advance(Duration::minutes(14));
    assert_eq!(app.get("/api/v1/me", &s.access).await.status(), 200);
    app.clock.advance(Duration::minutes(1));
    let body = assert_error(app.get("/api/v1/me", &s.access).await, 401, "unauthorized").await;
    assert!(
        body["message"].as_str().unwrap().contains("expired"),
        "{body}"
    );
    // The refresh token still works and gives a working access token.
    let r = signed(app.refresh(&s.cookie).await).await;
    assert_eq!(app.get("/api/v1/me", &r.access).await.status(), 200);
    // A refresh token unused for more than 7 days is dead.
    app.clock.advance(Duration::days(7) + Duration::seconds(1));
    assert_error(app.refresh(&r.cookie).await, 401, "unauthorized").await;
}

pub async fn sign_out_revokes_the_session_and_clears_the_cookie(b: Backend) {
    let app = spawn(b).await;
    let s = app.sign_in(9).await;
    let resp = app
        .http
        .post(app.url("/api/v1/auth/logout"))
        .header("Origin", crate::harness::ORIGIN)
        .header("Cookie", format!("vinbot_refresh={}", s.cookie))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let cleared = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cleared.starts_with("vinbot_refresh=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    assert_error(app.refresh(&s.cookie).await, 401, "unauthorized").await;
    let body = assert_error(app.get("/api/v1/me", &s.access).await, 401, "unauthorized").await;
    assert!(
        body["message"].as_str().unwrap().contains("ended"),
        "{body}"
    );
    // Cookie routes answer the page only: no Origin, no refresh.
    let no_origin = app
        .http
        .post(app.url("/api/v1/auth/refresh"))
        .header("Cookie", format!("vinbot_refresh={}", s.cookie))
        .send()
        .await
        .unwrap();
    assert_error(no_origin, 403, "forbidden").await;
}

fn b64(v: &Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
}

pub async fn forged_expired_and_revoked_access_tokens_are_401(b: Backend) {
    let app = spawn(b).await;
    let s = app.sign_in(11).await;
    let claims_b64 = s.access.split('.').nth(1).unwrap().to_owned();
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&claims_b64)
            .unwrap(),
    )
    .unwrap();
    let sign = |alg: Algorithm, key: &str, claims: &Value| {
        jsonwebtoken::encode(
            &Header::new(alg),
            claims,
            &EncodingKey::from_secret(key.as_bytes()).unwrap(),
        )
        .unwrap()
    };
    let mut as_admin = claims.clone();
    as_admin["sub"] = json!(crate::harness::ADMIN.to_string());
    let mut expired = claims.clone();
    expired["exp"] = json!(app.clock_now() - 1);
    let forged = [
        (
            "another key",
            sign(
                Algorithm::HS256,
                "some-other-key-of-enough-length-0000",
                &claims,
            ),
        ),
        (
            "alg none",
            format!(
                "{}.{claims_b64}.",
                b64(&json!({"alg": "none", "typ": "JWT"}))
            ),
        ),
        ("HS512", sign(Algorithm::HS512, SECRET_KEY, &claims)),
        ("altered subject", {
            let parts: Vec<&str> = s.access.split('.').collect();
            format!("{}.{}.{}", parts[0], b64(&as_admin), parts[2])
        }),
        ("expired", sign(Algorithm::HS256, SECRET_KEY, &expired)),
        ("garbage", "not.a.jwt".to_owned()),
    ];
    for (what, token) in &forged {
        let resp = app.get("/api/v1/me", token).await;
        assert_eq!(resp.status(), 401, "{what}");
        assert_error(resp, 401, "unauthorized").await;
    }
    // Correctly signed by us, but for a session that does not exist.
    let mut unknown = claims.clone();
    unknown["sid"] = json!(uuid::Uuid::now_v7());
    let token = sign(Algorithm::HS256, SECRET_KEY, &unknown);
    assert_error(app.get("/api/v1/me", &token).await, 401, "unauthorized").await;
    // No token at all.
    let none = app.http.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_error(none, 401, "unauthorized").await;
    // The genuine token still works: the refusals above are about the tokens, not the server.
    assert_eq!(app.get("/api/v1/me", &s.access).await.status(), 200);
}

async fn sessions_of(app: &crate::harness::AuthApp, user_id: i64) -> usize {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use vinbot_server::db::entities::auth_session;
    auth_session::Entity::find()
        .filter(auth_session::Column::UserId.eq(user_id))
        .all(&app.db.db)
        .await
        .unwrap()
        .len()
}

pub async fn sessions_ended_a_day_ago_are_removed_by_the_next_sign_in(b: Backend) {
    let app = spawn(b).await;
    let ended = app.sign_in(5).await;
    let logout = app
        .http
        .post(app.url("/api/v1/auth/logout"))
        .header("Origin", crate::harness::ORIGIN)
        .header("Cookie", format!("vinbot_refresh={}", ended.cookie))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 204);
    app.sign_in(7).await;
    assert_eq!(
        sessions_of(&app, 5).await,
        1,
        "a revoked session is kept for a day"
    );

    app.clock.advance(Duration::hours(2));
    app.sign_in(8).await;
    assert_eq!(sessions_of(&app, 5).await, 1, "not yet a day");

    app.clock.advance(Duration::days(1));
    app.sign_in(6).await;
    assert_eq!(
        sessions_of(&app, 5).await,
        0,
        "ended over a day ago: removed"
    );
    assert_eq!(sessions_of(&app, 7).await, 1, "a live session stays");
    assert_eq!(sessions_of(&app, 6).await, 1);
}
