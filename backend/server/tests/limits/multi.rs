//! Several instances, one quota; the client key; batches.

use std::time::Instant;

use fred::interfaces::KeysInterface;
use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_enforce_one_global_quota() {
    require_shared_redis();
    const QUOTA: usize = 30;
    let prefix = unique_prefix();
    let db = tempfile::tempdir().expect("tempdir");
    let db_url = format!("sqlite://{}?mode=rwc", db.path().join("v.db").display());
    apikey(&db_url, &["list"]); // migrates the shared file once, before the servers start
    let quota = QUOTA.to_string();
    let redis_url = shared_redis();
    let env = [
        ("REDIS_URL", redis_url.as_str()),
        ("REDIS_KEY_PREFIX", prefix.as_str()),
        ("DATABASE_URL", db_url.as_str()),
        ("RATE_LIMIT_ANON_PER_MINUTE", quota.as_str()),
    ];
    let servers = join_all((0..3).map(|_| Server::start(&env))).await;
    let http = http();
    for s in &servers {
        s.wait_redis(&http, "ok").await;
    }

    let started = Instant::now();
    let responses = join_all((0..3 * QUOTA).map(|i| {
        let server = &servers[i % 3];
        let http = &http;
        // A different forged X-Forwarded-For on every request: it must not matter.
        async move {
            decode(
                http,
                server,
                &[("x-forwarded-for", format!("203.0.113.{i}"))],
            )
            .await
        }
    }))
    .await;
    let elapsed = started.elapsed();
    let mut allowed = 0;
    let mut limited = Vec::new();
    for r in responses {
        match r.status() {
            StatusCode::OK => allowed += 1,
            StatusCode::TOO_MANY_REQUESTS => limited.push(r),
            other => panic!("unexpected status {other}"),
        }
    }
    // GCRA refills one cell every 60 s / QUOTA while the burst runs.
    let refill = (elapsed.as_secs_f64() * QUOTA as f64 / 60.0).floor() as usize;
    eprintln!(
        "3 instances, quota {QUOTA}: {allowed} allowed of {} in {elapsed:?} (refill {refill})",
        3 * QUOTA
    );
    assert!(
        allowed >= QUOTA && allowed <= QUOTA + 1 + refill,
        "allowed {allowed}, quota {QUOTA}, refill {refill}"
    );
    for r in limited {
        assert_rate_limited(r).await;
    }
    let redis = redis_client(&redis_url).await;
    let n: i64 = redis
        .exists(format!("{prefix}rl:anon:ip:127.0.0.1"))
        .await
        .expect("exists");
    assert_eq!(n, 1, "the bucket lives in Redis under the prefix");
}

#[tokio::test]
async fn forged_forwarded_for_does_not_change_the_bucket() {
    let server = Server::start(&[("RATE_LIMIT_ANON_PER_MINUTE", "5")]).await;
    let http = http();
    let mut allowed = 0;
    for i in 0..10 {
        let headers = [
            ("x-forwarded-for", format!("198.51.100.{i}, 10.0.0.1")),
            // Not behind Fly (TRUST_FLY_CLIENT_IP unset): ignored as well.
            ("fly-client-ip", format!("192.0.2.{i}")),
        ];
        let r = decode(&http, &server, &headers).await;
        if r.status() == StatusCode::OK {
            allowed += 1;
            assert_eq!(
                r.headers()["ratelimit-policy"],
                "\"anon\";q=5;w=60",
                "policy header"
            );
        } else {
            assert_rate_limited(r).await;
        }
    }
    assert!((5..=6).contains(&allowed), "allowed {allowed} of quota 5");
}

#[tokio::test]
async fn fly_client_ip_is_the_key_when_trusted() {
    let server = Server::start(&[
        ("RATE_LIMIT_ANON_PER_MINUTE", "2"),
        ("TRUST_FLY_CLIENT_IP", "true"),
    ])
    .await;
    let http = http();
    let ip = |n: u8| [("fly-client-ip", format!("192.0.2.{n}"))];
    for _ in 0..2 {
        assert_eq!(
            decode(&http, &server, &ip(1)).await.status(),
            StatusCode::OK
        );
    }
    assert_rate_limited(decode(&http, &server, &ip(1)).await).await;
    assert_eq!(
        decode(&http, &server, &ip(2)).await.status(),
        StatusCode::OK,
        "another client address has its own bucket"
    );
}

#[tokio::test]
async fn batches_count_per_vin() {
    let server = Server::start(&[("RATE_LIMIT_ANON_PER_MINUTE", "10")]).await;
    let http = http();
    let batch = |n: usize| json!({ "vins": vec![VIN; n] });
    let r = http
        .post(server.url("/api/v1/vins/batch"))
        .json(&batch(4))
        .send()
        .await
        .expect("batch");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["ratelimit"], "\"anon\";r=6;t=24");
    // vPIC's form batch: 3 VINs.
    let r = http
        .post(server.url("/api/vehicles/DecodeVinValuesBatch/"))
        .form(&[
            ("format", "json"),
            ("DATA", &format!("{VIN},2003;{VIN};{VIN}")),
        ])
        .send()
        .await
        .expect("form batch");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["ratelimit"]
            .to_str()
            .is_ok_and(|v| v.starts_with("\"anon\";r=3;")),
        "{:?}",
        r.headers()["ratelimit"]
    );
    // 4 VINs do not fit in the 3 left.
    let r = http
        .post(server.url("/api/v1/vins/batch"))
        .json(&batch(4))
        .send()
        .await
        .expect("batch");
    assert_rate_limited(r).await;
    // More than the whole quota can never pass: said so in the message.
    let r = http
        .post(server.url("/api/v1/vins/batch"))
        .json(&batch(11))
        .send()
        .await
        .expect("batch");
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: serde_json::Value = r.json().await.expect("json");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("11 VINs")),
        "{body}"
    );
}
