//! Streaming batch output: NDJSON (one rich object a line) and CSV (a header of element
//! codes, one row a VIN), both in input order. Decoding runs on the blocking pool in chunks
//! so a large batch never stalls the async workers, and the body flows as chunks finish.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::{StreamExt, stream};
use poem::{Body, IntoResponse, Response, http::header};
use poem_openapi::{
    payload::Payload,
    registry::{MetaSchema, MetaSchemaRef},
};
use vinbot_decoder::Decoder;

use super::decode_view::vin_decode;
use crate::{api::vin_input, history::DecodeRecording};

/// VINs decoded per blocking task.
const CHUNK: usize = 256;

/// An `application/x-ndjson` body.
pub struct Ndjson(pub Body);

/// A `text/csv` body.
pub struct Csv(pub Body);

impl Payload for Ndjson {
    const CONTENT_TYPE: &'static str = "application/x-ndjson";

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            description: Some("One decode object (as in the JSON answer) a line, in input order."),
            ..MetaSchema::new("string")
        }))
    }
}

impl IntoResponse for Ndjson {
    fn into_response(self) -> Response {
        Response::builder()
            .header(header::CONTENT_TYPE, Self::CONTENT_TYPE)
            .body(self.0)
    }
}

impl Payload for Csv {
    const CONTENT_TYPE: &'static str = "text/csv; charset=utf-8";

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            description: Some(
                "A header row of vPIC element codes (VIN, Make, Model, ModelYear and the other main fields first), then one row a VIN, in input order.",
            ),
            ..MetaSchema::new("string")
        }))
    }
}

impl IntoResponse for Csv {
    fn into_response(self) -> Response {
        Response::builder()
            .header(header::CONTENT_TYPE, Self::CONTENT_TYPE)
            .body(self.0)
    }
}

/// Which streaming format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamFormat {
    /// NDJSON lines.
    Ndjson,
    /// CSV rows.
    Csv,
}

/// One CSV field, quoted when needed (RFC 4180).
pub fn csv_field(out: &mut String, value: &str) {
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

fn csv_row<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(out, f);
    }
    out.push_str("\r\n");
}

/// Columns a person looks for first in the CSV; the other ~130 element codes follow in vPIC's order.
const CSV_LEAD: &[&str] = &[
    "VIN",
    "Make",
    "Model",
    "ModelYear",
    "Trim",
    "Series",
    "BodyClass",
    "VehicleType",
    "Manufacturer",
    "PlantCountry",
    "ErrorCode",
    "ErrorText",
];

/// The CSV's column order as indexes into the flat values (the same keys, in the same order, for
/// every decode): [`CSV_LEAD`] first, then the rest as the decoder gives them.
fn csv_columns(decoder: &Decoder) -> Vec<usize> {
    let sample = decoder.decode("", None);
    let keys: Vec<&str> = decoder
        .flat_values(&sample)
        .iter()
        .map(|(k, _)| *k)
        .collect();
    let lead = CSV_LEAD
        .iter()
        .filter_map(|code| keys.iter().position(|k| k == code));
    let rest = (0..keys.len()).filter(|i| !CSV_LEAD.contains(&keys[*i]));
    lead.chain(rest).collect()
}

fn render_chunk(
    decoder: &Decoder,
    lines: &[String],
    format: StreamFormat,
    recording: &DecodeRecording,
    columns: &[usize],
) -> Bytes {
    let mut out = String::with_capacity(lines.len() * 512);
    for line in lines {
        let (vin, year) = vin_input::parse_line(line);
        // CSV shows vPIC's values only: no repair search for it.
        let decoded = match format {
            StreamFormat::Ndjson => recording.decode(decoder, vin, year),
            StreamFormat::Csv => recording.decode_values(decoder, vin, year),
        };
        match format {
            StreamFormat::Ndjson => {
                let view = vin_decode(decoder, &decoded);
                let json = poem_openapi::types::ToJSON::to_json_string(&view);
                out.push_str(&json);
                out.push('\n');
            }
            StreamFormat::Csv => {
                let flat = decoder.flat_values(&decoded);
                csv_row(
                    &mut out,
                    columns.iter().map(|&i| flat.get(i).map_or("", |(_, v)| *v)),
                );
            }
        }
    }
    Bytes::from(out)
}

/// The header row: the element codes of the flat output, in the CSV's column order.
fn csv_header(decoder: &Decoder, columns: &[usize]) -> Bytes {
    let sample = decoder.decode("", None);
    let flat = decoder.flat_values(&sample);
    let mut out = String::new();
    csv_row(
        &mut out,
        columns.iter().map(|&i| flat.get(i).map_or("", |(k, _)| *k)),
    );
    Bytes::from(out)
}

/// The streamed body for these lines; each decode is recorded as its chunk is rendered.
pub fn body(
    decoder: Decoder,
    lines: Vec<String>,
    format: StreamFormat,
    recording: DecodeRecording,
) -> Body {
    let columns: Arc<[usize]> = match format {
        StreamFormat::Csv => csv_columns(&decoder).into(),
        StreamFormat::Ndjson => Arc::new([]),
    };
    let header = match format {
        StreamFormat::Csv => Some(csv_header(&decoder, &columns)),
        StreamFormat::Ndjson => None,
    };
    // The lines move into their chunks (no copy of the batch).
    let mut lines = lines.into_iter();
    let chunks = std::iter::from_fn(move || {
        let chunk: Vec<String> = lines.by_ref().take(CHUNK).collect();
        (!chunk.is_empty()).then_some(chunk)
    });
    let rows = stream::iter(chunks).then(move |chunk| {
        let recording = recording.clone();
        let columns = Arc::clone(&columns);
        let decoder = decoder.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                render_chunk(&decoder, &chunk, format, &recording, &columns)
            })
            .await
            .map_err(std::io::Error::other)
        }
    });
    let head = stream::iter(header.map(Ok::<Bytes, std::io::Error>));
    Body::from_bytes_stream(head.chain(rows))
}
