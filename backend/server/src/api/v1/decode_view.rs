//! The rich v1 decode object (docs/API.md) built from the decoder's `Decoded`.

use std::collections::BTreeMap;

use poem_openapi::Object;
use vinbot_decoder::{CheckDigitStatus, Decoded, Decoder};

/// Headline facts for display.
#[derive(Debug, Clone, Object)]
pub struct Summary {
    /// Make, e.g. `HONDA`.
    pub make: String,
    /// Model, e.g. `Accord`.
    pub model: String,
    /// Model year, e.g. `2003`.
    pub model_year: String,
    /// Trim.
    pub trim: String,
    /// Series.
    pub series: String,
    /// Body class, e.g. `Coupe`.
    pub body_class: String,
    /// Vehicle type, e.g. `PASSENGER CAR`.
    pub vehicle_type: String,
    /// Manufacturer name.
    pub manufacturer: String,
    /// Plant city, state and country.
    pub plant: String,
    /// Engine, e.g. `4 cyl 2.4 L`.
    pub engine: String,
}

/// The check-digit verdict.
#[derive(Debug, Clone, Object)]
pub struct CheckDigitView {
    /// `valid`, `invalid` or `not_checked` (partial VIN).
    pub status: String,
    /// The check digit the VIN should carry.
    #[oai(nullable)]
    pub expected: Option<String>,
    /// The character at position 9.
    #[oai(nullable)]
    pub actual: Option<String>,
    /// True where the check digit is mandatory (North America, China); advisory elsewhere.
    pub required: bool,
    /// A sentence for people.
    pub message: String,
}

/// A model year the VIN could have.
#[derive(Debug, Clone, Object)]
pub struct YearCandidateView {
    /// The model year.
    pub year: u16,
    /// True for the year the decode used.
    pub chosen: bool,
    /// Why it is a candidate and why it was (not) chosen.
    pub reason: String,
}

/// One character changed by a repair.
#[derive(Debug, Clone, Object)]
pub struct ChangeView {
    /// 1-based VIN position.
    pub position: u8,
    /// Character in the input.
    pub from: String,
    /// Character in the candidate.
    pub to: String,
}

/// A corrected VIN that passes the check digit and decodes cleanly.
#[derive(Debug, Clone, Object)]
pub struct RepairView {
    /// The candidate VIN.
    pub vin: String,
    /// What changed.
    pub changes: Vec<ChangeView>,
    /// Why it is proposed.
    pub reason: String,
    /// Make of the candidate.
    pub make: String,
    /// Model of the candidate.
    pub model: String,
    /// Model year of the candidate.
    pub model_year: String,
}

/// One decoded value with its provenance.
#[derive(Debug, Clone, Object)]
pub struct ValueView {
    /// vPIC element code (`BodyClass`).
    pub code: String,
    /// vPIC element name (`Body Class`).
    pub name: String,
    /// The value.
    pub value: String,
    /// Lookup id when the element is a lookup.
    #[oai(nullable)]
    pub value_id: Option<String>,
    /// Where it came from: `pattern`, `engine_model`, `wmi`, `model`, `conversion`, `formula`, `input`,
    /// `decoder`, `vehicle_spec` (a vehicle-spec row of the make and model), `default` (the vehicle type's
    /// default, e.g. "Not Applicable": not a fact about the vehicle).
    pub source: String,
    /// vPIC pattern row that gave the value.
    #[oai(nullable)]
    pub pattern_id: Option<u32>,
    /// vPIC VIN schema of that pattern.
    #[oai(nullable)]
    pub schema_id: Option<u32>,
    /// The schema's name.
    #[oai(nullable)]
    pub schema_name: Option<String>,
    /// The matched pattern key.
    #[oai(nullable)]
    pub keys: Option<String>,
}

/// Values of one vPIC element group.
#[derive(Debug, Clone, Object)]
pub struct GroupView {
    /// Group name, e.g. `Exterior / Body`.
    pub name: String,
    /// Its non-empty values, by element id.
    pub values: Vec<ValueView>,
}

/// Which data answered.
#[derive(Debug, Clone, Object)]
pub struct DataView {
    /// Where the vPIC data came from.
    pub source: String,
    /// Date of the vPIC data.
    pub data_date: String,
    /// Digest of the loaded snapshot.
    pub snapshot_digest: String,
    /// Version of the decoding engine.
    pub decoder_version: String,
}

/// The rich decode of one VIN.
#[derive(Debug, Clone, Object)]
pub struct VinDecode {
    /// The text as given.
    pub input: String,
    /// The normalised VIN.
    pub vin: String,
    /// The model year the decode used.
    #[oai(nullable)]
    pub model_year: Option<u16>,
    /// vPIC error codes (0 = clean).
    pub error_codes: Vec<u16>,
    /// vPIC `ErrorText`.
    pub error_text: String,
    /// vPIC `AdditionalErrorText`.
    pub additional_error_text: String,
    /// vPIC `SuggestedVIN`.
    pub suggested_vin: String,
    /// vPIC `PossibleValues`.
    pub possible_values: String,
    /// vPIC `VehicleDescriptor`.
    pub vehicle_descriptor: String,
    /// Headline facts.
    pub summary: Summary,
    /// Check-digit verdict.
    pub check_digit: CheckDigitView,
    /// Model years considered.
    pub model_year_candidates: Vec<YearCandidateView>,
    /// Repair candidates for a mistyped VIN.
    pub repairs: Vec<RepairView>,
    /// Values grouped like vPIC's element groups, with provenance.
    pub groups: Vec<GroupView>,
    /// Flat values keyed by vPIC element code, exactly NHTSA `DecodeVinValues`' `Results[0]`
    /// without its empty values.
    pub values: BTreeMap<String, String>,
    /// Data identity.
    pub data: DataView,
}

/// The data identity of a decoder.
pub fn data_view(decoder: &Decoder) -> DataView {
    let id = decoder.identity();
    DataView {
        source: id.source.clone(),
        data_date: id.data_date.clone(),
        snapshot_digest: id.digest.clone(),
        decoder_version: vinbot_decoder::DECODER_VERSION.to_owned(),
    }
}

fn json_name<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn summary(d: &Decoded<'_>) -> Summary {
    let get = |code: &str| d.value(code).unwrap_or_default().to_owned();
    let plant = ["PlantCity", "PlantState", "PlantCountry"]
        .iter()
        .filter_map(|c| d.value(c).filter(|v| !v.is_empty()))
        .collect::<Vec<_>>()
        .join(", ");
    let mut engine = Vec::new();
    if let Some(cyl) = d.value("EngineCylinders").filter(|v| !v.is_empty()) {
        engine.push(format!("{cyl} cyl"));
    }
    if let Some(l) = d.value("DisplacementL").filter(|v| !v.is_empty()) {
        engine.push(format!("{l} L"));
    }
    Summary {
        make: get("Make"),
        model: get("Model"),
        model_year: get("ModelYear"),
        trim: get("Trim"),
        series: get("Series"),
        body_class: get("BodyClass"),
        vehicle_type: get("VehicleType"),
        manufacturer: get("Manufacturer"),
        plant,
        engine: engine.join(" "),
    }
}

fn groups(d: &Decoded<'_>) -> Vec<GroupView> {
    let mut out: Vec<GroupView> = Vec::new();
    for v in d.values.iter().filter(|v| !v.value.is_empty()) {
        let name = if v.group.is_empty() {
            "Decoding"
        } else {
            v.group
        };
        let view = ValueView {
            code: v.code.to_string(),
            name: v.name.to_string(),
            value: v.value.to_string(),
            value_id: v.value_id.as_deref().map(str::to_owned),
            source: json_name(&v.source),
            pattern_id: v.pattern_id,
            schema_id: v.schema_id,
            schema_name: v.schema_name.map(str::to_owned),
            keys: v.keys.as_deref().map(str::to_owned),
        };
        match out.iter_mut().find(|g| g.name == name) {
            Some(g) => g.values.push(view),
            None => out.push(GroupView {
                name: name.to_owned(),
                values: vec![view],
            }),
        }
    }
    out
}

/// Builds the rich object.
pub fn vin_decode(decoder: &Decoder, d: &Decoded<'_>) -> VinDecode {
    let values = decoder
        .flat_values(d)
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let status = match d.check_digit.status {
        CheckDigitStatus::Valid => "valid",
        CheckDigitStatus::Invalid => "invalid",
        CheckDigitStatus::NotChecked => "not_checked",
    };
    VinDecode {
        input: d.input.clone(),
        vin: d.vin.clone(),
        model_year: d.model_year,
        error_codes: d.error_codes.clone(),
        error_text: d.error_text.clone(),
        additional_error_text: d.additional_error_text.clone(),
        suggested_vin: d.suggested_vin.clone(),
        possible_values: d.possible_values.clone(),
        vehicle_descriptor: d.vehicle_descriptor.clone(),
        summary: summary(d),
        check_digit: CheckDigitView {
            status: status.to_owned(),
            expected: d.check_digit.expected.map(String::from),
            actual: d.check_digit.actual.map(String::from),
            required: d.check_digit.required,
            message: d.check_digit.message.clone(),
        },
        model_year_candidates: d
            .model_year_candidates
            .iter()
            .map(|c| YearCandidateView {
                year: c.year,
                chosen: c.chosen,
                reason: c.reason.clone(),
            })
            .collect(),
        repairs: d
            .repairs
            .iter()
            .map(|r| RepairView {
                vin: r.vin.clone(),
                changes: r
                    .changes
                    .iter()
                    .map(|c| ChangeView {
                        position: c.position,
                        from: c.from.to_string(),
                        to: c.to.to_string(),
                    })
                    .collect(),
                reason: r.reason.clone(),
                make: r.make.clone(),
                model: r.model.clone(),
                model_year: r.model_year.clone(),
            })
            .collect(),
        groups: groups(d),
        values,
        data: data_view(decoder),
    }
}
