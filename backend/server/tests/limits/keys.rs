//! API keys: the key tier, refusal of unknown and revoked keys, last-used time.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::*;

fn key_header(key: &str) -> [(&'static str, String); 1] {
    [("x-api-key", key.to_owned())]
}

async fn assert_unauthorized(resp: reqwest::Response) {
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["code"], "unauthorized", "{body}");
    assert!(body["request_id"].as_str().is_some_and(|s| !s.is_empty()));
}

#[tokio::test]
async fn api_keys_get_their_tier_and_revoked_keys_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db_url = format!("sqlite://{}?mode=rwc", dir.path().join("v.db").display());
    let key = apikey(&db_url, &["create", "--name", "ci"])
        .trim()
        .to_owned();
    assert!(key.starts_with("vb_") && key.len() == 43, "{key}");
    let listing = apikey(&db_url, &["list"]);
    assert!(!listing.contains(&key[11..]), "the secret is never listed");
    assert!(listing.contains(&key[..11]) && listing.contains("active"));

    let server = Server::start(&[
        ("DATABASE_URL", db_url.as_str()),
        // Room for the one anonymous decode below and the three wrong keys, each of which costs the
        // sender a unit of the anonymous quota.
        ("RATE_LIMIT_ANON_PER_MINUTE", "4"),
        ("RATE_LIMIT_KEY_PER_MINUTE", "6"),
        ("API_KEY_CACHE_SECONDS", "0"),
    ])
    .await;
    let http = http();

    // The key tier: 6, independent of the anonymous bucket of the same address.
    let mut allowed = 0;
    for _ in 0..8 {
        let r = decode(&http, &server, &key_header(&key)).await;
        if r.status() == StatusCode::OK {
            allowed += 1;
            assert_eq!(r.headers()["ratelimit-policy"], "\"key\";q=6;w=60");
        } else {
            assert_rate_limited(r).await;
        }
    }
    assert_eq!(allowed, 6);
    let anon = decode(&http, &server, &[]).await;
    assert_eq!(anon.status(), StatusCode::OK);
    assert_eq!(anon.headers()["ratelimit-policy"], "\"anon\";q=4;w=60");

    // A well-formed key that does not exist, and garbage: 401 in the envelope.
    let forged = format!("{}{}", &key[..11], "A".repeat(32));
    assert_unauthorized(decode(&http, &server, &key_header(&forged)).await).await;
    assert_unauthorized(decode(&http, &server, &key_header("nope")).await).await;

    // Last use is written behind the request.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let listing = apikey(&db_url, &["list"]);
        let row = listing.lines().nth(1).expect("one key");
        if row.split('\t').nth(5).is_some_and(|t| t != "-") {
            break;
        }
        assert!(Instant::now() < deadline, "last_used_at never set: {row}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    apikey(&db_url, &["revoke", &key[..11]]);
    assert!(apikey(&db_url, &["list"]).contains("revoked"));
    assert_unauthorized(decode(&http, &server, &key_header(&key)).await).await;
}
