//! WMI, make and model lookups of the v1 API.

use poem::web::Data;
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};
use vinbot_decoder::MakeInfo;

use crate::{
    api::{ApiTags, error::ApiError},
    state::AppState,
};

/// The catalog routes.
pub struct CatalogApi;

/// A make.
#[derive(Debug, Clone, Object)]
pub struct MakeView {
    /// vPIC make id.
    pub id: u32,
    /// Make name.
    pub name: String,
}

/// A model.
#[derive(Debug, Clone, Object)]
pub struct ModelView {
    /// vPIC model id.
    pub id: u32,
    /// Model name.
    pub name: String,
    /// vPIC make id.
    pub make_id: u32,
    /// Make name.
    pub make_name: String,
}

/// What a World Manufacturer Identifier stands for.
#[derive(Debug, Clone, Object)]
pub struct WmiView {
    /// The WMI (3 characters, or 6 for small manufacturers).
    pub wmi: String,
    /// Manufacturer name.
    #[oai(nullable)]
    pub manufacturer: Option<String>,
    /// vPIC manufacturer id.
    #[oai(nullable)]
    pub manufacturer_id: Option<u32>,
    /// Makes built under this WMI.
    pub makes: Vec<MakeView>,
    /// Vehicle type.
    #[oai(nullable)]
    pub vehicle_type: Option<String>,
    /// Country of the manufacturer.
    #[oai(nullable)]
    pub country: Option<String>,
    /// When vPIC recorded the WMI.
    #[oai(nullable)]
    pub created_on: Option<String>,
}

/// A page of makes.
#[derive(Debug, Object)]
pub struct MakeList {
    /// Number of results on this page.
    pub count: usize,
    /// Makes sorted by id.
    pub results: Vec<MakeView>,
    /// Pass as `after` to get the next page; absent on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<u32>,
}

/// A page of models.
#[derive(Debug, Object)]
pub struct ModelList {
    /// Number of results on this page.
    pub count: usize,
    /// Models of the make, sorted by id.
    pub results: Vec<ModelView>,
    /// Pass as `after` to get the next page; absent on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<u32>,
}

/// Default page size of the lists: lists are paged, never unbounded.
pub const DEFAULT_LIMIT: usize = 50;
/// Largest page size.
pub const MAX_LIMIT: usize = 1000;

/// One keyset page of items sorted by id: those after `after`, at most `limit`, and the cursor of the
/// next page.
fn page<T>(
    mut items: Vec<T>,
    id: impl Fn(&T) -> u32,
    after: Option<u32>,
    limit: Option<usize>,
) -> (Vec<T>, Option<u32>) {
    items.sort_by_key(|t| id(t));
    let limit = limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let start = after.map_or(0, |a| items.partition_point(|t| id(t) <= a));
    let mut rest: Vec<T> = items.into_iter().skip(start).take(limit + 1).collect();
    let next = if rest.len() > limit {
        rest.truncate(limit);
        rest.last().map(&id)
    } else {
        None
    };
    (rest, next)
}

/// WMI answer.
#[derive(ApiResponse)]
pub enum WmiResponse {
    /// The WMI.
    #[oai(status = 200)]
    Ok(Json<WmiView>),
}

/// Makes answer.
#[derive(ApiResponse)]
pub enum MakesResponse {
    /// A page of makes.
    #[oai(status = 200)]
    Ok(Json<MakeList>),
}

/// Models answer.
#[derive(ApiResponse)]
pub enum ModelsResponse {
    /// The make's models.
    #[oai(status = 200)]
    Ok(Json<ModelList>),
}

fn make_view(m: &MakeInfo) -> MakeView {
    MakeView {
        id: m.id,
        name: m.name.clone(),
    }
}

/// The make named exactly (case-insensitive) or with this numeric id.
pub fn find_make(state: &AppState, key: &str) -> Option<MakeInfo> {
    let key = key.trim();
    if let Ok(id) = key.parse::<u32>() {
        return state.decoder().makes().iter().find(|m| m.id == id).cloned();
    }
    state
        .decoder()
        .makes_named(key)
        .into_iter()
        .find(|m| m.name.eq_ignore_ascii_case(key))
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Catalog")]
impl CatalogApi {
    /// Look up a WMI
    ///
    /// The World Manufacturer Identifier: VIN positions 1-3, or 1-3 plus 12-14 for
    /// manufacturers of fewer than 1,000 vehicles a year.
    #[oai(path = "/wmis/:wmi", method = "get", operation_id = "get_wmi")]
    async fn wmi(
        &self,
        state: Data<&AppState>,
        /// 3 or 6 characters.
        wmi: Path<String>,
    ) -> Result<WmiResponse, ApiError> {
        let wmi = wmi.trim().to_ascii_uppercase();
        if !(wmi.len() == 3 || wmi.len() == 6) || !wmi.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ApiError::invalid_request(
                "A WMI is 3 or 6 letters and digits.",
            ));
        }
        let info = state
            .decoder()
            .wmi(&wmi)
            .ok_or_else(|| ApiError::not_found(format!("Unknown WMI {wmi}.")))?;
        Ok(WmiResponse::Ok(Json(WmiView {
            wmi: info.wmi,
            manufacturer: info.manufacturer,
            manufacturer_id: info.manufacturer_id,
            makes: info.makes.iter().map(make_view).collect(),
            vehicle_type: info.vehicle_type,
            country: info.country,
            created_on: info.created_on,
        })))
    }

    /// List makes
    ///
    /// Pages of makes sorted by id (default 50, at most 1,000): follow `next_cursor` with `after`.
    /// `q` keeps the makes whose name contains it.
    #[oai(path = "/makes", method = "get", operation_id = "list_makes")]
    async fn makes(
        &self,
        state: Data<&AppState>,
        /// Only makes whose name contains this text (case-insensitive).
        q: Query<Option<String>>,
        /// Page size, 1-1000 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "1000")))]
        limit: Query<Option<usize>>,
        /// Cursor: the `next_cursor` of the previous page (a make id).
        #[oai(validator(minimum(value = "0"), maximum(value = "4294967295")))]
        after: Query<Option<u32>>,
    ) -> Result<MakesResponse, ApiError> {
        let all: Vec<MakeView> = match q.0.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            Some(q) => state
                .decoder()
                .makes_named(q)
                .iter()
                .map(make_view)
                .collect(),
            None => state.decoder().makes().iter().map(make_view).collect(),
        };
        let (results, next_cursor) = page(all, |m| m.id, after.0, limit.0);
        Ok(MakesResponse::Ok(Json(MakeList {
            count: results.len(),
            results,
            next_cursor,
        })))
    }

    /// List the models of a make
    #[oai(
        path = "/makes/:make/models",
        method = "get",
        operation_id = "list_models"
    )]
    async fn models(
        &self,
        state: Data<&AppState>,
        /// Make name (case-insensitive, exact) or vPIC make id.
        make: Path<String>,
        /// Only models with VIN patterns for this model year.
        #[oai(validator(minimum(value = "1980"), maximum(value = "2039")))]
        year: Query<Option<u16>>,
        /// Page size, 1-1000 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "1000")))]
        limit: Query<Option<usize>>,
        /// Cursor: the `next_cursor` of the previous page (a model id).
        #[oai(validator(minimum(value = "0"), maximum(value = "4294967295")))]
        after: Query<Option<u32>>,
    ) -> Result<ModelsResponse, ApiError> {
        let make = find_make(&state, &make)
            .ok_or_else(|| ApiError::not_found(format!("Unknown make {:?}.", make.0)))?;
        let results: Vec<ModelView> = state
            .decoder()
            .models_for_make(make.id, year.0)
            .into_iter()
            .map(|m| ModelView {
                id: m.id,
                name: m.name,
                make_id: m.make_id,
                make_name: m.make_name,
            })
            .collect();
        let (results, next_cursor) = page(results, |m| m.id, after.0, limit.0);
        Ok(ModelsResponse::Ok(Json(ModelList {
            count: results.len(),
            results,
            next_cursor,
        })))
    }
}
