use crate::helpers::*;

#[test]
fn committed_openapi_yaml_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi.yaml");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let current = vinbot_server::api::spec_yaml();
    assert!(
        committed == current,
        "openapi.yaml is stale: run `cargo run -p vinbot-server -- openapi > openapi.yaml`"
    );
}

#[tokio::test]
async fn spec_and_swagger_ui_are_served() {
    let resp = client().get("/openapi.json").send().await;
    resp.assert_status_is_ok();
    let spec = json(resp).await;
    for path in [
        "/api/v1/vins/{vin}",
        "/api/v1/vins/batch",
        "/api/vehicles/DecodeVinValues/{vin}",
        "/health/ready",
    ] {
        assert!(spec["paths"].get(path).is_some(), "{path} in spec");
    }
    let resp = client().get("/docs").send().await;
    resp.assert_status_is_ok();
    let csp = resp
        .0
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        resp.0
            .into_body()
            .into_string()
            .await
            .unwrap()
            .contains("SwaggerUIBundle")
    );
}

#[test]
fn every_operation_is_documented_with_an_error_envelope() {
    let spec: serde_json::Value =
        serde_json::from_str(&vinbot_server::api::openapi_service().spec()).unwrap();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(op["summary"].is_string(), "{method} {path} has a summary");
            assert!(
                op["operationId"].is_string(),
                "{method} {path} has an operationId"
            );
        }
    }
    assert!(spec["components"]["schemas"]["ErrorBody"].is_object());
}
