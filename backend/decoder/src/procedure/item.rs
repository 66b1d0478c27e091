//! One decoding item of a pass (vPIC's `tblDecodingItem`) and the items the procedure builds itself.

use std::borrow::Cow;

use crate::elements::MODEL_YEAR;
use crate::keys::KeyView;
use crate::result::Source;

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

/// `seq` of items added after the pattern rows.
pub(crate) const LATER: u32 = 1 << 31;

/// The model-year value of a pass (vPIC's `***X*|Y` row).
pub(crate) fn model_year_item<'a>(y: u16, seq: u32) -> Item<'a> {
    let text = y.to_string();
    Item {
        element: MODEL_YEAR,
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

/// An item of a WMI fact.
pub(crate) fn fact<'a>(
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

/// An item a later step fills in by element, without a key or pattern (a default, a vehicle spec).
pub(crate) fn filled<'a>(
    element: u16,
    attribute: Cow<'a, str>,
    value: Option<Cow<'a, str>>,
    source: Source,
    priority: i32,
    seq: u32,
) -> Item<'a> {
    Item {
        element,
        attribute,
        value,
        source,
        priority,
        changed: None,
        pattern_id: None,
        schema: None,
        keys: None,
        key: None,
        seq,
    }
}

/// Where the items of each element are, built once for a step that looks many elements up: the first
/// item of each element id below 256 (all of vPIC's) and whether there are more; other ids are scanned.
pub(crate) struct ElementIndex {
    first: [u16; 256],
    /// 0, 1, or 2 for "more than one".
    count: [u8; 256],
    len: usize,
}

impl ElementIndex {
    pub(crate) fn of(items: &[Item<'_>]) -> Self {
        let mut index = ElementIndex {
            first: [0; 256],
            count: [0; 256],
            len: items.len(),
        };
        for (i, it) in items.iter().enumerate() {
            let e = it.element as usize;
            if let Some(c) = index.count.get_mut(e) {
                if *c == 0 {
                    index.first[e] = u16::try_from(i).unwrap_or(u16::MAX);
                }
                *c = c.saturating_add(1).min(2);
            }
        }
        index
    }

    /// The range of item positions that holds every item of an element (to filter by element).
    fn span(&self, element: u16) -> std::ops::Range<usize> {
        let e = element as usize;
        match self.count.get(e) {
            None => 0..self.len,
            Some(0) => 0..0,
            Some(1) if self.first[e] != u16::MAX => {
                self.first[e] as usize..self.first[e] as usize + 1
            }
            Some(_) if self.first[e] != u16::MAX => self.first[e] as usize..self.len,
            Some(_) => 0..self.len,
        }
    }

    /// Positions of the items of an element, in item order.
    pub(crate) fn positions<'s>(
        &self,
        items: &'s [Item<'_>],
        element: u16,
    ) -> impl Iterator<Item = usize> + 's {
        self.span(element)
            .filter(move |&i| items.get(i).is_some_and(|it| it.element == element))
    }

    /// Whether some item gives the element.
    pub(crate) fn contains(&self, items: &[Item<'_>], element: u16) -> bool {
        self.positions(items, element).next().is_some()
    }
}
