//! vPIC's catalog routes by vehicle type and by manufacturer and year, on the real vPIC data: known
//! manufacturers, makes and models give known answers, in vPIC's envelope, fields and order.

use serde_json::Value;

use crate::helpers::*;

/// AMERICAN HONDA MOTOR CO., INC.
const AMERICAN_HONDA: u64 = 988;
/// Make ids of HONDA and ACURA.
const HONDA: u64 = 474;
const ACURA: u64 = 475;
/// Make ids of makes with only motorcycle WMIs, and of one with only passenger-car WMIs.
const HARLEY_DAVIDSON: u64 = 3888;
const DUCATI: u64 = 568;
const BUGATTI: u64 = 454;
/// Tesla, its passenger-car models (WMI 5YJ) and its truck models (WMI 7G2: Semi from 2023, Cybertruck
/// from 2024).
const TESLA: u64 = 441;
const TESLA_CARS: [u64; 5] = [1685, 2071, 10199, 17834, 27027];
const SEMI: u64 = 30834;
const CYBERTRUCK: u64 = 33135;

async fn get_json(path: &str) -> Value {
    let resp = client().get(path).send().await;
    resp.assert_status_is_ok();
    let v = json(resp).await;
    assert_eq!(
        v["Count"].as_u64().unwrap() as usize,
        v["Results"].as_array().unwrap().len(),
        "{path}: Count matches Results"
    );
    v
}

fn results(v: &Value) -> &Vec<Value> {
    v["Results"].as_array().expect("Results")
}

fn ids(v: &Value, key: &str) -> Vec<u64> {
    results(v)
        .iter()
        .map(|r| r[key].as_u64().expect(key))
        .collect()
}

fn is_sorted(v: &[u64]) -> bool {
    v.windows(2).all(|w| w[0] <= w[1])
}

#[tokio::test]
async fn makes_for_manufacturer_and_year_gives_the_makes_of_its_linked_wmis() {
    let v = get_json(&format!(
        "/api/vehicles/GetMakesForManufacturerAndYear/{AMERICAN_HONDA}?year=2003&format=json"
    ))
    .await;
    assert_eq!(v["Message"], "Response returned successfully");
    assert_eq!(
        v["SearchCriteria"],
        format!("Manufacturer : {AMERICAN_HONDA}, Year: 2003")
    );
    assert_eq!(ids(&v, "MakeId"), [HONDA, ACURA], "{v}");
    for r in results(&v) {
        assert_eq!(r["MfrId"], AMERICAN_HONDA);
        assert_eq!(r["MfrName"], "AMERICAN HONDA MOTOR CO., INC.");
        let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["MakeId", "MakeName", "MfrId", "MfrName"]);
    }
    // vPIC answers HONDA and ACURA for this manufacturer in 2021 too.
    let v = get_json(&format!(
        "/api/vehicles/GetMakesForManufacturerAndYear/{AMERICAN_HONDA}?year=2021&format=json"
    ))
    .await;
    assert_eq!(ids(&v, "MakeId"), [HONDA, ACURA], "{v}");
    // By (part of) the name, as vPIC.
    let v = get_json(
        "/api/vehicles/GetMakesForManufacturerAndYear/american%20honda?year=2003&format=json",
    )
    .await;
    assert!(ids(&v, "MakeId").contains(&HONDA), "{v}");
    // No WMI-schema link covers 1950.
    let v = get_json(&format!(
        "/api/vehicles/GetMakesForManufacturerAndYear/{AMERICAN_HONDA}?year=1950&format=json"
    ))
    .await;
    assert_eq!(v["Count"], 0);
}

#[tokio::test]
async fn makes_for_manufacturer_and_year_needs_a_numeric_year() {
    for query in ["format=json", "year=&format=json", "year=abc&format=json"] {
        assert_envelope(
            client()
                .get(format!(
                    "/api/vehicles/GetMakesForManufacturerAndYear/{AMERICAN_HONDA}?{query}"
                ))
                .send()
                .await,
            400,
            "invalid_request",
        )
        .await;
    }
}

#[tokio::test]
async fn makes_for_vehicle_type_matches_part_of_the_type_name() {
    let v = get_json("/api/vehicles/GetMakesForVehicleType/moto?format=json").await;
    assert_eq!(v["SearchCriteria"], "Vehicle Type: moto");
    assert_eq!(v["Message"], "Response returned successfully");
    let makes = ids(&v, "MakeId");
    assert!(makes.contains(&HARLEY_DAVIDSON) && makes.contains(&DUCATI));
    assert!(!makes.contains(&BUGATTI), "a passenger-car-only make");
    assert!(is_sorted(&makes), "by make id, as vPIC");
    for r in results(&v) {
        assert_eq!(r["VehicleTypeId"], 1, "{r}");
        assert_eq!(r["VehicleTypeName"], "Motorcycle");
        assert!(r["MakeName"].is_string());
    }
    let v = get_json("/api/vehicles/GetMakesForVehicleType/Car?format=json").await;
    assert_eq!(v["SearchCriteria"], "Vehicle Type: Car");
    let makes = ids(&v, "MakeId");
    assert!(makes.contains(&BUGATTI) && makes.contains(&HONDA));
    assert!(!makes.contains(&HARLEY_DAVIDSON));
    assert!(
        results(&v)
            .iter()
            .all(|r| r["VehicleTypeName"] == "Passenger Car")
    );
    let v = get_json("/api/vehicles/GetMakesForVehicleType/no-such-type?format=json").await;
    assert_eq!(v["Count"], 0);
}

#[tokio::test]
async fn vehicle_types_for_make_id_lists_the_types_of_its_wmis() {
    let v = get_json(&format!(
        "/api/vehicles/GetVehicleTypesForMakeId/{HONDA}?format=json"
    ))
    .await;
    assert_eq!(v["SearchCriteria"], format!("Make ID: {HONDA}"));
    let types = ids(&v, "VehicleTypeId");
    // vPIC answers the same five types for Honda: Motorcycle, Passenger Car, Truck, MPV, LSV.
    assert_eq!(types, [1, 2, 3, 7, 9]);
    let car = results(&v)
        .iter()
        .find(|r| r["VehicleTypeId"] == 2)
        .expect("Passenger Car");
    assert_eq!(car["VehicleTypeName"], "Passenger Car");
    assert!(types.contains(&1), "Honda makes motorcycles too: {types:?}");
    let v = get_json(&format!(
        "/api/vehicles/GetVehicleTypesForMakeId/{HARLEY_DAVIDSON}?format=json"
    ))
    .await;
    assert_eq!(ids(&v, "VehicleTypeId"), [1]);
    assert_envelope(
        client()
            .get("/api/vehicles/GetVehicleTypesForMakeId/honda?format=json")
            .send()
            .await,
        400,
        "invalid_request",
    )
    .await;
}

#[tokio::test]
async fn model_routes_filter_by_vehicle_type() {
    let v = get_json(&format!(
        "/api/vehicles/GetModelsForMakeIdYear/makeId/{TESLA}/vehicletype/truck?format=json"
    ))
    .await;
    assert_eq!(ids(&v, "Model_ID"), [SEMI, CYBERTRUCK], "{v}");
    assert_eq!(v["Message"], "Results returned successfully");
    assert_eq!(
        v["SearchCriteria"],
        format!("Make ID:{TESLA} | VehicleType:truck")
    );
    for r in results(&v) {
        assert_eq!(r["Make_ID"], TESLA);
        assert_eq!(r["VehicleTypeId"], 3);
        assert_eq!(r["VehicleTypeName"], "Truck");
    }
    let v = get_json(&format!(
        "/api/vehicles/GetModelsForMakeIdYear/makeId/{TESLA}/vehicletype/car?format=json"
    ))
    .await;
    assert_eq!(
        ids(&v, "Model_ID"),
        TESLA_CARS,
        "vPIC's answer, by model id"
    );
    // vPIC's answer for 2021: the Roadster's schemas ended in 2012.
    let v = get_json(&format!(
        "/api/vehicles/GetModelsForMakeIdYear/makeId/{TESLA}/modelyear/2021/vehicletype/Car?format=json"
    ))
    .await;
    assert_eq!(ids(&v, "Model_ID"), [1685, 10199, 17834, 27027]);

    // With a model year: the Cybertruck's schemas start in 2024.
    let v = get_json(&format!(
        "/api/vehicles/GetModelsForMakeIdYear/makeId/{TESLA}/modelyear/2023/vehicletype/Truck?format=json"
    ))
    .await;
    assert_eq!(ids(&v, "Model_ID"), [SEMI]);
    assert_eq!(
        v["SearchCriteria"],
        format!("Make ID:{TESLA} | ModelYear:2023 | VehicleType:truck")
    );
}

#[tokio::test]
async fn make_name_model_routes_filter_by_vehicle_type() {
    let v =
        get_json("/api/vehicles/GetModelsForMakeYear/make/TESLA/vehicletype/Car?format=json").await;
    assert_eq!(v["SearchCriteria"], "Make:TESLA | VehicleType:Car");
    let models = ids(&v, "Model_ID");
    assert!(TESLA_CARS.iter().all(|m| models.contains(m)), "{v}");
    assert!(!models.contains(&SEMI));
    let keys: Vec<&String> = results(&v)[0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "Make_ID",
            "Make_Name",
            "Model_ID",
            "Model_Name",
            "VehicleTypeId",
            "VehicleTypeName"
        ]
    );

    let v = get_json(
        "/api/vehicles/GetModelsForMakeYear/make/TESLA/modelyear/2020/vehicletype/Car?format=json",
    )
    .await;
    // vPIC lower-cases what the caller gave when a model year is part of the query.
    assert_eq!(
        v["SearchCriteria"],
        "Make:tesla | ModelYear:2020 | VehicleType:car"
    );
    let models = ids(&v, "Model_ID");
    assert!(models.contains(&17834) && models.contains(&27027), "{v}");
    // The Roadster's schemas end in 2012; the trucks are not cars.
    assert!(!models.contains(&2071) && !models.contains(&SEMI));
}

#[tokio::test]
async fn new_routes_answer_csv_and_default_xml() {
    let path = format!("/api/vehicles/GetMakesForManufacturerAndYear/{AMERICAN_HONDA}?year=2003");
    let resp = client().get(format!("{path}&format=csv")).send().await;
    resp.assert_status_is_ok();
    let body = resp.0.into_body().into_string().await.unwrap();
    let rows: Vec<Vec<String>> = body.lines().map(csv_fields).collect();
    assert_eq!(rows[0], ["makeid", "makename", "mfrid", "mfrname"]);
    assert_eq!(rows.len(), 3, "{body}");
    assert_eq!(rows[1][0], HONDA.to_string());

    let resp = client().get(&path).send().await;
    resp.assert_status_is_ok();
    let body = resp.0.into_body().into_string().await.unwrap();
    assert!(body.starts_with("<?xml"), "{body}");
    assert!(body.contains("<Count>2</Count>"), "{body}");
    assert!(
        body.contains(&format!("<MakeId>{ACURA}</MakeId>")),
        "{body}"
    );

    let resp = client()
        .get(format!(
            "/api/vehicles/GetVehicleTypesForMakeId/{HONDA}?format=xml"
        ))
        .send()
        .await;
    let body = resp.0.into_body().into_string().await.unwrap();
    assert!(
        body.contains("<VehicleTypeName>Passenger Car</VehicleTypeName>"),
        "{body}"
    );
    assert_envelope(
        client()
            .get("/api/vehicles/GetMakesForVehicleType/moto?format=yaml")
            .send()
            .await,
        400,
        "invalid_request",
    )
    .await;
}

#[tokio::test]
async fn new_routes_match_paths_and_query_keys_case_insensitively() {
    let v = get_json(&format!(
        "/API/vehicles/getmakesformanufacturerandyear/{AMERICAN_HONDA}/?YEAR=2003&Format=JSON"
    ))
    .await;
    assert_eq!(ids(&v, "MakeId"), [HONDA, ACURA]);
    let v = get_json("/api/vehicles/GETMAKESFORVEHICLETYPE/Moto?format=json").await;
    assert!(ids(&v, "MakeId").contains(&HARLEY_DAVIDSON));
    // The operation's own name is matched exactly, not as the prefix of GetVehicleTypesForMake.
    let v = get_json(&format!(
        "/api/vehicles/getvehicletypesformakeid/{HONDA}?format=json"
    ))
    .await;
    assert_eq!(v["SearchCriteria"], format!("Make ID: {HONDA}"));
    let v = get_json(&format!(
        "/api/vehicles/GetModelsForMakeIdYear/MAKEID/{TESLA}/ModelYear/2023/VehicleType/truck?format=json"
    ))
    .await;
    assert_eq!(ids(&v, "Model_ID"), [SEMI]);
    let v = get_json("/api/vehicles/getmodelsformakeyear/Make/tesla/VEHICLETYPE/truck?format=json")
        .await;
    assert_eq!(ids(&v, "Model_ID"), [SEMI, CYBERTRUCK]);
}
