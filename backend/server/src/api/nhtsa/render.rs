//! vPIC's three output formats from one JSON value of the envelope: `json`, `csv` (a header
//! row of the result fields, one row a result) and `xml` (`<Response>` with `<Count>`,
//! `<Message>`, `<SearchCriteria>`, `<Results>`).

use std::borrow::Cow;

use poem_openapi::{
    registry::{MetaSchema, MetaSchemaRef},
    types::{ParseError, ParseFromParameter, ParseResult, Type},
};
use serde_json::Value;

use crate::api::v1::batch_stream::csv_field;

/// `?format=`: vPIC's default is XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/json`.
    Json,
    /// `text/csv`.
    Csv,
    /// `application/xml`.
    Xml,
}

impl Format {
    /// Parses `json`, `csv` or `xml` (any case); absent means XML like vPIC.
    pub fn parse(raw: Option<&str>) -> Result<Self, String> {
        match raw.map(|s| s.trim().to_ascii_lowercase()).as_deref() {
            None | Some("") | Some("xml") => Ok(Self::Xml),
            Some("json") => Ok(Self::Json),
            Some("csv") => Ok(Self::Csv),
            Some(other) => Err(format!("format must be json, csv or xml, not {other:?}")),
        }
    }

    /// The content type of the body.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json; charset=utf-8",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xml => "application/xml; charset=utf-8",
        }
    }
}

/// What [`Format::parse`] accepts, as the spec's `pattern` (it also tolerates surrounding white
/// space). The form field `format` of `DecodeVinValuesBatch` repeats it in its attribute.
pub const FORMAT_PATTERN: &str = "^([Jj][Ss][Oo][Nn]|[Cc][Ss][Vv]|[Xx][Mm][Ll])?$";

/// The `format` query parameter: its text, accepted only when [`Format::parse`] accepts it, so a
/// bad value is refused while the parameters are parsed (a 400 `invalid_request`), and the spec
/// carries [`FORMAT_PATTERN`].
#[derive(Debug, Clone)]
pub struct FormatParam(String);

impl std::ops::Deref for FormatParam {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl Type for FormatParam {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        "string(vpic_format)".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            pattern: Some(FORMAT_PATTERN.to_owned()),
            ..MetaSchema::new("string")
        }))
    }

    fn as_raw_value(&self) -> Option<&Self> {
        Some(self)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a Self> + 'a> {
        Box::new(std::iter::once(self))
    }
}

impl ParseFromParameter for FormatParam {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        Format::parse(Some(value))
            .map(|_| Self(value.to_owned()))
            .map_err(ParseError::custom)
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// CSV of the `Results` array: keys of the first object as the header.
pub fn csv(envelope: &Value) -> String {
    let results = envelope.get("Results").and_then(Value::as_array);
    let mut out = String::new();
    let Some(results) = results else { return out };
    let Some(Value::Object(first)) = results.first() else {
        return out;
    };
    let keys: Vec<&String> = first.keys().collect();
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(&mut out, &k.to_ascii_lowercase());
    }
    out.push_str("\r\n");
    for row in results {
        for (i, k) in keys.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            csv_field(
                &mut out,
                &row.get(k.as_str()).map(scalar).unwrap_or_default(),
            );
        }
        out.push_str("\r\n");
    }
    out
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn xml_value(out: &mut String, tag: &str, v: &Value) {
    match v {
        Value::Null => {
            out.push('<');
            out.push_str(tag);
            out.push_str("/>");
        }
        Value::Object(map) => {
            out.push_str(&format!("<{tag}>"));
            for (k, v) in map {
                xml_value(out, k, v);
            }
            out.push_str(&format!("</{tag}>"));
        }
        Value::Array(items) => {
            let item_tag = tag.strip_suffix('s').unwrap_or(tag);
            out.push_str(&format!("<{tag}>"));
            for item in items {
                xml_value(out, item_tag, item);
            }
            out.push_str(&format!("</{tag}>"));
        }
        scalar_value => {
            let text = scalar(scalar_value);
            if text.is_empty() {
                out.push_str(&format!("<{tag}/>"));
            } else {
                out.push_str(&format!("<{tag}>{}</{tag}>", escape(&text)));
            }
        }
    }
}

/// XML of the envelope; each result is an `<item_tag>` element.
pub fn xml(envelope: &Value, item_tag: &str) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><Response xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">",
    );
    for key in ["Count", "Message", "SearchCriteria"] {
        xml_value(&mut out, key, envelope.get(key).unwrap_or(&Value::Null));
    }
    out.push_str("<Results>");
    if let Some(results) = envelope.get("Results").and_then(Value::as_array) {
        for r in results {
            xml_value(&mut out, item_tag, r);
        }
    }
    out.push_str("</Results></Response>");
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn csv_and_xml_render_the_results() {
        let env = json!({"Count": 1, "Message": "ok", "SearchCriteria": null,
            "Results": [{"Make_ID": 474, "Make_Name": "A, \"B\" & <C>"}]});
        assert_eq!(
            csv(&env),
            "make_id,make_name\r\n474,\"A, \"\"B\"\" & <C>\"\r\n"
        );
        let x = xml(&env, "Make");
        assert!(
            x.contains("<Count>1</Count><Message>ok</Message><SearchCriteria/>"),
            "{x}"
        );
        assert!(x.contains("<Make><Make_ID>474</Make_ID><Make_Name>A, &quot;B&quot; &amp; &lt;C&gt;</Make_Name></Make>"), "{x}");
    }

    #[test]
    fn format_defaults_to_xml_like_vpic() {
        assert_eq!(Format::parse(None), Ok(Format::Xml));
        assert_eq!(Format::parse(Some("JSON")), Ok(Format::Json));
        assert!(Format::parse(Some("yaml")).is_err());
    }
}
