//! The v1 decode shows every value under its vPIC element group and says where it came from; values
//! not read from the VIN (the vehicle type's default, the model's specification) are marked as such.
//! NHTSA's lite data has neither, so these tests decode the decoder's own small vPIC-layout fixture.

use serde_json::Value;
use vinbot_decoder::Decoder;
use vinbot_server::state::AppState;

use crate::{decoder_fixture, helpers::*};

/// The fixture's data and a decoder over it (the directory must outlive the decoder's use).
fn fixture_decoder() -> (tempfile::TempDir, Decoder) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = decoder_fixture::write(dir.path(), true);
    let decoder = Decoder::from_sqlite(&path).expect("fixture loads");
    (dir, decoder)
}

/// (group name, value) of an element code in the v1 answer.
fn grouped<'a>(body: &'a Value, code: &str) -> (&'a str, &'a Value) {
    body["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find_map(|g| {
            g["values"]
                .as_array()?
                .iter()
                .find(|v| v["code"] == code)
                .map(|v| (g["name"].as_str().unwrap_or_default(), v))
        })
        .unwrap_or_else(|| panic!("{code} in no group: {body}"))
}

#[tokio::test]
async fn v1_values_carry_their_group_and_source() {
    let (_dir, decoder) = fixture_decoder();
    let client = client_for(AppState::new(decoder, settings(&[])));
    // A coupe: Body Class from a VIN pattern, Drive Type and ABS from the Roadster's vehicle spec,
    // Bed Type and GVWR the passenger car's defaults.
    let vin = decoder_fixture::vin("A12B4", "123456");
    let resp = client.get(format!("/api/v1/vins/{vin}")).send().await;
    resp.assert_status_is_ok();
    let body = json(resp).await;
    let expect = [
        ("BodyClass", "Exterior / Body", "Coupe", "pattern"),
        ("Model", "General", "Roadster", "pattern"),
        (
            "DriveType",
            "Mechanical / Drivetrain",
            "RWD",
            "vehicle_spec",
        ),
        ("ABS", "Active Safety System", "Standard", "vehicle_spec"),
        ("BedType", "Exterior / Truck", "Not Applicable", "default"),
        (
            "GVWR",
            "Exterior / Truck",
            "Class 1: 6,000 lb (2,722 kg) or less",
            "default",
        ),
    ];
    for (code, group, value, source) in expect {
        let (g, v) = grouped(&body, code);
        assert_eq!(g, group, "{code}");
        assert_eq!(v["value"], value, "{code}");
        assert_eq!(v["source"], source, "{code}");
    }
    // A default or a vehicle spec is no VIN pattern's: it names no pattern, schema or keys.
    for code in ["BedType", "DriveType"] {
        let (_, v) = grouped(&body, code);
        for key in ["pattern_id", "schema_id", "keys"] {
            assert!(v.get(key).is_none_or(Value::is_null), "{key} in {v}");
        }
    }
    // The flat values stay exactly vPIC's, defaults included.
    assert_eq!(body["values"]["BedType"], "Not Applicable");
}
