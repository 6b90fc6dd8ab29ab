//! `coexist demo`: the hub and the sandbox wired together in one process, a coexistence number
//! onboarded with its contacts and history imported, live traffic flowing, and a printed login
//! and token that work.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

struct Demo {
    child: Child,
    lines: Vec<String>,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Demo {
    fn value(&self, label: &str) -> String {
        let line = self
            .lines
            .iter()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no {label:?} in {:#?}", self.lines));
        line.trim_start()[label.len()..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned()
    }
}

fn start(data_dir: &std::path::Path) -> Demo {
    let mut child = Command::new(env!("CARGO_BIN_EXE_coexist"))
        .args([
            "demo",
            "--listen",
            "127.0.0.1:0",
            "--event-interval",
            "1",
            "--data-dir",
        ])
        .arg(data_dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("coexist demo starts");
    let mut lines = Vec::new();
    let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in out.by_ref() {
        let line = line.unwrap();
        let done = line.trim_start().starts_with("Data");
        lines.push(line);
        if done {
            break;
        }
    }
    Demo { child, lines }
}

async fn get(client: &reqwest::Client, url: &str, token: &str) -> Value {
    client
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_demo_imports_history_and_receives_live_traffic() {
    let dir = tempfile::tempdir().unwrap();
    let demo = start(&dir.path().join("demo"));
    let (hub, token) = (demo.value("Web inbox"), demo.value("Admin token"));
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(90);
    let (mut history_done, mut live_customer) = (false, false);
    while Instant::now() < deadline && !(history_done && live_customer) {
        let numbers = get(&client, &format!("{hub}api/v1/numbers"), &token).await;
        let coexistence = numbers["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["mode"] == "coexistence")
            .unwrap()
            .clone();
        history_done = coexistence["health"]["history"]["state"] == "complete";
        let chats = get(
            &client,
            &format!("{hub}api/v1/chats?status=open&limit=50"),
            &token,
        )
        .await;
        live_customer = chats["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["unread_count"].as_i64().unwrap_or(0) > 0);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(history_done, "the history import completes");
    assert!(live_customer, "simulated customers write live");
    let search = get(&client, &format!("{hub}api/v1/messages?wamid=none"), &token).await;
    assert!(search["data"].is_array());
}

#[tokio::test]
async fn the_printed_login_signs_in() {
    let dir = tempfile::tempdir().unwrap();
    let demo = start(&dir.path().join("demo"));
    let hub = demo.value("Web inbox");
    let line = demo
        .lines
        .iter()
        .find(|l| l.trim_start().starts_with("Sign in"))
        .unwrap();
    let parts: Vec<&str> = line.split_whitespace().collect();
    let (email, password) = (parts[2], parts[4]);
    let answer = reqwest::Client::new()
        .post(format!("{hub}auth/login"))
        .header("origin", hub.trim_end_matches('/'))
        .json(&serde_json::json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200, "{:?}", answer.text().await);
}

#[test]
fn a_directory_the_demo_did_not_create_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("precious.txt"), "keep me").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_coexist"))
        .args(["demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("was not created by the demo"));
    assert!(dir.path().join("precious.txt").exists());
}
