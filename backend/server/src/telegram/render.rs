//! What the bot writes: the compact card per VIN, the full field list, the inline-mode card and
//! the CSV of a document. Every value from the decoder or the user is escaped here.

use vinbot_decoder::{CheckDigitStatus, Decoded, DecodedValue, Source};

use super::html::escape;
use super::i18n::Texts;

/// Repair candidates shown under a card.
const MAX_REPAIRS_SHOWN: usize = 3;

fn value<'d>(d: &'d Decoded<'_>, code: &str) -> &'d str {
    d.value(code).unwrap_or_default().trim()
}

/// `City, State, Country` of the plant.
pub fn plant(d: &Decoded<'_>) -> String {
    ["PlantCity", "PlantState", "PlantCountry"]
        .iter()
        .map(|c| value(d, c))
        .filter(|v| !v.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `6 cyl 3.5 L (J35A4)`.
pub fn engine(d: &Decoded<'_>) -> String {
    let mut parts = Vec::new();
    let cyl = value(d, "EngineCylinders");
    if !cyl.is_empty() {
        parts.push(format!("{cyl} cyl"));
    }
    let litres = value(d, "DisplacementL");
    if !litres.is_empty() {
        parts.push(format!("{litres} L"));
    }
    let model = value(d, "EngineModel");
    if !model.is_empty() {
        parts.push(format!("({model})"));
    }
    parts.join(" ")
}

/// One line headline: `HONDA Accord 2003`.
pub fn headline(d: &Decoded<'_>) -> String {
    ["Make", "Model", "ModelYear"]
        .iter()
        .map(|c| value(d, c))
        .filter(|v| !v.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn check_digit_line(d: &Decoded<'_>, t: &Texts) -> String {
    let verdict = match d.check_digit.status {
        CheckDigitStatus::Valid => format!("✅ {}", t.check_ok),
        CheckDigitStatus::Invalid => format!(
            "❌ {} {}",
            t.check_bad,
            escape(&d.check_digit.expected.map(String::from).unwrap_or_default())
        ),
        CheckDigitStatus::NotChecked => format!("➖ {}", t.check_skipped),
    };
    format!("{}: {verdict}", t.check_digit)
}

/// The marker of one element's value when it is not read from the VIN.
fn mark_of(d: &Decoded<'_>, code: &str, t: &Texts) -> Option<&'static str> {
    d.values
        .iter()
        .find(|v| v.code == code)
        .and_then(|v| inferred_mark(v, t))
}

/// The compact card of one decoded VIN (HTML). A single-element fact not read from the VIN (e.g. a
/// body class that is the vehicle type's default) carries its marker, as in the full list.
pub fn card(d: &Decoded<'_>, t: &Texts) -> String {
    let mut lines = vec![format!("🚗 <b>{}</b>", escape(&d.vin))];
    let single =
        |label: &'static str, code: &str| (label, value(d, code).to_owned(), mark_of(d, code, t));
    let rows = [
        single(t.make, "Make"),
        single(t.model, "Model"),
        single(t.year, "ModelYear"),
        single(t.trim, "Trim"),
        single(t.body, "BodyClass"),
        (t.engine, engine(d), None),
        (t.plant, plant(d), None),
    ];
    let mut any = false;
    for (label, v, mark) in rows {
        if !v.is_empty() {
            any = true;
            let line = format!("{label}: {}", escape(&v));
            lines.push(match mark {
                Some(m) => format!("{line} <i>{}</i>", escape(m)),
                None => line,
            });
        }
    }
    if !any {
        lines.push(format!("⚠️ {}: {}", t.not_decoded, escape(&d.error_text)));
    }
    lines.push(check_digit_line(d, t));
    if !d.repairs.is_empty() {
        lines.push(format!("{}:", t.did_you_mean));
        for r in d.repairs.iter().take(MAX_REPAIRS_SHOWN) {
            let what = [&r.make, &r.model, &r.model_year]
                .iter()
                .filter(|s| !s.is_empty())
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            lines.push(format!(
                "• <code>{}</code> {}",
                escape(&r.vin),
                escape(&what)
            ));
        }
    }
    lines.join("\n")
}

/// The marker after a value that is not read from the VIN (the vehicle type's default, the model's
/// specification), in the user's language; `None` for a value the VIN gives.
fn inferred_mark(v: &DecodedValue<'_>, t: &Texts) -> Option<&'static str> {
    match v.source {
        Source::Default => Some(t.default_mark),
        Source::VehicleSpec => Some(t.spec_mark),
        _ => None,
    }
}

/// `Name: value`, with the marker of a value not read from the VIN.
fn field_line(v: &DecodedValue<'_>, t: &Texts) -> String {
    let line = format!("{}: {}", escape(v.name), escape(&v.value));
    match inferred_mark(v, t) {
        Some(mark) => format!("{line} <i>{}</i>", escape(mark)),
        None => line,
    }
}

/// What the markers used in a list mean, one line each.
fn legend(values: &[&DecodedValue<'_>], t: &Texts) -> Vec<String> {
    [
        (Source::Default, t.default_mark, t.default_legend),
        (Source::VehicleSpec, t.spec_mark, t.spec_legend),
    ]
    .into_iter()
    .filter(|(s, _, _)| values.iter().any(|v| v.source == *s))
    .map(|(_, mark, text)| format!("<i>{}</i>: {}", escape(mark), escape(text)))
    .collect()
}

/// Every non-empty field of a decode, grouped as vPIC groups them, values not read from the VIN marked
/// (HTML; split by the caller).
pub fn all_fields(d: &Decoded<'_>, t: &Texts) -> String {
    let mut out = vec![format!("<b>{} {}</b>", t.all_fields_title, escape(&d.vin))];
    let mut group: Option<&str> = None;
    let mut values: Vec<_> = d.values.iter().filter(|v| !v.value.is_empty()).collect();
    // Stable by group so each group's heading appears once.
    values.sort_by_key(|v| v.group.is_empty());
    let mut order: Vec<&str> = Vec::new();
    for v in &values {
        if !order.contains(&v.group) {
            order.push(v.group);
        }
    }
    for g in order {
        for v in values.iter().filter(|v| v.group == g) {
            if group != Some(g) {
                group = Some(g);
                let heading = if g.is_empty() { "Decoding" } else { g };
                out.push(String::new());
                out.push(format!("<u>{}</u>", escape(heading)));
            }
            out.push(field_line(v, t));
        }
    }
    let legend = legend(&values, t);
    if !legend.is_empty() {
        out.push(String::new());
        out.extend(legend);
    }
    out.join("\n")
}

/// CSV header of a document's decodes.
pub const CSV_HEADER: &str = "input,vin,make,model,model_year,trim,series,body_class,vehicle_type,engine,plant,manufacturer,check_digit,error_code,error_text,suggested_vin";

/// One CSV row for a decode.
pub fn csv_row(input: &str, d: &Decoded<'_>) -> String {
    let check = match d.check_digit.status {
        CheckDigitStatus::Valid => "valid",
        CheckDigitStatus::Invalid => "invalid",
        CheckDigitStatus::NotChecked => "not_checked",
    };
    let suggestion = d.repairs.first().map(|r| r.vin.clone()).unwrap_or_default();
    let fields = [
        input.to_owned(),
        d.vin.clone(),
        value(d, "Make").to_owned(),
        value(d, "Model").to_owned(),
        value(d, "ModelYear").to_owned(),
        value(d, "Trim").to_owned(),
        value(d, "Series").to_owned(),
        value(d, "BodyClass").to_owned(),
        value(d, "VehicleType").to_owned(),
        engine(d),
        plant(d),
        value(d, "Manufacturer").to_owned(),
        check.to_owned(),
        d.error_code_string(),
        d.error_text.clone(),
        suggestion,
    ];
    fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",")
}

/// Quotes a CSV field when needed and defuses spreadsheet formulas (a cell starting with `=`,
/// `+`, `-` or `@` runs as a formula in spreadsheets; the input column is user text).
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("plain"), "plain");
    }
}

#[cfg(test)]
mod escaping_tests {
    use vinbot_decoder::{CheckDigit, CheckDigitStatus, Decoded, DecodedValue, Source};

    use super::*;
    use crate::telegram::i18n::Lang;

    fn value(code: &'static str, v: &str) -> DecodedValue<'static> {
        DecodedValue {
            element_id: 1,
            code,
            // A test's own names, leaked to live as long as the test process.
            name: Box::leak(format!("{code} <name>").into_boxed_str()),
            group: "General & <Other>",
            value: v.to_string().into(),
            value_id: None,
            source: Source::Pattern,
            pattern_id: None,
            schema_id: None,
            schema_name: None,
            keys: None,
        }
    }

    fn decoded(values: Vec<DecodedValue<'static>>) -> Decoded<'static> {
        Decoded {
            input: "x".into(),
            vin: "1HGCM82633A004352".into(),
            model_year: None,
            error_codes: vec![0],
            error_text: String::new(),
            additional_error_text: String::new(),
            suggested_vin: String::new(),
            possible_values: String::new(),
            vehicle_descriptor: String::new(),
            values,
            check_digit: CheckDigit {
                status: CheckDigitStatus::Valid,
                expected: Some('3'),
                actual: Some('3'),
                required: true,
                message: String::new(),
            },
            model_year_candidates: vec![],
            repairs: vec![],
        }
    }

    #[test]
    fn defaults_and_model_specs_are_marked_in_the_users_language() {
        let mut bed = value("BedType", "Not Applicable");
        bed.source = Source::Default;
        let mut drive = value("DriveType", "RWD");
        drive.source = Source::VehicleSpec;
        let d = decoded(vec![value("Make", "ACME"), bed, drive]);
        let en = all_fields(&d, Lang::En.texts());
        assert!(
            en.contains("BedType &lt;name&gt;: Not Applicable <i>(default)</i>"),
            "{en}"
        );
        assert!(
            en.contains("DriveType &lt;name&gt;: RWD <i>(model spec)</i>"),
            "{en}"
        );
        assert!(en.contains("Make &lt;name&gt;: ACME\n"), "{en}");
        assert!(
            en.ends_with("<i>(default)</i>: default for this vehicle type, not read from the VIN\n<i>(model spec)</i>: from the specification of the make and model, not read from the VIN"),
            "{en}"
        );
        let mut body = value("BodyClass", "Not Applicable");
        body.source = Source::Default;
        let card = card(
            &decoded(vec![value("Make", "ACME"), body]),
            Lang::En.texts(),
        );
        assert!(card.contains("Make: ACME\n"), "{card}");
        assert!(
            card.contains("Body: Not Applicable <i>(default)</i>"),
            "{card}"
        );
        let ru = all_fields(&d, Lang::Ru.texts());
        assert!(ru.contains("Not Applicable <i>(по умолчанию)</i>"), "{ru}");
        // Nothing inferred: no marker, no legend.
        let plain = all_fields(&decoded(vec![value("Make", "ACME")]), Lang::En.texts());
        assert!(!plain.contains("<i>"), "{plain}");
    }

    #[test]
    fn every_dynamic_string_is_escaped() {
        let d = Decoded {
            error_text: "<b>".into(),
            ..decoded(vec![value("Make", "A&B <script>"), value("Model", "\"Q\"")])
        };
        let t = Lang::En.texts();
        let card = card(&d, t);
        assert!(card.contains("Make: A&amp;B &lt;script&gt;"), "{card}");
        assert!(card.contains("Model: &quot;Q&quot;"), "{card}");
        let all = all_fields(&d, t);
        assert!(all.contains("<u>General &amp; &lt;Other&gt;</u>"), "{all}");
        assert!(
            all.contains("Make &lt;name&gt;: A&amp;B &lt;script&gt;"),
            "{all}"
        );
        assert!(!all.contains("<script>") && !card.contains("<script>"));
    }
}
