//! Loaders of the tables NHTSA's procedure reads after the patterns: `DefaultValue`, the vehicle-spec
//! tables (`VehicleSpecSchema`, `VehicleSpecSchema_Model`, `VehicleSpecSchema_Year`, `VSpecSchemaPattern`,
//! `VehicleSpecPattern`), `VinException` and `ErrorCode`. One loader per table; a table the file lacks
//! (the npm lite file has none of them) leaves its part empty.

use std::collections::{BTreeMap, HashMap};

use rusqlite::Connection;

use super::{Interner, parse_timestamp, table_exists};
use crate::model::{
    DefaultRec, ErrorCodeRec, FastMap, SpecPattern, SpecSchema, SpecValue, StepTables,
};

/// Reads every step table present in the file.
pub(super) fn load(conn: &Connection, interner: &mut Interner) -> rusqlite::Result<StepTables> {
    let complete = table_exists(conn, "DefaultValue")?
        && [
            "VehicleSpecSchema",
            "VehicleSpecSchema_Model",
            "VSpecSchemaPattern",
            "VehicleSpecPattern",
        ]
        .iter()
        .map(|t| table_exists(conn, t))
        .collect::<rusqlite::Result<Vec<bool>>>()?
        .into_iter()
        .all(|b| b);
    let mut steps = StepTables {
        complete,
        defaults: default_values(conn)?,
        check_digit_exceptions: vin_exceptions(conn)?,
        error_codes: error_codes(conn)?,
        ..StepTables::default()
    };
    if complete {
        let (schemas, by_model) = vehicle_specs(conn, interner)?;
        steps.spec_schemas = schemas;
        steps.spec_by_model = by_model;
    }
    Ok(steps)
}

/// `DefaultValue`: per vehicle type, the rows with a value (ordered by id).
fn default_values(conn: &Connection) -> rusqlite::Result<FastMap<u32, Vec<DefaultRec>>> {
    let mut out: FastMap<u32, Vec<DefaultRec>> = FastMap::default();
    if !table_exists(conn, "DefaultValue")? {
        return Ok(out);
    }
    let mut stmt = conn.prepare(
        "SELECT VehicleTypeId, ElementId, DefaultValue FROM DefaultValue
         WHERE DefaultValue IS NOT NULL ORDER BY Id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (vt, element) = (r.get::<_, i64>(0)?, r.get::<_, i64>(1)?);
        let value = text_of(r.get_ref(2)?);
        let (Ok(vt), Ok(element)) = (u32::try_from(vt), u16::try_from(element)) else {
            continue;
        };
        let list = out.entry(vt).or_default();
        // NHTSA inserts them with `select distinct`: the same element and value once.
        if !list
            .iter()
            .any(|d| d.element == element && *d.value == *value)
        {
            list.push(DefaultRec {
                element,
                value: value.into_boxed_str(),
            });
        }
    }
    Ok(out)
}

/// `VinException` rows with the check-digit flag, sorted for binary search.
fn vin_exceptions(conn: &Connection) -> rusqlite::Result<Vec<Box<str>>> {
    if !table_exists(conn, "VinException")? {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare("SELECT Vin FROM VinException WHERE CheckDigit <> 0")?;
    let mut out: Vec<Box<str>> = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?
        .into_iter()
        .map(String::into_boxed_str)
        .collect();
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// `ErrorCode`: texts and the weights that rank model-year passes.
fn error_codes(conn: &Connection) -> rusqlite::Result<Vec<ErrorCodeRec>> {
    if !table_exists(conn, "ErrorCode")? {
        return Ok(Vec::new());
    }
    let mut stmt =
        conn.prepare("SELECT Id, Name, AdditionalErrorText, weight FROM ErrorCode ORDER BY Id")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<i64>>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, name, additional, weight) = row?;
        let Ok(id) = u16::try_from(id) else { continue };
        out.push(ErrorCodeRec {
            id,
            name: name.trim().into(),
            additional: additional.filter(|a| !a.is_empty()).map(Into::into),
            weight: weight
                .unwrap_or(0)
                .clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32,
        });
    }
    Ok(out)
}

fn text_of(v: rusqlite::types::ValueRef<'_>) -> String {
    match v {
        rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        rusqlite::types::ValueRef::Integer(i) => i.to_string(),
        rusqlite::types::ValueRef::Real(f) => f.to_string(),
        _ => String::new(),
    }
}

/// `VehicleSpecSchema` rows that are public (not awaiting QC): id → (make, vehicle type).
fn spec_schema_rows(conn: &Connection) -> rusqlite::Result<BTreeMap<u32, (u32, Option<u32>)>> {
    let mut stmt = conn.prepare(
        "SELECT Id, MakeId, VehicleTypeId FROM VehicleSpecSchema WHERE coalesce(TobeQCed, 0) = 0",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<i64>>(2)?,
        ))
    })?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (id, make, vt) = row?;
        if let (Ok(id), Ok(make)) = (u32::try_from(id), u32::try_from(make)) {
            out.insert(id, (make, vt.and_then(|v| u32::try_from(v).ok())));
        }
    }
    Ok(out)
}

/// Pairs of two integer columns of a table, ascending by the table's `Id`.
fn id_pairs(conn: &Connection, sql: &str) -> rusqlite::Result<Vec<(u32, u32)>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (a, b) = row?;
        if let (Ok(a), Ok(b)) = (u32::try_from(a), u32::try_from(b)) {
            out.push((a, b));
        }
    }
    Ok(out)
}

/// `VehicleSpecPattern` rows grouped by their `VSpecSchemaPattern`: (keys, values).
type SpecRows = BTreeMap<u32, (Vec<(u16, Box<str>)>, Vec<SpecValue>)>;

fn spec_pattern_rows(conn: &Connection, interner: &mut Interner) -> rusqlite::Result<SpecRows> {
    let mut stmt = conn.prepare(
        "SELECT VSpecSchemaPatternId, IsKey, ElementId, AttributeId, coalesce(UpdatedOn, CreatedOn)
         FROM VehicleSpecPattern ORDER BY Id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out: SpecRows = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let (sp, key, element) = (
            r.get::<_, i64>(0)?,
            r.get::<_, Option<i64>>(1)?.unwrap_or(0) != 0,
            r.get::<_, i64>(2)?,
        );
        let attribute = text_of(r.get_ref(3)?);
        let changed = r
            .get::<_, Option<String>>(4)?
            .map_or(i64::MAX, |t| parse_timestamp(&t));
        let (Ok(sp), Ok(element)) = (u32::try_from(sp), u16::try_from(element)) else {
            continue;
        };
        let entry = out.entry(sp).or_default();
        if key {
            entry
                .0
                .push((element, attribute.to_lowercase().into_boxed_str()));
        } else {
            let value = SpecValue {
                element,
                attribute: interner.intern(&attribute),
                changed,
            };
            // NHTSA selects them `distinct`.
            if !entry.1.contains(&value) {
                entry.1.push(value);
            }
        }
    }
    Ok(out)
}

/// The vehicle-spec schemas and their index by model.
type VehicleSpecs = (Vec<SpecSchema>, FastMap<u32, Vec<u32>>);

/// The vehicle-spec tables, joined as NHTSA's procedure joins them, indexed by model.
fn vehicle_specs(conn: &Connection, interner: &mut Interner) -> rusqlite::Result<VehicleSpecs> {
    let heads = spec_schema_rows(conn)?;
    let mut years: HashMap<u32, Vec<u16>> = HashMap::new();
    if table_exists(conn, "VehicleSpecSchema_Year")? {
        let sql = "SELECT VehicleSpecSchemaId, Year FROM VehicleSpecSchema_Year ORDER BY Id";
        for (s, y) in id_pairs(conn, sql)? {
            years
                .entry(s)
                .or_default()
                .push(u16::try_from(y).unwrap_or(u16::MAX));
        }
    }
    let models = id_pairs(
        conn,
        "SELECT VehicleSpecSchemaId, ModelId FROM VehicleSpecSchema_Model ORDER BY Id",
    )?;
    let links = id_pairs(
        conn,
        "SELECT Id, SchemaId FROM VSpecSchemaPattern ORDER BY Id",
    )?;
    let mut rows = spec_pattern_rows(conn, interner)?;
    let mut patterns_of: HashMap<u32, Vec<SpecPattern>> = HashMap::new();
    for (sp, schema) in links {
        let Some((keys, values)) = rows.remove(&sp) else {
            continue;
        };
        // Only patterns with key rows can ever apply.
        if !keys.is_empty() {
            patterns_of.entry(schema).or_default().push(SpecPattern {
                id: sp,
                keys,
                values,
            });
        }
    }
    let mut schemas = Vec::new();
    let mut index_of: HashMap<u32, u32> = HashMap::new();
    for (id, (make, vehicle_type)) in heads {
        let Some(mut patterns) = patterns_of.remove(&id) else {
            continue;
        };
        patterns.sort_by_key(|p| p.id);
        let mut ys = years.remove(&id).unwrap_or_default();
        ys.sort_unstable();
        ys.dedup();
        index_of.insert(id, schemas.len() as u32);
        schemas.push(SpecSchema {
            id,
            make,
            vehicle_type,
            years: ys,
            patterns,
        });
    }
    let mut by_model: FastMap<u32, Vec<u32>> = FastMap::default();
    for (schema, model) in models {
        if let Some(&i) = index_of.get(&schema) {
            let list = by_model.entry(model).or_default();
            if !list.contains(&i) {
                list.push(i);
            }
        }
    }
    for list in by_model.values_mut() {
        list.sort_unstable();
    }
    Ok((schemas, by_model))
}
