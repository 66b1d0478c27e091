//! One pass of `spVinDecode_Core` for a model year: the steps in NHTSA's order, each in its own module.

use std::collections::BTreeSet;

use crate::layout::{Data, Wmi};
use crate::procedure::error_check::error_check;
use crate::procedure::facts::VinFacts;
use crate::procedure::item::{Item, LATER, model_year_item};
pub(crate) use crate::procedure::pass::Pass;
use crate::procedure::{
    codes, conversion, defaults, engine, make, matching, ranking, vehicle_spec, wmi,
};

/// One pass of `spVinDecode_Core` for a model year (`None` = every linked schema).
pub(crate) fn core<'a>(
    data: &'a Data,
    vin: &str,
    facts: &VinFacts<'a>,
    year: Option<u16>,
    conclusive: bool,
    error12: bool,
) -> Pass<'a> {
    let mut pass = Pass {
        year,
        items: Vec::new(),
        codes: Vec::new(),
        unused: None,
        invalid: String::new(),
        incomplete: false,
        off_road: false,
        suggested_vin: String::new(),
        possible_values: String::new(),
        conclusive,
        cd_exception: facts.cd_exception,
    };
    let mut codes: BTreeSet<u16> = BTreeSet::new();
    match facts.wrec {
        None => {
            codes.insert(7);
            pass.items.reserve(matching::LATER_ITEMS);
            // The year still reads from position 10 (the newest year of its cycle not beyond next year
            // plus one, as vPIC resolves it without a vehicle type): a WMI missing from older data is
            // often only newer than the data, and the year is what users ask first.
            if let Some(y) = year {
                pass.items.push(model_year_item(y, LATER + 1));
            }
        }
        Some(w) => decode_known_wmi(data, vin, facts, &w, &mut pass, &mut codes),
    }
    codes::finish(vin, facts, error12, &mut pass, &mut codes);
    // Defaults of the vehicle type for the elements still empty (after the codes, as vPIC inserts them).
    defaults::apply(data, &mut pass.items, LATER + (1 << 20));
    codes::clean_and_model(&pass.items, &mut codes);
    pass.codes = codes.into_iter().collect();
    pass
}

/// The steps that need a known WMI: patterns, engine models, WMI facts, formulas, per-element ranking,
/// make, conversions, vehicle specs, and the position check (`spVinDecode_ErrorCode`).
fn decode_known_wmi<'a>(
    data: &'a Data,
    vin: &str,
    facts: &VinFacts<'a>,
    w: &Wmi<'a>,
    pass: &mut Pass<'a>,
    codes: &mut BTreeSet<u16>,
) {
    let year = pass.year;
    let matched = matching::match_patterns(data, w, year, facts);
    // The pass has no items yet: the matched rows become them (with room for the later steps).
    pass.items = matched.items;
    let items: &mut Vec<Item<'a>> = &mut pass.items;
    let mut later = LATER;
    let mut next = || {
        later += 1;
        later
    };
    if let Some(em) = &matched.engine {
        engine::apply(data, em, items, &mut next);
    }
    wmi::apply(data, w, &facts.wmi, year, items, &mut next);
    matching::formula_items(data, vin, &matched.formulas, items, &mut next);
    // One value per element (but the multi-valued notes), vPIC's ranking.
    ranking::dedupe(items);
    make::apply(data, w, &facts.wmi, items, &mut next);
    // Unit conversions fill the displacement the patterns did not give.
    conversion::convert(data, items, &mut next);
    // Vehicle specs of the make and model fill what the VIN did not give.
    if data.steps.complete {
        vehicle_spec::apply(data, w, year, items, &mut next);
    }
    if items.iter().all(|it| it.pattern_id.is_none()) {
        codes.insert(8);
    } else {
        let ec = error_check(data, vin, &facts.wmi, year, items, facts.cd_fails);
        codes.extend(ec.codes);
        pass.suggested_vin = ec.corrected;
        pass.possible_values = ec.error_bytes;
        pass.unused = ec.unused;
    }
}
