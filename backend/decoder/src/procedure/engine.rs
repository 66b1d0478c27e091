//! Engine models: the decoded Engine Model's name leads to its engine-model patterns (priority 50).

use std::borrow::Cow;

use crate::layout::Data;
use crate::procedure::item::Item;
use crate::result::Source;

/// Adds the engine-model patterns of the best Engine Model row.
pub(crate) fn apply<'a>(
    data: &'a Data,
    em: &Item<'a>,
    items: &mut Vec<Item<'a>>,
    next: &mut impl FnMut() -> u32,
) {
    let Some(rows) = data.engine_models.get(&em.attribute.trim().to_lowercase()) else {
        return;
    };
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
