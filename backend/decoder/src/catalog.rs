//! Reference queries over the index: WMIs, makes, models, manufacturers, elements and their values
//! (what NHTSA's `GetAllMakes`, `GetModelsForMake`, `DecodeWMI`, ... answer).

use crate::Decoder;
use crate::model::{ElementInfo, MakeInfo, ManufacturerInfo, ModelInfo, WmiInfo};

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
        let map = self.data().lookups.get(table)?;
        let mut v: Vec<(u32, String)> = map.iter().map(|(k, n)| (*k, n.clone())).collect();
        v.sort();
        Some(v)
    }

    /// What a WMI tells (3 or 6 characters, case-insensitive).
    pub fn wmi(&self, wmi: &str) -> Option<WmiInfo> {
        let key = wmi.trim().to_ascii_uppercase();
        let rec = self.data().wmis.get(&key)?;
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
        &self.data().makes
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
            .make_models
            .get(&make_id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .filter(|(_, from, to)| year.is_none_or(|y| y >= *from && y <= *to))
            .filter_map(|(id, _, _)| {
                d.models.get(id).map(|n| ModelInfo {
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
        &self.data().manufacturers
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
}
