//! The HTTP API: the service definition (also used by `vinbot openapi`), the route tree and
//! the middleware chain.
//!
//! Chain, outermost first: [`boundary::Boundary`] (request id, error envelope, security
//! headers, access log) → [`nhtsa::path_case::NhtsaPathCase`] → [`cors::Cors`] →
//! [`limits::Deadline`] → [`limits::BodyCap`] → [`decode_routes::DecodeRoutes`] →
//! [`ratelimit::RateLimit`] → routes, with
//! [`crate::observability::http::Observe`] (span, Sentry hub, response-time histogram) just
//! inside the boundary. Rate limiting sits inside the body cap because a batch is charged per VIN.

pub mod allow;
pub mod batch_count;
pub mod boundary;
pub mod cors;
pub mod decode_routes;
pub mod error;
pub mod health;
pub mod limits;
pub mod nhtsa;
pub mod ratelimit;
pub use crate::envelope::request_id;
pub mod serve;
pub mod site;
pub mod v1;
pub mod vin_input;

use poem::{Endpoint, EndpointExt, Request, Response, Route};
use poem_openapi::{ExtraHeader, OpenApiService, Tags};

use crate::state::AppState;

/// Groups of operations in the spec.
#[derive(Tags)]
pub enum ApiTags {
    /// Decode VINs.
    Vins,
    /// Makes, models and WMIs.
    Catalog,
    /// Service information.
    Meta,
    /// Decode statistics.
    Stats,
    /// NHTSA vPIC-compatible routes (same paths, parameters and envelope as vPIC).
    Nhtsa,
    /// Liveness and readiness.
    Health,
    /// Sign in with Telegram; sessions.
    Auth,
    /// The signed-in user's own data: profile, decode history, saved vehicles.
    Account,
    /// Operator routes (admins only).
    Admin,
}

/// All operations of the spec.
pub type Apis = (
    v1::vins::VinsApi,
    v1::catalog::CatalogApi,
    v1::meta::MetaApi,
    v1::stats::StatsApi,
    nhtsa::decode::NhtsaDecodeApi,
    nhtsa::catalog::NhtsaCatalogApi,
    nhtsa::catalog_types::NhtsaTypesApi,
    health::HealthApi,
    v1::auth::AuthApi,
    v1::me::MeApi,
    v1::me_history::MeHistoryApi,
    v1::me_vehicles::MeVehiclesApi,
    v1::admin_keys::AdminKeysApi,
    v1::admin_data::AdminDataApi,
);

/// The service definition, shared by the server and `vinbot openapi`.
pub fn openapi_service() -> OpenApiService<Apis, ()> {
    OpenApiService::new(
        (
            v1::vins::VinsApi,
            v1::catalog::CatalogApi,
            v1::meta::MetaApi,
            v1::stats::StatsApi,
            nhtsa::decode::NhtsaDecodeApi,
            nhtsa::catalog::NhtsaCatalogApi,
            nhtsa::catalog_types::NhtsaTypesApi,
            health::HealthApi,
            v1::auth::AuthApi,
            v1::me::MeApi,
            v1::me_history::MeHistoryApi,
            v1::me_vehicles::MeVehiclesApi,
            v1::admin_keys::AdminKeysApi,
            v1::admin_data::AdminDataApi,
        ),
        "vinbot",
        env!("CARGO_PKG_VERSION"),
    )
    .description(
        "Offline VIN decoding from NHTSA's vPIC data. `/api/v1` is vinbot's own API; \
         `/api/vehicles` mimics NHTSA's vPIC API so vPIC clients work by changing the base URL. \
         Every error answer is `{code, message, request_id}`.",
    )
    .extra_response_header::<String, _>(
        ExtraHeader::new("X-Request-Id").description("Id of this request; also in error bodies."),
    )
}

/// The spec as YAML (what `vinbot openapi` prints and `openapi.yaml` holds).
pub fn spec_yaml() -> String {
    openapi_service().spec_yaml()
}

/// Paths served by the API even when a web page is served at `/`.
const API_PREFIXES: &[&str] = &[
    "/api/",
    "/health/",
    "/docs",
    "/openapi.json",
    "/telegram/",
    "/metrics",
];

/// The spec as JSON and its Swagger UI page, made on their first request: rendering the spec takes ~10 ms
/// that a starting server need not pay before it answers.
fn spec_json() -> &'static str {
    static SPEC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SPEC.get_or_init(|| openapi_service().spec())
}

/// See [`spec_json`].
fn docs_html() -> &'static str {
    static HTML: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HTML.get_or_init(|| openapi_service().swagger_ui_html())
}

/// The route tree without middleware.
fn routes(state: AppState) -> impl Endpoint {
    let spec = poem::endpoint::make_sync(|_| {
        poem::Response::builder()
            .content_type("application/json")
            .body(spec_json())
    });
    let docs = Route::new().at(
        "/",
        poem::endpoint::make_sync(|_| poem::web::Html(docs_html())),
    );
    let webhook = crate::telegram::webhook::WebhookEndpoint::new(state.telegram.clone());
    Route::new()
        .at("/telegram/webhook", webhook)
        .nest("/docs", docs)
        .at("/openapi.json", spec)
        .nest("/", openapi_service())
        .data(state)
}

/// Sends API paths to the API and everything else to the web page, when one is configured.
struct SiteRouter<A, S> {
    api: A,
    site: Option<S>,
}

impl<A: Endpoint, S: Endpoint> Endpoint for SiteRouter<A, S> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let path = req.uri().path();
        let is_api = API_PREFIXES.iter().any(|p| path.starts_with(p));
        match &self.site {
            Some(site) if !is_api => site.call(req).await.map(poem::IntoResponse::into_response),
            _ => self
                .api
                .call(req)
                .await
                .map(poem::IntoResponse::into_response),
        }
    }
}

/// The whole application endpoint with its middleware.
pub fn app(state: AppState) -> impl Endpoint<Output = Response> {
    let settings = state.settings.clone();
    let rate_limits = state.rate_limits.clone();
    let site = settings.frontend_dir.as_ref().map(site::SiteFiles::new);
    SiteRouter {
        api: routes(state),
        site,
    }
    // Inside the body cap: a batch is charged per VIN, so the (capped) body is read first.
    .with(ratelimit::RateLimit::new(rate_limits))
    .with(decode_routes::DecodeRoutes)
    .with(limits::BodyCap::new(&settings.http))
    .with(limits::Deadline(settings.http.request_timeout))
    .with(cors::Cors::new(&settings.dashboard_allowed_origins))
    .with(nhtsa::path_case::NhtsaPathCase)
    .with(crate::observability::http::Observe::new(
        settings.debug_routes,
    ))
    .with(boundary::Boundary)
    .map_to_response()
}
