//! vPIC's envelope (`Count`, `Message`, `SearchCriteria`, `Results`) and the response type
//! that renders it as JSON, CSV or XML by `?format=`.

use poem::{IntoResponse, Response, http::header};
use poem_openapi::{
    ApiResponse,
    registry::{MetaMediaType, MetaResponse, MetaResponses, MetaSchema, MetaSchemaRef, Registry},
    types::{ToJSON, Type},
};

use super::render::{self, Format};

/// vPIC's message for decodes.
pub const DECODE_MESSAGE: &str = "Results returned successfully. NOTE: Any missing decoded values should be interpreted as NHTSA does not have data on the specific variable. Missing value should NOT be interpreted as an indication that a feature or technology is unavailable for a vehicle.";
/// vPIC's message of most list routes.
pub const RESPONSE_MESSAGE: &str = "Response returned successfully";
/// vPIC's message of the other list routes.
pub const RESULTS_MESSAGE: &str = "Results returned successfully";

/// Declares one concrete envelope type per result type (poem-openapi names schemas by type).
macro_rules! envelope {
    ($name:ident, $item:ty, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, poem_openapi::Object)]
        pub struct $name {
            /// Number of results.
            #[oai(rename = "Count")]
            pub count: usize,
            /// vPIC's status message.
            #[oai(rename = "Message")]
            pub message: String,
            /// What was searched, e.g. `VIN:5UXWX7C5*BA` (null for unfiltered lists).
            #[oai(rename = "SearchCriteria")]
            #[oai(nullable)]
            pub search_criteria: Option<String>,
            /// The results.
            #[oai(rename = "Results")]
            pub results: Vec<$item>,
        }

        impl $name {
            /// An envelope around `results`.
            pub fn new(
                message: &str,
                search_criteria: Option<String>,
                results: Vec<$item>,
            ) -> Self {
                Self {
                    count: results.len(),
                    message: message.to_owned(),
                    search_criteria,
                    results,
                }
            }
        }
    };
}
pub(crate) use envelope;

/// An envelope rendered in the requested format.
pub struct Vpic<E> {
    envelope: E,
    format: Format,
    item_tag: &'static str,
}

impl<E> Vpic<E> {
    /// `item_tag` names each result element in XML.
    pub fn new(envelope: E, format: Format, item_tag: &'static str) -> Self {
        Self {
            envelope,
            format,
            item_tag,
        }
    }
}

impl<E: ToJSON + Send> IntoResponse for Vpic<E> {
    fn into_response(self) -> Response {
        let value = self.envelope.to_json().unwrap_or_default();
        let body = match self.format {
            Format::Json => serde_json::to_string(&value).unwrap_or_default(),
            Format::Csv => render::csv(&value),
            Format::Xml => render::xml(&value, self.item_tag),
        };
        Response::builder()
            .header(header::CONTENT_TYPE, self.format.content_type())
            .body(body)
    }
}

fn text_schema(description: &'static str) -> MetaSchemaRef {
    MetaSchemaRef::Inline(Box::new(MetaSchema {
        description: Some(description),
        ..MetaSchema::new("string")
    }))
}

impl<E: ToJSON + Type + Send> ApiResponse for Vpic<E> {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: vec![MetaResponse {
                description: "vPIC's envelope in the format chosen by `format` (XML when absent, like vPIC).",
                status: Some(200),
                status_range: None,
                content: vec![
                    MetaMediaType {
                        content_type: "application/json",
                        schema: E::schema_ref(),
                    },
                    MetaMediaType {
                        content_type: "text/csv",
                        schema: text_schema(
                            "A header row of lower-cased result fields, then one row a result.",
                        ),
                    },
                    MetaMediaType {
                        content_type: "application/xml",
                        schema: text_schema(
                            "`<Response>` with `Count`, `Message`, `SearchCriteria` and `Results`.",
                        ),
                    },
                ],
                headers: vec![],
            }],
        }
    }

    fn register(registry: &mut Registry) {
        E::register(registry);
    }
}
