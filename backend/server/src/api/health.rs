//! Liveness (the process answers) and readiness (data loaded, dependencies reachable).

use std::collections::BTreeMap;

use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, payload::Json};

use crate::{api::ApiTags, readiness::CheckOutcome, state::AppState};

/// The health routes.
pub struct HealthApi;

/// Health status.
#[derive(Debug, Object)]
pub struct Health {
    /// `ok`, `degraded` (decoding works, a dependency does not) or `unavailable`.
    pub status: String,
    /// Per check: `ok`, `degraded` or `down`.
    pub checks: BTreeMap<String, String>,
}

/// Liveness answer.
#[derive(ApiResponse)]
pub enum LiveResponse {
    /// The process answers.
    #[oai(status = 200)]
    Ok(Json<Health>),
}

/// Readiness answer.
#[derive(ApiResponse)]
pub enum ReadyResponse {
    /// Ready (`ok` or `degraded`).
    #[oai(status = 200)]
    Ready(Json<Health>),
    /// Not ready.
    #[oai(status = 503)]
    NotReady(Json<Health>),
}

#[OpenApi(prefix_path = "/health", tag = "ApiTags::Health")]
impl HealthApi {
    /// Liveness
    #[oai(path = "/live", method = "get", operation_id = "health_live")]
    async fn live(&self) -> LiveResponse {
        LiveResponse::Ok(Json(Health {
            status: "ok".into(),
            checks: BTreeMap::new(),
        }))
    }

    /// Readiness
    ///
    /// `data` is always `ok` once the server answers (it loads the snapshot before binding).
    #[oai(path = "/ready", method = "get", operation_id = "health_ready")]
    async fn ready(&self, state: Data<&AppState>) -> ReadyResponse {
        let mut checks = BTreeMap::new();
        checks.insert("data".to_owned(), "ok".to_owned());
        let mut status = "ok";
        for check in state.readiness.iter() {
            let outcome = check.check().await;
            crate::observability::metrics::set_dependency_up(
                check.name(),
                outcome == CheckOutcome::Ok,
            );
            let label = match &outcome {
                CheckOutcome::Ok => "ok",
                // Logged by the check itself when its outcome changes.
                CheckOutcome::Degraded(_) => {
                    if status == "ok" {
                        status = "degraded";
                    }
                    "degraded"
                }
                CheckOutcome::Down(_) => {
                    status = "unavailable";
                    "down"
                }
            };
            checks.insert(check.name().to_owned(), label.to_owned());
        }
        let health = Json(Health {
            status: status.into(),
            checks,
        });
        if status == "unavailable" {
            ReadyResponse::NotReady(health)
        } else {
            ReadyResponse::Ready(health)
        }
    }
}
