//! The WMI's facts: vehicle type, manufacturer and the pass's model year.

use std::borrow::Cow;

use crate::elements::{MANUFACTURER, VEHICLE_TYPE};
use crate::layout::{Data, Wmi};
use crate::model::Upper;
use crate::procedure::item::{Item, fact, model_year_item};
use crate::result::Source;

/// Adds the WMI's vehicle type and manufacturer and the model year of the pass.
pub(crate) fn apply<'a>(
    data: &'a Data,
    w: &Wmi<'_>,
    wmi: &str,
    year: Option<u16>,
    items: &mut Vec<Item<'a>>,
    next: &mut impl FnMut() -> u32,
) {
    if let Some(vt) = w.vehicle_type_id
        && let Some(name) = data.upper_name(Upper::VehicleType, vt)
    {
        items.push(fact(
            VEHICLE_TYPE,
            vt.to_string(),
            Cow::Borrowed(name),
            wmi,
            100,
            next(),
        ));
    }
    let mfr = w.manufacturer_id;
    let mfr_name = mfr.and_then(|m| data.upper_name(Upper::Manufacturer, m));
    items.push(Item {
        element: MANUFACTURER,
        attribute: Cow::Owned(mfr.map(|m| m.to_string()).unwrap_or_default()),
        value: Some(Cow::Borrowed(mfr_name.unwrap_or_default())),
        source: Source::Wmi,
        priority: 100,
        changed: None,
        pattern_id: None,
        schema: None,
        keys: Some(Cow::Owned(wmi.to_string())),
        key: None,
        seq: next(),
    });
    if let Some(y) = year {
        items.push(model_year_item(y, next()));
    }
}
