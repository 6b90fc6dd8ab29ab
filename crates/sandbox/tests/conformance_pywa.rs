//! Third-party conformance: pywa sends a text and a template through the sandbox and parses
//! the sandbox's webhooks with signature validation on (`tests/pywa/conformance.py`).
//!
//! Needs a Python with pywa: `COEXIST_PYWA_PYTHON` (default `python3`). Without it the test
//! prints why and passes, unless `COEXIST_REQUIRE_PYWA=1`, in which case it fails.

mod common;

use std::time::Duration;

use common::{SECRET, TOKEN, coex};
use sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;

fn python() -> String {
    std::env::var("COEXIST_PYWA_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

fn required() -> bool {
    std::env::var("COEXIST_REQUIRE_PYWA").is_ok_and(|v| v == "1")
}

/// `None` when pywa can be imported; otherwise why not.
async fn pywa_missing(python: &str) -> Option<String> {
    let out = tokio::process::Command::new(python)
        .args(["-c", "import pywa, httpx; print(pywa.__version__)"])
        .output()
        .await;
    match out {
        Err(e) => Some(format!("cannot run {python}: {e}")),
        Ok(o) if !o.status.success() => Some(format!(
            "{python} cannot import pywa: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Ok(_) => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pywa_sends_through_the_sandbox_and_accepts_its_signed_webhooks() {
    let python = python();
    if let Some(why) = pywa_missing(&python).await {
        assert!(!required(), "COEXIST_REQUIRE_PYWA=1 but {why}");
        println!(
            "skipping pywa conformance: {why} (set COEXIST_PYWA_PYTHON to a Python with pywa)"
        );
        return;
    }
    let sb = Sandbox::start(SandboxConfig::explicit(None, SECRET, TOKEN))
        .await
        .unwrap();
    let script = format!("{}/tests/pywa/conformance.py", env!("CARGO_MANIFEST_DIR"));
    let version = sb
        .graph_base_url()
        .rsplit("/v")
        .next()
        .unwrap_or("23.0")
        .to_owned();
    let run = tokio::process::Command::new(&python)
        .arg(&script)
        .env("SANDBOX_BASE_URL", sb.base_url())
        .env("SANDBOX_GRAPH_VERSION", version)
        .env("SANDBOX_TOKEN", TOKEN)
        .env("SANDBOX_SECRET", SECRET)
        .env("SANDBOX_PHONE_ID", coex(&sb))
        .env("SANDBOX_WABA_ID", sb.waba_id())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("the pywa script finishes within two minutes")
        .expect("the pywa script runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "pywa conformance failed:\n{stderr}\n{stdout}"
    );
    let summary: Value =
        serde_json::from_str(stdout.lines().last().unwrap_or("")).expect("a JSON summary");
    assert_eq!(summary["inbound_text"], "Hi from a customer");
    assert_eq!(
        summary["rejected_by_pywa"], 0,
        "pywa accepted every signature"
    );
    assert_eq!(summary["echo_text"], "Typed on the phone");
    let statuses: Vec<(String, String)> = summary["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s[0].as_str().unwrap().to_owned(),
                s[1].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for id in [&summary["sent_id"], &summary["template_id"]] {
        let names: Vec<&str> = statuses
            .iter()
            .filter(|(w, _)| w == id.as_str().unwrap())
            .map(|(_, s)| s.as_str())
            .collect();
        assert_eq!(
            names,
            ["sent", "delivered", "read"],
            "statuses of {id} as pywa parsed them"
        );
    }
    assert_eq!(summary["trackers"], serde_json::json!(["conformance-1"]));
    // What the sandbox recorded matches what pywa sent.
    let sent = sb.sent().await;
    let requests: Vec<&Value> = sent["sent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["request"])
        .collect();
    assert_eq!(requests[0]["text"]["body"], "Hello from pywa");
    assert_eq!(requests[1]["template"]["name"], "order_update");
}
