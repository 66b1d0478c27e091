//! Pattern matching: the keys of the schemas linked to the WMI for the year, tested against the VIN's
//! positions 4-8 and 10-17. Per element only the best matching row is kept (vPIC ranks them and deletes the
//! rest), every row of the multi-valued notes; formula keys (`#`) give the VIN's own digits.

use std::borrow::Cow;

use crate::elements::{ENGINE_MODEL, NOT_FROM_PATTERNS, is_multi};
use crate::keys::KeyView;
use crate::layout::{Data, Key, Wmi};
use crate::model::PatternRec;
use crate::procedure::facts::VinFacts;
use crate::procedure::item::Item;
use crate::procedure::ranking::spec_len;
use crate::result::Source;

/// A matching pattern row before it becomes an item (cheap to copy and compare).
#[derive(Clone, Copy)]
struct Cand<'a> {
    priority: i32,
    pattern: &'a PatternRec,
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

/// Items the steps after matching may add to a pass (engine models, WMI facts, formulas, conversions,
/// vehicle specs, defaults): the capacity reserved beyond the matched rows.
pub(crate) const LATER_ITEMS: usize = 64;

/// A matching formula key: schema index, key record and view.
pub(crate) type FormulaKey<'a> = (u32, &'a Key, KeyView<'a>);

/// What the sweep over the linked schemas found.
pub(crate) struct Matched<'a> {
    /// The best row of each element and every row of the notes, in vPIC's table order (pattern id).
    pub items: Vec<Item<'a>>,
    /// The best Engine Model row (its name leads to the engine-model patterns).
    pub engine: Option<Item<'a>>,
    /// Matching formula keys, of every linked schema (as vPIC's formula step reads them), turned into
    /// items after the WMI facts.
    pub formulas: Vec<FormulaKey<'a>>,
}

/// Matches the VIN against the schemas linked to the WMI for the year (`None`: every linked schema).
pub(crate) fn match_patterns<'a>(
    data: &'a Data,
    w: &Wmi<'a>,
    year: Option<u16>,
    facts: &VinFacts<'a>,
) -> Matched<'a> {
    let (slots, key_len) = (facts.slots, facts.key_len);
    // Patterns of the schemas linked for the year: per element only the best (vPIC ranks them and
    // deletes the rest), every row of the multi-valued notes.
    // The best candidate of each element: `slot_of[element]` indexes `best` (0 = none yet).
    let mut slot_of = [0u8; 256];
    let mut best: Vec<Cand<'a>> = Vec::with_capacity(48);
    let mut multi: Vec<Cand<'a>> = Vec::new();
    let mut engine: Option<Cand<'a>> = None;
    // Matching formula keys, gathered in the same sweep (of every linked schema, as vPIC's
    // formula step reads them) and turned into items after the WMI facts.
    let mut formulas: Vec<FormulaKey<'a>> = Vec::new();
    for link in w.links.iter().filter(|l| l.covers(year)) {
        let Some(s) = data.schema(link.schema) else {
            continue;
        };
        if (s.tobe_qced() && !s.has_formula()) || !s.may_match(&slots) {
            continue;
        }
        for k in s.keys() {
            // Test the constraints before building the key's view: most keys do not match.
            if k.never() || k.len > key_len {
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
            if s.tobe_qced() {
                continue;
            }
            for p in s.patterns_of(k) {
                if !data.is_pattern_element(p.element) {
                    continue;
                }
                let cand = Cand {
                    priority: i32::from(link.year_from),
                    pattern: p,
                    key: kv,
                    schema: link.schema,
                };
                if p.element == ENGINE_MODEL
                    && engine.as_ref().is_none_or(|e| {
                        (cand.priority, p.changed, p.id)
                            > (e.priority, e.pattern.changed, e.pattern.id)
                    })
                {
                    engine = Some(cand);
                }
                if is_multi(p.element) {
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
    // Room for what the later steps add, so the pass's items never move while it grows.
    let mut items = Vec::with_capacity(best.len() + LATER_ITEMS);
    items.extend(best.iter().map(|c| c.item(data)));
    Matched {
        items,
        engine: engine.map(|c| c.item(data)),
        formulas,
    }
}

/// Items of the matching formula keys: the VIN's characters under the key's `#`s are the value.
pub(crate) fn formula_items<'a>(
    data: &'a Data,
    vin: &str,
    formulas: &[FormulaKey<'a>],
    items: &mut Vec<Item<'a>>,
    next: &mut impl FnMut() -> u32,
) {
    for &(schema, k, kv) in formulas {
        let Some(s) = data.schema(schema) else {
            continue;
        };
        let first = kv.text.find('#').unwrap_or(0);
        let last = kv.text.rfind('#').unwrap_or(0);
        let ks = key_string(vin.as_bytes());
        let value: Cow<'a, str> = Cow::Owned(
            ks.chars()
                .skip(first)
                .take(last + 1 - first)
                .collect::<String>(),
        );
        for p in s.patterns_of(k) {
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
