//! Builds the in-memory index from any SQLite file with NHTSA vPIC's table layout.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use rusqlite::{Connection, OpenFlags};

use crate::DataError;
use crate::keys::{CompiledKey, slot};
use crate::model::*;

mod steps;

fn opt_u32(v: Option<i64>) -> Option<u32> {
    v.and_then(|x| u32::try_from(x).ok())
}

/// Days from 1970-01-01 to a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses `YYYY-MM-DD[ HH:MM:SS[.ffffff]]` (also with `T`) into µs since 1970; 0 when unparseable.
pub(crate) fn parse_timestamp(s: &str) -> i64 {
    let d: Vec<i64> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<i64>().unwrap_or(0))
        .collect();
    if d.len() < 3 {
        return 0;
    }
    let days = days_from_civil(d[0], d[1], d[2]);
    let secs = d.get(3).copied().unwrap_or(0) * 3600
        + d.get(4).copied().unwrap_or(0) * 60
        + d.get(5).copied().unwrap_or(0);
    let frac = s
        .rsplit_once('.')
        .map(|(_, f)| {
            let digits: String = f.chars().take_while(char::is_ascii_digit).take(6).collect();
            format!("{digits:0<6}").parse::<i64>().unwrap_or(0)
        })
        .unwrap_or(0);
    (days * 86_400 + secs) * 1_000_000 + frac
}

fn parse_day(s: &str) -> Option<i32> {
    let us = parse_timestamp(s);
    if us == 0 {
        None
    } else {
        i32::try_from(us.div_euclid(86_400_000_000)).ok()
    }
}

pub(super) struct Interner {
    strings: Vec<Arc<str>>,
    index: HashMap<String, u32>,
}

impl Interner {
    pub(super) fn intern(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.strings.len() as u32;
        self.strings.push(Arc::from(s));
        self.index.insert(s.to_string(), i);
        i
    }
}

pub(super) fn table_exists(conn: &Connection, name: &str) -> Result<bool, rusqlite::Error> {
    conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE",
        [name],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}

fn id_names(conn: &Connection, table: &str) -> Result<HashMap<u32, String>, rusqlite::Error> {
    let mut out = HashMap::new();
    let mut stmt = conn.prepare(&format!("SELECT Id, Name FROM \"{table}\""))?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?))
    })?;
    for row in rows {
        let (id, name) = row?;
        if let (Ok(id), Some(name)) = (u32::try_from(id), name) {
            out.insert(id, name);
        }
    }
    Ok(out)
}

/// Reads a vPIC-layout SQLite file into the index.
pub fn load(path: &Path) -> Result<Index, DataError> {
    if !path.exists() {
        return Err(DataError::Missing(path.to_path_buf()));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| DataError::Sqlite(path.to_path_buf(), e.to_string()))?;
    read(&conn, path).map_err(|e| DataError::Sqlite(path.to_path_buf(), e.to_string()))
}

/// Reads every table into the index, one loader per table.
fn read(conn: &Connection, path: &Path) -> Result<Index, rusqlite::Error> {
    for t in [
        "Wmi",
        "Wmi_VinSchema",
        "VinSchema",
        "Pattern",
        "Element",
        "Make",
        "Model",
    ] {
        if !table_exists(conn, t)? {
            return Err(rusqlite::Error::InvalidParameterName(format!(
                "table {t} is missing: not a vPIC database"
            )));
        }
    }
    let mut interner = Interner {
        strings: Vec::new(),
        index: HashMap::new(),
    };

    let elements = load_elements(conn)?;
    let lookups = load_lookups(conn, &elements)?;
    let (schema_index, mut schemas) = load_vin_schemas(conn)?;
    let change_ranks = load_change_ranks(conn)?;
    let data_date_us = load_patterns(
        conn,
        &mut schemas,
        &schema_index,
        &mut interner,
        &change_ranks,
    )?;
    let (mut wmis, wmi_by_id) = load_wmis(conn)?;
    load_wmi_makes(conn, &mut wmis, &wmi_by_id)?;
    load_wmi_schemas(conn, &mut wmis, &wmi_by_id, &schema_index)?;
    // Makes, models, manufacturers.
    let make_names = lookups.get("Make").cloned().unwrap_or_default();
    let mut makes: Vec<MakeInfo> = make_names
        .iter()
        .map(|(&id, name)| MakeInfo {
            id,
            name: name.clone(),
        })
        .collect();
    makes.sort_by_key(|m| m.id);
    let models = lookups.get("Model").cloned().unwrap_or_default();
    let model_makes = load_make_models(conn)?;
    let manufacturer_makes = load_manufacturer_makes(conn)?;
    let manufacturers = manufacturers(&lookups, &wmis);
    let engine_models = load_engine_models(conn, &mut interner, &change_ranks)?;
    let conversions = load_conversions(conn)?;
    let make_models = make_models(&schemas, &wmis, &interner.strings, &model_makes);

    // The lite data keeps patterns of a few dozen elements; a full conversion has far more.
    let full_patterns = {
        let mut seen = HashSet::new();
        for s in &schemas {
            for p in &s.patterns {
                seen.insert(p.element);
            }
        }
        seen.len() > 60
    };
    let data_date = if data_date_us > 0 {
        let days = data_date_us.div_euclid(86_400_000_000);
        civil_from_days(days)
    } else {
        String::new()
    };
    let _ = slot; // keys module is the one place that knows slots
    let steps = steps::load(conn, &mut interner)?;
    Ok(Index {
        identity: DataIdentity {
            source: path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            data_date,
            digest: String::new(),
        },
        elements,
        strings: interner.strings,
        lookups: lookups
            .into_iter()
            .map(|(t, m)| (t, m.into_iter().map(|(k, v)| (k, Arc::from(v))).collect()))
            .collect(),
        wmis: wmis.into_iter().collect(),
        schemas,
        makes,
        models: models.into_iter().collect(),
        model_makes: model_makes.into_iter().collect(),
        manufacturers,
        manufacturer_makes: manufacturer_makes.into_iter().collect(),
        engine_models: engine_models.into_iter().collect(),
        conversions,
        make_models: make_models.into_iter().collect(),
        full_patterns,
        steps,
    })
}

/// Lookup tables by name: id → name.
type Lookups = HashMap<String, HashMap<u32, String>>;

/// `Element`, ascending by id.
fn load_elements(conn: &Connection) -> rusqlite::Result<Vec<ElementInfo>> {
    let mut elements = Vec::new();
    {
        let mut stmt = conn.prepare(
            "SELECT Id, Name, Code, GroupName, DataType, Description, LookupTable, Decode, IsPrivate, weight
             FROM Element ORDER BY Id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ElementInfo {
                id: r.get::<_, i64>(0)? as u16,
                name: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                code: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                group: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                data_type: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                description: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                lookup_table: r
                    .get::<_, Option<String>>(6)?
                    .filter(|s| !s.trim().is_empty()),
                decode: r
                    .get::<_, Option<String>>(7)?
                    .is_some_and(|s| !s.trim().is_empty()),
                private: r.get::<_, Option<i64>>(8)?.unwrap_or(0) != 0,
                weight: r.get::<_, Option<i64>>(9)?.map(|w| w as i32),
            })
        })?;
        for e in rows {
            elements.push(e?);
        }
    }
    Ok(elements)
}

/// The lookup tables named by elements, plus the ones the decoder names itself (id → name), with the
/// renames of [`crate::renames`] applied.
fn load_lookups(conn: &Connection, elements: &[ElementInfo]) -> rusqlite::Result<Lookups> {
    let mut lookups: HashMap<String, HashMap<u32, String>> = HashMap::new();
    // (converted to shared strings once renamed, below)
    let mut wanted: Vec<String> = elements
        .iter()
        .filter_map(|e| e.lookup_table.clone())
        .collect();
    for t in ["Country", "VehicleType", "Make", "Model", "Manufacturer"] {
        wanted.push(t.to_string());
    }
    for t in wanted {
        if lookups.contains_key(&t) || !table_exists(conn, &t)? {
            continue;
        }
        if let Ok(map) = id_names(conn, &t) {
            lookups.insert(t, map);
        }
    }

    crate::renames::apply(&mut lookups);
    Ok(lookups)
}

/// `VinSchema`: the schemas (their keys come from the patterns) and the index of each id.
fn load_vin_schemas(conn: &Connection) -> rusqlite::Result<(HashMap<u32, usize>, Vec<Schema>)> {
    let mut schema_index: HashMap<u32, usize> = HashMap::new();
    let mut schemas: Vec<Schema> = Vec::new();
    {
        let mut stmt = conn.prepare("SELECT Id, Name, TobeQCed FROM VinSchema ORDER BY Id")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)? as u32,
                r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                r.get::<_, Option<i64>>(2)?.unwrap_or(0) != 0,
            ))
        })?;
        for row in rows {
            let (id, name, qc) = row?;
            schema_index.insert(id, schemas.len());
            schemas.push(Schema {
                id,
                name: Arc::from(name),
                to_be_qced: qc,
                keys: Vec::new(),
                key_text: String::new(),
                constraints: Vec::new(),
                patterns: Vec::new(),
                valid_chars: [0; 15],
                has_formula: false,
                reach: [0; 5],
            });
        }
    }
    Ok((schema_index, schemas))
}

/// Every distinct change time of VIN and engine-model patterns, ascending.
///
/// Change times are only ever compared (vPIC ranks newer rows first), so rows store their rank among
/// them: 4 bytes instead of 8 per row.
fn load_change_ranks(conn: &Connection) -> rusqlite::Result<Vec<i64>> {
    let change_ranks = {
        let mut times: Vec<i64> = vec![0];
        let mut collect = |sql: &str| -> rusqlite::Result<()> {
            let mut stmt = conn.prepare(sql)?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                if let Some(t) = r.get::<_, Option<String>>(0)? {
                    times.push(parse_timestamp(&t));
                }
            }
            Ok(())
        };
        collect("SELECT DISTINCT coalesce(UpdatedOn, CreatedOn) FROM Pattern")?;
        if table_exists(conn, "EngineModelPattern")? {
            collect("SELECT DISTINCT coalesce(UpdatedOn, CreatedOn) FROM EngineModelPattern")?;
        }
        times.sort_unstable();
        times.dedup();
        times
    };
    Ok(change_ranks)
}

/// `Pattern`: each schema's keys and the patterns they carry; returns the newest change time (µs).
fn load_patterns(
    conn: &Connection,
    schemas: &mut [Schema],
    schema_index: &HashMap<u32, usize>,
    interner: &mut Interner,
    change_ranks: &[i64],
) -> rusqlite::Result<i64> {
    let rank_of = |t: i64| -> u32 { change_ranks.binary_search(&t).unwrap_or(0) as u32 };
    let mut data_date_us = 0i64;
    {
        // Collect per schema: key text -> patterns.
        let mut per_schema: Vec<BTreeMap<String, Vec<PatternRec>>> =
            vec![BTreeMap::new(); schemas.len()];
        let mut stmt = conn.prepare(
            "SELECT Id, VinSchemaId, Keys, ElementId, AttributeId, coalesce(UpdatedOn, CreatedOn)
             FROM Pattern ORDER BY Id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id = r.get::<_, i64>(0)? as u32;
            let schema_id = r.get::<_, i64>(1)? as u32;
            let keys: String = r.get::<_, Option<String>>(2)?.unwrap_or_default();
            let element = r.get::<_, i64>(3)? as u16;
            let attr: String = match r.get_ref(4)? {
                rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                rusqlite::types::ValueRef::Integer(i) => i.to_string(),
                rusqlite::types::ValueRef::Real(f) => f.to_string(),
                _ => String::new(),
            };
            let changed = r
                .get::<_, Option<String>>(5)?
                .map(|s| parse_timestamp(&s))
                .unwrap_or(0);
            data_date_us = data_date_us.max(changed);
            let Some(&si) = schema_index.get(&schema_id) else {
                continue;
            };
            let attribute = interner.intern(&attr);
            per_schema[si]
                .entry(keys.trim().to_ascii_uppercase())
                .or_default()
                .push(PatternRec {
                    id,
                    element,
                    attribute,
                    changed: rank_of(changed),
                    pad: 0,
                });
        }
        for (si, map) in per_schema.into_iter().enumerate() {
            let s = &mut schemas[si];
            for (text, pats) in map {
                let compiled = CompiledKey::compile(&text);
                for (pos, mask) in compiled.view(&text).valid_chars() {
                    if (pos as usize) < 15 {
                        s.valid_chars[pos as usize] |= mask;
                    }
                }
                let start = s.patterns.len() as u32;
                s.patterns.extend(pats);
                let end = s.patterns.len() as u32;
                let text = if text.len() > 255 {
                    &text[..255]
                } else {
                    &text
                };
                let rec = KeyRec {
                    text_start: s.key_text.len() as u32,
                    text_len: text.len() as u8,
                    cons_start: s.constraints.len() as u32,
                    cons_len: compiled.constraints.len().min(255) as u8,
                    len: compiled.len,
                    formula: compiled.formula,
                    never: compiled.never,
                    start,
                    end,
                };
                s.key_text.push_str(text);
                s.constraints
                    .extend(compiled.constraints.iter().take(255).copied());
                s.keys.push(rec);
            }
            s.key_text.shrink_to_fit();
            s.constraints.shrink_to_fit();
            s.patterns.shrink_to_fit();
            s.keys.shrink_to_fit();
        }
    }
    Ok(data_date_us)
}

/// `Wmi`: the records by WMI text, and the WMI text of each id.
fn load_wmis(
    conn: &Connection,
) -> rusqlite::Result<(HashMap<String, WmiRec>, HashMap<u32, String>)> {
    let mut wmis: HashMap<String, WmiRec> = HashMap::new();
    let mut wmi_by_id: HashMap<u32, String> = HashMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT Id, Wmi, ManufacturerId, MakeId, VehicleTypeId, TruckTypeId, CountryId,
                    PublicAvailabilityDate, CreatedOn FROM Wmi",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)? as u32,
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, Option<i64>>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        })?;
        for row in rows {
            let (id, wmi, mfr, make, vt, tt, country, public, created) = row?;
            let wmi = wmi.trim().to_ascii_uppercase();
            wmi_by_id.insert(id, wmi.clone());
            wmis.insert(
                wmi,
                WmiRec {
                    id,
                    manufacturer_id: opt_u32(mfr),
                    vehicle_type_id: opt_u32(vt),
                    truck_type_id: opt_u32(tt),
                    country_id: opt_u32(country),
                    make_id: opt_u32(make),
                    public_day: public.as_deref().and_then(parse_day),
                    created_on: created,
                    public_date: public,
                    makes: Vec::new(),
                    links: Vec::new(),
                },
            );
        }
    }
    Ok((wmis, wmi_by_id))
}

/// `Wmi_Make`: the makes of each WMI.
fn load_wmi_makes(
    conn: &Connection,
    wmis: &mut HashMap<String, WmiRec>,
    wmi_by_id: &HashMap<u32, String>,
) -> rusqlite::Result<()> {
    if !table_exists(conn, "Wmi_Make")? {
        return Ok(());
    }
    let mut stmt = conn.prepare("SELECT WmiId, MakeId FROM Wmi_Make ORDER BY WmiId, MakeId")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, i64>(0)? as u32, r.get::<_, i64>(1)? as u32))
    })?;
    for row in rows {
        let (w, m) = row?;
        if let Some(rec) = wmi_by_id.get(&w).and_then(|k| wmis.get_mut(k)) {
            rec.makes.push(m);
        }
    }
    Ok(())
}

/// `Wmi_VinSchema`: the schemas linked to each WMI for a range of model years.
fn load_wmi_schemas(
    conn: &Connection,
    wmis: &mut HashMap<String, WmiRec>,
    wmi_by_id: &HashMap<u32, String>,
    schema_index: &HashMap<u32, usize>,
) -> rusqlite::Result<()> {
    {
        let mut stmt = conn.prepare(
            "SELECT WmiId, VinSchemaId, YearFrom, YearTo FROM Wmi_VinSchema ORDER BY Id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)? as u32,
                r.get::<_, i64>(1)? as u32,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<i64>>(3)?,
            ))
        })?;
        for row in rows {
            let (w, s, from, to) = row?;
            let (Some(rec), Some(&si)) = (
                wmi_by_id.get(&w).and_then(|k| wmis.get_mut(k)),
                schema_index.get(&s),
            ) else {
                continue;
            };
            rec.links.push(SchemaLink {
                schema: si as u32,
                year_from: from.clamp(0, 9999) as u16,
                year_to: to.map(|t| t.clamp(0, 9999) as u16),
            });
        }
    }
    Ok(())
}

/// `Make_Model`: the makes of each model.
fn load_make_models(conn: &Connection) -> rusqlite::Result<HashMap<u32, Vec<u32>>> {
    let mut model_makes: HashMap<u32, Vec<u32>> = HashMap::new();
    if table_exists(conn, "Make_Model")? {
        let mut stmt = conn.prepare("SELECT MakeId, ModelId FROM Make_Model ORDER BY Id")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, i64>(0)? as u32, r.get::<_, i64>(1)? as u32))
        })?;
        for row in rows {
            let (mk, md) = row?;
            model_makes.entry(md).or_default().push(mk);
        }
    }
    Ok(model_makes)
}

/// `Manufacturer_Make`: the makes of each manufacturer.
fn load_manufacturer_makes(conn: &Connection) -> rusqlite::Result<HashMap<u32, Vec<u32>>> {
    let mut manufacturer_makes: HashMap<u32, Vec<u32>> = HashMap::new();
    if table_exists(conn, "Manufacturer_Make")? {
        let mut stmt =
            conn.prepare("SELECT ManufacturerId, MakeId FROM Manufacturer_Make ORDER BY Id")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, i64>(0)? as u32, r.get::<_, i64>(1)? as u32))
        })?;
        for row in rows {
            let (mf, mk) = row?;
            manufacturer_makes.entry(mf).or_default().push(mk);
        }
    }
    Ok(manufacturer_makes)
}

/// Manufacturers with the most frequent country and the vehicle types of their WMIs.
fn manufacturers(lookups: &Lookups, wmis: &HashMap<String, WmiRec>) -> Vec<ManufacturerInfo> {
    let countries = lookups.get("Country").cloned().unwrap_or_default();
    let vehicle_types = lookups.get("VehicleType").cloned().unwrap_or_default();
    let mut manufacturers: Vec<ManufacturerInfo> = Vec::new();
    {
        let names = lookups.get("Manufacturer").cloned().unwrap_or_default();
        let mut countries_of: HashMap<u32, HashMap<u32, usize>> = HashMap::new();
        let mut types_of: HashMap<u32, HashSet<u32>> = HashMap::new();
        for rec in wmis.values() {
            if let Some(m) = rec.manufacturer_id {
                if let Some(c) = rec.country_id {
                    *countries_of.entry(m).or_default().entry(c).or_default() += 1;
                }
                if let Some(t) = rec.vehicle_type_id {
                    types_of.entry(m).or_default().insert(t);
                }
            }
        }
        for (&id, name) in &names {
            let country = countries_of.get(&id).and_then(|c| {
                c.iter()
                    .max_by_key(|(cid, n)| (**n, std::cmp::Reverse(**cid)))
                    .and_then(|(cid, _)| countries.get(cid).cloned())
            });
            let mut vts: Vec<String> = types_of
                .get(&id)
                .map(|s| {
                    s.iter()
                        .filter_map(|t| vehicle_types.get(t).cloned())
                        .collect()
                })
                .unwrap_or_default();
            vts.sort();
            manufacturers.push(ManufacturerInfo {
                id,
                name: name.clone(),
                country,
                vehicle_types: vts,
            });
        }
        manufacturers.sort_by_key(|m| m.id);
    }
    manufacturers
}

/// `EngineModel` and `EngineModelPattern`: the patterns of each engine model, by lower-cased name.
fn load_engine_models(
    conn: &Connection,
    interner: &mut Interner,
    change_ranks: &[i64],
) -> rusqlite::Result<HashMap<String, Vec<EnginePatternRec>>> {
    let rank_of = |t: i64| -> u32 { change_ranks.binary_search(&t).unwrap_or(0) as u32 };
    let mut engine_models: HashMap<String, Vec<EnginePatternRec>> = HashMap::new();
    if table_exists(conn, "EngineModel")? && table_exists(conn, "EngineModelPattern")? {
        let mut stmt = conn.prepare(
            "SELECT em.Name, p.Id, p.ElementId, p.AttributeId, coalesce(p.UpdatedOn, p.CreatedOn)
             FROM EngineModel em JOIN EngineModelPattern p ON p.EngineModelId = em.Id
             ORDER BY p.Id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)? as u32,
                r.get::<_, i64>(2)? as u16,
                r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        for row in rows {
            let (name, id, element, attr, changed) = row?;
            let attribute = interner.intern(&attr);
            engine_models
                .entry(name.trim().to_lowercase())
                .or_default()
                .push(EnginePatternRec {
                    id,
                    element,
                    attribute,
                    changed: rank_of(changed.map(|s| parse_timestamp(&s)).unwrap_or(0)),
                });
        }
    }
    Ok(engine_models)
}

/// `Conversion`, ascending by id.
fn load_conversions(conn: &Connection) -> rusqlite::Result<Vec<Conversion>> {
    let mut conversions = Vec::new();
    if table_exists(conn, "Conversion")? {
        let mut stmt = conn.prepare(
            "SELECT Id, FromElementId, ToElementId, Formula FROM Conversion ORDER BY Id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Conversion {
                id: r.get::<_, i64>(0)? as u32,
                from: r.get::<_, i64>(1)? as u16,
                to: r.get::<_, i64>(2)? as u16,
                formula: r.get::<_, String>(3)?,
                parsed: None,
            })
        })?;
        for c in rows {
            conversions.push(c?);
        }
    }
    Ok(conversions)
}

/// Model ids per make with the model years their schemas are linked for.
fn make_models(
    schemas: &[Schema],
    wmis: &HashMap<String, WmiRec>,
    strings: &[Arc<str>],
    model_makes: &HashMap<u32, Vec<u32>>,
) -> HashMap<u32, Vec<(u32, u16, u16)>> {
    let mut make_models: HashMap<u32, Vec<(u32, u16, u16)>> = HashMap::new();
    {
        let mut years: HashMap<u32, (u16, u16)> = HashMap::new();
        let mut schema_years: Vec<Option<(u16, u16)>> = vec![None; schemas.len()];
        for rec in wmis.values() {
            for l in &rec.links {
                let to = l.year_to.unwrap_or(9999);
                let e = &mut schema_years[l.schema as usize];
                *e = Some(match *e {
                    None => (l.year_from, to),
                    Some((a, b)) => (a.min(l.year_from), b.max(to)),
                });
            }
        }
        for (si, s) in schemas.iter().enumerate() {
            let Some((from, to)) = schema_years[si] else {
                continue;
            };
            for p in s.patterns.iter().filter(|p| p.element == 28) {
                if let Ok(model) = strings[p.attribute as usize].parse::<u32>() {
                    let e = years.entry(model).or_insert((from, to));
                    *e = (e.0.min(from), e.1.max(to));
                }
            }
        }
        for (model, (from, to)) in years {
            for &mk in model_makes.get(&model).map(Vec::as_slice).unwrap_or(&[]) {
                make_models.entry(mk).or_default().push((model, from, to));
            }
        }
        for v in make_models.values_mut() {
            v.sort_unstable();
        }
    }
    make_models
}

/// `YYYY-MM-DD` of a day count since 1970.
pub(crate) fn civil_from_days(z: i64) -> String {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_days() {
        let us = parse_timestamp("2015-03-04 10:33:34.057000");
        assert_eq!(civil_from_days(us.div_euclid(86_400_000_000)), "2015-03-04");
        assert!(
            parse_timestamp("2015-03-04 10:33:34.057") < parse_timestamp("2015-03-04 10:33:34.058")
        );
        assert_eq!(parse_timestamp("garbage"), 0);
    }
}
