//! `coexist bench ingest|history|reads` with tiny sizes: each runs to the end, verifies its data
//! and prints its JSON summary line. Smoke tests only: they never assert a speed (speed is
//! measured by running the benches in release, see docs/benchmarks.md).

use std::process::{Command, Output};

use serde_json::Value;

fn bench(args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_coexist"));
    command.arg("bench").args(args);
    for (key, _) in std::env::vars() {
        if key.starts_with("COEXIST_") {
            command.env_remove(key);
        }
    }
    command.output().expect("the coexist binary runs")
}

/// The JSON summary line of a successful run.
fn summary(output: &Output, name: &str) -> Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "bench {name} failed:\n{stdout}\n{stderr}"
    );
    let prefix = format!("{{\"bench\":\"{name}\"");
    let line = stdout
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no JSON summary line for {name}:\n{stdout}"));
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))
}

#[test]
fn bench_ingest_runs_verifies_and_prints_its_summary() {
    let output = bench(&[
        "ingest",
        "--messages",
        "2000",
        "--warmup",
        "100",
        "--connections",
        "8",
        "--runs",
        "1",
    ]);
    let json = summary(&output, "ingest");
    assert_eq!(json["runs"], 1);
    assert_eq!(json["messages"], 2000);
    assert_eq!(json["verified"], true);
    for side in ["hub", "baseline"] {
        assert!(
            json[side]["messages_per_s"]
                .as_f64()
                .is_some_and(|r| r > 0.0),
            "{json}"
        );
        assert!(json[side]["latency"]["p99_ms"].is_number(), "{json}");
    }
    assert!(json["ratio_hub_to_baseline"].is_number(), "{json}");
    assert_eq!(json["per_run"][0]["hub"]["errors"], 0, "{json}");
    // The hub's writer thread is found by its name and did the writing.
    assert!(
        json["hub"]["writer_core_share"]
            .as_f64()
            .is_some_and(|w| w > 0.0),
        "{json}"
    );
    assert_eq!(
        json["per_run"][0]["baseline"]["cpu"]["writer_core"], 0.0,
        "the bare server has no writer: {json}"
    );
    assert_writer_bound(&json["hub"]);
}

/// The writer's CPU per message is reported, and the rate it bounds is one core's second over
/// it.
fn assert_writer_bound(json: &Value) {
    let us = json["writer_us_per_message"].as_f64().unwrap_or_default();
    assert!(us > 0.0, "{json}");
    let bound = json["writer_bound_messages_per_s"]
        .as_f64()
        .unwrap_or_default();
    assert!((bound * us - 1e6).abs() < 1.0, "{json}");
}

/// With Meta's batching: several messages per webhook, every one verified stored once.
#[test]
fn bench_ingest_with_batched_webhooks_verifies_every_message() {
    let output = bench(&[
        "ingest",
        "--messages",
        "1003",
        "--per-webhook",
        "10",
        "--warmup",
        "50",
        "--connections",
        "4",
        "--runs",
        "1",
    ]);
    let json = summary(&output, "ingest");
    assert_eq!(json["per_webhook"], 10);
    assert_eq!(json["messages"], 1003);
    assert_eq!(json["verified"], true);
    assert_eq!(json["per_run"][0]["hub"]["errors"], 0, "{json}");
}

#[test]
fn bench_history_keeps_its_data_for_bench_reads() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let output = bench(&[
        "history",
        "--messages",
        "3000",
        "--runs",
        "1",
        "--keep-data-dir",
        data,
    ]);
    let json = summary(&output, "history");
    assert_eq!(json["messages"], 3000);
    assert_eq!(json["verified"], true);
    assert!(
        json["peak_rss_mib"].as_f64().is_some_and(|m| m > 0.0),
        "{json}"
    );
    assert!(json["seconds"].as_f64().is_some_and(|s| s > 0.0), "{json}");
    assert!(
        json["writer_core_share"].as_f64().is_some_and(|w| w > 0.0),
        "{json}"
    );
    assert_writer_bound(&json);

    let output = bench(&[
        "reads",
        "--data-dir",
        data,
        "--runs",
        "1",
        "--requests",
        "20",
    ]);
    let json = summary(&output, "reads");
    assert_eq!(
        json["messages"], 3000,
        "the history run's messages were reused"
    );
    for kind in ["chats_page", "messages_page", "search"] {
        assert!(
            json[kind]["p99_ms"].as_f64().is_some_and(|ms| ms > 0.0),
            "{json}"
        );
    }
}

#[test]
fn bench_reads_builds_its_own_data_when_given_none() {
    let output = bench(&[
        "reads",
        "--messages",
        "2000",
        "--runs",
        "1",
        "--requests",
        "20",
    ]);
    let json = summary(&output, "reads");
    assert_eq!(json["messages"], 2000);
}

#[test]
fn bench_history_refuses_a_data_directory_that_already_holds_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    std::fs::write(dir.path().join("coexist.sqlite3"), b"").unwrap();
    let output = bench(&[
        "history",
        "--messages",
        "1000",
        "--runs",
        "1",
        "--keep-data-dir",
        data,
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("already holds a database"), "{stderr}");
}
