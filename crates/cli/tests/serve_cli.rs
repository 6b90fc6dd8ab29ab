//! `coexist serve` and `coexist admin token create` as scripts use them: the real binary,
//! configured through `COEXIST_*` variables, with a token created while the server runs.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use common::{Server, coexist, wait_healthy};

const APP_SECRET: &str = "cli-test-app-secret";
const PHONE_NUMBER_ID: &str = "106540352242922";
/// Generous: the machine is shared; these only bound a hung test.
const WAIT: Duration = Duration::from_secs(60);

fn serve(data_dir: &Path) -> Server {
    let mut command = coexist(&["serve"]);
    command
        .env("COEXIST_LISTEN", "127.0.0.1:0")
        .env("COEXIST_DATA_DIR", data_dir)
        .env("COEXIST_APP_SECRET", APP_SECRET)
        .env("COEXIST_VERIFY_TOKEN", "cli-test-verify")
        .env("COEXIST_GRAPH_BASE_URL", "http://127.0.0.1:9")
        .env("COEXIST_ACCESS_TOKEN", "cli-test-access")
        .env("COEXIST_PHONE_NUMBER_ID", PHONE_NUMBER_ID);
    common::serve(command)
}

fn create_token(data_dir: &Path) -> Output {
    let dir = data_dir.to_str().expect("utf-8 path");
    coexist(&[
        "admin",
        "token",
        "create",
        "--data-dir",
        dir,
        "--name",
        "cli-test",
    ])
    .output()
    .expect("coexist admin runs")
}

fn text_webhook() -> Vec<u8> {
    serde_json::to_vec(&json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "102290129340398", "changes": [{ "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": { "display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID },
            "contacts": [{ "profile": { "name": "Script Customer" }, "wa_id": "16505551234" }],
            "messages": [{ "from": "16505551234", "id": "wamid.cli1", "timestamp": "1739230000",
                           "type": "text", "text": { "body": "hello from a script" } }]
        }}]}]
    }))
    .unwrap()
}

fn stop_with_sigterm(server: &mut Server) -> std::process::ExitStatus {
    let pid = server.child.id().to_string();
    let sent = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "coexist serve did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_takes_webhooks_and_a_token_created_while_it_runs_opens_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = serve(dir.path());
    let client = reqwest::Client::new();
    wait_healthy(&client, &server.base).await;
    assert!(
        server.stderr.lock().unwrap().contains("/webhooks/whatsapp"),
        "the webhook URL is printed"
    );

    let created = create_token(dir.path());
    let stdout = String::from_utf8(created.stdout).unwrap();
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "the token alone on stdout: {stdout:?}");
    let token = lines[0].trim();
    assert!(token.starts_with("cxt_"), "{token}");

    let numbers: Value = client
        .get(format!("{}/api/v1/numbers", server.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        numbers["data"][0]["phone_number_id"], PHONE_NUMBER_ID,
        "{numbers}"
    );

    let body = text_webhook();
    let signature = meta::signature::sign(APP_SECRET.as_bytes(), &body);
    let delivered = client
        .post(format!("{}/webhooks/whatsapp", server.base))
        .header("x-hub-signature-256", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(delivered.status(), 200);
    let found: Value = client
        .get(format!("{}/api/v1/messages?q=script", server.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found["data"][0]["text"], "hello from a script", "{found}");

    let status = stop_with_sigterm(&mut server);
    assert!(
        status.success(),
        "{status:?}\n{}",
        server.stderr.lock().unwrap()
    );
}

#[test]
fn serve_refuses_to_start_without_an_app_secret() {
    let dir = tempfile::tempdir().unwrap();
    let output = coexist(&["serve"])
        .env("COEXIST_LISTEN", "127.0.0.1:0")
        .env("COEXIST_DATA_DIR", dir.path())
        .output()
        .expect("coexist serve runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no app secret configured"), "{stderr}");
}

#[test]
fn a_bad_setting_names_the_variable_it_came_from() {
    let output = coexist(&["serve"])
        .env("COEXIST_LISTEN", "nowhere")
        .env("COEXIST_APP_SECRET", APP_SECRET)
        .output()
        .expect("coexist serve runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("COEXIST_LISTEN"), "{stderr}");
}
