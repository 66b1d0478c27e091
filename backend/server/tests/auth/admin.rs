//! Admin access: statistics and the API-key routes need an admin user or an admin API key,
//! unless `STATS_PUBLIC=true` opens the statistics (read-only; keys stay closed).

use reqwest::Method;
use serde_json::{Value, json};

use crate::db_helpers::Backend;
use crate::harness::{ADMIN, assert_error, spawn, spawn_with};

crate::on_both_backends!(admin:
    statistics_and_api_keys_need_an_admin,
    public_statistics_leave_api_keys_closed,
);

pub async fn statistics_and_api_keys_need_an_admin(b: Backend) {
    let app = spawn(b).await;
    let stats = app.url("/api/v1/stats");
    assert_error(
        app.http.get(&stats).send().await.unwrap(),
        401,
        "unauthorized",
    )
    .await;
    let user = app.sign_in(55).await;
    assert_error(
        app.get("/api/v1/stats", &user.access).await,
        403,
        "forbidden",
    )
    .await;
    assert_error(
        app.get("/api/v1/admin/api-keys", &user.access).await,
        403,
        "forbidden",
    )
    .await;
    let admin = app.sign_in(ADMIN).await;
    assert_eq!(admin.body["user"]["is_admin"], true);
    assert_eq!(app.get("/api/v1/stats", &admin.access).await.status(), 200);

    // The admin makes an admin key and a decode key over HTTP.
    let make = |scope: &'static str| {
        app.send(
            Method::POST,
            "/api/v1/admin/api-keys",
            &admin.access,
            Some(json!({"name": format!("{scope} key"), "scope": scope})),
        )
    };
    let admin_key: Value = make("admin").await.json().await.unwrap();
    let decode_key: Value = make("decode").await.json().await.unwrap();
    let key = |v: &Value| v["key"].as_str().unwrap().to_owned();
    let with_key = |k: String| {
        app.http
            .get(app.url("/api/v1/stats"))
            .header("X-API-Key", k)
            .send()
    };
    assert_eq!(with_key(key(&admin_key)).await.unwrap().status(), 200);
    assert_error(with_key(key(&decode_key)).await.unwrap(), 403, "forbidden").await;
    assert_error(
        with_key("vb_AAAAAAAAbogusbogusbogusbogusbogusbogus".into())
            .await
            .unwrap(),
        401,
        "unauthorized",
    )
    .await;

    let list: Value = app
        .get("/api/v1/admin/api-keys", &admin.access)
        .await
        .json()
        .await
        .unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(
        items
            .iter()
            .all(|k| k.get("key").is_none() && k["revoked_at"].is_null()),
        "{list}"
    );
    // Revoke the admin key by its prefix, with the admin key itself: afterwards it is refused.
    let prefix = admin_key["info"]["prefix"].as_str().unwrap();
    let revoked = app
        .http
        .delete(app.url(&format!("/api/v1/admin/api-keys/{prefix}")))
        .header("X-API-Key", key(&admin_key))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    assert_error(
        with_key(key(&admin_key)).await.unwrap(),
        401,
        "unauthorized",
    )
    .await;
    let again = app
        .send(
            Method::DELETE,
            &format!("/api/v1/admin/api-keys/{prefix}"),
            &admin.access,
            None,
        )
        .await;
    assert_error(again, 404, "not_found").await;
}

pub async fn public_statistics_leave_api_keys_closed(b: Backend) {
    let app = spawn_with(b, &[("STATS_PUBLIC", "true")]).await;
    assert_eq!(
        app.http
            .get(app.url("/api/v1/stats"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let keys = app
        .http
        .get(app.url("/api/v1/admin/api-keys"))
        .send()
        .await
        .unwrap();
    assert_error(keys, 401, "unauthorized").await;
    let user = app.sign_in(56).await;
    let create = app
        .send(
            Method::POST,
            "/api/v1/admin/api-keys",
            &user.access,
            Some(json!({"name": "x"})),
        )
        .await;
    assert_error(create, 403, "forbidden").await;
}
