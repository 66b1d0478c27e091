//! Routes that mimic NHTSA's public vPIC API (paths, parameters, envelope, field names), so
//! vPIC clients switch by changing the base URL. See docs/NHTSA-COMPAT.md.

pub mod catalog;
pub mod catalog_types;
pub mod decode;
pub mod envelope;
pub mod path_case;
pub mod render;
pub mod types;
