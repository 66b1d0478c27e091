//! The `Allow` header of a 405: the methods the API spec lists for the request's path (plus
//! `HEAD` wherever `GET` is served), so a client learns what the route does accept.

use std::{collections::BTreeSet, sync::OnceLock};

/// Routes outside the spec: the webhook and the spec's own pages.
const EXTRA: &[(&str, &str)] = &[
    ("/telegram/webhook", "POST"),
    ("/openapi.json", "GET"),
    ("/docs", "GET"),
];

/// Path templates (split into segments) and their methods.
struct Table(Vec<(Vec<String>, BTreeSet<String>)>);

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let spec: serde_json::Value =
            serde_json::from_str(&super::openapi_service().spec()).unwrap_or_default();
        let mut rows: Vec<(Vec<String>, BTreeSet<String>)> = Vec::new();
        if let Some(paths) = spec["paths"].as_object() {
            for (template, ops) in paths {
                let methods = ops
                    .as_object()
                    .map(|o| o.keys().map(|m| m.to_ascii_uppercase()).collect())
                    .unwrap_or_default();
                rows.push((segments(template), methods));
            }
        }
        for (path, method) in EXTRA {
            rows.push((segments(path), BTreeSet::from([(*method).to_owned()])));
        }
        Table(rows)
    })
}

fn segments(path: &str) -> Vec<String> {
    path.split('/').map(str::to_owned).collect()
}

fn matches(template: &[String], path: &[&str]) -> bool {
    template.len() == path.len()
        && template.iter().zip(path).all(|(t, p)| {
            (t.starts_with('{') && t.ends_with('}') && !p.is_empty()) || t.eq_ignore_ascii_case(p)
        })
}

/// `GET, HEAD` for a path the spec serves, `None` for unknown paths.
pub fn allowed_methods(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('/').collect();
    let literal = |t: &[String]| !t.iter().any(|s| s.starts_with('{'));
    // A literal route wins over a parameter at the same place (`/vins/batch` over `/vins/{vin}`).
    let found: Vec<_> = table()
        .0
        .iter()
        .filter(|(t, _)| matches(t, &parts))
        .collect();
    let exact = found.iter().any(|(t, _)| literal(t));
    let mut methods = BTreeSet::new();
    for (template, ms) in found {
        if !exact || literal(template) {
            methods.extend(ms.iter().cloned());
        }
    }
    if methods.is_empty() {
        return None;
    }
    if methods.contains("GET") {
        methods.insert("HEAD".to_owned());
    }
    // GET first, as people write it.
    let order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];
    let mut list: Vec<&str> = order
        .iter()
        .copied()
        .filter(|m| methods.contains(*m))
        .collect();
    list.extend(
        methods
            .iter()
            .map(String::as_str)
            .filter(|m| !order.contains(m)),
    );
    Some(list.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_of_known_paths() {
        assert_eq!(
            allowed_methods("/api/v1/vins/batch").as_deref(),
            Some("POST")
        );
        assert_eq!(
            allowed_methods("/api/v1/vins/1HGCM82633A004352").as_deref(),
            Some("GET, HEAD")
        );
        assert_eq!(
            allowed_methods("/api/vehicles/decodevinvalues/1HG").as_deref(),
            Some("GET, HEAD")
        );
        assert_eq!(
            allowed_methods("/telegram/webhook").as_deref(),
            Some("POST")
        );
        assert_eq!(allowed_methods("/nope"), None);
    }
}
