//! Lookup values NHTSA renamed after the vPIC lite snapshot was taken (2026-03): vPIC now writes
//! abbreviations in brackets and drops spaces around slashes in Body Class names, and hyphenates
//! "Off-Road". Applied when the data still has the old name, so decodes print what vPIC prints today;
//! a newer data file with the new names is left untouched.

/// (lookup table, old name, current vPIC name).
const RENAMES: &[(&str, &str, &str)] = &[
    (
        "BodyStyle",
        "Sport Utility Vehicle (SUV)/Multi-Purpose Vehicle (MPV)",
        "Sport Utility Vehicle [SUV]/Multipurpose Vehicle [MPV]",
    ),
    (
        "BodyStyle",
        "Crossover Utility Vehicle (CUV)",
        "Crossover Utility Vehicle [CUV]",
    ),
    (
        "BodyStyle",
        "Sport Utility Truck (SUT)",
        "Sport Utility Truck [SUT]",
    ),
    (
        "BodyStyle",
        "Low Speed Vehicle (LSV) / Neighborhood Electric Vehicle (NEV)",
        "Low Speed Vehicle [LSV]/Neighborhood Electric Vehicle [NEV]",
    ),
    (
        "BodyStyle",
        "Motorcycle - Dual Sport / Adventure / Supermoto / On/Off-road",
        "Motorcycle - Dual-Sport/Adventure/Supermoto/On-Off Road",
    ),
    (
        "BodyStyle",
        "Motorcycle - Small / Minibike",
        "Motorcycle - Small/Minibike",
    ),
    (
        "BodyStyle",
        "Motorcycle - Touring / Sport Touring",
        "Motorcycle - Touring/Sport Touring",
    ),
    (
        "BodyStyle",
        "Off-road Vehicle - All Terrain Vehicle (ATV) (Motorcycle-style)",
        "Off-Road Vehicle - All-Terrain Vehicle [ATV] (Motorcycle-Style)",
    ),
    (
        "BodyStyle",
        "Off-road Vehicle - Dirt Bike / Off-Road",
        "Off-Road Vehicle - Dirt Bike/Off-Road",
    ),
    (
        "BodyStyle",
        "Step Van / Walk-in Van",
        "Step Van/Walk-in Van",
    ),
    ("BodyStyle", "Streetcar / Trolley", "Streetcar/Trolley"),
    ("VehicleType", "Off Road Vehicle", "Off-Road Vehicle"),
];

/// Renames old names in the loaded lookup tables.
pub fn apply(
    lookups: &mut std::collections::HashMap<String, std::collections::HashMap<u32, String>>,
) {
    for (table, old, new) in RENAMES {
        if let Some(t) = lookups.get_mut(*table) {
            for name in t.values_mut() {
                if name.eq_ignore_ascii_case(old) {
                    *name = (*new).to_string();
                }
            }
        }
    }
}
