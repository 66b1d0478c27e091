//! Result items of the NHTSA-compatible routes, with vPIC's exact field names.

use std::collections::BTreeMap;

use poem_openapi::Object;

use super::envelope::envelope;

/// One variable of `DecodeVin`.
#[derive(Debug, Clone, Object)]
pub struct VpicVariable {
    /// The decoded value (null when NHTSA has none).
    #[oai(rename = "Value")]
    #[oai(nullable)]
    pub value: Option<String>,
    /// Lookup id of the value, `""` when not a lookup.
    #[oai(rename = "ValueId")]
    #[oai(nullable)]
    pub value_id: Option<String>,
    /// Variable (element) name.
    #[oai(rename = "Variable")]
    pub variable: String,
    /// Variable (element) id.
    #[oai(rename = "VariableId")]
    pub variable_id: u16,
}

/// A WMI as `DecodeWMI` describes it.
#[derive(Debug, Clone, Object)]
pub struct VpicWmi {
    /// Manufacturer's common name (not in the data: always empty).
    #[oai(rename = "CommonName")]
    pub common_name: String,
    /// When the WMI was recorded.
    #[oai(rename = "CreatedOn")]
    #[oai(nullable)]
    pub created_on: Option<String>,
    /// When it became public.
    #[oai(rename = "DateAvailableToPublic")]
    #[oai(nullable)]
    pub date_available_to_public: Option<String>,
    /// Make(s) of the WMI, comma-separated.
    #[oai(rename = "Make")]
    pub make: String,
    /// Manufacturer name.
    #[oai(rename = "ManufacturerName")]
    pub manufacturer_name: String,
    /// Parent company (not in the data: always empty).
    #[oai(rename = "ParentCompanyName")]
    pub parent_company_name: String,
    /// Manufacturer web site (not in the data: always empty).
    #[oai(rename = "URL")]
    pub url: String,
    /// Last update (not in the data: always null).
    #[oai(rename = "UpdatedOn")]
    #[oai(nullable)]
    pub updated_on: Option<String>,
    /// Vehicle type.
    #[oai(rename = "VehicleType")]
    pub vehicle_type: String,
}

/// A WMI of `GetWMIsForManufacturer`.
#[derive(Debug, Clone, Object)]
pub struct VpicManufacturerWmi {
    /// Country of the manufacturer.
    #[oai(rename = "Country")]
    #[oai(nullable)]
    pub country: Option<String>,
    /// When the WMI was recorded.
    #[oai(rename = "CreatedOn")]
    #[oai(nullable)]
    pub created_on: Option<String>,
    /// When it became public.
    #[oai(rename = "DateAvailableToPublic")]
    #[oai(nullable)]
    pub date_available_to_public: Option<String>,
    /// Manufacturer id.
    #[oai(rename = "Id")]
    pub id: u32,
    /// Manufacturer name.
    #[oai(rename = "Name")]
    pub name: String,
    /// Last update (not in the data: always null).
    #[oai(rename = "UpdatedOn")]
    #[oai(nullable)]
    pub updated_on: Option<String>,
    /// Vehicle type.
    #[oai(rename = "VehicleType")]
    pub vehicle_type: String,
    /// The WMI.
    #[oai(rename = "WMI")]
    pub wmi: String,
}

/// A make of `GetAllMakes`.
#[derive(Debug, Clone, Object)]
pub struct VpicMake {
    /// Make id.
    #[oai(rename = "Make_ID")]
    pub make_id: u32,
    /// Make name.
    #[oai(rename = "Make_Name")]
    pub make_name: String,
}

/// A vehicle type of a manufacturer.
#[derive(Debug, Clone, Object)]
pub struct VpicVehicleTypeFlag {
    /// Primary type of the manufacturer (not in the data: always false).
    #[oai(rename = "IsPrimary")]
    pub is_primary: bool,
    /// Vehicle type name.
    #[oai(rename = "Name")]
    pub name: String,
}

/// A manufacturer of `GetAllManufacturers`.
#[derive(Debug, Clone, Object)]
pub struct VpicManufacturer {
    /// Country.
    #[oai(rename = "Country")]
    #[oai(nullable)]
    pub country: Option<String>,
    /// Common name (not in the data: always null).
    #[oai(rename = "Mfr_CommonName")]
    #[oai(nullable)]
    pub mfr_common_name: Option<String>,
    /// Manufacturer id.
    #[oai(rename = "Mfr_ID")]
    pub mfr_id: u32,
    /// Manufacturer name.
    #[oai(rename = "Mfr_Name")]
    pub mfr_name: String,
    /// Vehicle types it makes.
    #[oai(rename = "VehicleTypes")]
    pub vehicle_types: Vec<VpicVehicleTypeFlag>,
}

/// A make of `GetMakeForManufacturer`.
#[derive(Debug, Clone, Object)]
pub struct VpicManufacturerMake {
    /// Make id.
    #[oai(rename = "Make_ID")]
    pub make_id: u32,
    /// Make name.
    #[oai(rename = "Make_Name")]
    pub make_name: String,
    /// Manufacturer name.
    #[oai(rename = "Mfr_Name")]
    pub mfr_name: String,
}

/// A model of the `GetModelsFor…` routes.
#[derive(Debug, Clone, Object)]
pub struct VpicModel {
    /// Make id.
    #[oai(rename = "Make_ID")]
    pub make_id: u32,
    /// Make name.
    #[oai(rename = "Make_Name")]
    pub make_name: String,
    /// Model id.
    #[oai(rename = "Model_ID")]
    pub model_id: u32,
    /// Model name.
    #[oai(rename = "Model_Name")]
    pub model_name: String,
}

/// A vehicle type of `GetVehicleTypesForMake`.
#[derive(Debug, Clone, Object)]
pub struct VpicMakeVehicleType {
    /// Make id.
    #[oai(rename = "MakeId")]
    pub make_id: u32,
    /// Make name.
    #[oai(rename = "MakeName")]
    pub make_name: String,
    /// Vehicle type id.
    #[oai(rename = "VehicleTypeId")]
    pub vehicle_type_id: u32,
    /// Vehicle type name.
    #[oai(rename = "VehicleTypeName")]
    pub vehicle_type_name: String,
}

/// A model of the `vehicletype` forms of `GetModelsForMakeYear` and `GetModelsForMakeIdYear`.
#[derive(Debug, Clone, Object)]
pub struct VpicModelOfType {
    /// Make id.
    #[oai(rename = "Make_ID")]
    pub make_id: u32,
    /// Make name.
    #[oai(rename = "Make_Name")]
    pub make_name: String,
    /// Model id.
    #[oai(rename = "Model_ID")]
    pub model_id: u32,
    /// Model name.
    #[oai(rename = "Model_Name")]
    pub model_name: String,
    /// Vehicle type id.
    #[oai(rename = "VehicleTypeId")]
    pub vehicle_type_id: u32,
    /// Vehicle type name.
    #[oai(rename = "VehicleTypeName")]
    pub vehicle_type_name: String,
}

/// A make of `GetMakesForManufacturerAndYear`.
#[derive(Debug, Clone, Object)]
pub struct VpicMakeOfManufacturer {
    /// Make id.
    #[oai(rename = "MakeId")]
    pub make_id: u32,
    /// Make name.
    #[oai(rename = "MakeName")]
    pub make_name: String,
    /// Manufacturer id.
    #[oai(rename = "MfrId")]
    pub mfr_id: u32,
    /// Manufacturer name.
    #[oai(rename = "MfrName")]
    pub mfr_name: String,
}

/// A vehicle type of `GetVehicleTypesForMakeId`.
#[derive(Debug, Clone, Object)]
pub struct VpicVehicleType {
    /// Vehicle type id.
    #[oai(rename = "VehicleTypeId")]
    pub vehicle_type_id: u32,
    /// Vehicle type name.
    #[oai(rename = "VehicleTypeName")]
    pub vehicle_type_name: String,
}

/// A variable of `GetVehicleVariableList`.
#[derive(Debug, Clone, Object)]
pub struct VpicVariableInfo {
    /// `string`, `int`, `decimal` or `lookup`.
    #[oai(rename = "DataType")]
    pub data_type: String,
    /// HTML description.
    #[oai(rename = "Description")]
    pub description: String,
    /// Element group.
    #[oai(rename = "GroupName")]
    pub group_name: String,
    /// Variable id.
    #[oai(rename = "ID")]
    pub id: u16,
    /// Variable name.
    #[oai(rename = "Name")]
    pub name: String,
}

/// A value of `GetVehicleVariableValuesList`.
#[derive(Debug, Clone, Object)]
pub struct VpicVariableValue {
    /// The variable's name.
    #[oai(rename = "ElementName")]
    pub element_name: String,
    /// Value id.
    #[oai(rename = "Id")]
    pub id: u32,
    /// Value name.
    #[oai(rename = "Name")]
    pub name: String,
}

envelope!(
    DecodeVinEnvelope,
    VpicVariable,
    "`DecodeVin` answer: one entry per variable."
);
envelope!(
    DecodeVinValuesEnvelope,
    BTreeMap<String, String>,
    "`DecodeVinValues` answer: one flat object per VIN keyed by vPIC element code (`\"\"` when empty)."
);
envelope!(DecodeWmiEnvelope, VpicWmi, "`DecodeWMI` answer.");
envelope!(
    ManufacturerWmisEnvelope,
    VpicManufacturerWmi,
    "`GetWMIsForManufacturer` answer."
);
envelope!(MakesEnvelope, VpicMake, "`GetAllMakes` answer.");
envelope!(
    ManufacturersEnvelope,
    VpicManufacturer,
    "`GetAllManufacturers` answer."
);
envelope!(
    ManufacturerMakesEnvelope,
    VpicManufacturerMake,
    "`GetMakeForManufacturer` answer."
);
envelope!(ModelsEnvelope, VpicModel, "`GetModelsFor…` answers.");
envelope!(
    VehicleTypesEnvelope,
    VpicMakeVehicleType,
    "`GetVehicleTypesForMake` answer."
);
envelope!(
    ModelsOfTypeEnvelope,
    VpicModelOfType,
    "The `vehicletype` forms of `GetModelsForMakeYear` and `GetModelsForMakeIdYear`."
);
envelope!(
    ManufacturerYearMakesEnvelope,
    VpicMakeOfManufacturer,
    "`GetMakesForManufacturerAndYear` answer."
);
envelope!(
    MakeVehicleTypesEnvelope,
    VpicMakeVehicleType,
    "`GetMakesForVehicleType` answer."
);
envelope!(
    VehicleTypesOfMakeEnvelope,
    VpicVehicleType,
    "`GetVehicleTypesForMakeId` answer."
);
envelope!(
    VariablesEnvelope,
    VpicVariableInfo,
    "`GetVehicleVariableList` answer."
);
envelope!(
    VariableValuesEnvelope,
    VpicVariableValue,
    "`GetVehicleVariableValuesList` answer."
);
