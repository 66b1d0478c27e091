//! The CLI against the real binary, and NHTSA `DecodeVinValues` against `vinbot decode`.

use std::process::Command;

use serde_json::Value;

use crate::helpers::*;

const VINS: &[&str] = &[
    "1HGCM82633A004352",
    "5UXWX7C5*BA,2011",
    "5YJSA3DS*EF",
    "1FTMW1T88MFA00001",
    "WDBUF56X48B123456",
    "NOT-A-VIN!",
];

fn vinbot() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vinbot"));
    cmd.env("VINBOT_DATA_DIR", data_dir())
        .env_remove("RUST_LOG");
    cmd
}

fn decode_cli(args: &[&str]) -> Vec<Value> {
    let out = vinbot()
        .arg("decode")
        .args(args)
        .output()
        .expect("run vinbot");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

#[tokio::test]
async fn nhtsa_decode_vin_values_equals_cli_decode() {
    let cli = decode_cli(VINS);
    assert_eq!(cli.len(), VINS.len());
    for (line, expected) in VINS.iter().zip(&cli) {
        let (vin, year) = line
            .split_once(',')
            .map_or((*line, None), |(v, y)| (v, Some(y)));
        let mut path = format!("/api/vehicles/DecodeVinValues/{vin}?format=json");
        if let Some(y) = year {
            path.push_str(&format!("&modelyear={y}"));
        }
        let resp = client().get(path).send().await;
        resp.assert_status_is_ok();
        let body = json(resp).await;
        assert_eq!(&body["Results"][0], expected, "{line}");
    }
}

#[test]
fn decode_file_keeps_order_and_never_skips_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vins.txt");
    let mut text = String::new();
    for i in 0..10_000 {
        text.push_str(VINS[i % VINS.len()]);
        text.push('\n');
    }
    text.push_str("\n\u{00ff}garbage\n");
    std::fs::write(&path, text).unwrap();
    let out = decode_cli(&["--file", path.to_str().unwrap()]);
    assert_eq!(out.len(), 10_002);
    assert_eq!(out[0]["Make"], "HONDA");
    assert_eq!(out[1]["Make"], "BMW");
    assert_eq!(out[6]["Make"], "HONDA");
    let keys: Vec<&String> = out[0].as_object().unwrap().keys().collect();
    assert!(
        out.iter()
            .all(|o| o.as_object().unwrap().len() == keys.len()),
        "same keys every line"
    );
    assert!(out[10_001]["ErrorCode"].as_str().is_some_and(|c| c != "0"));
}

#[test]
fn decode_reads_stdin() {
    use std::io::Write;
    let mut child = vinbot()
        .args(["decode", "--file", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"1HGCM82633A004352\n5YJSA3DS*EF\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["Make"], "TESLA");
}

#[test]
fn openapi_command_prints_the_spec() {
    let out = vinbot().arg("openapi").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        vinbot_server::api::spec_yaml()
    );
}

fn migrate(database_url: &str) -> std::process::Output {
    vinbot()
        .arg("migrate")
        .env("DATABASE_URL", database_url)
        .output()
        .expect("run vinbot migrate")
}

#[test]
fn migrate_applies_pending_migrations_once_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let url = vinbot_server::db::default_sqlite_url(dir.path());
    let first = migrate(&url);
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(stdout.contains("applied 4 of 4 migrations"), "{stdout}");
    assert!(
        stdout.contains("m20261129_000001_create_decode_events"),
        "{stdout}"
    );
    assert!(dir.path().join("vinbot.db").exists());

    let second = migrate(&url);
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(second.status.success());
    assert!(stdout.contains("is up to date"), "{stdout}");
}

#[test]
fn migrate_fails_clearly_without_leaking_the_password() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = migrate(&format!(
        "postgres://vinbot:hunter2secret@127.0.0.1:{port}/vinbot"
    ));
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("connecting to postgres://vinbot:***@"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2secret"), "{stderr}");
}
