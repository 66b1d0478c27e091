//! vPIC's WMI, manufacturer, make, model and variable routes.

use poem::web::Data;
use poem_openapi::{
    OpenApi,
    param::{Path, Query},
};
use vinbot_decoder::{ManufacturerInfo, ModelInfo};

use super::{
    decode::format,
    envelope::{RESPONSE_MESSAGE, RESULTS_MESSAGE, Vpic},
    render::FormatParam,
    types::*,
};
use crate::{
    api::{ApiTags, error::ApiError},
    state::AppState,
};

/// The catalog routes.
pub struct NhtsaCatalogApi;

/// Manufacturers page size of `GetAllManufacturers`, as vPIC.
const MANUFACTURERS_PAGE: usize = 100;

pub(super) fn manufacturers(state: &AppState, key: &str) -> Vec<ManufacturerInfo> {
    let key = key.trim();
    match key.parse::<u32>() {
        Ok(id) => state
            .decoder()
            .manufacturers()
            .iter()
            .filter(|m| m.id == id)
            .cloned()
            .collect(),
        Err(_) => state.decoder().manufacturers_named(key),
    }
}

fn model(m: ModelInfo) -> VpicModel {
    VpicModel {
        make_id: m.make_id,
        make_name: m.make_name,
        model_id: m.id,
        model_name: m.name,
    }
}

fn models_for_make_name(state: &AppState, make: &str, year: Option<u16>) -> Vec<VpicModel> {
    state
        .decoder()
        .makes_named(make.trim())
        .iter()
        .flat_map(|mk| state.decoder().models_for_make(mk.id, year))
        .map(model)
        .collect()
}

fn models_for_make_id(state: &AppState, id: u32, year: Option<u16>) -> Vec<VpicModel> {
    state
        .decoder()
        .models_for_make(id, year)
        .into_iter()
        .map(model)
        .collect()
}

#[OpenApi(prefix_path = "/api/vehicles", tag = "ApiTags::Nhtsa")]
impl NhtsaCatalogApi {
    /// DecodeWMI (vPIC)
    #[oai(
        path = "/DecodeWMI/:wmi",
        method = "get",
        operation_id = "vpic_decode_wmi"
    )]
    async fn decode_wmi(
        &self,
        state: Data<&AppState>,
        /// 3 or 6 characters.
        wmi: Path<String>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<DecodeWmiEnvelope>, ApiError> {
        let fmt = self::format(format.as_deref())?;
        let wmi = wmi.trim().to_ascii_uppercase();
        let results: Vec<VpicWmi> = state
            .decoder()
            .wmi(&wmi)
            .map(|w| {
                VpicWmi {
                    // Common names are not in the data.
                    common_name: String::new(),
                    created_on: w.created_on,
                    date_available_to_public: w.date_available,
                    make: w
                        .makes
                        .iter()
                        .map(|m| m.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    manufacturer_name: w.manufacturer.unwrap_or_default(),
                    parent_company_name: String::new(),
                    url: String::new(),
                    updated_on: None,
                    vehicle_type: w.vehicle_type.unwrap_or_default(),
                }
            })
            .into_iter()
            .collect();
        let env = DecodeWmiEnvelope::new(RESULTS_MESSAGE, Some(format!("WMI:{wmi}")), results);
        Ok(Vpic::new(env, fmt, "WMIs"))
    }

    /// GetWMIsForManufacturer (vPIC)
    #[oai(
        path = "/GetWMIsForManufacturer/:manufacturer",
        method = "get",
        operation_id = "vpic_get_wmis_for_manufacturer"
    )]
    async fn wmis_for_manufacturer(
        &self,
        state: Data<&AppState>,
        /// Manufacturer id, or (part of) its name.
        manufacturer: Path<String>,
        /// Only WMIs whose vehicle type contains this text.
        vehicletype: Query<Option<String>>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<ManufacturerWmisEnvelope>, ApiError> {
        let fmt = self::format(format.as_deref())?;
        let wanted = vehicletype.as_deref().map(str::to_lowercase);
        let results = manufacturers(&state, &manufacturer)
            .iter()
            .flat_map(|m| {
                state
                    .decoder()
                    .wmis_for_manufacturer(m.id)
                    .into_iter()
                    .map(move |w| (m.clone(), w))
            })
            .filter(|(_, w)| {
                wanted.as_deref().is_none_or(|t| {
                    w.vehicle_type
                        .as_deref()
                        .unwrap_or_default()
                        .to_lowercase()
                        .contains(t)
                })
            })
            .map(|(m, w)| VpicManufacturerWmi {
                country: w.country,
                created_on: w.created_on,
                date_available_to_public: w.date_available,
                id: m.id,
                name: m.name,
                updated_on: None,
                vehicle_type: w.vehicle_type.unwrap_or_default(),
                wmi: w.wmi,
            })
            .collect();
        let env = ManufacturerWmisEnvelope::new(
            RESPONSE_MESSAGE,
            Some(format!("Manufacturer: {}", manufacturer.0)),
            results,
        );
        Ok(Vpic::new(env, fmt, "WMIsForManufacturer"))
    }

    /// GetAllMakes (vPIC)
    #[oai(
        path = "/GetAllMakes",
        method = "get",
        operation_id = "vpic_get_all_makes"
    )]
    async fn all_makes(
        &self,
        state: Data<&AppState>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<MakesEnvelope>, ApiError> {
        let fmt = self::format(format.as_deref())?;
        let results = state
            .decoder()
            .makes()
            .iter()
            .map(|m| VpicMake {
                make_id: m.id,
                make_name: m.name.clone(),
            })
            .collect();
        Ok(Vpic::new(
            MakesEnvelope::new(RESPONSE_MESSAGE, None, results),
            fmt,
            "AllVehicleMakes",
        ))
    }

    /// GetAllManufacturers (vPIC)
    ///
    /// 100 a page. `ManufacturerType` is accepted but not applied: the data has no manufacturer types.
    #[oai(
        path = "/GetAllManufacturers",
        method = "get",
        operation_id = "vpic_get_all_manufacturers"
    )]
    async fn all_manufacturers(
        &self,
        state: Data<&AppState>,
        /// Accepted for compatibility; not applied.
        manufacturertype: Query<Option<String>>,
        /// 1-based page of 100.
        #[oai(validator(minimum(value = "1"), maximum(value = "4294967295")))]
        page: Query<Option<u32>>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<ManufacturersEnvelope>, ApiError> {
        let _ = manufacturertype;
        let fmt = self::format(format.as_deref())?;
        let page = page.0.unwrap_or(1).max(1) as usize;
        let results = state
            .decoder()
            .manufacturers()
            .iter()
            .skip((page - 1).saturating_mul(MANUFACTURERS_PAGE))
            .take(MANUFACTURERS_PAGE)
            .map(|m| VpicManufacturer {
                country: m.country.clone(),
                mfr_common_name: None,
                mfr_id: m.id,
                mfr_name: m.name.clone(),
                vehicle_types: m
                    .vehicle_types
                    .iter()
                    .map(|t| VpicVehicleTypeFlag {
                        is_primary: false,
                        name: t.clone(),
                    })
                    .collect(),
            })
            .collect();
        Ok(Vpic::new(
            ManufacturersEnvelope::new(RESPONSE_MESSAGE, None, results),
            fmt,
            "Manufacturers",
        ))
    }

    /// GetMakeForManufacturer (vPIC)
    #[oai(
        path = "/GetMakeForManufacturer/:manufacturer",
        method = "get",
        operation_id = "vpic_get_make_for_manufacturer"
    )]
    async fn make_for_manufacturer(
        &self,
        state: Data<&AppState>,
        /// Manufacturer id, or (part of) its name.
        manufacturer: Path<String>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<ManufacturerMakesEnvelope>, ApiError> {
        let fmt = self::format(format.as_deref())?;
        let results = manufacturers(&state, &manufacturer)
            .iter()
            .flat_map(|m| {
                state
                    .decoder()
                    .makes_for_manufacturer(m.id)
                    .into_iter()
                    .map(|mk| VpicManufacturerMake {
                        make_id: mk.id,
                        make_name: mk.name,
                        mfr_name: m.name.clone(),
                    })
            })
            .collect();
        let env = ManufacturerMakesEnvelope::new(
            RESULTS_MESSAGE,
            Some(format!("Manufacturer:{}", manufacturer.0)),
            results,
        );
        Ok(Vpic::new(env, fmt, "MakesForMfg"))
    }

    /// GetModelsForMake (vPIC)
    #[oai(
        path = "/GetModelsForMake/:make",
        method = "get",
        operation_id = "vpic_get_models_for_make"
    )]
    async fn models_for_make(
        &self,
        state: Data<&AppState>,
        /// (Part of) a make name.
        make: Path<String>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<ModelsEnvelope>, ApiError> {
        let fmt = self::format(format.as_deref())?;
        let results = models_for_make_name(&state, &make, None);
        let env = ModelsEnvelope::new(RESPONSE_MESSAGE, Some(format!("Make:{}", make.0)), results);
        Ok(Vpic::new(env, fmt, "ModelsForMake"))
    }

    /// GetModelsForMakeId (vPIC)
    #[oai(
        path = "/GetModelsForMakeId/:make_id",
        method = "get",
        operation_id = "vpic_get_models_for_make_id"
    )]
    async fn models_for_make_id(
        &self,
        state: Data<&AppState>,
        /// Make id.
        #[oai(validator(minimum(value = "0"), maximum(value = "4294967295")))]
        make_id: Path<u32>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<ModelsEnvelope>, ApiError> {
        let fmt = self::format(format.as_deref())?;
        let results = models_for_make_id(&state, make_id.0, None);
        let env = ModelsEnvelope::new(
            RESPONSE_MESSAGE,
            Some(format!("Make ID:{}", make_id.0)),
            results,
        );
        Ok(Vpic::new(env, fmt, "ModelsForMake"))
    }

    /// GetModelsForMakeYear (vPIC)
    #[oai(
        path = "/GetModelsForMakeYear/make/:make/modelyear/:year",
        method = "get",
        operation_id = "vpic_get_models_for_make_year"
    )]
    async fn models_for_make_year(
        &self,
        state: Data<&AppState>,
        /// (Part of) a make name.
        make: Path<String>,
        /// Model year.
        #[oai(validator(minimum(value = "0"), maximum(value = "65535")))]
        year: Path<u16>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<ModelsEnvelope>, ApiError> {
        let fmt = self::format(format.as_deref())?;
        let results = models_for_make_name(&state, &make, Some(year.0));
        let env = ModelsEnvelope::new(
            RESULTS_MESSAGE,
            Some(format!("Make:{} | ModelYear:{}", make.0, year.0)),
            results,
        );
        Ok(Vpic::new(env, fmt, "ModelsForMake"))
    }

    /// GetModelsForMakeIdYear (vPIC)
    #[oai(
        path = "/GetModelsForMakeIdYear/makeId/:make_id/modelyear/:year",
        method = "get",
        operation_id = "vpic_get_models_for_make_id_year"
    )]
    async fn models_for_make_id_year(
        &self,
        state: Data<&AppState>,
        /// Make id.
        #[oai(validator(minimum(value = "0"), maximum(value = "4294967295")))]
        make_id: Path<u32>,
        /// Model year.
        #[oai(validator(minimum(value = "0"), maximum(value = "65535")))]
        year: Path<u16>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<ModelsEnvelope>, ApiError> {
        let fmt = self::format(format.as_deref())?;
        let results = models_for_make_id(&state, make_id.0, Some(year.0));
        let env = ModelsEnvelope::new(
            RESULTS_MESSAGE,
            Some(format!("Make ID:{} | ModelYear:{}", make_id.0, year.0)),
            results,
        );
        Ok(Vpic::new(env, fmt, "ModelsForMake"))
    }

    /// GetVehicleTypesForMake (vPIC)
    #[oai(
        path = "/GetVehicleTypesForMake/:make",
        method = "get",
        operation_id = "vpic_get_vehicle_types_for_make"
    )]
    async fn vehicle_types_for_make(
        &self,
        state: Data<&AppState>,
        /// (Part of) a make name.
        make: Path<String>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<VehicleTypesEnvelope>, ApiError> {
        let fmt = self::format(format.as_deref())?;
        let results = state
            .decoder()
            .makes_named(make.trim())
            .iter()
            .flat_map(|mk| {
                state
                    .decoder()
                    .vehicle_types_for_make(mk.id)
                    .into_iter()
                    .map(|(id, name)| VpicMakeVehicleType {
                        make_id: mk.id,
                        make_name: mk.name.clone(),
                        vehicle_type_id: id,
                        vehicle_type_name: name,
                    })
            })
            .collect();
        let env =
            VehicleTypesEnvelope::new(RESPONSE_MESSAGE, Some(format!("Make: {}", make.0)), results);
        Ok(Vpic::new(env, fmt, "VehicleTypesForMakeIds"))
    }

    /// GetVehicleVariableList (vPIC)
    #[oai(
        path = "/GetVehicleVariableList",
        method = "get",
        operation_id = "vpic_get_vehicle_variable_list"
    )]
    async fn variable_list(
        &self,
        state: Data<&AppState>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<VariablesEnvelope>, ApiError> {
        let fmt = self::format(format.as_deref())?;
        let results = state
            .elements()
            .all()
            .iter()
            .map(|e| VpicVariableInfo {
                data_type: e.data_type.clone(),
                description: e.description.clone(),
                group_name: e.group.clone(),
                id: e.id,
                name: e.name.clone(),
            })
            .collect();
        Ok(Vpic::new(
            VariablesEnvelope::new(RESULTS_MESSAGE, None, results),
            fmt,
            "VehicleVariablesList",
        ))
    }

    /// GetVehicleVariableValuesList (vPIC)
    #[oai(
        path = "/GetVehicleVariableValuesList/:variable",
        method = "get",
        operation_id = "vpic_get_vehicle_variable_values_list"
    )]
    async fn variable_values(
        &self,
        state: Data<&AppState>,
        /// Variable id or name (e.g. `2` or `battery type`).
        variable: Path<String>,
        /// `json`, `csv` or `xml` (default).
        format: Query<Option<FormatParam>>,
    ) -> Result<Vpic<VariableValuesEnvelope>, ApiError> {
        let fmt = self::format(format.as_deref())?;
        let elements = state.elements();
        let element = elements.find(&variable);
        let results = element
            .and_then(|e| {
                let values = state.decoder().element_values(&e.code)?;
                Some(
                    values
                        .into_iter()
                        .map(|(id, name)| VpicVariableValue {
                            element_name: e.name.clone(),
                            id,
                            name,
                        })
                        .collect(),
                )
            })
            .unwrap_or_default();
        let criteria = element.map_or_else(|| variable.0.clone(), |e| e.name.clone());
        let env = VariableValuesEnvelope::new(
            RESULTS_MESSAGE,
            Some(format!("Variable:{criteria}")),
            results,
        );
        Ok(Vpic::new(env, fmt, "VehicleVariableValuesList"))
    }
}
