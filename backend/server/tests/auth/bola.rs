//! Object-level authorisation: whatever ids user A sends, every `/me` route acts on A's rows only.

use reqwest::Method;
use serde_json::{Value, json};

use crate::db_helpers::Backend;
use crate::harness::{HONDA, assert_error, spawn};

crate::on_both_backends!(bola:
    no_me_route_reaches_another_users_rows,
);

pub async fn no_me_route_reaches_another_users_rows(b: Backend) {
    let app = spawn(b).await;
    let alice = app.sign_in(101).await;
    let bob = app.sign_in(202).await;

    // Bob decodes on the page (signed in) and saves a vehicle.
    let resp = app.get(&format!("/api/v1/vins/{HONDA}"), &bob.access).await;
    assert_eq!(resp.status(), 200);
    app.wait_written(1).await;
    let saved = app
        .send(
            Method::POST,
            "/api/v1/me/vehicles",
            &bob.access,
            Some(json!({"vin": HONDA, "nickname": "Bob's"})),
        )
        .await;
    assert_eq!(saved.status(), 201);
    let bob_vehicle: Value = saved.json().await.unwrap();
    let again = app
        .send(
            Method::POST,
            "/api/v1/me/vehicles",
            &bob.access,
            Some(json!({"vin": HONDA})),
        )
        .await;
    assert_eq!(
        again.status(),
        200,
        "saving a saved VIN again answers the existing vehicle"
    );
    let bob_history: Value = app
        .get("/api/v1/me/history", &bob.access)
        .await
        .json()
        .await
        .unwrap();
    let bob_entry = bob_history["items"][0]["id"].as_str().unwrap().to_owned();
    let bob_vehicle_id = bob_vehicle["id"].as_str().unwrap().to_owned();

    // Alice sees nothing of Bob's.
    let list: Value = app
        .get("/api/v1/me/history", &alice.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"], json!([]), "{list}");
    let csv = app
        .get("/api/v1/me/history/export", &alice.access)
        .await
        .text()
        .await
        .unwrap();
    assert!(!csv.contains(HONDA), "{csv}");
    let vehicles: Value = app
        .get("/api/v1/me/vehicles", &alice.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(vehicles["items"], json!([]), "{vehicles}");
    // ...and can change or delete nothing of Bob's, by id.
    let attempts = [
        (
            Method::DELETE,
            format!("/api/v1/me/history/{bob_entry}"),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/v1/me/vehicles/{bob_vehicle_id}"),
            Some(json!({"nickname": "mine now"})),
        ),
        (
            Method::DELETE,
            format!("/api/v1/me/vehicles/{bob_vehicle_id}"),
            None,
        ),
    ];
    for (method, path, body) in attempts {
        let resp = app.send(method.clone(), &path, &alice.access, body).await;
        assert_error(resp, 404, "not_found").await;
    }
    let cleared: Value = app
        .send(Method::DELETE, "/api/v1/me/history", &alice.access, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cleared["deleted"], 0);
    // Saving the same VIN makes Alice her own row.
    let mine: Value = app
        .send(
            Method::POST,
            "/api/v1/me/vehicles",
            &alice.access,
            Some(json!({"vin": HONDA})),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(mine["id"], bob_vehicle["id"]);
    // Erasing Alice erases Alice.
    let erased: Value = app
        .send(Method::DELETE, "/api/v1/me", &alice.access, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (erased["vehicles"].as_u64(), erased["decodes"].as_u64()),
        (Some(1), Some(0))
    );
    assert_error(
        app.get("/api/v1/me", &alice.access).await,
        401,
        "unauthorized",
    )
    .await;

    // Bob's rows are all still there, unchanged.
    let after: Value = app
        .get("/api/v1/me/history", &bob.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["items"][0]["id"].as_str(), Some(bob_entry.as_str()));
    assert_eq!(
        after["items"][0]["vin"], HONDA,
        "a user's own history keeps the whole VIN"
    );
    let v: Value = app
        .get("/api/v1/me/vehicles", &bob.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    assert_eq!(v["items"][0]["nickname"], "Bob's");
    assert!(
        v["items"][0]["decode"]["make"]
            .as_str()
            .is_some_and(|m| m.eq_ignore_ascii_case("honda")),
        "{v}"
    );
    // Bob can change and delete his own.
    let patched: Value = app
        .send(
            Method::PATCH,
            &format!("/api/v1/me/vehicles/{bob_vehicle_id}"),
            &bob.access,
            Some(json!({"note": "blue", "nickname": null})),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (patched["note"].as_str(), patched["nickname"].as_str()),
        (Some("blue"), None)
    );
    let del = app
        .send(
            Method::DELETE,
            &format!("/api/v1/me/history/{bob_entry}"),
            &bob.access,
            None,
        )
        .await;
    assert_eq!(del.status(), 204);
}
