//! Repository functions: batch insert idempotence, Telegram de-duplication, users, API keys.

use chrono::{Duration as ChronoDuration, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};
use vinbot_server::db::{self, NewApiKey, TelegramUser, entities::decode_event};

use crate::helpers::{TestDb, events};

crate::on_both_backends!(repository:
    migrate_is_idempotent,
    replayed_batch_is_stored_once,
    update_is_seen_once_even_concurrently,
    old_updates_are_pruned,
    upsert_user_keeps_first_seen,
    api_key_lifecycle,
    oversized_values_are_fitted_not_rejected,
);

pub async fn migrate_is_idempotent(t: TestDb) {
    db::migrate(&t.db).await.expect("second migrate is a no-op");
    db::ping(&t.db).await.expect("ping");
}

pub async fn replayed_batch_is_stored_once(t: TestDb) {
    let batch = events(120);
    assert_eq!(db::record_decodes(&t.db, &batch).await.unwrap(), 120);
    // A retry after a lost acknowledgement, and a partial overlap.
    assert_eq!(db::record_decodes(&t.db, &batch).await.unwrap(), 0);
    let mut overlap = batch[100..].to_vec();
    overlap.extend(events(5));
    assert_eq!(db::record_decodes(&t.db, &overlap).await.unwrap(), 5);
    let stored = decode_event::Entity::find().all(&t.db).await.unwrap();
    assert_eq!(stored.len(), 125);
    assert_eq!(db::record_decodes(&t.db, &[]).await.unwrap(), 0);
}

pub async fn update_is_seen_once_even_concurrently(t: TestDb) {
    let now = Utc::now();
    assert!(db::mark_update_seen(&t.db, 42, now).await.unwrap());
    assert!(!db::mark_update_seen(&t.db, 42, now).await.unwrap());
    // The same update delivered ten times at once: exactly one winner.
    let attempts = (0..10).map(|_| db::mark_update_seen(&t.db, 7_000_000_001, now));
    let results = futures_util::future::join_all(attempts).await;
    let winners = results
        .into_iter()
        .map(|r| r.expect("mark_update_seen"))
        .filter(|&new| new)
        .count();
    assert_eq!(winners, 1);
}

pub async fn old_updates_are_pruned(t: TestDb) {
    let now = Utc::now();
    db::mark_update_seen(&t.db, 1, now - ChronoDuration::hours(30))
        .await
        .unwrap();
    db::mark_update_seen(&t.db, 2, now).await.unwrap();
    let pruned = db::prune_updates_seen_before(&t.db, now - ChronoDuration::hours(24))
        .await
        .unwrap();
    assert_eq!(pruned, 1);
    assert!(
        db::mark_update_seen(&t.db, 1, now).await.unwrap(),
        "pruned id is new again"
    );
    assert!(!db::mark_update_seen(&t.db, 2, now).await.unwrap());
}

pub async fn upsert_user_keeps_first_seen(t: TestDb) {
    let first = Utc::now() - ChronoDuration::days(3);
    let later = Utc::now();
    let mut user = TelegramUser {
        id: 123_456_789_012,
        name: Some("Ada".to_owned()),
        language: Some("en".to_owned()),
    };
    db::upsert_user(&t.db, &user, first).await.unwrap();
    user.name = Some("Ada L.".to_owned());
    user.language = Some("fr".to_owned());
    db::upsert_user(&t.db, &user, later).await.unwrap();
    let stored = db::find_user(&t.db, user.id)
        .await
        .unwrap()
        .expect("user stored");
    assert_eq!(stored.name.as_deref(), Some("Ada L."));
    assert_eq!(stored.language.as_deref(), Some("fr"));
    assert_eq!(
        stored.first_seen.timestamp_micros(),
        first.timestamp_micros()
    );
    assert_eq!(
        stored.last_seen.timestamp_micros(),
        later.timestamp_micros()
    );
    assert!(db::find_user(&t.db, 1).await.unwrap().is_none());
}

pub async fn api_key_lifecycle(t: TestDb) {
    let now = Utc::now();
    let new_key = |prefix: &str| NewApiKey {
        prefix: prefix.to_owned(),
        hash: "ab".repeat(32),
        name: "ci".to_owned(),
        scopes: vec!["decode".to_owned(), "stats:read".to_owned()],
        created_at: now,
    };
    let key = db::insert_api_key(&t.db, new_key("vb_aaaa")).await.unwrap();
    db::insert_api_key(&t.db, new_key("vb_bbbb")).await.unwrap();
    assert!(
        db::insert_api_key(&t.db, new_key("vb_aaaa")).await.is_err(),
        "duplicate prefix rejected"
    );
    let mut bad = new_key("vb_cccc");
    bad.scopes = vec!["a,b".to_owned()];
    assert!(matches!(
        db::insert_api_key(&t.db, bad).await,
        Err(db::DbError::InvalidScope(_))
    ));

    let found = db::find_api_key_by_prefix(&t.db, "vb_aaaa")
        .await
        .unwrap()
        .expect("found");
    assert_eq!(found.id, key.id);
    assert_eq!(found.scopes, vec!["decode", "stats:read"]);
    assert!(found.is_active() && found.last_used_at.is_none());
    assert!(
        db::find_api_key_by_prefix(&t.db, "vb_zzzz")
            .await
            .unwrap()
            .is_none()
    );

    db::touch_api_key(&t.db, key.id, now).await.unwrap();
    assert!(db::revoke_api_key(&t.db, key.id, now).await.unwrap());
    assert!(
        !db::revoke_api_key(&t.db, key.id, now).await.unwrap(),
        "already revoked"
    );
    let listed = db::list_api_keys(&t.db).await.unwrap();
    assert_eq!(
        listed.iter().map(|k| k.prefix.as_str()).collect::<Vec<_>>(),
        ["vb_aaaa", "vb_bbbb"]
    );
    assert!(!listed[0].is_active() && listed[0].last_used_at.is_some());
    assert!(listed[1].is_active());
}

pub async fn oversized_values_are_fitted_not_rejected(t: TestDb) {
    // PostgreSQL enforces varchar lengths and rejects NUL; one odd event must not poison a batch.
    let mut batch = events(3);
    batch[1].vin = "X".repeat(40);
    batch[1].make = Some(format!("BAD\0{}", "M".repeat(300)));
    batch[1].error_code = "1,".repeat(100);
    assert_eq!(db::record_decodes(&t.db, &batch).await.unwrap(), 3);
    let count =
        t.db.query_one_raw(sea_orm::Statement::from_string(
            t.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM decode_events",
        ))
        .await
        .unwrap()
        .expect("a row")
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(count, 3);
}
