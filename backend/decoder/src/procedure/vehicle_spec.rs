//! The vehicle-spec step of NHTSA's procedure: a make's vehicle-spec schemas, linked to models (and
//! optionally to model years), hold patterns whose key rows name decoded values (e.g. Body Class, Drive
//! Type, Series). A pattern whose every key row equals a decoded value gives its other rows to the
//! elements nothing gave yet; per element the newest row wins.

use std::borrow::Cow;

use crate::elements::{MODEL, NOT_EXCLUSIVE, VEHICLE_TYPE};
use crate::layout::{Data, Wmi};
use crate::model::{SpecPattern, SpecSchema};
use crate::procedure::item::{ElementIndex, Item, filled};
use crate::result::Source;

/// Priority of a vehicle-spec item (below every VIN pattern).
const PRIORITY: i32 = -100;

/// The attribute of the first item of an element, as an id.
pub(crate) fn id_of(items: &[Item<'_>], element: u16) -> Option<u32> {
    items
        .iter()
        .find(|it| it.element == element)
        .and_then(|it| it.attribute.trim().parse().ok())
}

/// Whether every key row of a pattern equals a decoded value, each key its own item. NHTSA counts the
/// key rows and the distinct items they match, and keeps the pattern when the counts agree: an item has
/// one element and one attribute, so the counts agree exactly when every row matches some item and no
/// two rows are the same (element, attribute).
fn keys_match(p: &SpecPattern, items: &[Item<'_>], index: &ElementIndex) -> bool {
    p.keys.iter().all(|(element, attribute)| {
        index
            .positions(items, *element)
            .any(|i| lower_eq(&items[i].attribute, attribute))
    }) && !p
        .keys
        .iter()
        .enumerate()
        .any(|(i, row)| p.keys[..i].contains(row))
}

/// `lower(a) = b` for a lower-cased `b`.
fn lower_eq(a: &str, lower: &str) -> bool {
    if a.is_ascii() {
        a.len() == lower.len()
            && a.bytes()
                .zip(lower.bytes())
                .all(|(x, y)| x.to_ascii_lowercase() == y)
    } else {
        a.to_lowercase() == lower
    }
}

fn schema_applies(s: &SpecSchema, w: &Wmi<'_>, vehicle_type: u32, year: Option<u16>) -> bool {
    s.vehicle_type == Some(vehicle_type)
        && w.makes.contains(&s.make)
        && (s.years.is_empty() || year.is_some_and(|y| s.years.binary_search(&y).is_ok()))
}

/// Adds the vehicle-spec values of a pass.
pub(crate) fn apply<'a>(
    data: &'a Data,
    w: &Wmi<'_>,
    year: Option<u16>,
    items: &mut Vec<Item<'a>>,
    next: &mut impl FnMut() -> u32,
) {
    let specs = &data.steps;
    let (Some(vehicle_type), Some(model)) = (id_of(items, VEHICLE_TYPE), id_of(items, MODEL))
    else {
        return;
    };
    let Some(schemas) = specs.spec_by_model.get(&model) else {
        return;
    };
    // The newest row of each element not decoded yet: (element, attribute, changed).
    let mut best: Vec<(u16, u32, i64)> = Vec::new();
    let index = ElementIndex::of(items);
    for s in schemas
        .iter()
        .filter_map(|&i| data.spec_schema(i))
        .filter(|s| schema_applies(s, w, vehicle_type, year))
    {
        for p in s.patterns.iter().filter(|p| keys_match(p, items, &index)) {
            for v in &p.values {
                let taken = !NOT_EXCLUSIVE.contains(&v.element) && index.contains(items, v.element);
                if taken {
                    continue;
                }
                match best.iter_mut().find(|b| b.0 == v.element) {
                    Some(b) if v.changed > b.2 => *b = (v.element, v.attribute, v.changed),
                    Some(_) => {}
                    None => best.push((v.element, v.attribute, v.changed)),
                }
            }
        }
    }
    for (element, attribute, _) in best {
        items.push(filled(
            element,
            Cow::Borrowed(data.string(attribute)),
            None,
            Source::VehicleSpec,
            PRIORITY,
            next(),
        ));
    }
}
