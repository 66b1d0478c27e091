//! vPIC matches routes and query keys case-insensitively (clients call
//! `/api/vehicles/decodevinvaluesbatch/` or `GetModelsForMakeYear/make/honda/ModelYear/2015`),
//! and tolerates a trailing slash. This middleware rewrites such requests to the canonical
//! paths our routes are declared with, and lower-cases query keys, before routing.

use poem::{Endpoint, Middleware, Request, http::Uri};

/// Canonical operation names, matched case-insensitively.
pub const OPERATIONS: &[&str] = &[
    "DecodeVin",
    "DecodeVinValues",
    "DecodeVinExtended",
    "DecodeVinValuesExtended",
    "DecodeVinValuesBatch",
    "DecodeWMI",
    "GetWMIsForManufacturer",
    "GetAllMakes",
    "GetAllManufacturers",
    "GetMakeForManufacturer",
    "GetModelsForMake",
    "GetModelsForMakeId",
    "GetModelsForMakeYear",
    "GetModelsForMakeIdYear",
    "GetVehicleTypesForMake",
    "GetVehicleTypesForMakeId",
    "GetMakesForManufacturerAndYear",
    "GetMakesForVehicleType",
    "GetVehicleVariableList",
    "GetVehicleVariableValuesList",
];

/// Keyword segments inside the model-year routes.
const KEYWORDS: &[&str] = &["make", "makeId", "modelyear", "vehicletype"];

/// The prefix of the NHTSA-compatible routes.
pub const PREFIX: &str = "/api/vehicles/";

/// The canonical form of `path` and `query`, or `None` when nothing changes.
pub fn canonicalize(path: &str, query: Option<&str>) -> Option<String> {
    // `get`, not indexing: a path may hold non-ASCII, and byte 14 may fall inside a character.
    let (head, rest) = (path.get(..PREFIX.len())?, path.get(PREFIX.len()..)?);
    if !head.eq_ignore_ascii_case(PREFIX) {
        return None;
    }
    let rest = rest.trim_end_matches('/');
    let mut segments: Vec<String> = rest.split('/').map(str::to_owned).collect();
    if let Some(op) = segments.first_mut()
        && let Some(canon) = OPERATIONS.iter().find(|o| o.eq_ignore_ascii_case(op))
    {
        *op = (*canon).to_owned();
        if op.starts_with("GetModelsForMake") && op.ends_with("Year") {
            for seg in segments.iter_mut().skip(1).step_by(2) {
                if let Some(k) = KEYWORDS.iter().find(|k| k.eq_ignore_ascii_case(seg)) {
                    *seg = (*k).to_owned();
                }
            }
        }
    }
    let mut out = format!("{PREFIX}{}", segments.join("/"));
    if let Some(q) = query.filter(|q| !q.is_empty()) {
        out.push('?');
        let pairs: Vec<String> = q
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, v)) => format!("{}={v}", k.to_ascii_lowercase()),
                None => pair.to_ascii_lowercase(),
            })
            .collect();
        out.push_str(&pairs.join("&"));
    }
    let original = match query {
        Some(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_owned(),
    };
    (out != original).then_some(out)
}

/// The middleware.
pub struct NhtsaPathCase;

impl<E: Endpoint> Middleware<E> for NhtsaPathCase {
    type Output = NhtsaPathCaseEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        NhtsaPathCaseEndpoint { inner: ep }
    }
}

/// The endpoint produced by [`NhtsaPathCase`].
pub struct NhtsaPathCaseEndpoint<E> {
    inner: E,
}

impl<E: Endpoint> Endpoint for NhtsaPathCaseEndpoint<E> {
    type Output = E::Output;

    async fn call(&self, mut req: Request) -> poem::Result<Self::Output> {
        if let Some(canon) = canonicalize(req.uri().path(), req.uri().query())
            && let Ok(uri) = canon.parse::<Uri>()
        {
            *req.uri_mut() = uri;
        }
        self.inner.call(req).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonicalizes_operation_keywords_query_keys_and_trailing_slash() {
        assert_eq!(
            canonicalize("/api/vehicles/decodevinvaluesbatch/", None).as_deref(),
            Some("/api/vehicles/DecodeVinValuesBatch")
        );
        assert_eq!(
            canonicalize(
                "/API/Vehicles/getmodelsformakeidyear/MAKEID/474/ModelYear/2015",
                Some("Format=JSON")
            )
            .as_deref(),
            Some("/api/vehicles/GetModelsForMakeIdYear/makeId/474/modelyear/2015?format=JSON")
        );
        // A make called "make" keeps its case-insensitive value untouched in value positions.
        assert_eq!(
            canonicalize(
                "/api/vehicles/GetModelsForMakeYear/make/Make/modelyear/2015",
                None
            ),
            None
        );
        assert_eq!(
            canonicalize("/api/vehicles/DecodeVinValues/1HG", Some("format=json")),
            None
        );
        assert_eq!(
            canonicalize(
                "/api/vehicles/getmodelsformakeyear/Make/Truck/VehicleType/Truck",
                None
            )
            .as_deref(),
            Some("/api/vehicles/GetModelsForMakeYear/make/Truck/vehicletype/Truck")
        );
        assert_eq!(
            canonicalize("/api/vehicles/getvehicletypesformakeid/474", None).as_deref(),
            Some("/api/vehicles/GetVehicleTypesForMakeId/474")
        );
        assert_eq!(
            canonicalize(
                "/api/vehicles/GETMAKESFORMANUFACTURERANDYEAR/988/",
                Some("Year=2003")
            )
            .as_deref(),
            Some("/api/vehicles/GetMakesForManufacturerAndYear/988?year=2003")
        );
        assert_eq!(canonicalize("/api/v1/vins/x", None), None);
    }
}
