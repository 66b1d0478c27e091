//! Counting the VINs of a batch body without building it: the body cap refuses a batch with
//! too many entries before anything allocates per entry, and the rate limiter charges per VIN.
//! JSON strings are borrowed from the body where they need no unescaping, so counting a body
//! of a million tiny entries allocates nothing per entry.

use std::borrow::Cow;

use serde::de::{Deserializer, SeqAccess, Visitor};

use super::vin_input;

/// The two batch routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchRoute {
    /// `POST /api/v1/vins/batch`: JSON `{"vins": [...]}` or text lines.
    V1,
    /// `POST /api/vehicles/DecodeVinValuesBatch`: form `DATA=vin,year;vin`.
    Nhtsa,
}

/// Path of vPIC's batch route (canonical case: `NhtsaPathCase` runs first).
pub const NHTSA_BATCH_PATH: &str = "/api/vehicles/DecodeVinValuesBatch";

impl BatchRoute {
    /// The batch route of a request, if it is one.
    pub fn of(method: &poem::http::Method, path: &str) -> Option<Self> {
        if *method != poem::http::Method::POST {
            return None;
        }
        match path {
            super::limits::STREAM_BATCH_PATH => Some(Self::V1),
            NHTSA_BATCH_PATH => Some(Self::Nhtsa),
            _ => None,
        }
    }
}

/// Non-blank entries of a batch body. A body that does not parse counts 0 (the route answers
/// 400 for it).
pub fn count_vins(route: BatchRoute, content_type: &str, body: &[u8]) -> usize {
    match route {
        BatchRoute::V1 if content_type.to_ascii_lowercase().starts_with("text/plain") => {
            vin_input::lines(&String::from_utf8_lossy(body)).count()
        }
        BatchRoute::V1 => {
            let mut de = serde_json::Deserializer::from_slice(body);
            de.deserialize_map(VinsField).unwrap_or(0)
        }
        BatchRoute::Nhtsa => form_urlencoded::parse(body)
            .find(|(k, _)| k.eq_ignore_ascii_case("data"))
            .map(|(_, data)| data.split(';').filter(|e| !e.trim().is_empty()).count())
            .unwrap_or(0),
    }
}

/// Visits `{"vins": [...], ...}`, counting the non-blank strings of `vins`.
struct VinsField;

impl<'de> Visitor<'de> for VinsField {
    type Value = usize;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object with a `vins` array")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
        let mut n = 0;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == "vins" {
                n = map.next_value::<NonBlank>()?.0;
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(n)
    }
}

/// The count of non-blank strings of a JSON array.
struct NonBlank(usize);

impl<'de> serde::Deserialize<'de> for NonBlank {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Seq;
        impl<'de> Visitor<'de> for Seq {
            type Value = usize;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an array of strings")
            }

            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<usize, S::Error> {
                let mut n = 0;
                while let Some(s) = seq.next_element::<Cow<'de, str>>()? {
                    n += usize::from(!s.trim().is_empty());
                }
                Ok(n)
            }
        }
        d.deserialize_seq(Seq).map(NonBlank)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_batch_form() {
        let json = br#"{"vins": ["1HGCM82633A004352", " ", "5YJSA1E26HF000001,2017"], "x": [1]}"#;
        assert_eq!(count_vins(BatchRoute::V1, "application/json", json), 2);
        let text = b"1HGCM82633A004352\n\n5YJSA1E26HF000001\r\nWBA3A5C51CF256985\n";
        assert_eq!(count_vins(BatchRoute::V1, "text/plain", text), 3);
        let form = b"format=json&DATA=1HGCM82633A004352%2C2003%3B5YJSA1E26HF000001;;";
        assert_eq!(
            count_vins(BatchRoute::Nhtsa, "application/x-www-form-urlencoded", form),
            2
        );
        assert_eq!(count_vins(BatchRoute::V1, "application/json", b"{"), 0);
        assert_eq!(
            count_vins(
                BatchRoute::V1,
                "application/json",
                br#"{"vins": ["\u00c9"]}"#
            ),
            1
        );
    }
}
