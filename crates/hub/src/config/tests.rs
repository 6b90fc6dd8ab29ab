use std::collections::BTreeMap;
use std::path::PathBuf;

use coexist_core::number::NumberMode;

use super::{Config, ConfigError, ConfigLayer, Layer, Secret};

fn env(pairs: &[(&str, &str)]) -> Layer {
    let map: BTreeMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Layer::env(move |k| map.get(k).cloned())
}

fn file(text: &str) -> (tempfile::TempDir, Layer) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("coexist.toml");
    std::fs::write(&path, text).unwrap();
    let layer = Layer::file(&path).unwrap();
    (dir, layer)
}

#[test]
fn defaults_apply_when_nothing_is_set() {
    let config = Config::resolve(&[]).unwrap();
    assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(config.data_dir, PathBuf::from("./coexist-data"));
    assert_eq!(
        config.database_path(),
        PathBuf::from("./coexist-data/coexist.sqlite3")
    );
    assert_eq!(config.graph_base_url, "https://graph.facebook.com");
    assert!(config.app_secret.is_none());
    assert_eq!(config.org_name, "default");
}

#[test]
fn flags_beat_env_which_beats_the_file() {
    let (_dir, file) = file(
        "listen = \"127.0.0.1:1000\"\ndata_dir = \"/from/file\"\norg_name = \"file-org\"\napp_secret = \"file-secret\"\n",
    );
    let env = env(&[
        ("COEXIST_LISTEN", "127.0.0.1:2000"),
        ("COEXIST_DATA_DIR", "/from/env"),
    ]);
    let flags = Layer::flags(ConfigLayer {
        listen: Some("127.0.0.1:3000".to_owned()),
        ..ConfigLayer::default()
    });
    let config = Config::resolve(&[flags, env, file]).unwrap();
    assert_eq!(config.listen.port(), 3000);
    assert_eq!(config.data_dir, PathBuf::from("/from/env"));
    assert_eq!(config.org_name, "file-org");
    assert_eq!(config.app_secret, Some(Secret::new("file-secret")));
}

#[test]
fn every_documented_variable_is_read() {
    let env = env(&[
        ("COEXIST_LISTEN", "0.0.0.0:9000"),
        ("COEXIST_DATA_DIR", "/data"),
        ("COEXIST_APP_SECRET", "s1"),
        ("COEXIST_APP_SECRET_PREVIOUS", "s0"),
        ("COEXIST_VERIFY_TOKEN", "v"),
        ("COEXIST_GRAPH_BASE_URL", "http://127.0.0.1:4000/"),
        ("COEXIST_ACCESS_TOKEN", "t"),
        ("COEXIST_ORG_NAME", "acme"),
        ("COEXIST_PHONE_NUMBER_ID", "106540352242922"),
        ("COEXIST_DISPLAY_PHONE_NUMBER", "15550783881"),
        ("COEXIST_NUMBER_MODE", "cloud_api"),
    ]);
    let config = Config::resolve(&[env]).unwrap();
    assert_eq!(config.listen.to_string(), "0.0.0.0:9000");
    assert_eq!(config.app_secret_previous, Some(Secret::new("s0")));
    assert_eq!(config.verify_token, Some(Secret::new("v")));
    assert_eq!(config.access_token, Some(Secret::new("t")));
    assert_eq!(config.graph_base_url, "http://127.0.0.1:4000");
    assert_eq!(config.org_name, "acme");
    assert_eq!(config.numbers.len(), 1);
    assert_eq!(config.numbers[0].phone_number_id, "106540352242922");
    assert_eq!(config.numbers[0].mode, NumberMode::CloudApi);
}

#[test]
fn secrets_are_redacted_in_debug_output() {
    let env = env(&[
        ("COEXIST_APP_SECRET", "hunter2-app"),
        ("COEXIST_VERIFY_TOKEN", "hunter2-verify"),
        ("COEXIST_ACCESS_TOKEN", "hunter2-access"),
    ]);
    let config = Config::resolve(&[env]).unwrap();
    let shown = format!("{config:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("redacted"), "{shown}");
}

#[test]
fn an_empty_secret_counts_as_unset() {
    let config = Config::resolve(&[env(&[("COEXIST_APP_SECRET", "")])]).unwrap();
    assert!(config.app_secret.is_none());
}

#[test]
fn a_bad_value_names_the_variable_it_came_from() {
    let err = Config::resolve(&[env(&[("COEXIST_LISTEN", "not-an-address")])]).unwrap_err();
    assert!(err.to_string().starts_with("COEXIST_LISTEN:"), "{err}");
    let flags = Layer::flags(ConfigLayer {
        graph_base_url: Some("ftp://example.com".to_owned()),
        ..ConfigLayer::default()
    });
    let err = Config::resolve(&[flags]).unwrap_err();
    assert!(err.to_string().starts_with("--graph-base-url:"), "{err}");
}

#[test]
fn a_number_mode_must_be_known() {
    let err = Config::resolve(&[env(&[
        ("COEXIST_PHONE_NUMBER_ID", "1"),
        ("COEXIST_NUMBER_MODE", "fax"),
    ])])
    .unwrap_err();
    assert!(err.to_string().contains("COEXIST_NUMBER_MODE"), "{err}");
}

#[test]
fn number_details_without_a_phone_number_id_are_refused() {
    let err = Config::resolve(&[env(&[("COEXIST_WABA_ID", "1")])]).unwrap_err();
    assert!(matches!(err, ConfigError::Invalid { .. }), "{err}");
}

#[test]
fn the_file_lists_numbers_and_the_env_number_replaces_the_same_id() {
    let (_dir, file) = file(
        r#"
[[numbers]]
phone_number_id = "111"
display_phone_number = "15550000001"

[[numbers]]
phone_number_id = "222"
mode = "cloud_api"
onboarded_at = "2025-02-12T00:00:00Z"
"#,
    );
    let env = env(&[
        ("COEXIST_PHONE_NUMBER_ID", "111"),
        ("COEXIST_WABA_ID", "999"),
    ]);
    let config = Config::resolve(&[env, file]).unwrap();
    let ids: Vec<&str> = config
        .numbers
        .iter()
        .map(|n| n.phone_number_id.as_str())
        .collect();
    assert_eq!(ids, ["222", "111"]);
    assert_eq!(config.numbers[1].waba_id.as_deref(), Some("999"));
    assert_eq!(config.numbers[0].mode, NumberMode::CloudApi);
    assert!(config.numbers[0].onboarded_at.is_some());
}

#[test]
fn unknown_file_keys_are_refused_with_their_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("coexist.toml");
    std::fs::write(&path, "listen = \"127.0.0.1:1\"\napp_secert = \"x\"\n").unwrap();
    let err = Layer::file(&path).unwrap_err().to_string();
    assert!(err.contains("app_secert"), "{err}");
    assert!(err.contains("line 2"), "{err}");
}
