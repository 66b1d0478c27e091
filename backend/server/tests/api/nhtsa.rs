use serde_json::Value;

use crate::helpers::*;

const ACCORD: &str = "1HGCM82633A004352";

async fn get_json(path: &str) -> Value {
    let resp = client().get(path).send().await;
    resp.assert_status_is_ok();
    assert!(
        resp.0
            .headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("application/json"),
        "{path}"
    );
    let v = json(resp).await;
    assert_eq!(
        v["Count"].as_u64().unwrap() as usize,
        v["Results"].as_array().unwrap().len(),
        "{path}: Count matches Results"
    );
    assert!(v["Message"].is_string(), "{path}");
    v
}

#[tokio::test]
async fn decode_vin_values_has_vpics_envelope() {
    let v = get_json(&format!(
        "/api/vehicles/DecodeVinValues/{ACCORD}?format=json"
    ))
    .await;
    assert_eq!(v["Count"], 1);
    assert_eq!(v["SearchCriteria"], format!("VIN:{ACCORD}"));
    assert!(
        v["Message"]
            .as_str()
            .unwrap()
            .starts_with("Results returned successfully")
    );
    let r = &v["Results"][0];
    assert_eq!(r["Make"], "HONDA");
    assert_eq!(r["ModelYear"], "2003");
    assert_eq!(r["ErrorCode"], "0");
    // Every element is present; empty ones are "".
    assert!(r.as_object().unwrap().values().any(|v| v == ""));
}

#[tokio::test]
async fn paths_and_query_keys_are_case_insensitive() {
    let v = get_json(&format!(
        "/api/vehicles/decodevinvalues/{ACCORD}?Format=JSON&ModelYear=2003"
    ))
    .await;
    assert_eq!(v["Results"][0]["Make"], "HONDA");
    let v =
        get_json("/API/Vehicles/GETMODELSFORMAKEYEAR/MAKE/honda/MODELYEAR/2003?format=json").await;
    assert!(
        v["Results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["Model_Name"] == "Accord")
    );
}

#[tokio::test]
async fn decode_vin_lists_variables() {
    for route in ["DecodeVin", "DecodeVinExtended"] {
        let v = get_json(&format!("/api/vehicles/{route}/{ACCORD}?format=json")).await;
        let make = v["Results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["Variable"] == "Make")
            .expect("Make variable");
        assert_eq!(make["Value"], "HONDA");
        assert_eq!(make["VariableId"], 26);
        assert!(make["ValueId"].is_string());
    }
    let v = get_json(&format!(
        "/api/vehicles/DecodeVinValuesExtended/{ACCORD}?format=json"
    ))
    .await;
    assert_eq!(v["Results"][0]["Model"], "Accord");
}

#[tokio::test]
async fn csv_and_default_xml_formats() {
    let resp = client()
        .get(format!("/api/vehicles/DecodeVinValues/{ACCORD}?format=csv"))
        .send()
        .await;
    resp.assert_status_is_ok();
    assert!(
        resp.0
            .headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let body = resp.0.into_body().into_string().await.unwrap();
    let rows: Vec<Vec<String>> = body.lines().map(csv_fields).collect();
    assert_eq!(rows.len(), 2);
    let make = rows[0]
        .iter()
        .position(|h| h == "make")
        .expect("make column");
    assert_eq!(rows[1][make], "HONDA");

    let resp = client()
        .get(format!("/api/vehicles/DecodeVinValues/{ACCORD}"))
        .send()
        .await;
    resp.assert_status_is_ok();
    assert!(
        resp.0
            .headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("application/xml")
    );
    let body = resp.0.into_body().into_string().await.unwrap();
    assert!(body.starts_with("<?xml"));
    assert!(body.contains("<Count>1</Count>"));
    assert!(body.contains("<Make>HONDA</Make>"), "{body}");

    assert_envelope(
        client()
            .get(format!(
                "/api/vehicles/DecodeVinValues/{ACCORD}?format=yaml"
            ))
            .send()
            .await,
        400,
        "invalid_request",
    )
    .await;
}

#[tokio::test]
async fn invalid_characters_give_vpic_error_400_not_an_http_error() {
    let v = get_json("/api/vehicles/DecodeVinValues/1HGCM8263$A004352?format=json").await;
    let codes = v["Results"][0]["ErrorCode"].as_str().unwrap();
    assert!(codes.split(',').any(|c| c == "400"), "{codes}");
}

#[tokio::test]
async fn batch_takes_vpics_form() {
    let resp = client()
        .post("/api/vehicles/DecodeVINValuesBatch/")
        .content_type("application/x-www-form-urlencoded")
        .body(format!("format=json&DATA={ACCORD}%3B5UXWX7C5*BA%2C2011"))
        .send()
        .await;
    resp.assert_status_is_ok();
    let v = json(resp).await;
    assert_eq!(v["Count"], 2);
    assert_eq!(v["Results"][0]["Make"], "HONDA");
    assert_eq!(v["Results"][1]["Make"], "BMW");
    assert_eq!(v["Results"][1]["ModelYear"], "2011");
    // Lower-case field name, as some clients send it.
    let resp = client()
        .post("/api/vehicles/decodevinvaluesbatch")
        .content_type("application/x-www-form-urlencoded")
        .body(format!("data={ACCORD}&format=json"))
        .send()
        .await;
    assert_eq!(json(resp).await["Count"], 1);
}

#[tokio::test]
async fn wmi_routes() {
    let v = get_json("/api/vehicles/DecodeWMI/1HG?format=json").await;
    let r = &v["Results"][0];
    assert!(r["ManufacturerName"].as_str().unwrap().contains("HONDA"));
    assert!(
        r["Make"].as_str().unwrap().to_uppercase().contains("HONDA"),
        "{r}"
    );
    for key in [
        "CommonName",
        "CreatedOn",
        "DateAvailableToPublic",
        "ParentCompanyName",
        "URL",
        "UpdatedOn",
        "VehicleType",
    ] {
        assert!(r.get(key).is_some(), "{key} in {r}");
    }
    let v = get_json("/api/vehicles/GetWMIsForManufacturer/honda?format=json").await;
    let wmis = v["Results"].as_array().unwrap();
    assert!(wmis.iter().any(|w| w["WMI"] == "1HG"), "{v}");
    assert!(
        wmis.iter()
            .all(|w| w["Id"].is_u64() && w["Name"].is_string())
    );
}

#[tokio::test]
async fn make_and_manufacturer_lists() {
    let v = get_json("/api/vehicles/GetAllMakes?format=json").await;
    assert!(v["SearchCriteria"].is_null());
    let honda = v["Results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| is_honda(&m["Make_Name"]))
        .expect("HONDA")
        .clone();
    let honda_id = honda["Make_ID"].as_u64().unwrap();

    let p1 = get_json("/api/vehicles/GetAllManufacturers?format=json").await;
    let p2 = get_json("/api/vehicles/GetAllManufacturers?format=json&page=2").await;
    assert_eq!(p1["Count"], 100);
    assert_ne!(p1["Results"][0]["Mfr_ID"], p2["Results"][0]["Mfr_ID"]);
    assert!(p1["Results"][0]["VehicleTypes"].is_array());

    let wmi = get_json("/api/vehicles/DecodeWMI/1HG?format=json").await;
    let mfr = wmi["Results"][0]["ManufacturerName"]
        .as_str()
        .unwrap()
        .to_owned();
    let v = get_json(&format!(
        "/api/vehicles/GetMakeForManufacturer/{}?format=json",
        urlencode(&mfr)
    ))
    .await;
    assert!(
        v["Results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| is_honda(&m["Make_Name"]) && m["Mfr_Name"].is_string()),
        "{v}"
    );

    let v = get_json("/api/vehicles/GetModelsForMake/honda?format=json").await;
    assert!(
        v["Results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["Model_Name"] == "Accord")
    );
    let v = get_json(&format!(
        "/api/vehicles/GetModelsForMakeId/{honda_id}?format=json"
    ))
    .await;
    assert!(
        v["Results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| is_honda(&m["Make_Name"]))
    );
    let v = get_json(&format!(
        "/api/vehicles/GetModelsForMakeIdYear/makeId/{honda_id}/modelyear/2003?format=json"
    ))
    .await;
    assert!(
        v["Results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["Model_Name"] == "Accord")
    );
    assert_eq!(
        v["SearchCriteria"],
        format!("Make ID:{honda_id} | ModelYear:2003")
    );

    let v = get_json("/api/vehicles/GetVehicleTypesForMake/honda?format=json").await;
    let r = &v["Results"][0];
    for key in ["MakeId", "MakeName", "VehicleTypeId", "VehicleTypeName"] {
        assert!(r.get(key).is_some(), "{key} in {r}");
    }
}

#[tokio::test]
async fn variable_routes() {
    let v = get_json("/api/vehicles/GetVehicleVariableList?format=json").await;
    let body_class = v["Results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["Name"] == "Body Class")
        .expect("Body Class")
        .clone();
    assert_eq!(body_class["DataType"], "lookup");
    let id = body_class["ID"].as_u64().unwrap();
    for key in [
        format!("{id}"),
        "body%20class".to_owned(),
        "BodyClass".to_owned(),
    ] {
        let v = get_json(&format!(
            "/api/vehicles/GetVehicleVariableValuesList/{key}?format=json"
        ))
        .await;
        assert!(v["Count"].as_u64().unwrap() > 0, "{key}");
        assert_eq!(v["Results"][0]["ElementName"], "Body Class");
        assert_eq!(v["SearchCriteria"], "Variable:Body Class");
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
