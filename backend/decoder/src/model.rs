//! The vPIC index as it is built from SQLite ([`Index`], owned and nested), and the record types the
//! decoder reads; [`crate::layout`] writes an index as a snapshot the decoder uses in place.

use std::collections::HashMap;

/// A hash map with a fast, non-cryptographic hasher: the keys are the data's own (WMIs, ids), not input
/// an attacker chooses, and lookups sit on every decode's path.
pub type FastMap<K, V> = HashMap<K, V, rustc_hash::FxBuildHasher>;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::keys::Constraint;

/// Identity of the data a decoder serves: where it came from, its date, and a digest of the snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataIdentity {
    /// Where the data came from (file name and package).
    pub source: String,
    /// Date of the data (newest pattern change), `YYYY-MM-DD`.
    pub data_date: String,
    /// `sha256:` digest of the snapshot content.
    pub digest: String,
}

/// A vPIC element (a decodable variable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElementInfo {
    /// `Element.Id`.
    pub id: u16,
    /// `Element.Name`, e.g. `Body Class`.
    pub name: String,
    /// `Element.Code`, e.g. `BodyClass`.
    pub code: String,
    /// `Element.GroupName`.
    pub group: String,
    /// `Element.DataType`: `string`, `int`, `decimal`, `lookup`.
    pub data_type: String,
    /// `Element.Description`.
    pub description: String,
    /// `Element.LookupTable` for lookup elements.
    pub lookup_table: Option<String>,
    /// `Element.Decode` is set (the element is part of decoding output).
    pub decode: bool,
    /// `Element.IsPrivate`.
    pub private: bool,
    /// `Element.weight` (used to rank model-year passes).
    pub weight: Option<i32>,
}

/// A make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MakeInfo {
    /// `Make.Id`.
    pub id: u32,
    /// `Make.Name`.
    pub name: String,
}

/// A model with its make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// `Model.Id`.
    pub id: u32,
    /// `Model.Name`.
    pub name: String,
    /// `Make.Id`.
    pub make_id: u32,
    /// `Make.Name`.
    pub make_name: String,
}

/// A manufacturer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManufacturerInfo {
    /// `Manufacturer.Id`.
    pub id: u32,
    /// `Manufacturer.Name`.
    pub name: String,
    /// Country of its WMIs (the most frequent one).
    pub country: Option<String>,
    /// Vehicle types of its WMIs.
    pub vehicle_types: Vec<String>,
}

/// What a WMI tells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WmiInfo {
    /// The WMI (3 or 6 characters).
    pub wmi: String,
    /// `Manufacturer.Id`.
    pub manufacturer_id: Option<u32>,
    /// Manufacturer name.
    pub manufacturer: Option<String>,
    /// Makes registered for the WMI.
    pub makes: Vec<MakeInfo>,
    /// Vehicle type name.
    pub vehicle_type: Option<String>,
    /// `VehicleType.Id`.
    pub vehicle_type_id: Option<u32>,
    /// Country name.
    pub country: Option<String>,
    /// `Wmi.CreatedOn`.
    pub created_on: Option<String>,
    /// `Wmi.PublicAvailabilityDate`.
    pub date_available: Option<String>,
}

/// A schema linked to a WMI for a range of model years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaLink {
    /// Index into `Data::schemas`.
    pub schema: u32,
    /// First model year.
    pub year_from: u16,
    /// Last model year (`None` = open).
    pub year_to: Option<u16>,
}

impl SchemaLink {
    /// Whether the link covers a model year (`None` = any year, as vPIC does without a year).
    pub fn covers(&self, year: Option<u16>) -> bool {
        match year {
            None => true,
            Some(y) => y >= self.year_from && y <= self.year_to.unwrap_or(2999),
        }
    }
}

/// A WMI record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WmiRec {
    /// `Wmi.Id`.
    pub id: u32,
    /// `Wmi.ManufacturerId`.
    pub manufacturer_id: Option<u32>,
    /// `Wmi.VehicleTypeId`.
    pub vehicle_type_id: Option<u32>,
    /// `Wmi.TruckTypeId`.
    pub truck_type_id: Option<u32>,
    /// `Wmi.CountryId`.
    pub country_id: Option<u32>,
    /// `Wmi.MakeId`.
    pub make_id: Option<u32>,
    /// `Wmi.PublicAvailabilityDate` as days since 1970 (`None` = not public).
    pub public_day: Option<i32>,
    /// `Wmi.CreatedOn`.
    pub created_on: Option<String>,
    /// `Wmi.PublicAvailabilityDate` as text.
    pub public_date: Option<String>,
    /// Makes (`Wmi_Make`).
    pub makes: Vec<u32>,
    /// Linked schemas.
    pub links: Vec<SchemaLink>,
}

/// One pattern row: an element value given by a key (a flat record of the snapshot, read in place).
#[repr(C)]
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, bytemuck::Pod, bytemuck::Zeroable,
)]
pub struct PatternRec {
    /// `Pattern.Id`.
    pub id: u32,
    /// `Pattern.AttributeId`, interned.
    pub attribute: u32,
    /// Rank of `coalesce(UpdatedOn, CreatedOn)` among the data's change times (0 = unknown or oldest):
    /// only its order matters.
    pub changed: u32,
    /// `Pattern.ElementId`.
    pub element: u16,
    /// Padding (zero).
    pub pad: u16,
}

/// A distinct key of a schema with the patterns it carries; its text and constraints live in the schema's
/// flat arrays (a few allocations per schema instead of three per key: fast snapshot loads, small memory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRec {
    /// Start of the key text in `Schema::key_text`.
    pub text_start: u32,
    /// Length of the key text.
    pub text_len: u8,
    /// Start of the constraints in `Schema::constraints`.
    pub cons_start: u32,
    /// Number of constraints.
    pub cons_len: u8,
    /// Number of key-string positions the key spans.
    pub len: u8,
    /// Formula key (`#`).
    pub formula: bool,
    /// The key can never match.
    pub never: bool,
    /// Patterns with this key: `Schema::patterns[start..end]`, ascending by pattern id.
    pub start: u32,
    /// End of the range.
    pub end: u32,
}

/// A VIN schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    /// `VinSchema.Id`.
    pub id: u32,
    /// `VinSchema.Name`.
    pub name: Arc<str>,
    /// `VinSchema.TobeQCed`.
    pub to_be_qced: bool,
    /// Distinct keys.
    pub keys: Vec<KeyRec>,
    /// The texts of all keys, concatenated.
    pub key_text: String,
    /// The constraints of all keys, concatenated.
    pub constraints: Vec<Constraint>,
    /// Patterns grouped by key.
    pub patterns: Vec<PatternRec>,
    /// Union of the characters every key names per key-string position (`fExtractValidCharsPerWmiYear`).
    pub valid_chars: [u64; 15],
    /// Some key is a formula key (`#`); derived on load.
    #[serde(skip)]
    pub has_formula: bool,
    /// Per key-string position 1-5 (VIN 4-8), the characters some key of the schema can match there
    /// (all, when a key leaves the position open): a schema whose keys cannot match the VIN is skipped
    /// without looking at its keys. Derived on load.
    #[serde(skip)]
    pub reach: [u64; 5],
}

impl Schema {
    /// Derives `has_formula` and `reach` from the keys.
    fn derive(&mut self) {
        self.has_formula = self.keys.iter().any(|k| k.formula);
        let mut reach = [0u64; 5];
        for k in self.keys.iter().filter(|k| !k.never) {
            let mut key_reach = [u64::MAX; 5];
            for c in self.constraints_of(k) {
                if let Some(r) = (c.pos() as usize)
                    .checked_sub(1)
                    .and_then(|i| key_reach.get_mut(i))
                {
                    *r = c.mask();
                }
            }
            for (r, k) in reach.iter_mut().zip(key_reach) {
                *r |= k;
            }
        }
        self.reach = reach;
    }
}

impl Schema {
    /// The constraints of one of its keys.
    #[inline]
    pub fn constraints_of(&self, k: &KeyRec) -> &[Constraint] {
        let c = k.cons_start as usize;
        self.constraints
            .get(c..c + k.cons_len as usize)
            .unwrap_or(&[])
    }
}

/// An engine-model pattern row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnginePatternRec {
    /// `EngineModelPattern.Id`.
    pub id: u32,
    /// Element.
    pub element: u16,
    /// Interned attribute.
    pub attribute: u32,
    /// Rank of the change time, in the same order as [`PatternRec::changed`].
    pub changed: u32,
}

/// A unit conversion (`Conversion`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversion {
    /// `Conversion.Id`.
    pub id: u32,
    /// From element.
    pub from: u16,
    /// To element.
    pub to: u16,
    /// Formula text with `#x#`.
    pub formula: String,
    /// The formula parsed on load: operator byte and the constant's bits (`None` = not understood).
    #[serde(skip)]
    pub parsed: Option<(u8, u64)>,
}

impl Conversion {
    /// Parses vPIC's `#x# op number` formulas.
    pub(crate) fn parse(formula: &str) -> Option<(u8, u64)> {
        let f = formula.replace("#x#", "").replace(' ', "");
        let op = *f.as_bytes().first()?;
        let n: f64 = f.get(1..)?.trim_end_matches('.').parse().ok()?;
        matches!(op, b'/' | b'*' | b'+' | b'-').then_some((op, n.to_bits()))
    }

    /// Applies the formula to a value.
    pub fn apply(&self, x: f64) -> Option<f64> {
        let (op, n) = self.parsed?;
        let n = f64::from_bits(n);
        let v = match op {
            b'/' => x / n,
            b'*' => x * n,
            b'+' => x + n,
            _ => x - n,
        };
        v.is_finite().then_some(v)
    }
}

/// A default value of an element for a vehicle type (`DefaultValue`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultRec {
    /// `DefaultValue.ElementId`.
    pub element: u16,
    /// `DefaultValue.DefaultValue` (a lookup id for lookup elements).
    pub value: Box<str>,
}

/// One vehicle-spec pattern (`VSpecSchemaPattern` with its `VehicleSpecPattern` rows): when every key row
/// equals a decoded value, the value rows fill elements the VIN did not give.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecPattern {
    /// `VSpecSchemaPattern.Id`.
    pub id: u32,
    /// Key rows: element and lower-cased attribute.
    pub keys: Vec<(u16, Box<str>)>,
    /// Value rows.
    pub values: Vec<SpecValue>,
}

/// A value row of a vehicle-spec pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecValue {
    /// `VehicleSpecPattern.ElementId`.
    pub element: u16,
    /// `VehicleSpecPattern.AttributeId`, interned.
    pub attribute: u32,
    /// `coalesce(UpdatedOn, CreatedOn)` in µs since 1970 (`i64::MAX` when unknown: NHTSA sorts it first).
    pub changed: i64,
}

/// A vehicle-spec schema (`VehicleSpecSchema` with its models and years).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecSchema {
    /// `VehicleSpecSchema.Id`.
    pub id: u32,
    /// `VehicleSpecSchema.MakeId`.
    pub make: u32,
    /// `VehicleSpecSchema.VehicleTypeId`.
    pub vehicle_type: Option<u32>,
    /// `VehicleSpecSchema_Year` (empty: every year).
    pub years: Vec<u16>,
    /// Its patterns that have key rows, ascending by id.
    pub patterns: Vec<SpecPattern>,
}

/// A row of `ErrorCode`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorCodeRec {
    /// `ErrorCode.Id`.
    pub id: u16,
    /// `ErrorCode.Name`, trimmed.
    pub name: Box<str>,
    /// `ErrorCode.AdditionalErrorText`.
    pub additional: Option<Box<str>>,
    /// `ErrorCode.weight` (0 when empty).
    pub weight: i32,
}

/// The tables of NHTSA's decoding steps that follow the patterns: default values, vehicle specs, VIN
/// exceptions and the error codes. All empty when the data lacks them; `complete` says the data has them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepTables {
    /// The data carries `DefaultValue` and the vehicle-spec tables: the procedure runs those steps.
    pub complete: bool,
    /// Default values by vehicle type id.
    #[serde(serialize_with = "sorted")]
    pub defaults: FastMap<u32, Vec<DefaultRec>>,
    /// Vehicle-spec schemas.
    pub spec_schemas: Vec<SpecSchema>,
    /// Vehicle-spec schemas (indexes into `spec_schemas`) by model id.
    #[serde(serialize_with = "sorted")]
    pub spec_by_model: FastMap<u32, Vec<u32>>,
    /// VINs whose check digit the manufacturer got wrong in production (`VinException.CheckDigit`), sorted.
    pub check_digit_exceptions: Vec<Box<str>>,
    /// `ErrorCode` rows, ascending by id (empty: the decoder's built-in texts and weights).
    pub error_codes: Vec<ErrorCodeRec>,
}

/// The whole index as built from SQLite (owned, nested); [`crate::layout`] lays it out as a snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    /// Source and date (digest filled when written).
    pub identity: DataIdentity,
    /// Elements by id (ascending).
    pub elements: Vec<ElementInfo>,
    /// Interned strings (pattern attributes).
    pub strings: Vec<Arc<str>>,
    /// Lookup tables by name: id → name.
    pub lookups: FastMap<String, FastMap<u32, Arc<str>>>,
    /// WMIs by text.
    pub wmis: FastMap<String, WmiRec>,
    /// Schemas.
    pub schemas: Vec<Schema>,
    /// Makes, ascending by id.
    pub makes: Vec<MakeInfo>,
    /// Model names by id.
    pub models: FastMap<u32, String>,
    /// Makes of a model (`Make_Model`).
    pub model_makes: FastMap<u32, Vec<u32>>,
    /// Manufacturers, ascending by id.
    pub manufacturers: Vec<ManufacturerInfo>,
    /// Makes of a manufacturer (`Manufacturer_Make`).
    pub manufacturer_makes: FastMap<u32, Vec<u32>>,
    /// Engine-model patterns by lower-cased, trimmed engine model name.
    pub engine_models: FastMap<String, Vec<EnginePatternRec>>,
    /// Conversions, ascending by id.
    pub conversions: Vec<Conversion>,
    /// Model ids per make with the model years their schemas cover (`year_from`, `year_to`).
    pub make_models: FastMap<u32, Vec<(u32, u16, u16)>>,
    /// The data has patterns for every element (a full vPIC conversion), not only the lite subset.
    pub full_patterns: bool,
    /// NHTSA's decoding tables beyond the patterns, empty when the data lacks them (the npm lite file).
    pub steps: StepTables,
}

/// A model of a make under one vehicle type, with the model years its schemas cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelTypeRec {
    /// `Model.Id`.
    pub model: u32,
    /// `VehicleType.Id` of a WMI linked to a schema that names the model.
    pub vehicle_type: u32,
    /// First model year.
    pub year_from: u16,
    /// Last model year (9999 = open).
    pub year_to: u16,
}

/// Serialises a hash map in key order: the same index gives the same snapshot bytes (and digest), whatever
/// order the map was filled in.
pub(crate) fn sorted<K: Ord + Serialize, V: Serialize, S: serde::Serializer>(
    map: &FastMap<K, V>,
    s: S,
) -> Result<S::Ok, S::Error> {
    map.iter().collect::<BTreeMap<_, _>>().serialize(s)
}

/// [`sorted`] for a map of maps (the lookup tables).
pub(crate) fn sorted_nested<S: serde::Serializer>(
    map: &FastMap<String, FastMap<u32, Arc<str>>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    map.iter()
        .map(|(k, v)| (k, v.iter().collect::<BTreeMap<_, _>>()))
        .collect::<BTreeMap<_, _>>()
        .serialize(s)
}

/// The lookups whose names a decode prints upper-cased.
#[derive(Debug, Clone, Copy)]
pub enum Upper {
    /// `VehicleType`.
    VehicleType = 0,
    /// `Manufacturer` (those of some WMI).
    Manufacturer = 1,
    /// `Make`.
    Make = 2,
}

/// The place of `VIN` in `Data::flat_order`.
pub const FLAT_VIN: u16 = u16::MAX;

/// Shared strings of an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementText {
    /// `Element.Code`.
    pub code: Arc<str>,
    /// `Element.Name`.
    pub name: Arc<str>,
    /// `Element.GroupName`.
    pub group: Arc<str>,
    /// Rank of the group in vPIC's output order.
    pub group_rank: u8,
}

impl Index {
    /// Derives what the schemas' keys imply (formula keys, reach) after building.
    pub fn finish(&mut self) {
        for s in &mut self.schemas {
            s.derive();
        }
    }

    /// The upper-cased names of vehicle types, WMI manufacturers and makes, as vPIC prints these facts
    /// (indexed by [`Upper`]).
    pub fn upper_names(&self) -> [Vec<(u32, String)>; 3] {
        let wmi_manufacturers: std::collections::HashSet<u32> = self
            .wmis
            .values()
            .filter_map(|w| w.manufacturer_id)
            .collect();
        let upper = |table: &str, keep: &dyn Fn(u32) -> bool| -> Vec<(u32, String)> {
            let mut v: Vec<(u32, String)> = self
                .lookups
                .get(table)
                .map(|m| {
                    m.iter()
                        .filter(|(id, _)| keep(**id))
                        .map(|(&id, n)| (id, n.to_uppercase()))
                        .collect()
                })
                .unwrap_or_default();
            v.sort_unstable();
            v
        };
        [
            upper("VehicleType", &|_| true),
            upper("Manufacturer", &|id| wmi_manufacturers.contains(&id)),
            upper("Make", &|_| true),
        ]
    }
}
