//! `coexist admin user create` as an operator uses it: the password on stdin (or a flag), the
//! user id alone on stdout, and a user created while `coexist serve` runs signs in at once.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_coexist");
/// Generous: the machine is shared; these only bound a hung test.
const WAIT: Duration = Duration::from_secs(60);

/// A `coexist` command with no `COEXIST_*` variable inherited from the test's environment.
fn coexist(args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command.args(args);
    for (key, _) in std::env::vars() {
        if key.starts_with("COEXIST_") {
            command.env_remove(key);
        }
    }
    command
}

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
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("coexist admin ends")
}

/// A running `coexist serve`; killed on drop.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(data_dir: &Path) -> Server {
    let child = coexist(&["serve"])
        .env("COEXIST_LISTEN", "127.0.0.1:0")
        .env("COEXIST_DATA_DIR", data_dir)
        .env("COEXIST_APP_SECRET", "cli-user-test-secret")
        .env("COEXIST_GRAPH_BASE_URL", "http://127.0.0.1:9")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("coexist serve starts");
    // Owned by the guard from here on, so a failing test still reaps the process.
    let mut server = Server {
        child,
        base: String::new(),
    };
    let stderr = server.child.stderr.take().expect("stderr piped");
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx.recv_timeout(left).expect("a listen address is printed");
        if let Some(rest) = line.split("listening on ").nth(1) {
            server.base = rest.trim().to_owned();
            return server;
        }
    }
}

async fn wait_healthy(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await
            && r.status() == 200
        {
            return;
        }
        assert!(Instant::now() < deadline, "/healthz never answered 200");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
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
