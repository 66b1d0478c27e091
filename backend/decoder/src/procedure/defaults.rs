//! The default-value step of NHTSA's procedure: every element the decode left empty that has a default
//! for the vehicle type (`DefaultValue`) gets it. A lookup element's default `0` reads "Not Applicable";
//! any other default is a lookup id or a value like a pattern's.

use std::borrow::Cow;

use crate::elements::VEHICLE_TYPE;
use crate::layout::Data;
use crate::procedure::item::{ElementIndex, Item, filled};
use crate::procedure::vehicle_spec::id_of;
use crate::result::Source;

/// Priority of a default (above vehicle specs, below every VIN pattern).
const PRIORITY: i32 = 10;

/// Adds the defaults of the decoded vehicle type.
pub(crate) fn apply<'a>(data: &'a Data, items: &mut Vec<Item<'a>>, mut seq: u32) {
    let Some(defaults) = id_of(items, VEHICLE_TYPE).and_then(|vt| data.steps.defaults.get(&vt))
    else {
        return;
    };
    // The elements the decode gave (the defaults added here do not count).
    let present = ElementIndex::of(items);
    items.reserve(defaults.len());
    for d in defaults {
        if present.contains(items, d.element) {
            continue;
        }
        let lookup = data
            .element(d.element)
            .is_some_and(|e| e.data_type == "lookup");
        seq += 1;
        items.push(filled(
            d.element,
            Cow::Borrowed(&d.value),
            (lookup && &*d.value == "0").then_some(Cow::Borrowed("Not Applicable")),
            Source::Default,
            PRIORITY,
            seq,
        ));
    }
}
