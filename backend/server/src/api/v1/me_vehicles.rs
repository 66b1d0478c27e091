//! `/api/v1/me/vehicles`: the caller's saved vehicles ("garage") with a nickname and a note,
//! decoded again with the current data each time they are shown.

use chrono::SecondsFormat;
use poem::{Request, web::Data};
use poem_openapi::{
    ApiResponse, Object, OpenApi, param::Path, payload::Json, types::MaybeUndefined,
};
use uuid::Uuid;
use vinbot_decoder::Decoder;

use super::{
    access::{auth_of, signed_in},
    me::db_unavailable,
};
use crate::{
    api::{ApiTags, error::ApiError},
    db::{self, MAX_NICKNAME_CHARS, MAX_NOTE_CHARS, SavedVehicle, VehicleChange},
    state::AppState,
};

/// Most vehicles one user may save.
pub const MAX_VEHICLES: u64 = 200;

/// The garage routes.
pub struct MeVehiclesApi;

/// A vehicle to save.
#[derive(Debug, Object)]
pub struct NewVehicle {
    /// The whole VIN (17 characters; spaces and dashes are removed).
    pub vin: String,
    /// Your name for it (at most 64 characters).
    #[oai(validator(max_length = 64))]
    #[oai(nullable)]
    pub nickname: Option<String>,
    /// A note (at most 500 characters).
    #[oai(validator(max_length = 500))]
    #[oai(nullable)]
    pub note: Option<String>,
}

/// A change of nickname and/or note; `null` clears a field, leaving it out keeps it.
#[derive(Debug, Object)]
pub struct VehiclePatch {
    /// New nickname (at most 64 characters).
    #[oai(validator(max_length = 64))]
    pub nickname: MaybeUndefined<String>,
    /// New note (at most 500 characters).
    #[oai(validator(max_length = 500))]
    pub note: MaybeUndefined<String>,
}

/// What the current data says about a saved VIN.
#[derive(Debug, Object)]
pub struct VehicleDecode {
    /// Make.
    #[oai(nullable)]
    pub make: Option<String>,
    /// Model.
    #[oai(nullable)]
    pub model: Option<String>,
    /// Model year.
    #[oai(nullable)]
    pub model_year: Option<u16>,
    /// vPIC error codes (`[0]` for a clean decode).
    pub error_codes: Vec<u16>,
}

/// A saved vehicle.
#[derive(Debug, Object)]
pub struct Vehicle {
    /// Id (for changing or deleting it).
    pub id: Uuid,
    /// The VIN.
    pub vin: String,
    /// Your name for it.
    #[oai(nullable)]
    pub nickname: Option<String>,
    /// Your note.
    #[oai(nullable)]
    pub note: Option<String>,
    /// When you saved it, RFC 3339 UTC.
    pub created_at: String,
    /// Last change, RFC 3339 UTC.
    pub updated_at: String,
    /// Decoded now, with the data this server has loaded.
    pub decode: VehicleDecode,
}

/// Your vehicles.
#[derive(Debug, Object)]
pub struct VehicleList {
    /// Newest first.
    pub items: Vec<Vehicle>,
}

/// Saved.
#[derive(ApiResponse)]
pub enum SaveResponse {
    /// Saved now.
    #[oai(status = 201)]
    Created(Json<Vehicle>),
    /// You had already saved this VIN (nickname and note unchanged).
    #[oai(status = 200)]
    Existing(Json<Vehicle>),
}

/// The list.
#[derive(ApiResponse)]
pub enum ListResponse {
    /// Your vehicles.
    #[oai(status = 200)]
    Ok(Json<VehicleList>),
}

/// Changed.
#[derive(ApiResponse)]
pub enum PatchResponse {
    /// The vehicle as it is now.
    #[oai(status = 200)]
    Ok(Json<Vehicle>),
}

/// Deleted.
#[derive(ApiResponse)]
pub enum DeleteResponse {
    /// Gone.
    #[oai(status = 204)]
    Done,
}

#[OpenApi(prefix_path = "/api/v1/me", tag = "ApiTags::Account")]
impl MeVehiclesApi {
    /// Save a vehicle
    ///
    /// 201 when saved, 200 when you had already saved this VIN. At most 200 vehicles.
    #[oai(path = "/vehicles", method = "post", operation_id = "save_my_vehicle")]
    async fn save(
        &self,
        state: Data<&AppState>,
        req: &Request,
        body: Json<NewVehicle>,
    ) -> Result<SaveResponse, ApiError> {
        let user = signed_in(&state, req).await?;
        let db = auth_of(&state)?.db();
        let vin = whole_vin(&body.vin)?;
        let count = db::count_vehicles(db, user.user_id)
            .await
            .map_err(|e| db_unavailable(&e))?;
        if count >= MAX_VEHICLES {
            return Err(ApiError::invalid_request(format!(
                "You have saved {MAX_VEHICLES} vehicles, the most there can be: delete one first."
            )));
        }
        let (row, created) = db::save_vehicle(
            db,
            user.user_id,
            &vin,
            clean(body.nickname.as_deref()),
            clean(body.note.as_deref()),
            auth_of(&state)?.now(),
        )
        .await
        .map_err(|e| db_unavailable(&e))?;
        let vehicle = vehicle(&state.decoder(), &row);
        Ok(if created {
            SaveResponse::Created(Json(vehicle))
        } else {
            SaveResponse::Existing(Json(vehicle))
        })
    }

    /// My saved vehicles
    #[oai(path = "/vehicles", method = "get", operation_id = "list_my_vehicles")]
    async fn list(&self, state: Data<&AppState>, req: &Request) -> Result<ListResponse, ApiError> {
        let user = signed_in(&state, req).await?;
        let rows = db::list_vehicles(auth_of(&state)?.db(), user.user_id)
            .await
            .map_err(|e| db_unavailable(&e))?;
        let items = rows.iter().map(|r| vehicle(&state.decoder(), r)).collect();
        Ok(ListResponse::Ok(Json(VehicleList { items })))
    }

    /// Change a saved vehicle's nickname or note
    ///
    /// 404 when the vehicle is not yours (or does not exist).
    #[oai(
        path = "/vehicles/:id",
        method = "patch",
        operation_id = "update_my_vehicle"
    )]
    async fn update(
        &self,
        state: Data<&AppState>,
        req: &Request,
        /// Vehicle id.
        id: Path<Uuid>,
        body: Json<VehiclePatch>,
    ) -> Result<PatchResponse, ApiError> {
        let user = signed_in(&state, req).await?;
        let auth = auth_of(&state)?;
        let change = VehicleChange {
            nickname: patch(&body.nickname),
            note: patch(&body.note),
        };
        let row = db::update_vehicle(auth.db(), user.user_id, id.0, &change, auth.now())
            .await
            .map_err(|e| db_unavailable(&e))?
            .ok_or_else(|| ApiError::not_found("No such vehicle among yours."))?;
        Ok(PatchResponse::Ok(Json(vehicle(&state.decoder(), &row))))
    }

    /// Delete a saved vehicle
    ///
    /// 404 when the vehicle is not yours (or does not exist).
    #[oai(
        path = "/vehicles/:id",
        method = "delete",
        operation_id = "delete_my_vehicle"
    )]
    async fn delete(
        &self,
        state: Data<&AppState>,
        req: &Request,
        /// Vehicle id.
        id: Path<Uuid>,
    ) -> Result<DeleteResponse, ApiError> {
        let user = signed_in(&state, req).await?;
        let found = db::delete_vehicle(auth_of(&state)?.db(), user.user_id, id.0)
            .await
            .map_err(|e| db_unavailable(&e))?;
        if found {
            Ok(DeleteResponse::Done)
        } else {
            Err(ApiError::not_found("No such vehicle among yours."))
        }
    }
}

/// A saved VIN must be whole: 17 VIN characters, no wildcard.
fn whole_vin(raw: &str) -> Result<String, ApiError> {
    let vin = vinbot_decoder::vin::normalize(raw);
    let ok = vin.len() == 17
        && vin.bytes().all(|b| {
            b.is_ascii_digit() || (b.is_ascii_uppercase() && !matches!(b, b'I' | b'O' | b'Q'))
        });
    if ok {
        Ok(vin)
    } else {
        Err(ApiError::invalid_vin(
            "A saved vehicle needs its whole VIN: 17 characters of A-H, J-N, P, R-Z and 0-9.",
        ))
    }
}

fn clean(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

fn patch(value: &MaybeUndefined<String>) -> Option<Option<String>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(clean(Some(v)).map(str::to_owned)),
    }
}

/// The row with a decode made now.
pub fn vehicle(decoder: &Decoder, row: &SavedVehicle) -> Vehicle {
    let d = decoder.decode(&row.vin, None);
    let value = |code: &str| {
        d.value(code)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    Vehicle {
        id: row.id,
        vin: row.vin.clone(),
        nickname: row.nickname.clone(),
        note: row.note.clone(),
        created_at: row.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        updated_at: row.updated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        decode: VehicleDecode {
            make: value("Make"),
            model: value("Model"),
            model_year: d.model_year,
            error_codes: d.error_codes.clone(),
        },
    }
}

/// Keeps the limits of the storage and the API in step.
const _: () = assert!(MAX_NICKNAME_CHARS == 64 && MAX_NOTE_CHARS == 500);
