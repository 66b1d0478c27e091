//! `/metrics` on METRICS_PORT after real traffic, and not on the public port.

use std::{future::Future, pin::Pin, sync::Arc};

use serde_json::{Value, json};

use poem::test::TestClient;
use vinbot_server::{
    api,
    config::Settings,
    observability::{exporter, metrics as m},
    readiness::{CheckOutcome, ReadinessCheck},
    state::AppState,
};

use crate::helpers::{BIN, Server, VIN, http};

/// The value of the first sample line starting with `series` (name and labels).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(series))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_port_exposes_the_series_after_traffic_and_the_public_port_does_not() {
    let server = Server::with_env(BIN, &[]);
    let http = http();
    let get = |path: String| {
        let http = http.clone();
        let url = server.url(&path);
        async move {
            http.get(url)
                .send()
                .await
                .expect("request")
                .status()
                .as_u16()
        }
    };
    assert_eq!(get(format!("/api/v1/vins/{VIN}")).await, 200);
    assert_eq!(get(format!("/api/v1/vins/{VIN}")).await, 200);
    assert_eq!(get("/api/v1/vins/NOT-A-VIN!".to_owned()).await, 400);
    assert_eq!(
        get(format!("/api/vehicles/DecodeVinValues/{VIN}?format=json")).await,
        200
    );
    assert_eq!(
        get("/no/such/route/1HGCM82633A004352".to_owned()).await,
        404
    );
    assert_eq!(
        get("/metrics".to_owned()).await,
        404,
        "metrics on the public port"
    );

    let resp = http
        .get(format!("http://{}/metrics", server.metrics))
        .send()
        .await
        .expect("metrics request");
    assert_eq!(resp.status().as_u16(), 200);
    let text = resp.text().await.expect("metrics body");

    assert_eq!(
        sample(&text, r#"vin_decodes_total{channel="api",result="clean"}"#),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            r#"vin_decodes_total{channel="api",result="rejected"}"#
        ),
        Some(1.0),
        "{text}"
    );
    assert!(
        sample(&text, r#"vin_decodes_total{channel="nhtsa""#).is_some(),
        "{text}"
    );
    // A histogram with buckets, labelled by the route template (poem-openapi names path
    // parameters by position).
    let route_bucket = r#"http_response_time_seconds_bucket{route="/api/v1/vins/:param0",method="GET",status="200",le="0.005"}"#;
    assert!(sample(&text, route_bucket).is_some(), "{text}");
    assert_eq!(
        sample(
            &text,
            r#"http_response_time_seconds_count{route="/api/v1/vins/:param0",method="GET",status="200"}"#
        ),
        Some(2.0),
        "{text}"
    );
    assert!(
        sample(
            &text,
            r#"http_response_time_seconds_count{route="unmatched",method="GET",status="404"}"#
        )
        .is_some(),
        "{text}"
    );
    // Labels are bounded: no VIN (not even the rejected input or the unmatched path).
    for raw in [VIN, "NOT-A-VIN", "/no/such/route", "127.0.0.1"] {
        assert!(!text.contains(raw), "{raw} in metrics:\n{text}");
    }
}

struct Fixed(&'static str, CheckOutcome);

impl ReadinessCheck for Fixed {
    fn name(&self) -> &'static str {
        self.0
    }
    fn check(&self) -> Pin<Box<dyn Future<Output = CheckOutcome> + Send + '_>> {
        Box::pin(async { self.1.clone() })
    }
}

/// The gauges and counters other modules set through `observability::metrics`, rendered under
/// the documented names by this process's recorder.
#[tokio::test]
async fn readiness_sets_up_gauges_and_shared_counters_render() {
    let handle = exporter::install();
    let settings = Settings::from_lookup(|k| match k {
        "HOME" => std::env::var("HOME").ok(),
        "PORT" => Some("0".into()),
        _ => None,
    })
    .expect("settings");
    let state = AppState::new(
        vinbot_server::data::open(&crate::helpers::data_dir()).expect("data"),
        settings,
    )
    .with_readiness_check(Arc::new(Fixed("database", CheckOutcome::Ok)))
    .with_readiness_check(Arc::new(Fixed(
        "redis",
        CheckOutcome::Degraded("connection refused".into()),
    )));
    let client = TestClient::new(api::app(state));
    client
        .get("/health/ready")
        .send()
        .await
        .assert_status_is_ok();
    m::record_rate_limit_rejection("anonymous");

    let text = handle.render();
    assert_eq!(sample(&text, "database_up "), Some(1.0), "{text}");
    assert_eq!(sample(&text, "redis_up "), Some(0.0), "{text}");
    assert_eq!(
        sample(&text, r#"rate_limit_rejections_total{tier="anonymous"}"#),
        Some(1.0),
        "{text}"
    );
    assert!(
        text.contains(r#"http_response_time_seconds_bucket{route="/health/ready""#),
        "{text}"
    );
}

const BOT_TOKEN: &str = "987654321:AAH-test-token-abcdefghijklmnopqrstuvwxyz";
const WEBHOOK_SECRET: &str = "webhook-secret-0123456789-abcdefghijklmnop";

/// A private text message from user 42.
fn message_update(update_id: i64) -> Value {
    let from = json!({"id": 42, "is_bot": false, "first_name": "Ann"});
    json!({
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "from": from,
            "chat": {"id": 42, "type": "private", "first_name": "Ann"},
            "date": 1_700_000_000,
            "text": VIN
        }
    })
}

/// `telegram_updates_total{kind}` counts the updates the webhook accepts, by type; a
/// re-delivery and a refused call are not counted.
#[tokio::test(flavor = "multi_thread")]
async fn telegram_updates_total_counts_accepted_webhook_updates_by_kind() {
    let server = Server::with_env(
        BIN,
        &[
            ("TELEGRAM_BOT_TOKEN", BOT_TOKEN),
            ("TELEGRAM_WEBHOOK_SECRET", WEBHOOK_SECRET),
            // Replies go nowhere: the discard port on loopback.
            ("TELEGRAM_API_BASE_URL", "http://127.0.0.1:9"),
        ],
    );
    let http = http();
    let callback = json!({
        "update_id": 3,
        "callback_query": {
            "id": "q-3",
            "from": {"id": 42, "is_bot": false, "first_name": "Ann"},
            "chat_instance": "-1",
            "data": "x"
        }
    });
    let post = |body: &Value, secret: &str| {
        http.post(server.url("/telegram/webhook"))
            .header("x-telegram-bot-api-secret-token", secret)
            .json(body)
            .send()
    };
    for (body, secret, want) in [
        (message_update(1), WEBHOOK_SECRET, 200),
        (message_update(1), WEBHOOK_SECRET, 200),
        (message_update(2), "wrong-secret", 401),
        (callback, WEBHOOK_SECRET, 200),
    ] {
        let resp = post(&body, secret).await.expect("webhook request");
        assert_eq!(resp.status().as_u16(), want, "{body}");
    }
    let text = http
        .get(format!("http://{}/metrics", server.metrics))
        .send()
        .await
        .expect("metrics request")
        .text()
        .await
        .expect("metrics body");
    for (kind, want) in [("message", 1.0), ("callback_query", 1.0)] {
        let series = format!("telegram_updates_total{{kind=\"{kind}\"}}");
        assert_eq!(sample(&text, &series), Some(want), "{series} in\n{text}");
    }
}
