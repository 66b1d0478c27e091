//! Reference queries over the index: WMIs, makes, models, manufacturers, elements and their values
//! (what NHTSA's `GetAllMakes`, `GetModelsForMake`, `DecodeWMI`, ... answer).

use std::collections::HashMap;

use crate::Decoder;
use crate::layout::Data;
use crate::model::{
    ElementInfo, FastMap, MakeInfo, ManufacturerInfo, ModelInfo, ModelTypeRec, WmiInfo, WmiRec,
};

/// The Model element: its pattern values are `Model.Id`s.
const MODEL: u16 = 28;

fn contains_ci(hay: &str, needle: &str) -> bool {
    hay.to_lowercase().contains(&needle.to_lowercase())
}

impl Decoder {
    /// Every element (decodable variable), ascending by id.
    pub fn elements(&self) -> &[ElementInfo] {
        &self.data().elements
    }

    /// The values of a lookup element (by code or name, case-insensitive), ascending by id.
    pub fn element_values(&self, element: &str) -> Option<Vec<(u32, String)>> {
        let e = self.data().elements.iter().find(|e| {
            e.code.eq_ignore_ascii_case(element) || e.name.eq_ignore_ascii_case(element)
        })?;
        let table = e.lookup_table.as_ref()?;
        let map = self.data().catalog().lookups.get(table)?;
        let mut v: Vec<(u32, String)> = map.iter().map(|(k, n)| (*k, n.to_string())).collect();
        v.sort();
        Some(v)
    }

    /// What a WMI tells (3 or 6 characters, case-insensitive).
    pub fn wmi(&self, wmi: &str) -> Option<WmiInfo> {
        let key = wmi.trim().to_ascii_uppercase();
        let rec = self.data().catalog().wmis.get(&key)?;
        Some(self.wmi_info(&key, rec))
    }

    fn wmi_info(&self, key: &str, rec: &crate::model::WmiRec) -> WmiInfo {
        let d = self.data();
        WmiInfo {
            wmi: key.to_string(),
            manufacturer_id: rec.manufacturer_id,
            manufacturer: rec
                .manufacturer_id
                .and_then(|m| d.lookup_name("Manufacturer", m))
                .map(str::to_string),
            makes: rec
                .makes
                .iter()
                .filter_map(|&m| {
                    d.lookup_name("Make", m).map(|n| MakeInfo {
                        id: m,
                        name: n.to_string(),
                    })
                })
                .collect(),
            vehicle_type: rec
                .vehicle_type_id
                .and_then(|t| d.lookup_name("VehicleType", t))
                .map(str::to_string),
            vehicle_type_id: rec.vehicle_type_id,
            country: rec
                .country_id
                .and_then(|c| d.lookup_name("Country", c))
                .map(str::to_string),
            created_on: rec.created_on.clone(),
            date_available: rec.public_date.clone(),
        }
    }

    /// Every make, ascending by id.
    pub fn makes(&self) -> &[MakeInfo] {
        &self.data().catalog().makes
    }

    /// Makes whose name contains `name` (case-insensitive), as vPIC matches them.
    pub fn makes_named(&self, name: &str) -> Vec<MakeInfo> {
        let name = name.trim();
        self.makes()
            .iter()
            .filter(|m| contains_ci(&m.name, name))
            .cloned()
            .collect()
    }

    /// Models of a make, optionally only those whose schemas cover a model year; sorted by name.
    pub fn models_for_make(&self, make_id: u32, year: Option<u16>) -> Vec<ModelInfo> {
        let d = self.data();
        let make_name = d.lookup_name("Make", make_id).unwrap_or("").to_string();
        let mut out: Vec<ModelInfo> = d
            .catalog()
            .make_models
            .get(&make_id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .filter(|(_, from, to)| year.is_none_or(|y| y >= *from && y <= *to))
            .filter_map(|(id, _, _)| {
                d.catalog().models.get(id).map(|n| ModelInfo {
                    id: *id,
                    name: n.clone(),
                    make_id,
                    make_name: make_name.clone(),
                })
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        out.dedup_by_key(|m| m.id);
        out
    }

    /// Every manufacturer, ascending by id.
    pub fn manufacturers(&self) -> &[ManufacturerInfo] {
        &self.data().catalog().manufacturers
    }

    /// Manufacturers whose name contains `name` (case-insensitive).
    pub fn manufacturers_named(&self, name: &str) -> Vec<ManufacturerInfo> {
        let name = name.trim();
        self.manufacturers()
            .iter()
            .filter(|m| contains_ci(&m.name, name))
            .cloned()
            .collect()
    }

    /// Makes of a manufacturer.
    pub fn makes_for_manufacturer(&self, manufacturer_id: u32) -> Vec<MakeInfo> {
        let d = self.data();
        let mut v: Vec<MakeInfo> = d
            .catalog()
            .manufacturer_makes
            .get(&manufacturer_id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .filter_map(|&m| {
                d.lookup_name("Make", m).map(|n| MakeInfo {
                    id: m,
                    name: n.to_string(),
                })
            })
            .collect();
        v.sort_by_key(|m| m.id);
        v.dedup_by_key(|m| m.id);
        v
    }

    /// WMIs of a manufacturer, sorted.
    pub fn wmis_for_manufacturer(&self, manufacturer_id: u32) -> Vec<WmiInfo> {
        let mut v: Vec<WmiInfo> = self
            .data()
            .catalog()
            .wmis
            .iter()
            .filter(|(_, r)| r.manufacturer_id == Some(manufacturer_id))
            .map(|(k, r)| self.wmi_info(k, r))
            .collect();
        v.sort_by(|a, b| a.wmi.cmp(&b.wmi));
        v
    }

    /// Vehicle types of the WMIs registered for a make: (id, name), sorted by id.
    pub fn vehicle_types_for_make(&self, make_id: u32) -> Vec<(u32, String)> {
        let d = self.data();
        let mut v: Vec<(u32, String)> = d
            .catalog()
            .wmis
            .values()
            .filter(|r| r.makes.contains(&make_id) || r.make_id == Some(make_id))
            .filter_map(|r| {
                let t = r.vehicle_type_id?;
                Some((t, d.lookup_name("VehicleType", t)?.to_string()))
            })
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// Makes of a manufacturer's WMIs whose schemas are linked for a model year (vPIC's "Year From" and
    /// "Year To" of `GetMakesForManufacturerAndYear`, as the WMI-schema links give them), by id.
    pub fn makes_for_manufacturer_year(&self, manufacturer_id: u32, year: u16) -> Vec<MakeInfo> {
        let d = self.data();
        let ids = d
            .catalog()
            .wmis
            .values()
            .filter(|r| r.manufacturer_id == Some(manufacturer_id))
            .filter(|r| r.links.iter().any(|l| l.covers(Some(year))))
            .flat_map(wmi_makes);
        self.make_infos(ids)
    }

    /// Makes of the WMIs whose vehicle type name contains `type_name` (case-insensitive), with that
    /// type: (make, type id, type name), by make id then type id.
    pub fn makes_for_vehicle_type(&self, type_name: &str) -> Vec<(MakeInfo, u32, String)> {
        let d = self.data();
        let types = self.vehicle_types_named(type_name);
        let mut pairs: Vec<(u32, u32)> = d
            .catalog()
            .wmis
            .values()
            .filter_map(|r| Some((r, r.vehicle_type_id?)))
            .filter(|(_, t)| types.iter().any(|(id, _)| id == t))
            .flat_map(|(r, t)| wmi_makes(r).map(move |m| (m, t)))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        pairs
            .into_iter()
            .filter_map(|(m, t)| {
                let make = d.lookup_name("Make", m)?;
                let ty = types.iter().find(|(id, _)| *id == t)?;
                Some((
                    MakeInfo {
                        id: m,
                        name: make.to_string(),
                    },
                    t,
                    ty.1.clone(),
                ))
            })
            .collect()
    }

    /// Vehicle types whose name contains `name` (trimmed, case-insensitive): (id, name), by id.
    pub fn vehicle_types_named(&self, name: &str) -> Vec<(u32, String)> {
        let name = name.trim();
        let mut v: Vec<(u32, String)> = self
            .data()
            .catalog()
            .lookups
            .get("VehicleType")
            .map(|m| {
                m.iter()
                    .filter(|(_, n)| contains_ci(n, name))
                    .map(|(&id, n)| (id, n.to_string()))
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    /// Models of a make under the vehicle types named like `type_name`, optionally only those whose
    /// schemas cover a model year: (model, type id, type name), by model id then type id (as vPIC).
    pub fn models_for_make_type(
        &self,
        make_id: u32,
        year: Option<u16>,
        type_name: &str,
    ) -> Vec<(ModelInfo, u32, String)> {
        let d = self.data();
        let types = self.vehicle_types_named(type_name);
        let make_name = d.lookup_name("Make", make_id).unwrap_or("").to_string();
        let mut out: Vec<(ModelInfo, u32, String)> = model_types(d)
            .get(&make_id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .filter(|r| year.is_none_or(|y| y >= r.year_from && y <= r.year_to))
            .filter_map(|r| {
                let ty = types.iter().find(|(id, _)| *id == r.vehicle_type)?;
                let name = d.catalog().models.get(&r.model)?;
                Some((
                    ModelInfo {
                        id: r.model,
                        name: name.clone(),
                        make_id,
                        make_name: make_name.clone(),
                    },
                    ty.0,
                    ty.1.clone(),
                ))
            })
            .collect();
        out.sort_by_key(|m| (m.0.id, m.1));
        out.dedup_by_key(|m| (m.0.id, m.1));
        out
    }

    /// Makes by id, named, sorted by id, without repeats.
    fn make_infos(&self, ids: impl Iterator<Item = u32>) -> Vec<MakeInfo> {
        let d = self.data();
        let mut ids: Vec<u32> = ids.collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            .filter_map(|m| {
                d.lookup_name("Make", m).map(|n| MakeInfo {
                    id: m,
                    name: n.to_string(),
                })
            })
            .collect()
    }
}

/// The makes of a WMI: `Wmi_Make` and `Wmi.MakeId`.
fn wmi_makes(r: &WmiRec) -> impl Iterator<Item = u32> + '_ {
    r.makes.iter().copied().chain(r.make_id)
}

/// The models of each make by vehicle type (built once per loaded data).
fn model_types(d: &Data) -> &FastMap<u32, Vec<ModelTypeRec>> {
    d.model_types.get_or_init(|| build_model_types(d))
}

/// For every WMI link: the models its schema names (Model patterns), under the WMI's vehicle type, for
/// the link's years; the make is the model's (`Make_Model`). Year ranges merge as `make_models` does.
fn build_model_types(d: &Data) -> FastMap<u32, Vec<ModelTypeRec>> {
    let mut schema_models: HashMap<u32, Vec<u32>> = HashMap::new();
    let mut acc: HashMap<(u32, u32, u32), (u16, u16)> = HashMap::new();
    for r in d.catalog().wmis.values() {
        let Some(vt) = r.vehicle_type_id else {
            continue;
        };
        for l in &r.links {
            let models = schema_models.entry(l.schema).or_insert_with(|| {
                let mut v: Vec<u32> = d
                    .schema(l.schema)
                    .into_iter()
                    .flat_map(|s| s.keys().iter().flat_map(move |k| s.patterns_of(k)))
                    .filter(|p| p.element == MODEL)
                    .filter_map(|p| d.string(p.attribute).parse().ok())
                    .collect();
                v.sort_unstable();
                v.dedup();
                v
            });
            let span = (l.year_from, l.year_to.unwrap_or(9999));
            for &m in models.iter() {
                for &mk in d
                    .catalog()
                    .model_makes
                    .get(&m)
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
                {
                    let e = acc.entry((mk, m, vt)).or_insert(span);
                    *e = (e.0.min(span.0), e.1.max(span.1));
                }
            }
        }
    }
    let mut out: FastMap<u32, Vec<ModelTypeRec>> = FastMap::default();
    for ((mk, model, vehicle_type), (year_from, year_to)) in acc {
        out.entry(mk).or_default().push(ModelTypeRec {
            model,
            vehicle_type,
            year_from,
            year_to,
        });
    }
    for v in out.values_mut() {
        v.sort_unstable_by_key(|r| (r.model, r.vehicle_type));
    }
    out
}
