//! Model-year passes (`spVinDecode`): the years position 10 allows, one pass of the core procedure for
//! each, and vPIC's ranking of the passes (error value, element weight, pattern count, year).

use crate::errors;
use crate::layout::Data;
use crate::procedure::core::core;
use crate::procedure::facts::{Clock, VinFacts, is_car_mpv_lt};
use crate::procedure::pass::Pass;
use crate::result::Source;
use crate::vin;

/// vPIC's `fVinModelYear2`: the year and whether it is conclusive.
pub(crate) fn model_year_from_vin(data: &Data, vin: &str, clock: Clock) -> Option<(u16, bool)> {
    let b = vin.as_bytes();
    if b.len() < 10 {
        return None;
    }
    let mut year = vin::year_code(b[9])?;
    let mut conclusive = false;
    let w = data.wmi(&vin::wmi_owned(vin));
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
    data.wmi(wmi)
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
        let ev = errors::error_value(data, &p.codes);
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
