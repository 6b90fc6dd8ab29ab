//! Loading the fixtures copied from `/work/shared/fixtures/meta` (see `fixtures/SOURCES.md`).

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The fixtures directory.
pub(crate) fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Raw bytes of `fixtures/<rel>`.
pub(crate) fn bytes(rel: &str) -> Vec<u8> {
    let path = dir().join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Every `.json` file under a sub-folder, sorted, as paths relative to the fixtures dir.
pub(crate) fn files(sub: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir().join(sub))
        .expect("fixture folder")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".json"))
        .map(|n| format!("{sub}/{n}"))
        .collect();
    names.sort();
    names
}

/// The named cases of a pywa file, each re-serialized to bytes.
pub(crate) fn pywa_cases(rel: &str) -> Vec<(String, Vec<u8>)> {
    let all: serde_json::Map<String, Value> =
        serde_json::from_slice(&bytes(rel)).expect("pywa file is an object");
    all.into_iter()
        .map(|(name, case)| (name, serde_json::to_vec(&case).expect("serialize case")))
        .collect()
}

/// Every whole-envelope webhook among the fixtures: (label, body).
pub(crate) fn all_webhooks() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for rel in files("meta-docs").into_iter().chain(files("positus")) {
        if rel.contains("history_declined") || rel.contains("request") || rel.contains("response") {
            continue;
        }
        let body = bytes(&rel);
        out.push((rel, body));
    }
    for rel in files("pywa") {
        for (name, body) in pywa_cases(&rel) {
            out.push((format!("{rel}#{name}"), body));
        }
    }
    out
}

/// The standard envelope around a value-only example (Meta's declined-history example).
pub(crate) fn wrap_value(field: &str, value: &[u8]) -> Vec<u8> {
    let value: Value = serde_json::from_slice(value).expect("value is JSON");
    let envelope = serde_json::json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "102290129340398", "changes": [{ "value": value, "field": field }] }]
    });
    serde_json::to_vec(&envelope).expect("serialize envelope")
}
