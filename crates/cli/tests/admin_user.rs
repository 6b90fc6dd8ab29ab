//! `coexist admin user create` as an operator uses it: the password on stdin (or a flag), the
//! user id alone on stdout, and a user created while `coexist serve` runs signs in at once.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

use serde_json::{Value, json};

use common::{Server, coexist, wait_healthy};

/// `coexist admin user create` in `data_dir`, with `stdin` piped in.
fn create_user(data_dir: &Path, extra: &[&str], stdin: &str) -> Output {
    let dir = data_dir.to_str().expect("utf-8 path");
    let mut args = vec!["admin", "user", "create", "--data-dir", dir];
    args.extend_from_slice(extra);
    let mut child = coexist(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("coexist admin runs");
    // A command refused before it reads stdin (a bad flag) may have exited already: the pipe
    // is then closed, which is not this test's failure.
    let written = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes());
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        panic!("write stdin: {e}");
    }
    child.wait_with_output().expect("coexist admin ends")
}

fn serve(data_dir: &Path) -> Server {
    let mut command = coexist(&["serve"]);
    command
        .env("COEXIST_LISTEN", "127.0.0.1:0")
        .env("COEXIST_DATA_DIR", data_dir)
        .env("COEXIST_APP_SECRET", "cli-user-test-secret")
        .env("COEXIST_GRAPH_BASE_URL", "http://127.0.0.1:9");
    common::serve(command)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_created_while_serve_runs_signs_in_with_the_password_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path());
    let client = reqwest::Client::new();
    wait_healthy(&client, &server.base).await;
    let args = [
        "--email",
        "Ana@Example.com",
        "--name",
        "Ana Lima",
        "--role",
        "admin",
    ];
    let created = create_user(dir.path(), &args, "s3cret passw0rd\n");
    let stderr = String::from_utf8_lossy(&created.stderr);
    assert!(created.status.success(), "{stderr}");
    let stdout = String::from_utf8(created.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "the id alone on stdout: {stdout:?}");
    let id = lines[0].trim();
    assert!(id.parse::<u64>().is_ok(), "{id}");
    let login = client
        .post(format!("{}/auth/login", server.base))
        .json(&json!({ "email": "ana@example.com", "password": "s3cret passw0rd" }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let body: Value = login.json().await.unwrap();
    assert_eq!(body["user"]["id"], id);
    assert_eq!(body["user"]["role"], "admin");
    assert_eq!(body["user"]["name"], "Ana Lima");
}

#[test]
fn the_password_may_come_as_a_flag() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--email",
        "bruno@example.com",
        "--name",
        "Bruno",
        "--role",
        "agent",
        "--password",
        "another passw0rd",
    ];
    let created = create_user(dir.path(), &args, "");
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
}

#[test]
fn bad_input_is_refused_with_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let user = |email: &str, role: &str, stdin: &str| {
        let args = ["--email", email, "--name", "Carla", "--role", role];
        let output = create_user(dir.path(), &args, stdin);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        (output.status.code(), output.stdout.is_empty(), stderr)
    };
    let (code, _, stderr) = user("carla@example.com", "owner", "long enough pw\n");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("admin or agent"), "{stderr}");
    let (code, quiet, stderr) = user("carla@example.com", "agent", "short\n");
    assert_eq!((code, quiet), (Some(1), true), "{stderr}");
    assert!(
        stderr.contains("password: must be at least 8 characters"),
        "{stderr}"
    );
    let (code, _, stderr) = user("carla@example.com", "agent", "");
    assert_eq!(code, Some(1));
    assert!(stderr.contains("no password"), "{stderr}");
    let (code, _, stderr) = user("not-an-email", "agent", "long enough pw\n");
    assert_eq!(code, Some(1));
    assert!(stderr.contains("email"), "{stderr}");
    assert_eq!(
        user("carla@example.com", "agent", "long enough pw\n").0,
        Some(0)
    );
    let (code, _, stderr) = user("CARLA@example.com", "agent", "long enough pw\n");
    assert_eq!(code, Some(1));
    assert!(stderr.contains("already used"), "{stderr}");
}
