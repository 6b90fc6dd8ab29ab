//! `coexist webhook inspect`: one JSON line per event, signature checking, and exit code 2 with
//! the position on bad JSON.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn fixture(path: &str) -> Vec<u8> {
    let full = format!(
        "{}/../meta/tests/fixtures/{path}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn inspect(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_coexist"))
        .args(["webhook", "inspect"])
        .args(args)
        .env_remove("COEXIST_APP_SECRET")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the coexist binary runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn a_history_chunk_prints_one_line_per_message_and_the_chunk() {
    let out = inspect(&["-"], &fixture("meta-docs/history_threads_example.json"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = lines(&out);
    assert_eq!(events.len(), 5);
    assert_eq!(events[0]["kind"], "message");
    assert_eq!(events[0]["origin"], "history");
    assert_eq!(events[0]["direction"], "outbound");
    assert_eq!(events[0]["status"], "read");
    assert_eq!(events[1]["type"], "media_placeholder");
    assert_eq!(events[4]["kind"], "history_chunk");
    assert_eq!(events[4]["progress"], 55);
}

#[test]
fn a_file_argument_is_read_and_statuses_show_pricing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("status.json");
    std::fs::write(&path, fixture("meta-docs/status_delivered_example.json")).unwrap();
    let out = inspect(&[path.to_str().unwrap()], b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = lines(&out);
    assert_eq!(events[0]["kind"], "status");
    assert_eq!(events[0]["status"], "delivered");
    assert!(
        events[0]["pricing"]["category"].is_string(),
        "{}",
        events[0]
    );
}

#[test]
fn the_signature_is_checked_when_asked() {
    let body = fixture("meta-docs/smb_app_state_sync_example.json");
    let good = meta::signature::sign(b"s3cret", &body);
    let ok = inspect(&["--app-secret", "s3cret", "--signature", &good], &body);
    assert!(ok.status.success());
    assert!(String::from_utf8_lossy(&ok.stderr).contains("signature: valid"));
    assert_eq!(lines(&ok)[0]["kind"], "contact_sync");

    let bad = inspect(&["--app-secret", "other", "--signature", &good], &body);
    assert_eq!(bad.status.code(), Some(3));
    assert!(
        bad.stdout.is_empty(),
        "nothing is printed for an unverified body"
    );
}

#[test]
fn bad_json_exits_2_with_the_position() {
    let out = inspect(
        &["-"],
        b"{\"object\": \"whatsapp_business_account\",\n \"entry\": [ }",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("line 2 column"), "{err}");
}
