//! Our own v1 JSON API (docs/API.md).

pub mod batch_stream;
pub mod catalog;
pub mod decode_view;
pub mod meta;
pub mod stats;
pub mod vins;
