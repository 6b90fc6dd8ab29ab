//! `coexist sandbox` prints one JSON line first, naming a Graph API that answers.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_first_stdout_line_is_the_start_json_with_the_real_port() {
    let child = Command::new(env!("CARGO_BIN_EXE_coexist"))
        .args([
            "sandbox",
            "--listen",
            "127.0.0.1:0",
            "--mode",
            "explicit",
            "--seed",
            "5",
            "--access-token",
            "cli-token",
            "--app-secret",
            "cli-secret",
            "--webhook-url",
            "http://127.0.0.1:9/unused",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the coexist binary starts");
    let mut child = Killed(child);
    let stdout = child.0.stdout.take().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("a first line");
    let start: serde_json::Value = serde_json::from_str(&line).expect("the first line is JSON");
    let base = start["graph_base_url"].as_str().expect("graph_base_url");
    assert!(
        base.starts_with("http://127.0.0.1:") && base.ends_with("/v23.0"),
        "{base}"
    );
    assert!(!base.contains(":0/"), "the real bound port, not 0: {base}");
    assert!(
        start["waba_id"]
            .as_str()
            .is_some_and(|w| w.bytes().all(|b| b.is_ascii_digit()))
    );
    let numbers = start["numbers"].as_array().expect("numbers");
    let modes: Vec<&str> = numbers
        .iter()
        .map(|n| n["mode"].as_str().unwrap())
        .collect();
    assert_eq!(modes, ["coexistence", "cloud_api"]);
    let pnid = numbers[0]["phone_number_id"].as_str().unwrap();
    assert!(numbers[0]["display_phone_number"].is_string());

    // The Graph API behind that URL answers with the token given on the command line.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (status, body) = runtime.block_on(async {
        let res = reqwest::Client::new()
            .get(format!("{base}/{pnid}?fields=is_on_biz_app,platform_type"))
            .bearer_auth("cli-token")
            .send()
            .await
            .expect("the sandbox answers");
        (
            res.status().as_u16(),
            res.json::<serde_json::Value>().await.unwrap(),
        )
    });
    assert_eq!(status, 200);
    assert_eq!(body["is_on_biz_app"], true);
    assert_eq!(body["platform_type"], "CLOUD_API");
}
