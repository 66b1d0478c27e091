//! Make: from the decoded Model (`Make_Model`, priority 1000), else the WMI's only make (priority -100).

use std::borrow::Cow;

use crate::elements::{MAKE, MODEL};
use crate::layout::{Data, Wmi};
use crate::model::Upper;
use crate::procedure::item::{Item, fact};
use crate::result::Source;

/// Adds the make items.
pub(crate) fn apply<'a>(
    data: &'a Data,
    w: &Wmi<'_>,
    wmi: &str,
    items: &mut Vec<Item<'a>>,
    next: &mut impl FnMut() -> u32,
) {
    let model = items.iter().find(|it| it.element == MODEL).cloned();
    match model {
        Some(m) => {
            if let Ok(model_id) = m.attribute.trim().parse::<u32>() {
                for &mk in data.model_makes(model_id) {
                    if let Some(name) = data.upper_name(Upper::Make, mk) {
                        items.push(Item {
                            element: MAKE,
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
                    MAKE,
                    makes[0].0.to_string(),
                    Cow::Borrowed(makes[0].1),
                    wmi,
                    -100,
                    next(),
                ));
            }
        }
    }
}
