//! NHTSA's decoding procedure (spVinDecode) over the in-memory index: model-year passes, pattern
//! matching, per-element resolution, make from model, engine models, conversions, error codes.

use std::borrow::Cow;
use std::collections::BTreeSet;

use crate::errors::{
    self, ADDITIONAL_4, ADDITIONAL_5, INCOMPLETE_NOTE, MODEL_YEAR_NOTE, OFF_ROAD_NOTE,
};
use crate::keys::{KeyView, key_slots, slot};
use crate::model::{Data, Upper, WmiRec};
use crate::result::Source;
use crate::vin::{self, CheckDigitRule};

/// Elements whose every matching pattern is kept (multi-valued notes).
const MULTI: [u16; 8] = [121, 129, 150, 154, 155, 114, 169, 186];
/// Elements never taken from VIN patterns.
const NOT_FROM_PATTERNS: [u16; 4] = [26, 27, 29, 39];
/// Body classes of off-road vehicles (error 10).
const OFF_ROAD_BODIES: [&str; 10] = [
    "69", "84", "86", "88", "97", "105", "113", "124", "126", "127",
];
/// Body classes of incomplete vehicles.
const INCOMPLETE_BODIES: [&str; 16] = [
    "65", "107", "70", "74", "63", "72", "112", "62", "64", "76", "78", "71", "77", "67", "116",
    "75",
];

/// One decoding item of a pass (vPIC's `tblDecodingItem`).
#[derive(Debug, Clone)]
pub(crate) struct Item<'a> {
    pub element: u16,
    pub attribute: Cow<'a, str>,
    /// `None` = to be looked up from the attribute at the end (vPIC's `XXX`).
    pub value: Option<Cow<'a, str>>,
    pub source: Source,
    pub priority: i32,
    /// Rank of the row's change time (only its order matters).
    pub changed: Option<u32>,
    pub pattern_id: Option<u32>,
    pub schema: Option<u32>,
    pub keys: Option<Cow<'a, str>>,
    /// The compiled key of pattern-like items (for unused positions).
    pub key: Option<KeyView<'a>>,
    /// Insertion order of vPIC's temporary table: pattern rows by pattern id, then the rest.
    pub seq: u32,
}

/// A matching pattern row before it becomes an item (cheap to copy and compare).
#[derive(Clone, Copy)]
struct Cand<'a> {
    priority: i32,
    pattern: &'a crate::model::PatternRec,
    key: KeyView<'a>,
    schema: u32,
}

impl<'a> Cand<'a> {
    /// vPIC's ranking (see [`rank`]) for two pattern rows.
    fn rank(&self, o: &Cand<'_>) -> std::cmp::Ordering {
        fn unbracketed(k: &str) -> impl Iterator<Item = u8> + '_ {
            k.bytes().filter(|&c| c != b'[' && c != b']')
        }
        o.priority
            .cmp(&self.priority)
            .then_with(|| o.pattern.changed.cmp(&self.pattern.changed))
            .then_with(|| spec_len(Some(self.key.text)).cmp(&spec_len(Some(o.key.text))))
            .then_with(|| unbracketed(self.key.text).cmp(unbracketed(o.key.text)))
            .then_with(|| self.pattern.id.cmp(&o.pattern.id))
    }

    fn item(&self, data: &'a Data) -> Item<'a> {
        Item {
            element: self.pattern.element,
            attribute: Cow::Borrowed(data.string(self.pattern.attribute)),
            value: None,
            source: Source::Pattern,
            priority: self.priority,
            changed: Some(self.pattern.changed),
            pattern_id: Some(self.pattern.id),
            schema: Some(self.schema),
            keys: Some(Cow::Borrowed(self.key.text)),
            key: Some(self.key),
            seq: self.pattern.id,
        }
    }
}

/// `seq` of items added after the pattern rows.
const LATER: u32 = 1 << 31;

/// The result of one pass.
#[derive(Debug, Clone)]
pub(crate) struct Pass<'a> {
    pub year: Option<u16>,
    pub items: Vec<Item<'a>>,
    pub codes: Vec<u16>,
    /// Positions no matched key names (error 14), e.g. `5,6`.
    pub unused: Option<String>,
    /// Invalid characters (error 400), `, pos:char` each.
    pub invalid: String,
    /// The vehicle is incomplete (note in `AdditionalErrorText`).
    pub incomplete: bool,
    /// Off-road body class (note in `ErrorText` of error 1).
    pub off_road: bool,
    pub suggested_vin: String,
    pub possible_values: String,
    pub conclusive: bool,
}

/// Options of the procedure that vPIC takes from the clock.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    /// Current calendar year (model years up to this + 2 are accepted).
    pub year: u16,
    /// Today as days since 1970 (WMIs public from a later date are unknown).
    pub day: i32,
}

fn wmi_rec<'a>(data: &'a Data, wmi: &str, clock: Clock) -> Option<&'a WmiRec> {
    data.wmis
        .get(wmi)
        .filter(|w| w.public_day.is_some_and(|d| d <= clock.day))
}

fn is_car_mpv_lt(w: Option<&WmiRec>) -> bool {
    w.is_some_and(|w| {
        matches!(w.vehicle_type_id, Some(2) | Some(7))
            || (w.vehicle_type_id == Some(3) && w.truck_type_id == Some(1))
    })
}

/// vPIC's `fVinModelYear2`: the year and whether it is conclusive.
pub(crate) fn model_year_from_vin(data: &Data, vin: &str, clock: Clock) -> Option<(u16, bool)> {
    let b = vin.as_bytes();
    if b.len() < 10 {
        return None;
    }
    let mut year = vin::year_code(b[9])?;
    let mut conclusive = false;
    let w = data.wmis.get(&vin::wmi_owned(vin));
    if is_car_mpv_lt(w) {
        if b[6].is_ascii_digit() {
            year -= 30;
            conclusive = true;
        } else if b[6].is_ascii_uppercase() {
            conclusive = true;
        }
    }
    if year > clock.year + 2 {
        year -= 30;
        conclusive = true;
    }
    Some((year, conclusive))
}

fn schema_count(data: &Data, wmi: &str, year: u16) -> usize {
    data.wmis
        .get(wmi)
        .map(|w| w.links.iter().filter(|l| l.covers(Some(year))).count())
        .unwrap_or(0)
}

/// The years of a VIN as vPIC's `spVinDecode` resolves them: (year, other-cycle year, conclusive).
pub(crate) fn vin_years(data: &Data, vin: &str, clock: Clock) -> (Option<u16>, Option<u16>, bool) {
    let limit = clock.year + 2;
    let Some((y, c)) = model_year_from_vin(data, vin, clock) else {
        return (None, None, true);
    };
    if !c {
        return (Some(y), y.checked_sub(30), false);
    }
    let alt = if (1980..=limit.saturating_sub(30)).contains(&y) {
        Some(y + 30)
    } else if (2010..=limit).contains(&y) {
        Some(y - 30)
    } else {
        None
    };
    if let Some(a) = alt {
        let w = vin::wmi_owned(vin);
        if schema_count(data, &w, y) == 0 && schema_count(data, &w, a) > 0 {
            return (Some(a), None, true);
        }
    }
    (Some(y), None, true)
}

/// Runs vPIC's procedure: the passes it runs, and the index of the best one.
pub(crate) fn decode_passes<'a>(
    data: &'a Data,
    vin: &str,
    hint: Option<u16>,
    clock: Clock,
) -> (usize, Vec<Pass<'a>>) {
    let (rmy, omy, conclusive) = vin_years(data, vin, clock);
    let facts = VinFacts::new(data, vin, clock);
    let mut passes = Vec::with_capacity(2);
    let mut do34 = true;
    if let Some(y) = hint.filter(|y| (1980..=clock.year + 2).contains(y))
        && Some(y) != rmy
        && Some(y) != omy
    {
        let p = core(data, vin, &facts, Some(y), true, true);
        do34 = p.codes.contains(&8) && rmy.is_some();
        passes.push(p);
    }
    if do34 {
        let e12 = |y: Option<u16>| hint.is_some() && y.is_some() && hint != y;
        passes.push(core(data, vin, &facts, rmy, conclusive, e12(rmy)));
        if omy.is_some() {
            passes.push(core(data, vin, &facts, omy, conclusive, e12(omy)));
        }
    }
    let best = best_pass(data, &passes, hint);
    (best, passes)
}

pub(crate) fn pass_score(data: &Data, p: &Pass<'_>, hint: Option<u16>) -> (i32, i64, i64, i64) {
    {
        let ev = errors::error_value(&p.codes);
        // Elements counted once: a bitset for vPIC's ids (all below 256), a list beyond.
        let mut seen = [0u64; 4];
        let mut seen_big: Vec<u16> = Vec::new();
        let mut first_time = |e: u16| {
            if let Some(word) = seen.get_mut(e as usize / 64) {
                let fresh = *word >> (e % 64) & 1 == 0;
                *word |= 1 << (e % 64);
                fresh
            } else if seen_big.contains(&e) {
                false
            } else {
                seen_big.push(e);
                true
            }
        };
        let mut weight = 0i64;
        for it in &p.items {
            let non_empty = it.value.as_deref().is_none_or(|v| !v.is_empty());
            if non_empty
                && first_time(it.element)
                && let Some(w) = element_weight(data, it.element)
            {
                weight += i64::from(w);
            }
        }
        let patterns = p
            .items
            .iter()
            .filter(|it| {
                matches!(
                    it.source,
                    Source::Pattern | Source::EngineModel | Source::Formula
                ) && it
                    .value
                    .as_deref()
                    .is_none_or(|v| !v.is_empty() && v != "Not Applicable")
            })
            .count() as i64;
        let my = p.year.map_or(-1, |y| {
            i64::from(y) + if hint == Some(y) { 10_000 } else { 0 }
        });
        (ev, weight, patterns, my)
    }
}

fn best_pass(data: &Data, passes: &[Pass<'_>], hint: Option<u16>) -> usize {
    if passes.len() < 2 {
        return 0;
    }
    let score = |p: &Pass<'_>| pass_score(data, p, hint);
    let mut best = 0;
    let mut best_score = score(&passes[0]);
    for (i, p) in passes.iter().enumerate().skip(1) {
        let s = score(p);
        if s > best_score {
            best = i;
            best_score = s;
        }
    }
    best
}

fn element_weight(data: &Data, id: u16) -> Option<i32> {
    data.element(id).and_then(|e| e.weight)
}

fn spec_len(keys: Option<&str>) -> usize {
    keys.map_or(0, |k| k.bytes().filter(|&c| c != b'*').count())
}

/// One pass of `spVinDecode_Core` for a model year (`None` = every linked schema).
/// The model-year value of a pass (vPIC's `***X*|Y` row).
fn model_year_item<'a>(y: u16, seq: u32) -> Item<'a> {
    let text = y.to_string();
    Item {
        element: 29,
        attribute: Cow::Owned(text.clone()),
        value: Some(Cow::Owned(text)),
        source: Source::Input,
        priority: 100,
        changed: None,
        pattern_id: None,
        schema: None,
        keys: Some(Cow::Borrowed("***X*|Y")),
        key: None,
        seq,
    }
}

/// What every pass of one VIN shares: computed once per decode.
pub(crate) struct VinFacts<'a> {
    wmi: String,
    slots: [u8; 16],
    key_len: u8,
    /// The public WMI record (`None` = unknown WMI, error 7).
    wrec: Option<&'a WmiRec>,
    /// Check-digit rule of cars, MPVs and light trucks (from the WMI's vehicle type, public or not, as
    /// vPIC reads it).
    car_lt: bool,
    cd_fails: bool,
}

impl<'a> VinFacts<'a> {
    pub(crate) fn new(data: &'a Data, vin: &str, clock: Clock) -> Self {
        let wmi = vin::wmi_owned(vin);
        let vb = vin.as_bytes();
        let (slots, key_len) = key_slots(vb);
        let wrec = wmi_rec(data, &wmi, clock);
        let car_lt = vb.len() > 2 && vb[2] != b'9' && is_car_mpv_lt(data.wmis.get(&wmi));
        let cd_fails = check_digit_fails(vin, car_lt);
        VinFacts {
            wmi,
            slots,
            key_len,
            wrec,
            car_lt,
            cd_fails,
        }
    }
}

pub(crate) fn core<'a>(
    data: &'a Data,
    vin: &str,
    facts: &VinFacts<'a>,
    year: Option<u16>,
    conclusive: bool,
    error12: bool,
) -> Pass<'a> {
    let wmi = &facts.wmi;
    let vb = vin.as_bytes();
    let (slots, key_len) = (facts.slots, facts.key_len);
    let mut codes: BTreeSet<u16> = BTreeSet::new();
    let mut items: Vec<Item<'a>> = Vec::with_capacity(64);
    let mut corrected = String::new();
    let mut error_bytes = String::new();
    let mut unused: Option<String> = None;
    let wrec = facts.wrec;
    let (car_lt, cd_fails) = (facts.car_lt, facts.cd_fails);

    match wrec {
        None => {
            codes.insert(7);
            // The year still reads from position 10 (the newest year of its cycle not beyond next year
            // plus one, as vPIC resolves it without a vehicle type): a WMI missing from older data is
            // often only newer than the data, and the year is what users ask first.
            if let Some(y) = year {
                items.push(model_year_item(y, LATER + 1));
            }
        }
        Some(w) => {
            // Patterns of the schemas linked for the year: per element only the best (vPIC ranks them and
            // deletes the rest), every row of the multi-valued notes.
            // The best candidate of each element: `slot_of[element]` indexes `best` (0 = none yet).
            let mut slot_of = [0u8; 256];
            let mut best: Vec<Cand<'a>> = Vec::with_capacity(48);
            let mut multi: Vec<Cand<'a>> = Vec::new();
            let mut engine: Option<Cand<'a>> = None;
            // Matching formula keys, gathered in the same sweep (of every linked schema, as vPIC's
            // formula step reads them) and turned into items after the WMI facts.
            let mut formulas: Vec<(u32, &'a crate::model::KeyRec, KeyView<'a>)> = Vec::new();
            for link in w.links.iter().filter(|l| l.covers(year)) {
                let s = &data.schemas[link.schema as usize];
                if (s.to_be_qced && !s.has_formula) || !s.may_match(&slots) {
                    continue;
                }
                for k in &s.keys {
                    // Test the constraints before building the key's view: most keys do not match.
                    if k.never || k.len > key_len {
                        continue;
                    }
                    if !s.constraints_of(k).iter().all(|c| c.allows(&slots)) {
                        continue;
                    }
                    let kv = s.key(k);
                    if kv.formula {
                        formulas.push((link.schema, k, kv));
                        continue;
                    }
                    if s.to_be_qced {
                        continue;
                    }
                    for p in &s.patterns[k.start as usize..k.end as usize] {
                        if !data.is_pattern_element(p.element) {
                            continue;
                        }
                        let cand = Cand {
                            priority: i32::from(link.year_from),
                            pattern: p,
                            key: kv,
                            schema: link.schema,
                        };
                        if p.element == 18
                            && engine.as_ref().is_none_or(|e| {
                                (cand.priority, p.changed, p.id)
                                    > (e.priority, e.pattern.changed, e.pattern.id)
                            })
                        {
                            engine = Some(cand);
                        }
                        if MULTI.contains(&p.element) {
                            multi.push(cand);
                            continue;
                        }
                        let e = (p.element as usize).min(255);
                        match slot_of[e] {
                            0 if best.len() < 255 => {
                                best.push(cand);
                                slot_of[e] = best.len() as u8;
                            }
                            0 => {}
                            i => {
                                let b = &mut best[i as usize - 1];
                                if cand.rank(b) == std::cmp::Ordering::Less {
                                    *b = cand;
                                }
                            }
                        }
                    }
                }
            }
            // vPIC's table order (pattern id); sorted as small candidates, not as items.
            best.append(&mut multi);
            best.sort_unstable_by_key(|c| c.pattern.id);
            items.extend(best.iter().map(|c| c.item(data)));
            let engine = engine.map(|c| c.item(data));
            let mut later = LATER;
            let mut next = || {
                later += 1;
                later
            };

            // Engine model → engine-model patterns.
            if let Some(em) = engine
                && let Some(rows) = data.engine_models.get(&em.attribute.trim().to_lowercase())
            {
                {
                    for r in rows {
                        items.push(Item {
                            element: r.element,
                            attribute: Cow::Borrowed(data.string(r.attribute)),
                            value: None,
                            source: Source::EngineModel,
                            priority: 50,
                            changed: Some(r.changed),
                            pattern_id: em.pattern_id,
                            schema: em.schema,
                            keys: em.keys.clone(),
                            key: em.key,
                            seq: next(),
                        });
                    }
                }
            }

            // WMI facts.
            if let Some(vt) = w.vehicle_type_id
                && let Some(name) = data.upper_name(Upper::VehicleType, vt)
            {
                items.push(fact(
                    39,
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
                element: 27,
                attribute: Cow::Owned(mfr.map(|m| m.to_string()).unwrap_or_default()),
                value: Some(Cow::Borrowed(mfr_name.unwrap_or_default())),
                source: Source::Wmi,
                priority: 100,
                changed: None,
                pattern_id: None,
                schema: None,
                keys: Some(Cow::Owned(wmi.clone())),
                key: None,
                seq: next(),
            });
            if let Some(y) = year {
                items.push(model_year_item(y, next()));
            }

            // Formula patterns: digits of the VIN are the value.
            for (schema, k, kv) in formulas {
                let s = &data.schemas[schema as usize];
                let first = kv.text.find('#').unwrap_or(0);
                let last = kv.text.rfind('#').unwrap_or(0);
                let ks = key_string(vb);
                let value: Cow<'a, str> = Cow::Owned(
                    ks.chars()
                        .skip(first)
                        .take(last + 1 - first)
                        .collect::<String>(),
                );
                for p in &s.patterns[k.start as usize..k.end as usize] {
                    if NOT_FROM_PATTERNS.contains(&p.element) {
                        continue;
                    }
                    items.push(Item {
                        element: p.element,
                        attribute: Cow::Borrowed(data.string(p.attribute)),
                        value: Some(value.clone()),
                        source: Source::Formula,
                        priority: 100,
                        changed: Some(p.changed),
                        pattern_id: Some(p.id),
                        schema: Some(schema),
                        keys: Some(Cow::Borrowed(kv.text)),
                        key: Some(kv),
                        seq: next(),
                    });
                }
            }

            // One value per element (but the multi-valued notes), vPIC's ranking.
            dedupe(&mut items);

            // Make: from the model, else the WMI's only make.
            let model = items.iter().find(|it| it.element == 28).cloned();
            match model {
                Some(m) => {
                    if let Ok(model_id) = m.attribute.trim().parse::<u32>() {
                        for &mk in data
                            .model_makes
                            .get(&model_id)
                            .map(Vec::as_slice)
                            .unwrap_or(&[])
                        {
                            if let Some(name) = data.upper_name(Upper::Make, mk) {
                                items.push(Item {
                                    element: 26,
                                    attribute: Cow::Owned(mk.to_string()),
                                    value: Some(Cow::Borrowed(name)),
                                    source: Source::Model,
                                    priority: 1000,
                                    changed: None,
                                    pattern_id: m.pattern_id,
                                    schema: m.schema,
                                    keys: m.keys.clone(),
                                    key: m.key,
                                    seq: next(),
                                });
                            }
                        }
                    }
                }
                None => {
                    let makes: Vec<(u32, &str)> = w
                        .makes
                        .iter()
                        .filter_map(|&mk| data.upper_name(Upper::Make, mk).map(|n| (mk, n)))
                        .collect();
                    if makes.len() == 1 {
                        items.push(fact(
                            26,
                            makes[0].0.to_string(),
                            Cow::Borrowed(makes[0].1),
                            wmi,
                            -100,
                            next(),
                        ));
                    }
                }
            }

            // Unit conversions fill the displacement the patterns did not give.
            convert(data, &mut items, &mut next);

            if items.iter().all(|it| it.pattern_id.is_none()) {
                codes.insert(8);
            } else {
                let ec = error_check(data, vin, wmi, year, &items, cd_fails);
                codes.extend(ec.codes);
                corrected = ec.corrected;
                error_bytes = ec.error_bytes;
                unused = ec.unused;
            }
        }
    }

    let body = items
        .iter()
        .find(|it| it.element == 5)
        .map(|it| it.attribute.as_ref());
    if body == Some("64") {
        codes.insert(9);
    }
    let off_road = body.is_some_and(|b| OFF_ROAD_BODIES.contains(&b));
    if off_road {
        codes.insert(10);
    }
    if year.is_none() {
        codes.insert(11);
    }
    let vehicle_type = items
        .iter()
        .find(|it| it.element == 39)
        .map(|it| it.attribute.as_ref());

    // Characters not allowed at their position (error 400).
    let start_pos = if vb.len() > 2 && vb[2] == b'9' {
        15
    } else if car_lt {
        13
    } else {
        14
    };
    let mut bad_at: Vec<(usize, u8)> = Vec::new();
    for (i, &c) in vb.iter().enumerate() {
        let j = i + 1;
        if j == 9 && off_road {
            continue;
        }
        let ok_general = vin::is_vin_char(c) || c == b'*';
        let bad = (j != 9 && j < start_pos && !ok_general)
            || (j != 9 && j >= start_pos && !(c.is_ascii_digit() || c == b'*'))
            || (j == 9 && !(c.is_ascii_digit() || c == b'X' || c == b'*'))
            || (j == 10
                && !(matches!(c, b'1'..=b'9')
                    || (vin::is_vin_char(c) && !matches!(c, b'U' | b'Z' | b'0'))));
        if bad {
            bad_at.push((j, c));
        }
    }
    let mut invalid = String::new();
    if !bad_at.is_empty() {
        // Invalid characters (400) replace the position check: vPIC then reports neither errors 2-5 and
        // 14 nor their suggestion, only the characters marked `!` (both corpora agree, 77 of 77 VINs).
        codes.retain(|c| !matches!(c, 2..=5 | 14));
        error_bytes.clear();
        unused = None;
        let mut cv = vb.to_vec();
        for &(j, c) in &bad_at {
            invalid.push_str(&format!(", {j}:{}", char::from(c)));
            cv[j - 1] = b'!';
        }
        corrected = String::from_utf8_lossy(&cv).into_owned();
    }
    if !invalid.is_empty() {
        codes.insert(400);
    }
    if error12 {
        codes.insert(12);
    }
    if vb.len() < 17 {
        codes.insert(6);
    } else if cd_fails {
        codes.insert(1);
    }
    // Clean (0) when nothing but warnings (9, 10, 12) and unused positions (14) was found.
    let mut serious = codes.iter().filter(|c| !matches!(c, 9 | 10 | 12));
    let (first, second) = (serious.next(), serious.next());
    if first.is_none() || (first == Some(&14) && second.is_none()) {
        codes.insert(0);
    }
    // No model decoded from a VIN otherwise clean, or only mistyped in its check digit: vPIC adds 14.
    if codes.iter().all(|c| matches!(c, 0 | 1 | 9 | 10 | 12 | 14))
        && !items.iter().any(|it| it.element == 28)
    {
        codes.insert(14);
    }

    let incomplete =
        vehicle_type == Some("10") || body.is_some_and(|b| INCOMPLETE_BODIES.contains(&b));

    Pass {
        year,
        items,
        codes: codes.into_iter().collect(),
        unused,
        invalid,
        incomplete,
        off_road,
        suggested_vin: corrected,
        possible_values: error_bytes,
        conclusive,
    }
}

impl Pass<'_> {
    /// vPIC's `ErrorText` and `AdditionalErrorText` of the pass (built only for the pass shown).
    pub(crate) fn texts(&self) -> (String, String) {
        let has = |c: u16| self.codes.contains(&c);
        let mut info: Option<String> = Some(String::new());
        if has(4) {
            info = Some(ADDITIONAL_4.to_string());
        }
        if has(5) {
            info = Some(ADDITIONAL_5.to_string());
        }
        let append = |info: &mut Option<String>, text: Option<String>| {
            *info = text.map(|t| {
                let s = format!("{}{}", info.as_deref().unwrap_or(""), t);
                truncate(s.trim(), 500)
            });
        };
        if has(14) {
            let t = self
                .unused
                .as_ref()
                .map(|u| format!(" Unused position(s): {u}. "));
            append(&mut info, t);
        }
        if has(400) {
            append(
                &mut info,
                Some(format!(" Invalid character(s): {}. ", &self.invalid[2..])),
            );
        }
        if self.incomplete {
            append(&mut info, Some(format!(" {INCOMPLETE_NOTE} ")));
        }
        if !self.conclusive {
            append(&mut info, Some(format!(" {MODEL_YEAR_NOTE} ")));
        }

        let mut error_text = String::with_capacity(128);
        for &c in &self.codes {
            if let Some(e) = errors::info(c) {
                if !error_text.is_empty() {
                    error_text.push_str("; ");
                }
                error_text.push_str(e.text.trim());
                if self.off_road && c == 1 {
                    error_text.push_str(OFF_ROAD_NOTE.trim_end());
                }
            }
        }
        (truncate(&error_text, 500), info.unwrap_or_default())
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.len() <= n {
        s.to_string()
    } else {
        s.chars().take(n).collect()
    }
}

fn fact<'a>(
    element: u16,
    attribute: String,
    value: Cow<'a, str>,
    keys: &str,
    priority: i32,
    seq: u32,
) -> Item<'a> {
    Item {
        element,
        attribute: Cow::Owned(attribute),
        value: Some(value),
        source: Source::Wmi,
        priority,
        changed: None,
        pattern_id: None,
        schema: None,
        keys: Some(Cow::Owned(keys.to_string())),
        key: None,
        seq,
    }
}

/// The VIN's key string as text (positions 4-8, `|`, 10-17).
fn key_string(vin: &[u8]) -> String {
    let mut s = String::new();
    if vin.len() > 3 {
        s.extend(vin.iter().skip(3).take(5).map(|&c| char::from(c)));
        if vin.len() > 9 {
            s.push('|');
            s.extend(vin.iter().skip(9).take(8).map(|&c| char::from(c)));
        }
    }
    s
}

/// vPIC's ranking of the candidates for one element: priority, newest change (NULL first), least specific
/// key, key text without brackets, insertion order.
fn rank(a: &Item<'_>, b: &Item<'_>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    fn unbracketed<'k>(k: &'k Option<Cow<'_, str>>) -> impl Iterator<Item = u8> + 'k {
        k.as_deref()
            .unwrap_or("")
            .bytes()
            .filter(|&c| c != b'[' && c != b']')
    }
    b.priority
        .cmp(&a.priority)
        .then_with(|| match (a.changed, b.changed) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => y.cmp(&x),
        })
        .then_with(|| spec_len(a.keys.as_deref()).cmp(&spec_len(b.keys.as_deref())))
        .then_with(|| unbracketed(&a.keys).cmp(unbracketed(&b.keys)))
        .then_with(|| a.seq.cmp(&b.seq))
}

fn dedupe(items: &mut Vec<Item<'_>>) {
    use std::cmp::Ordering;
    // The best item so far of each element (vPIC's ranking is a total order: the winner is its minimum).
    let mut winner = [u32::MAX; 256];
    let mut keep = vec![true; items.len()];
    for j in 0..items.len() {
        let e = items[j].element;
        if MULTI.contains(&e) {
            continue;
        }
        let i = match winner.get(e as usize) {
            Some(&i) => i,
            // Element ids beyond the table (none in vPIC today): compare with every earlier item.
            None => (0..j)
                .rev()
                .find(|&i| keep[i] && items[i].element == e)
                .map_or(u32::MAX, |i| i as u32),
        };
        if i == u32::MAX {
            if let Some(w) = winner.get_mut(e as usize) {
                *w = j as u32;
            }
            continue;
        }
        let i = i as usize;
        if rank(&items[j], &items[i]) == Ordering::Less {
            keep[i] = false;
            if let Some(w) = winner.get_mut(e as usize) {
                *w = j as u32;
            }
        } else {
            keep[j] = false;
        }
    }
    let mut k = keep.into_iter();
    items.retain(|_| k.next().unwrap_or(false));
}

fn convert<'a>(data: &'a Data, items: &mut Vec<Item<'a>>, next: &mut impl FnMut() -> u32) {
    let mut candidates: Vec<(usize, &crate::model::Conversion)> = Vec::new();
    for (i, it) in items.iter().enumerate() {
        for c in data.conversions.iter().filter(|c| c.from == it.element) {
            candidates.push((i, c));
        }
    }
    if candidates.is_empty() {
        return;
    }
    candidates.sort_by(|&(a, ca), &(b, cb)| {
        let (a, b) = (&items[a], &items[b]);
        b.priority
            .cmp(&a.priority)
            .then_with(|| {
                b.changed
                    .unwrap_or(u32::MAX)
                    .cmp(&a.changed.unwrap_or(u32::MAX))
            })
            .then_with(|| ca.id.cmp(&cb.id))
    });
    for (src, c) in candidates {
        if items.iter().any(|it| it.element == c.to) {
            continue;
        }
        let src = &items[src];
        let result = src
            .attribute
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(|x| c.apply(x))
            .map(format_number)
            .unwrap_or_else(|| "0".to_string());
        let item = Item {
            element: c.to,
            attribute: Cow::Owned(result.clone()),
            value: Some(Cow::Owned(result)),
            source: Source::Conversion,
            priority: 100,
            changed: None,
            pattern_id: src.pattern_id,
            schema: src.schema,
            keys: src.keys.clone(),
            key: None,
            seq: next(),
        };
        items.push(item);
    }
}

/// A conversion's result as vPIC prints it: rounded to 10 decimals, trailing zeros dropped.
fn format_number(v: f64) -> String {
    format_fast(v).unwrap_or_else(|| format_exact(v))
}

/// The fast paths of [`format_number`]; `None` where only exact decimal expansion can tell.
fn format_fast(v: f64) -> Option<String> {
    if !v.is_finite() || v.abs() >= 1e5 {
        return None;
    }
    // Below 1e5 a float's ulp is under 1.5e-11: when its shortest round-trip form has at most 10
    // decimals, that form is exactly what rounding to 10 decimals prints.
    let mut buf = ryu::Buffer::new();
    let short = buf.format_finite(v);
    if !short.contains('e') && short.split_once('.').map_or(0, |(_, d)| d.len()) <= 10 {
        let t = short.strip_suffix(".0").unwrap_or(short);
        return Some(if t == "-0" {
            "0".to_string()
        } else {
            t.to_string()
        });
    }
    // Otherwise v * 1e10 (below 1e15, so within 0.0625 of the exact product) rounds to the same integer
    // as the exact value unless it lies near a half: away from halves, that integer is the answer.
    let scaled = v * 1e10;
    let frac = scaled - scaled.trunc();
    if (frac.abs() - 0.5).abs() < 0.1 {
        return None;
    }
    let k = scaled.round() as i64;
    if k == 0 {
        return Some("0".to_string());
    }
    let (int, dec) = (
        k.unsigned_abs() / 10_000_000_000,
        k.unsigned_abs() % 10_000_000_000,
    );
    let sign = if k < 0 { "-" } else { "" };
    let digits = format!("{dec:010}");
    let digits = digits.trim_end_matches('0');
    Some(if digits.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{digits}")
    })
}

/// Rounding to 10 decimals by the standard library's exact formatting.
fn format_exact(v: f64) -> String {
    let s = format!("{v:.10}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

struct ErrorCheck {
    codes: Vec<u16>,
    corrected: String,
    error_bytes: String,
    unused: Option<String>,
}

/// Whether a complete VIN's check digit is wrong, by the rule `spVinDecode_Core` applies.
fn check_digit_fails(vin: &str, car_lt: bool) -> bool {
    let vb = vin.as_bytes();
    if vb.len() != 17 {
        return false;
    }
    let rule = if car_lt {
        CheckDigitRule::CarMpvLightTruck
    } else {
        CheckDigitRule::Other
    };
    vin::check_digit(vin, rule) != Some(char::from(vb[8]))
}

/// `spVinDecode_ErrorCode`: characters no linked schema allows (2-5) and positions no matched pattern
/// used (14).
///
/// The lite vPIC data carries the patterns of ~27 elements only, so the characters its keys name are a
/// subset of what NHTSA's full data allows: a character the lite keys do not name is most often valid all
/// the same. Position errors are therefore reported only when the check digit fails too (a typo is then
/// likely), and an unused position only when its character is also one no key names.
fn error_check(
    data: &Data,
    vin: &str,
    wmi: &str,
    year: Option<u16>,
    items: &[Item<'_>],
    check_digit_fails: bool,
) -> ErrorCheck {
    let vb = vin.as_bytes();
    let mut codes = Vec::new();
    if wmi.len() < 3 {
        codes.push(6);
    }
    if !check_digit_fails && !data.full_patterns {
        return ErrorCheck {
            codes,
            corrected: String::new(),
            error_bytes: String::new(),
            unused: None,
        };
    }
    let mut invalid_positions: Vec<usize> = Vec::new();
    let mut valid = [0u64; 15];
    if let (Some(y), Some(w)) = (year, data.wmis.get(wmi)) {
        for l in w.links.iter().filter(|l| l.covers(Some(y))) {
            let s = &data.schemas[l.schema as usize];
            for (p, m) in valid.iter_mut().zip(s.valid_chars.iter()) {
                *p |= m & crate::keys::VALID_CHARS;
            }
        }
    }
    let n = if wmi.len() == 6 { 11 } else { 14 };
    let mut corrected: Vec<u8> = Vec::with_capacity(16);
    let mut replacements = String::new();
    let mut errors = 0;
    let mut last_pos = 0usize;
    let mut last_chars = String::new();
    let upto = n.min(vb.len());
    for i in 4..=upto {
        let c = vb[i - 1];
        if i == 9 || i == 10 {
            corrected.push(c);
            continue;
        }
        let mask = valid[i - 3];
        if mask == 0 || mask >> slot(c) & 1 == 1 {
            corrected.push(c);
        } else {
            corrected.push(b'!');
            let chars: String = (0..36u8)
                .filter(|s| mask >> s & 1 == 1)
                .map(crate::keys::slot_char)
                .collect();
            replacements.push_str(&format!("({i}:{chars})"));
            invalid_positions.push(i);
            errors += 1;
            last_pos = i;
            last_chars = chars;
        }
    }
    let mut full: Vec<u8> = Vec::new();
    if errors == 0 {
        // The common case: nothing to suggest (the corrected VIN is only shown with errors).
    } else if wmi.len() == 3 {
        full.extend_from_slice(wmi.as_bytes());
        full.extend_from_slice(&corrected);
    } else {
        full.extend_from_slice(&wmi.as_bytes()[..3.min(wmi.len())]);
        full.extend_from_slice(&corrected);
        full.extend_from_slice(&wmi.as_bytes()[3.min(wmi.len())..]);
    }
    if errors > 0 && vb.len() > full.len() {
        let from = full.len();
        full.extend_from_slice(&vb[from..(from + 3).min(vb.len())]);
    }
    let mut out_corrected = String::new();
    let mut out_bytes = String::new();
    if errors == 1 {
        let with = |c: u8| {
            let mut v = vb.to_vec();
            v[last_pos - 1] = c;
            v
        };
        if last_chars.len() == 1 {
            codes.push(2);
            out_corrected = String::from_utf8_lossy(&with(last_chars.as_bytes()[0])).into_owned();
            out_bytes = replacements.clone();
        } else {
            let mut good = String::new();
            let mut good_vin = Vec::new();
            for c in last_chars.bytes() {
                let t = with(c);
                let ts = String::from_utf8_lossy(&t).into_owned();
                if t.len() == 17
                    && vin::check_digit(&ts, CheckDigitRule::Classic) == Some(char::from(t[8]))
                {
                    good.push(char::from(c));
                    good_vin = t;
                }
            }
            if good.len() == 1 {
                codes.push(3);
                out_corrected = String::from_utf8_lossy(&good_vin).into_owned();
                out_bytes = format!("({last_pos}:{good})");
            } else {
                codes.push(4);
                out_corrected = String::from_utf8_lossy(&full).into_owned();
                out_bytes = format!("({last_pos}:{last_chars})");
            }
        }
    } else if errors > 1 {
        codes.push(5);
        out_corrected = String::from_utf8_lossy(&full).into_owned();
        out_bytes = replacements;
    }

    // Positions no matched pattern key names (reported for invalid positions only, unless the data
    // carries every element's patterns).
    let mut used = [0u64; 15];
    let report_unused = data.full_patterns || !invalid_positions.is_empty();
    for it in items.iter().filter(|_| report_unused) {
        if matches!(
            it.source,
            Source::Pattern | Source::EngineModel | Source::Formula | Source::Model
        ) && let Some(k) = it.key
        {
            for (p, m) in k.valid_chars() {
                used[p as usize] |= m;
            }
        }
    }
    let ubound = 11.min(vb.len());
    let mut unused_pos: Vec<String> = Vec::new();
    for i in (4..=ubound).filter(|_| report_unused) {
        if !matches!(i, 4..=8 | 11) {
            continue;
        }
        let c = vb[i - 1];
        if used[i - 3] >> slot(c) & 1 == 0 && (data.full_patterns || invalid_positions.contains(&i))
        {
            unused_pos.push(i.to_string());
        }
    }
    let unused = if unused_pos.is_empty() {
        None
    } else {
        codes.push(14);
        Some(unused_pos.join(","))
    };
    ErrorCheck {
        codes,
        corrected: out_corrected,
        error_bytes: out_bytes,
        unused,
    }
}

#[cfg(test)]
mod format_tests {
    use super::format_number;
    use proptest::prelude::*;

    /// What `format_number` must print: the standard library's exact rounding to 10 decimals, trailing
    /// zeros dropped (the slow path the fast ones stand in for).
    fn reference(v: f64) -> String {
        super::format_exact(v)
    }

    #[test]
    fn both_fast_paths_are_taken() {
        assert!(super::format_fast(4.951).is_some());
        assert!(super::format_fast(350.0 * 0.016387064).is_some());
        assert!(super::format_fast(5.7 * 61.02374).is_some());
        assert!(super::format_fast(1e6).is_none());
    }

    #[test]
    fn displacement_conversions_print_as_vpic_does() {
        for v in [
            4951.0 / 1000.0,
            350.0 * 0.016387064,
            5.7 * 61.02374,
            0.0,
            -0.0,
            1e-7,
            99999.99999,
        ] {
            assert_eq!(format_number(v), reference(v), "{v}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        #[test]
        fn fast_path_equals_rounding_to_ten_decimals(v in -2e5f64..2e5, scale in 0u32..12) {
            // Values with few decimals (the conversions' usual results) and arbitrary ones.
            let rounded = (v * 10f64.powi(scale as i32)).round() / 10f64.powi(scale as i32);
            prop_assert_eq!(format_number(rounded), reference(rounded));
            prop_assert_eq!(format_number(v), reference(v));
        }
    }
}
