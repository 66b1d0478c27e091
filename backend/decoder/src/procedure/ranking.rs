//! Per-element ranking: of the items of one element, vPIC keeps the best by priority, newest change (NULL
//! first), least specific key, key text without brackets and insertion order, and deletes the rest (but the
//! multi-valued notes).

use std::borrow::Cow;

use crate::elements::is_multi;
use crate::procedure::item::Item;

/// Number of specific (non-`*`) characters of a key.
pub(crate) fn spec_len(keys: Option<&str>) -> usize {
    keys.map_or(0, |k| k.bytes().filter(|&c| c != b'*').count())
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

pub(crate) fn dedupe(items: &mut Vec<Item<'_>>) {
    use std::cmp::Ordering;
    // The best item so far of each element (vPIC's ranking is a total order: the winner is its minimum).
    let mut winner = [u32::MAX; 256];
    let mut keep = vec![true; items.len()];
    for j in 0..items.len() {
        let e = items[j].element;
        if is_multi(e) {
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
