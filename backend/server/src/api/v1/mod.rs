//! Our own v1 JSON API (docs/API.md).

pub mod access;
pub mod admin_data;
pub mod admin_keys;
pub mod auth;
pub mod batch_stream;
pub mod catalog;
pub mod decode_view;
pub mod me;
pub mod me_history;
pub mod me_vehicles;
pub mod meta;
pub mod stats;
pub mod vins;
