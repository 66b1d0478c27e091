//! vPIC's catalog routes by vehicle type and by manufacturer and year: `GetMakesForManufacturerAndYear`,
//! `GetMakesForVehicleType`, `GetVehicleTypesForMakeId` and the `vehicletype` forms of the model-year
//! routes. The snapshot holds no make-by-type or model-by-type table: the vehicle type of a make or a
//! model is that of the WMIs whose schemas name it, and years are those of the WMI-schema links.

use poem::web::Data;
use poem_openapi::{
    OpenApi,
    param::{Path, Query},
};

use super::{
    catalog::manufacturers,
    decode::format,
    envelope::{RESPONSE_MESSAGE, RESULTS_MESSAGE, Vpic},
    render::FormatParam,
    types::*,
};
use crate::{
    api::{ApiTags, error::ApiError},
    state::AppState,
};

/// The routes.
pub struct NhtsaTypesApi;

/// Which makes a model route asks for.
enum MakeKey<'a> {
    /// (Part of) a make name.
    Name(&'a str),
    /// A make id.
    Id(u32),
}

fn models_of_type(
    state: &AppState,
    make: MakeKey<'_>,
    year: Option<u16>,
    vehicle_type: &str,
) -> Vec<VpicModelOfType> {
    let decoder = state.decoder();
    let make_ids: Vec<u32> = match make {
        MakeKey::Name(n) => decoder.makes_named(n.trim()).iter().map(|m| m.id).collect(),
        MakeKey::Id(id) => vec![id],
    };
    make_ids
        .into_iter()
        .flat_map(|id| decoder.models_for_make_type(id, year, vehicle_type))
        .map(|(m, type_id, type_name)| VpicModelOfType {
            make_id: m.make_id,
            make_name: m.make_name,
            model_id: m.id,
            model_name: m.name,
            vehicle_type_id: type_id,
            vehicle_type_name: type_name,
        })
        .collect()
}

/// vPIC's search criteria of the model routes. With a model year vPIC lower-cases what the caller
/// gave (`Make:tesla | ModelYear:2020 | VehicleType:car` for `make/TESLA/…/vehicletype/Car`); without
/// one it keeps it (`Make:TESLA | VehicleType:Car`).
/// `make` is `Make:<name>` or `Make ID:<id>`: the label, then the caller's value.
fn model_criteria(make: (&str, &str), year: Option<u16>, vehicle_type: &str) -> String {
    let (label, value) = make;
    match year {
        Some(y) => format!(
            "{label}:{} | ModelYear:{y} | VehicleType:{}",
            value.to_lowercase(),
            vehicle_type.to_lowercase()
        ),
        None => format!("{label}:{value} | VehicleType:{vehicle_type}"),
    }
}

fn models_answer(
    fmt: Option<&str>,
    criteria: String,
    results: Vec<VpicModelOfType>,
) -> Result<Vpic<ModelsOfTypeEnvelope>, ApiError> {
    let fmt = format(fmt)?;
    let env = ModelsOfTypeEnvelope::new(RESULTS_MESSAGE, Some(criteria), results);
    Ok(Vpic::new(env, fmt, "ModelsForMake"))
}

#[OpenApi(prefix_path = "/api/vehicles", tag = "ApiTags::Nhtsa")]
impl NhtsaTypesApi {
    /// GetMakesForManufacturerAndYear (vPIC)
    ///
    /// Makes of the manufacturer's WMIs whose schemas are linked for `year`.
    #[oai(
        path = "/GetMakesForManufacturerAndYear/:manufacturer",
        method = "get",
        operation_id = "vpic_get_makes_for_manufacturer_and_year"
    )]
    async fn makes_for_manufacturer_and_year(
        &self,
        state: Data<&AppState>,
        /// Manufacturer id, or (part of) its name.
        manufacturer: Path<String>,
        /// Model year (required).
        year: Query<Option<u16>>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<ManufacturerYearMakesEnvelope>, ApiError> {
        let fmt = self::format(format.as_deref())?;
        let year = year
            .0
            .ok_or_else(|| ApiError::invalid_request("`year` is required, e.g. ?year=2020"))?;
        let results: Vec<VpicMakeOfManufacturer> = manufacturers(&state, &manufacturer)
            .iter()
            .flat_map(|m| {
                state
                    .decoder()
                    .makes_for_manufacturer_year(m.id, year)
                    .into_iter()
                    .map(|mk| VpicMakeOfManufacturer {
                        make_id: mk.id,
                        make_name: mk.name,
                        mfr_id: m.id,
                        mfr_name: m.name.clone(),
                    })
            })
            .collect();
        let env = ManufacturerYearMakesEnvelope::new(
            RESPONSE_MESSAGE,
            Some(format!("Manufacturer : {}, Year: {year}", manufacturer.0)),
            results,
        );
        Ok(Vpic::new(env, fmt, "MakesForMfgAndYear"))
    }

    /// GetMakesForVehicleType (vPIC)
    ///
    /// Makes of the WMIs whose vehicle type name contains `type_name`.
    #[oai(
        path = "/GetMakesForVehicleType/:type_name",
        method = "get",
        operation_id = "vpic_get_makes_for_vehicle_type"
    )]
    async fn makes_for_vehicle_type(
        &self,
        state: Data<&AppState>,
        /// (Part of) a vehicle type name, e.g. `truck`, `moto`.
        type_name: Path<String>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<MakeVehicleTypesEnvelope>, ApiError> {
        let fmt = self::format(format.as_deref())?;
        let results = state
            .decoder()
            .makes_for_vehicle_type(&type_name)
            .into_iter()
            .map(|(mk, id, name)| VpicMakeVehicleType {
                make_id: mk.id,
                make_name: mk.name,
                vehicle_type_id: id,
                vehicle_type_name: name,
            })
            .collect();
        let env = MakeVehicleTypesEnvelope::new(
            RESPONSE_MESSAGE,
            Some(format!("Vehicle Type: {}", type_name.0)),
            results,
        );
        Ok(Vpic::new(env, fmt, "MakesForVehicleType"))
    }

    /// GetVehicleTypesForMakeId (vPIC)
    #[oai(
        path = "/GetVehicleTypesForMakeId/:make_id",
        method = "get",
        operation_id = "vpic_get_vehicle_types_for_make_id"
    )]
    async fn vehicle_types_for_make_id(
        &self,
        state: Data<&AppState>,
        /// Make id.
        make_id: Path<u32>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<VehicleTypesOfMakeEnvelope>, ApiError> {
        let fmt = self::format(format.as_deref())?;
        let results = state
            .decoder()
            .vehicle_types_for_make(make_id.0)
            .into_iter()
            .map(|(id, name)| VpicVehicleType {
                vehicle_type_id: id,
                vehicle_type_name: name,
            })
            .collect();
        let env = VehicleTypesOfMakeEnvelope::new(
            RESPONSE_MESSAGE,
            Some(format!("Make ID: {}", make_id.0)),
            results,
        );
        Ok(Vpic::new(env, fmt, "VehicleTypesForMakeIds"))
    }

    /// GetModelsForMakeYear with model year and vehicle type (vPIC)
    #[oai(
        path = "/GetModelsForMakeYear/make/:make/modelyear/:year/vehicletype/:vehicle_type",
        method = "get",
        operation_id = "vpic_get_models_for_make_year_type"
    )]
    async fn models_for_make_year_type(
        &self,
        state: Data<&AppState>,
        /// (Part of) a make name.
        make: Path<String>,
        /// Model year.
        year: Path<u16>,
        /// (Part of) a vehicle type name.
        vehicle_type: Path<String>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<ModelsOfTypeEnvelope>, ApiError> {
        let results = models_of_type(&state, MakeKey::Name(&make), Some(year.0), &vehicle_type);
        let criteria = model_criteria(("Make", &make), Some(year.0), &vehicle_type);
        models_answer(format.as_deref(), criteria, results)
    }

    /// GetModelsForMakeYear with vehicle type only (vPIC)
    #[oai(
        path = "/GetModelsForMakeYear/make/:make/vehicletype/:vehicle_type",
        method = "get",
        operation_id = "vpic_get_models_for_make_type"
    )]
    async fn models_for_make_type(
        &self,
        state: Data<&AppState>,
        /// (Part of) a make name.
        make: Path<String>,
        /// (Part of) a vehicle type name.
        vehicle_type: Path<String>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<ModelsOfTypeEnvelope>, ApiError> {
        let results = models_of_type(&state, MakeKey::Name(&make), None, &vehicle_type);
        let criteria = model_criteria(("Make", &make), None, &vehicle_type);
        models_answer(format.as_deref(), criteria, results)
    }

    /// GetModelsForMakeIdYear with model year and vehicle type (vPIC)
    #[oai(
        path = "/GetModelsForMakeIdYear/makeId/:make_id/modelyear/:year/vehicletype/:vehicle_type",
        method = "get",
        operation_id = "vpic_get_models_for_make_id_year_type"
    )]
    async fn models_for_make_id_year_type(
        &self,
        state: Data<&AppState>,
        /// Make id.
        make_id: Path<u32>,
        /// Model year.
        year: Path<u16>,
        /// (Part of) a vehicle type name.
        vehicle_type: Path<String>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<ModelsOfTypeEnvelope>, ApiError> {
        let results = models_of_type(&state, MakeKey::Id(make_id.0), Some(year.0), &vehicle_type);
        let criteria = model_criteria(
            ("Make ID", &make_id.0.to_string()),
            Some(year.0),
            &vehicle_type,
        );
        models_answer(format.as_deref(), criteria, results)
    }

    /// GetModelsForMakeIdYear with vehicle type only (vPIC)
    #[oai(
        path = "/GetModelsForMakeIdYear/makeId/:make_id/vehicletype/:vehicle_type",
        method = "get",
        operation_id = "vpic_get_models_for_make_id_type"
    )]
    async fn models_for_make_id_type(
        &self,
        state: Data<&AppState>,
        /// Make id.
        make_id: Path<u32>,
        /// (Part of) a vehicle type name.
        vehicle_type: Path<String>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<ModelsOfTypeEnvelope>, ApiError> {
        let results = models_of_type(&state, MakeKey::Id(make_id.0), None, &vehicle_type);
        let criteria = model_criteria(("Make ID", &make_id.0.to_string()), None, &vehicle_type);
        models_answer(format.as_deref(), criteria, results)
    }
}
