//! Auto mode: generated traffic on a clock that follows real time, and API sends whose statuses
//! follow with latency, without any test driving the clock.

mod common;

use std::time::Duration;

use common::{Receiver, SECRET, TOKEN, cloud, send_template};
use sandbox::{Sandbox, SandboxConfig};

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_mode_generates_varied_traffic_and_progresses_statuses_on_its_own() {
    let rx = Receiver::start().await;
    let mut cfg = SandboxConfig::auto(Some(rx.url.clone()), SECRET, TOKEN);
    cfg.time_scale = 300.0;
    cfg.auto_mean_interval_ms = 3_000;
    let sb = Sandbox::start(cfg).await.unwrap();
    let (status, body) =
        send_template(&sb, &cloud(&sb), "16505551234", "hello_world", "en_US", &[]).await;
    assert_eq!(status, 200, "{body}");
    let wamid = common::wamid_of(&body);
    wait_until("delivered", || {
        rx.status_names(&wamid).iter().any(|s| s == "delivered")
    })
    .await;
    wait_until("varied traffic", || {
        let changes = rx.changes();
        let types: Vec<String> = changes
            .iter()
            .filter(|(f, _)| f == "messages")
            .filter_map(|(_, v)| v["messages"][0]["type"].as_str().map(str::to_owned))
            .collect();
        let echoes = changes.iter().any(|(f, _)| f == "smb_message_echoes");
        types.iter().any(|t| t == "text") && types.iter().any(|t| t != "text") && echoes
    })
    .await;
    assert!(rx.all().iter().all(|r| r.signature_ok));
    let texts: Vec<String> = rx
        .values("messages")
        .iter()
        .filter_map(|v| v["messages"][0]["text"]["body"].as_str().map(str::to_owned))
        .collect();
    assert!(
        texts.iter().any(|t| !t.is_ascii()),
        "several languages and emoji: {texts:?}"
    );
    sb.shutdown().await;
}
