//! The steps of NHTSA's procedure after the patterns (vehicle specs, default values, VIN exceptions, the
//! data's error codes) and the snapshot's determinism, on a small vPIC-layout SQLite the tests write.

use vinbot_decoder::fixture;

use vinbot_decoder::{DecodeOptions, Decoded, Decoder, Source};

fn decoder_of(dir: &std::path::Path) -> Decoder {
    Decoder::from_sqlite(&dir.join(vinbot_decoder::SQLITE_FILE))
        .expect("fixture loads")
        .with_clock(2026, 20_786)
}

fn fixture(steps: bool) -> (tempfile::TempDir, Decoder) {
    let dir = tempfile::tempdir().expect("temp dir");
    fixture::write(dir.path(), steps);
    let d = decoder_of(dir.path());
    (dir, d)
}

fn decode<'d>(d: &'d Decoder, vin: &str) -> Decoded<'d> {
    d.decode_with(vin, DecodeOptions::default())
}

/// (value, source) of an element code.
fn value<'d>(d: &'d Decoded<'_>, code: &str) -> Option<(&'d str, Source)> {
    d.values
        .iter()
        .find(|v| v.code == code)
        .map(|v| (&*v.value, v.source))
}

#[test]
fn vehicle_specs_fill_what_the_vin_does_not_give() {
    let (_dir, d) = fixture(true);
    let coupe = decode(&d, &fixture::vin("A12B4", "123456"));
    assert_eq!(coupe.error_codes, vec![0], "{coupe:?}");
    assert_eq!(value(&coupe, "BodyClass"), Some(("Coupe", Source::Pattern)));
    assert_eq!(
        value(&coupe, "DriveType"),
        Some(("RWD", Source::VehicleSpec))
    );
    assert_eq!(
        value(&coupe, "ABS"),
        Some(("Standard", Source::VehicleSpec))
    );
    // The schema awaiting QC gives nothing.
    assert_eq!(value(&coupe, "Trim"), None);
}

#[test]
fn vehicle_specs_of_a_year_apply_to_that_year_only_and_the_newest_row_wins() {
    let (_dir, d) = fixture(true);
    // Position 10 `L` = 2020: the 2020 schema's two patterns match; the newer row (FWD) wins.
    let y2020 = decode(&d, &fixture::vin("B12B4", "123456"));
    assert_eq!(y2020.model_year, Some(2020));
    assert_eq!(
        value(&y2020, "DriveType"),
        Some(("FWD", Source::VehicleSpec))
    );
    // `M` = 2021: no vehicle spec; the vehicle type's default applies.
    let v2021 = fixture::vin("B12B4", "123456").replacen("0LA", "0MA", 1);
    let mut b = v2021.into_bytes();
    b[8] = b'0';
    let v2021 = String::from_utf8(b).expect("ascii");
    let cd = vinbot_decoder::vin::check_digit(&v2021, vinbot_decoder::vin::CheckDigitRule::Classic)
        .expect("complete VIN");
    let v2021 = format!("{}{cd}{}", &v2021[..8], &v2021[9..]);
    let y2021 = decode(&d, &v2021);
    assert_eq!(y2021.model_year, Some(2021), "{y2021:?}");
    assert_eq!(
        value(&y2021, "DriveType"),
        Some(("Not Applicable", Source::Default))
    );
}

#[test]
fn defaults_fill_the_rest_by_vehicle_type_and_lookup_ids_become_names() {
    let (_dir, d) = fixture(true);
    let coupe = decode(&d, &fixture::vin("A12B4", "123456"));
    // A lookup element's default 0 reads "Not Applicable"; any other default is looked up.
    assert_eq!(
        value(&coupe, "BedType"),
        Some(("Not Applicable", Source::Default))
    );
    assert_eq!(
        value(&coupe, "GVWR"),
        Some(("Class 1: 6,000 lb (2,722 kg) or less", Source::Default))
    );
    let flat: std::collections::BTreeMap<&str, &str> = d.flat_values(&coupe).into_iter().collect();
    assert_eq!(flat.get("BedType"), Some(&"Not Applicable"));
}

#[test]
fn without_the_step_tables_nothing_is_added() {
    let (_dir, d) = fixture(false);
    let coupe = decode(&d, &fixture::vin("A12B4", "123456"));
    assert_eq!(value(&coupe, "BodyClass"), Some(("Coupe", Source::Pattern)));
    for code in ["DriveType", "ABS", "BedType", "GVWR"] {
        assert_eq!(value(&coupe, code), None, "{code}");
    }
    assert!(
        coupe
            .values
            .iter()
            .all(|v| !matches!(v.source, Source::Default | Source::VehicleSpec))
    );
}

fn wrong_check_digit(vin: &str) -> String {
    let wrong = if vin.as_bytes()[8] == b'1' { '2' } else { '1' };
    format!("{}{wrong}{}", &vin[..8], &vin[9..])
}

#[test]
fn a_vin_exception_excuses_the_check_digit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = fixture::write(dir.path(), true);
    let excused = wrong_check_digit(&fixture::vin("A12B4", "000001"));
    let other = wrong_check_digit(&fixture::vin("A12B4", "000002"));
    rusqlite::Connection::open(&path)
        .and_then(|c| {
            c.execute(
                "INSERT INTO VinException VALUES (1, ?1, 1, NULL, NULL)",
                [&excused],
            )
        })
        .expect("exception row");
    let d = decoder_of(dir.path());
    let plain = decode(&d, &other);
    assert_eq!(plain.error_codes, vec![1], "{plain:?}");
    let ok = decode(&d, &excused);
    assert_eq!(ok.error_codes, vec![0], "{ok:?}");
    assert!(
        ok.error_text.contains("Check Digit Exception"),
        "{}",
        ok.error_text
    );
}

#[test]
fn error_texts_come_from_the_data_when_it_has_them() {
    let (_dir, full) = fixture(true);
    let (_dir2, lite) = fixture(false);
    let vin = "1ZZA12B40LA123456";
    let full_text = decode(&full, vin).error_text;
    assert!(
        full_text.ends_with("; 7 - Manufacturer is not registered"),
        "{full_text}"
    );
    let lite_text = decode(&lite, vin).error_text;
    assert!(
        lite_text.contains("; 7 - Manufacturer is not registered with NHTSA"),
        "{lite_text}"
    );
}

#[test]
fn the_snapshot_is_the_same_bytes_every_time_it_is_built() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = fixture::write(dir.path(), true);
    // Enough WMIs and lookup rows that hash-map order would show.
    let mut conn = rusqlite::Connection::open(&path).expect("fixture opens");
    let conn = conn.transaction().expect("transaction");
    for i in 0..300 {
        conn.execute(
            "INSERT INTO Wmi VALUES (?1, ?2, 1, 1, 2, NULL, NULL, '2000-01-01', '2000-01-01')",
            rusqlite::params![100 + i, format!("9{i:02}")],
        )
        .expect("wmi row");
        conn.execute(
            "INSERT INTO DriveType VALUES (?1, ?2)",
            rusqlite::params![100 + i, format!("Drive {i}")],
        )
        .expect("lookup row");
    }
    conn.commit().expect("commit");
    let build = |name: &str| {
        let d = Decoder::from_sqlite(&path).expect("builds");
        let out = dir.path().join(name);
        d.write_snapshot(&out).expect("writes");
        (
            std::fs::read(&out).expect("reads"),
            d.identity().digest.clone(),
        )
    };
    let (a, digest_a) = build("a.snapshot");
    let (b, digest_b) = build("b.snapshot");
    assert_eq!(digest_a, digest_b);
    assert!(a == b, "two builds of the same data differ");
    let loaded = Decoder::load_snapshot(&dir.path().join("a.snapshot")).expect("loads");
    assert_eq!(loaded.identity().digest, digest_a);
}
