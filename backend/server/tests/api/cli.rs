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
    text.push_str("\u{00ff}garbage\n");
    std::fs::write(&path, text).unwrap();
    let out = decode_cli(&["--file", path.to_str().unwrap()]);
    assert_eq!(out.len(), 10_001);
    assert_eq!(out[0]["Make"], "HONDA");
    assert_eq!(out[1]["Make"], "BMW");
    assert_eq!(out[6]["Make"], "HONDA");
    let keys: Vec<&String> = out[0].as_object().unwrap().keys().collect();
    assert!(
        out.iter()
            .all(|o| o.as_object().unwrap().len() == keys.len()),
        "same keys every line"
    );
    assert!(out[10_000]["ErrorCode"].as_str().is_some_and(|c| c != "0"));
}

#[test]
fn decode_file_skips_blank_lines_and_keeps_every_other_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vins.txt");
    // Blank lines of every kind (empty, spaces, a tab, CRLF) between five non-blank ones, two of
    // which are not VINs; no trailing newline after the last.
    let text = "\n1HGCM82633A004352\r\n   \n\t\n\r\n,2011\n\n5YJSA3DS*EF\n  NOT-A-VIN!  \n\n\n5UXWX7C5*BA,2011";
    std::fs::write(&path, text).unwrap();
    let out = decode_cli(&["--file", path.to_str().unwrap()]);
    let makes: Vec<&str> = out.iter().map(|o| o["Make"].as_str().unwrap()).collect();
    assert_eq!(makes, ["HONDA", "", "TESLA", "", "BMW"], "{out:?}");
    assert_ne!(
        out[1]["ErrorCode"], "0",
        "a non-blank non-VIN line still yields its object"
    );
    assert_ne!(out[3]["ErrorCode"], "0");
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
    assert!(stdout.contains("applied 7 of 7 migrations"), "{stdout}");
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

/// `vinbot` with HOME set to `home` and none of the variables that would override it.
fn vinbot_at_home(home: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vinbot"));
    for key in [
        "VINBOT_DATA_DIR",
        "XDG_DATA_HOME",
        "XDG_CACHE_HOME",
        "DATABASE_URL",
        "RUST_LOG",
    ] {
        cmd.env_remove(key);
    }
    cmd.env("HOME", home);
    cmd
}

#[test]
fn an_old_database_in_the_cache_directory_moves_to_the_data_directory_with_its_keys() {
    let home = tempfile::tempdir().unwrap();
    let old = home.path().join(".cache/vinbot/vinbot.db");
    let new = home.path().join(".local/share/vinbot/vinbot.db");
    // An older vinbot kept the database (and its API keys) next to the vPIC data in the cache.
    let created = vinbot_at_home(home.path())
        .args(["apikey", "create", "--name", "kept across the move"])
        .env(
            "DATABASE_URL",
            vinbot_server::db::default_sqlite_url(old.parent().unwrap()),
        )
        .output()
        .unwrap();
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(old.exists() && !new.exists());

    let listed = vinbot_at_home(home.path())
        .args(["apikey", "list"])
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&listed.stdout),
        String::from_utf8_lossy(&listed.stderr),
    );
    assert!(listed.status.success(), "{stderr}");
    assert!(stdout.contains("kept across the move"), "{stdout}");
    assert!(stderr.contains("moved the history database"), "{stderr}");
    assert!(stderr.contains(&new.display().to_string()), "{stderr}");
    assert!(new.exists() && !old.exists(), "moved, not copied");

    // Later runs use the new file and say nothing; a stray old file is named, never used.
    std::fs::write(&old, b"not a database").unwrap();
    let again = vinbot_at_home(home.path())
        .args(["apikey", "list"])
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&again.stdout),
        String::from_utf8_lossy(&again.stderr),
    );
    assert!(again.status.success(), "{stderr}");
    assert!(stdout.contains("kept across the move"), "{stdout}");
    assert!(stderr.contains("is not used"), "{stderr}");
    assert_eq!(std::fs::read(&old).unwrap(), b"not a database");
}

#[test]
fn a_user_error_is_a_message_not_a_backtrace() {
    let out = vinbot()
        .arg("decode")
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim(),
        "error: give VINs as arguments, or --file PATH (- for stdin)"
    );
}

#[test]
fn a_taken_metrics_port_is_named_in_the_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let db = tempfile::tempdir().unwrap();
    let out = vinbot()
        .arg("serve")
        .env("PORT", "0")
        .env("METRICS_PORT", port.to_string())
        .env(
            "DATABASE_URL",
            vinbot_server::db::default_sqlite_url(db.path()),
        )
        .env("RUST_BACKTRACE", "1")
        .env_remove("APP_ENV")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("METRICS_PORT"), "{stderr}");
    assert!(stderr.contains(&format!("127.0.0.1:{port}")), "{stderr}");
    assert!(!stderr.contains("backtrace"), "{stderr}");
}

#[test]
fn serve_help_lists_every_variable_of_the_readme() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let section = readme
        .split("## Configuration")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("README has a Configuration section");
    let variables: Vec<&str> = section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .flat_map(|l| l.split('|').nth(1).unwrap_or_default().split('`'))
        .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
        .collect();
    assert!(variables.len() >= 20, "{variables:?}");
    let out = vinbot().args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for v in variables {
        assert!(
            help.contains(v),
            "`vinbot serve --help` does not list {v}:\n{help}"
        );
    }
}
