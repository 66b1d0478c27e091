use std::{future::Future, pin::Pin, sync::Arc};

use vinbot_server::readiness::{CheckOutcome, ReadinessCheck};

use crate::helpers::*;

#[tokio::test]
async fn live_answers_ok_with_security_headers() {
    let resp = client().get("/health/live").send().await;
    resp.assert_status_is_ok();
    let h = resp.0.headers();
    assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(h.get("cache-control").unwrap(), "no-store");
    assert!(h.get("server").is_none());
    assert!(h.get("x-request-id").is_some());
    assert_eq!(json(resp).await["status"], "ok");
}

#[tokio::test]
async fn incoming_request_id_is_echoed_when_well_formed() {
    let resp = client()
        .get("/health/live")
        .header("X-Request-Id", "abc-123")
        .send()
        .await;
    assert_eq!(resp.0.headers().get("x-request-id").unwrap(), "abc-123");
    let resp = client()
        .get("/health/live")
        .header("X-Request-Id", "bad id with spaces")
        .send()
        .await;
    assert_ne!(
        resp.0.headers().get("x-request-id").unwrap(),
        "bad id with spaces"
    );
}

struct Fixed(&'static str, CheckOutcome);

impl ReadinessCheck for Fixed {
    fn name(&self) -> &'static str {
        self.0
    }
    fn check(&self) -> Pin<Box<dyn Future<Output = CheckOutcome> + Send + '_>> {
        let outcome = self.1.clone();
        Box::pin(async move { outcome })
    }
}

#[tokio::test]
async fn ready_reports_data_and_registered_checks() {
    let resp = client().get("/health/ready").send().await;
    resp.assert_status_is_ok();
    let body = json(resp).await;
    assert_eq!(body["status"], "ok");
    assert_eq!(body["checks"]["data"], "ok");

    let state = state_with(settings(&[])).with_readiness_check(Arc::new(Fixed(
        "database",
        CheckOutcome::Degraded("refused".into()),
    )));
    let resp = client_for(state).get("/health/ready").send().await;
    resp.assert_status_is_ok();
    let body = json(resp).await;
    assert_eq!(body["status"], "degraded");
    assert_eq!(body["checks"]["database"], "degraded");
    assert!(
        !body.to_string().contains("refused"),
        "internal reasons stay in the logs"
    );

    let state = state_with(settings(&[]))
        .with_readiness_check(Arc::new(Fixed("redis", CheckOutcome::Down("gone".into()))));
    let resp = client_for(state).get("/health/ready").send().await;
    resp.assert_status(poem::http::StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(json(resp).await["status"], "unavailable");
}
