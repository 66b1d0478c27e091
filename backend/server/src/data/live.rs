//! The vPIC data a running server decodes with, switchable while it serves.
//!
//! [`LiveData`] holds the current [`Loaded`] data behind an [`ArcSwap`]: a request reads it once
//! ([`LiveData::current`]) and keeps that copy, so everything it answers comes from one data set, and a
//! reload ([`super::reload`]) replaces it for the requests that start afterwards. Requests in flight
//! finish on the data they started with.
//!
//! A data set is freed when nothing uses it any more: requests hold their copy (a [`Decoder`] handle
//! shares the index by reference count), so the data a reload replaced goes when the last request that
//! started on it has ended. A reload whose snapshot has the digest of the loaded data allocates nothing.

use std::{collections::HashMap, sync::Arc};

use arc_swap::ArcSwap;
use chrono::{DateTime, NaiveDate, Utc};
use vinbot_decoder::{DataIdentity, Decoder, ElementInfo};

/// One loaded data set: the decoder, its element lookups and when it was loaded. Cheap to clone: clones
/// share the data.
#[derive(Clone)]
pub struct Loaded {
    /// The decoder over this data.
    pub decoder: Decoder,
    /// Lookups over its elements.
    pub elements: Arc<ElementIndex>,
    /// When this process loaded it.
    pub loaded_at: DateTime<Utc>,
}

impl Loaded {
    /// Wraps a decoder (building its element lookups once per data set).
    pub fn new(decoder: Decoder) -> Self {
        Self {
            elements: Arc::new(ElementIndex::new(decoder.elements())),
            decoder,
            loaded_at: Utc::now(),
        }
    }

    /// The data identity.
    pub fn identity(&self) -> &DataIdentity {
        self.decoder.identity()
    }

    /// The month of the data, `YYYY-MM` (the month of its data date).
    pub fn month(&self) -> String {
        data_month(self.identity())
    }

    /// Whole days from the data date to `now` (`None` when the data date is not a date).
    pub fn age_days(&self, now: DateTime<Utc>) -> Option<i64> {
        data_age_days(self.identity(), now)
    }
}

/// The month of a data identity, `YYYY-MM` (the first seven characters of its data date).
pub fn data_month(id: &DataIdentity) -> String {
    id.data_date.get(..7).unwrap_or(&id.data_date).to_owned()
}

/// Whole days from a data identity's date (`YYYY-MM-DD`) to `now`.
pub fn data_age_days(id: &DataIdentity, now: DateTime<Utc>) -> Option<i64> {
    let date = NaiveDate::parse_from_str(id.data_date.get(..10)?, "%Y-%m-%d").ok()?;
    Some((now.date_naive() - date).num_days())
}

/// The data of a running server (cheap to clone; clones share it).
#[derive(Clone)]
pub struct LiveData {
    inner: Arc<Inner>,
}

struct Inner {
    current: ArcSwap<Loaded>,
    /// One reload at a time: a second one waits, then finds the data it would load already loaded.
    reloading: tokio::sync::Mutex<()>,
}

impl LiveData {
    /// Live data starting with `decoder`'s.
    pub fn new(decoder: Decoder) -> Self {
        let live = Self {
            inner: Arc::new(Inner {
                current: ArcSwap::from_pointee(Loaded::new(decoder)),
                reloading: tokio::sync::Mutex::new(()),
            }),
        };
        live.publish_age();
        live
    }

    /// The data now current. Read it once per request and keep the copy.
    pub fn current(&self) -> Loaded {
        Loaded::clone(&self.inner.current.load())
    }

    /// The decoder now current.
    pub fn decoder(&self) -> Decoder {
        self.current().decoder
    }

    /// Makes `loaded` current for the requests that start from now on.
    pub(super) fn switch(&self, loaded: Loaded) {
        self.inner.current.store(Arc::new(loaded));
        self.publish_age();
    }

    /// Waits for any other reload to finish; reloads hold this while they run.
    pub(super) async fn reload_lock(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.inner.reloading.lock().await
    }

    /// Sets the `vinbot_data_age_days` gauge from the current data and the clock.
    pub fn publish_age(&self) {
        if let Some(days) = self.current().age_days(Utc::now()) {
            crate::observability::metrics::set_data_age_days(days);
        }
    }
}

impl From<Decoder> for LiveData {
    fn from(decoder: Decoder) -> Self {
        Self::new(decoder)
    }
}

/// Lookups over a decoder's element list.
pub struct ElementIndex {
    by_code: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
    by_id: HashMap<u16, usize>,
    elements: Vec<ElementInfo>,
}

impl ElementIndex {
    fn new(elements: &[ElementInfo]) -> Self {
        let mut index = Self {
            by_code: HashMap::new(),
            by_name: HashMap::new(),
            by_id: HashMap::new(),
            elements: elements.to_vec(),
        };
        for (i, e) in elements.iter().enumerate() {
            index.by_code.insert(e.code.clone(), i);
            index.by_name.insert(e.name.to_lowercase(), i);
            index.by_id.insert(e.id, i);
        }
        index
    }

    /// The element with this vPIC code (`BodyClass`).
    pub fn by_code(&self, code: &str) -> Option<&ElementInfo> {
        self.by_code.get(code).map(|&i| &self.elements[i])
    }

    /// The element by id, code or (case-insensitive) name, as vPIC's variable routes accept.
    pub fn find(&self, key: &str) -> Option<&ElementInfo> {
        let key = key.trim();
        if let Ok(id) = key.parse::<u16>() {
            return self.by_id.get(&id).map(|&i| &self.elements[i]);
        }
        self.by_code(key).or_else(|| {
            self.by_name
                .get(&key.to_lowercase())
                .map(|&i| &self.elements[i])
        })
    }

    /// All elements in the decoder's order.
    pub fn all(&self) -> &[ElementInfo] {
        &self.elements
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(date: &str) -> DataIdentity {
        DataIdentity {
            source: "s".into(),
            data_date: date.into(),
            digest: "sha256:x".into(),
        }
    }

    #[test]
    fn month_and_age_come_from_the_data_date() {
        let now = DateTime::parse_from_rfc3339("2026-04-01T23:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(data_month(&id("2026-03-12")), "2026-03");
        assert_eq!(data_age_days(&id("2026-03-12"), now), Some(20));
        assert_eq!(data_age_days(&id("unknown"), now), None);
        assert_eq!(data_month(&id("")), "");
    }
}
