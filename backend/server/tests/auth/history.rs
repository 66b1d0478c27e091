//! The history: whole VINs for signed-in users, 11 characters for anonymous decodes; keyset
//! pages and filters; deleting anonymises (statistics keep counting the decode).

use std::time::Duration;

use chrono::{Duration as Span, Utc};
use reqwest::Method;
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::Value;
use vinbot_server::db::{self, Channel, DecodeEvent, entities::decode_event};

use crate::db_helpers::Backend;
use crate::harness::{HONDA, spawn};

crate::on_both_backends!(history:
    users_keep_whole_vins_and_anonymous_decodes_keep_eleven,
    pages_filters_export_and_deletion,
);

pub async fn users_keep_whole_vins_and_anonymous_decodes_keep_eleven(b: Backend) {
    let app = spawn(b).await;
    let s = app.sign_in(31).await;
    let anon = app
        .http
        .get(app.url(&format!("/api/v1/vins/{HONDA}")))
        .send()
        .await
        .unwrap();
    assert_eq!(anon.status(), 200);
    assert_eq!(
        app.get(&format!("/api/v1/vins/{HONDA}"), &s.access)
            .await
            .status(),
        200
    );
    app.wait_written(2).await;
    let rows = decode_event::Entity::find()
        .order_by_asc(decode_event::Column::Id)
        .all(&app.db.db)
        .await
        .unwrap();
    let stored: Vec<(Option<i64>, &str)> =
        rows.iter().map(|r| (r.user_id, r.vin.as_str())).collect();
    assert_eq!(stored, vec![(None, "1HGCM82633A"), (Some(31), HONDA)]);
}

fn event(user: i64, vin: &str, make: &str, year: i32, minutes_ago: i64) -> DecodeEvent {
    let mut e =
        DecodeEvent::new(Channel::Telegram, vin, Duration::from_micros(10)).with_error_codes(&[0]);
    e.occurred_at = Utc::now() - Span::minutes(minutes_ago);
    e.user_id = Some(user);
    e.make = Some(make.to_owned());
    e.model_year = Some(year);
    e
}

pub async fn pages_filters_export_and_deletion(b: Backend) {
    let app = spawn(b).await;
    let s = app.sign_in(77).await;
    let events = vec![
        event(77, "1HGCM82633A004352", "HONDA", 2003, 1),
        event(77, "1HGCM82633A000001", "HONDA", 2003, 2),
        event(77, "5YJSA1E26HF000337", "TESLA", 2017, 3),
        event(77, "JTDKB20U093000001", "TOYOTA", 2009, 4),
        event(77, "1HGCM82633A000002", "HONDA", 2004, 5),
        event(78, "1HGCM82633A999999", "HONDA", 2003, 0),
    ];
    db::record_decodes(&app.db.db, &events).await.unwrap();

    // Keyset pages of 2, newest first, no entry twice, none of user 78's.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = cursor
            .as_ref()
            .map(|c| format!("&cursor={c}"))
            .unwrap_or_default();
        let page: Value = app
            .get(&format!("/api/v1/me/history?limit=2{q}"), &s.access)
            .await
            .json()
            .await
            .unwrap();
        for item in page["items"].as_array().unwrap() {
            seen.push(item["vin"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            "1HGCM82633A004352",
            "1HGCM82633A000001",
            "5YJSA1E26HF000337",
            "JTDKB20U093000001",
            "1HGCM82633A000002"
        ]
    );

    let vins = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["vin"].as_str().unwrap().to_owned())
            .collect()
    };
    let honda: Value = app
        .get("/api/v1/me/history?make=honda&year=2003", &s.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(vins(&honda), ["1HGCM82633A004352", "1HGCM82633A000001"]);
    let prefix: Value = app
        .get("/api/v1/me/history?vin_prefix=5yj-sa", &s.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(vins(&prefix), ["5YJSA1E26HF000337"]);
    let bad = app
        .get("/api/v1/me/history?vin_prefix=1H%25", &s.access)
        .await;
    crate::harness::assert_error(bad, 400, "invalid_request").await;
    let bad = app
        .get("/api/v1/me/history?cursor=nonsense", &s.access)
        .await;
    crate::harness::assert_error(bad, 400, "invalid_request").await;

    let csv = app
        .get("/api/v1/me/history/export?make=TESLA", &s.access)
        .await;
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "occurred_at,channel,vin,make,model,model_year,error_code"
    );
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(
        lines[1].contains(",telegram,5YJSA1E26HF000337,TESLA,,2017,0"),
        "{csv}"
    );

    // Deleting all anonymises: the rows stay for the statistics, without user and serial number.
    let deleted: Value = app
        .send(Method::DELETE, "/api/v1/me/history", &s.access, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(deleted["deleted"], 5);
    let empty: Value = app
        .get("/api/v1/me/history", &s.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(empty["items"], serde_json::json!([]));
    let rows = decode_event::Entity::find().all(&app.db.db).await.unwrap();
    assert_eq!(rows.len(), 6);
    for r in rows.iter().filter(|r| r.user_id != Some(78)) {
        assert_eq!((r.user_id, r.vin.len()), (None, 11), "{r:?}");
    }
}
