//! Every parser fed arbitrary bytes and Unicode: VIN input and batch lines, the batch counters,
//! the text/CSV/NDJSON and JSON batch bodies and vPIC's `DATA` field through the whole HTTP
//! stack, single-VIN paths, Telegram's VIN finder and update parsing, and the snapshot reader.
//! Nothing panics, nothing is a 5xx, no row is lost, and answers stay bounded.

use std::sync::OnceLock;

use proptest::prelude::*;
use vinbot_server::api::{
    batch_count::{BatchRoute, count_vins},
    vin_input,
};

use crate::helpers::client;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime")
    })
}

/// The first 4 KiB of the real snapshot (its header and the start of its tables).
fn snapshot_head() -> &'static [u8] {
    static HEAD: OnceLock<Vec<u8>> = OnceLock::new();
    HEAD.get_or_init(|| {
        use std::io::Read;
        let path = vinbot_testkit::env::data_dir().join("vpic.snapshot");
        let mut head = Vec::new();
        std::fs::File::open(&path)
            .expect("the vPIC snapshot")
            .take(4096)
            .read_to_end(&mut head)
            .expect("read");
        head
    })
}

/// Lines of arbitrary Unicode, some VIN-like, with CR/LF, commas and years mixed in.
fn batch_text() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("1HGCM82633A004352".to_owned()),
        Just("5YJSA1E26HF000001,2017".to_owned()),
        "\\PC{0,40}",
        ".{0,60}",
        "[A-Z0-9*,\r-]{0,30}",
    ];
    proptest::collection::vec(line, 0..40).prop_map(|lines| lines.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn vin_input_never_panics_and_caps(s in "\\PC{0,80}|.{0,200}") {
        let capped = vin_input::capped(&s);
        prop_assert!(capped.len() <= vin_input::MAX_VIN_FIELD);
        prop_assert!(s.starts_with(capped));
        let (vin, _year) = vin_input::parse_line(&s);
        prop_assert!(vin.len() <= vin_input::MAX_VIN_FIELD);
        let _ = vin_input::reject_reason(&s);
        let _ = vinbot_decoder::vin::Vin::parse(capped);
    }

    #[test]
    fn batch_counters_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = count_vins(BatchRoute::V1, "application/json", &bytes);
        let _ = count_vins(BatchRoute::Nhtsa, "application/x-www-form-urlencoded", &bytes);
        let text = count_vins(BatchRoute::V1, "text/plain", &bytes);
        prop_assert_eq!(text, vin_input::lines(&String::from_utf8_lossy(&bytes)).count());
    }

    #[test]
    fn text_batches_answer_every_line(text in batch_text()) {
        let expected = vin_input::lines(&text).count();
        runtime().block_on(async {
            let c = client();
            for accept in ["application/x-ndjson", "text/csv", "application/json"] {
                let resp = c
                    .post("/api/v1/vins/batch")
                    .content_type("text/plain")
                    .header("accept", accept)
                    .body(text.clone())
                    .send()
                    .await;
                let status = resp.0.status().as_u16();
                prop_assert_eq!(status, 200, "{}", accept);
                let out = resp.0.into_body().into_string().await.expect("body");
                let rows = match accept {
                    "application/json" => serde_json::from_str::<serde_json::Value>(&out)
                        .expect("JSON")["count"]
                        .as_u64()
                        .expect("count") as usize,
                    "text/csv" => out.lines().count() - 1,
                    _ => out.lines().count(),
                };
                prop_assert_eq!(rows, expected, "{}", accept);
            }
            Ok(())
        })?;
    }

    #[test]
    fn json_batches_never_fail_the_server(vins in proptest::collection::vec("\\PC{0,40}|.{0,40}", 0..20)) {
        runtime().block_on(async {
            let resp = client()
                .post("/api/v1/vins/batch")
                .body_json(&serde_json::json!({ "vins": vins }))
                .send()
                .await;
            prop_assert_eq!(resp.0.status().as_u16(), 200);
            let body: serde_json::Value = resp.0.into_body().into_json().await.expect("JSON");
            let non_blank = vins.iter().filter(|v| !v.trim().is_empty()).count();
            prop_assert_eq!(body["count"].as_u64(), Some(non_blank as u64));
            Ok(())
        })?;
    }

    #[test]
    fn vpic_batch_data_never_fails_the_server(data in "\\PC{0,120}|[A-Z0-9;,%]{0,120}") {
        runtime().block_on(async {
            let form = format!(
                "format=json&data={}",
                percent_encoding::utf8_percent_encode(&data, percent_encoding::NON_ALPHANUMERIC)
            );
            let resp = client()
                .post("/api/vehicles/DecodeVinValuesBatch")
                .content_type("application/x-www-form-urlencoded")
                .body(form)
                .send()
                .await;
            prop_assert_eq!(resp.0.status().as_u16(), 200);
            let body: serde_json::Value = resp.0.into_body().into_json().await.expect("JSON");
            let entries = data.split(';').filter(|e| !e.trim().is_empty()).count();
            prop_assert_eq!(body["Results"].as_array().map(Vec::len), Some(entries));
            Ok(())
        })?;
    }

    #[test]
    fn any_path_segment_is_never_a_server_error(bytes in proptest::collection::vec(any::<u8>(), 1..40)) {
        let seg = percent_encoding::percent_encode(&bytes, percent_encoding::NON_ALPHANUMERIC).to_string();
        runtime().block_on(async {
            let c = client();
            for path in [
                format!("/api/v1/vins/{seg}"),
                format!("/api/vehicles/DecodeVinValues/{seg}?format=json"),
                format!("/api/vehicles/DecodeVin/{seg}?format=csv"),
                format!("/api/vehicles/DecodeWMI/{seg}?format=json"),
                format!("/api/v1/wmis/{seg}"),
            ] {
                let status = c.get(&path).send().await.0.status().as_u16();
                prop_assert!(status < 500, "{} -> {}", path, status);
            }
            Ok(())
        })?;
    }

    #[test]
    fn telegram_text_and_updates_never_panic(text in "\\PC{0,300}", json in ".{0,200}") {
        for vin in vinbot_server::telegram::vins::find_vins(&text) {
            prop_assert_eq!(vin.chars().count(), 17);
        }
        let _ = serde_json::from_str::<frankenstein::updates::Update>(&json);
        let wrapped = format!(
            r#"{{"update_id":1,"message":{{"message_id":1,"date":0,"chat":{{"id":1,"type":"private"}},"text":{}}}}}"#,
            serde_json::Value::String(text.clone())
        );
        prop_assert!(serde_json::from_str::<frankenstein::updates::Update>(&wrapped).is_ok());
    }

    #[test]
    fn the_snapshot_reader_refuses_damage_without_panicking(
        tail in proptest::collection::vec(any::<u8>(), 0..4096),
        keep in 0usize..4096,
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("vpic.snapshot");
        let mut bytes = snapshot_head()[..keep.min(snapshot_head().len())].to_vec();
        bytes.extend_from_slice(&tail);
        std::fs::write(&path, &bytes).expect("write");
        prop_assert!(vinbot_decoder::Decoder::load_snapshot(&path).is_err());
    }
}
