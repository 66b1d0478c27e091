//! Redis stopped mid-run: decodes keep succeeding, limits fall back to the in-process ones
//! (logged once), and Redis is used again when it returns.

use fred::interfaces::KeysInterface;
use reqwest::StatusCode;

use crate::harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_down_falls_back_to_local_limits_and_recovers() {
    const QUOTA: usize = 20;
    let port = free_port();
    let mut redis = OwnRedis::start(port).await;
    let prefix = unique_prefix();
    let url = redis.url();
    let server = Server::start(&[
        ("REDIS_URL", url.as_str()),
        ("REDIS_KEY_PREFIX", prefix.as_str()),
        ("RATE_LIMIT_ANON_PER_MINUTE", "20"),
        ("TRUST_FLY_CLIENT_IP", "true"),
    ])
    .await;
    let http = http();
    server.wait_redis(&http, "ok").await;
    let client_a = [("fly-client-ip", "192.0.2.10".to_owned())];

    for _ in 0..5 {
        assert_eq!(
            decode(&http, &server, &client_a).await.status(),
            StatusCode::OK
        );
    }
    let check = redis_client(&url).await;
    let n: i64 = check
        .exists(format!("{prefix}rl:anon:ip:192.0.2.10"))
        .await
        .expect("exists");
    assert_eq!(n, 1, "Redis holds the bucket while it is up");

    redis.kill();
    let mut allowed = 0;
    let mut limited = 0;
    for _ in 0..2 * QUOTA {
        let r = decode(&http, &server, &client_a).await;
        match r.status() {
            StatusCode::OK => allowed += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                limited += 1;
                assert_rate_limited(r).await;
            }
            other => panic!("decode failed with Redis down: {other}"),
        }
    }
    eprintln!(
        "Redis down: {allowed} allowed, {limited} limited (local quota {QUOTA}, 5 used before)"
    );
    assert!(
        (QUOTA - 5..=QUOTA - 4).contains(&allowed),
        "the in-process limit holds: {allowed} allowed"
    );
    server.wait_redis(&http, "degraded").await;
    assert_eq!(
        server.count_logs("Redis rate limiting unavailable; using the in-process limits"),
        1,
        "the fallback is logged once"
    );

    // Redis returns on the same port: the client reconnects by itself.
    let redis = OwnRedis::start(port).await;
    server.wait_redis(&http, "ok").await;
    let client_b = [("fly-client-ip", "192.0.2.11".to_owned())];
    assert_eq!(
        decode(&http, &server, &client_b).await.status(),
        StatusCode::OK
    );
    let check = redis_client(&redis.url()).await;
    let n: i64 = check
        .exists(format!("{prefix}rl:anon:ip:192.0.2.11"))
        .await
        .expect("exists");
    assert_eq!(n, 1, "limits are in Redis again");
    assert_eq!(server.count_logs("Redis rate limiting restored"), 1);
}
