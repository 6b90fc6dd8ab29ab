//! What the CLI tests share: the `coexist` binary with a clean environment, and a running
//! `coexist serve` found by the address it prints.

// Each test binary includes this module and uses its own part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_coexist");
/// Generous: the machine is shared; this only bounds a hung start.
const START_WAIT: Duration = Duration::from_secs(90);

/// A `coexist` command with no `COEXIST_*` variable inherited from the test's environment.
pub(crate) fn coexist(args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command.args(args);
    for (key, _) in std::env::vars() {
        if key.starts_with("COEXIST_") {
            command.env_remove(key);
        }
    }
    command
}

/// A running `coexist serve`; killed on drop if still running.
pub(crate) struct Server {
    pub(crate) child: Child,
    /// `http://<the address it listens on>`.
    pub(crate) base: String,
    /// Everything it printed on stderr so far.
    pub(crate) stderr: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copies every stderr line into a buffer (so the pipe never fills) and to a channel.
fn follow_stderr(child: &mut Child) -> (Arc<Mutex<String>>, Receiver<String>) {
    let stderr = child.stderr.take().expect("stderr piped");
    let buffer = Arc::new(Mutex::new(String::new()));
    let (tx, rx) = channel();
    let copy = buffer.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            copy.lock().unwrap().push_str(&format!("{line}\n"));
            let _ = tx.send(line);
        }
    });
    (buffer, rx)
}

/// Starts `serve` (a `coexist serve` command, configured by the caller) with `RUST_LOG=info`
/// and returns once it has printed the address it listens on.
pub(crate) fn serve(mut serve: Command) -> Server {
    let child = serve
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("coexist serve starts");
    // Owned by the guard from here on, so a failing test still reaps the process.
    let mut server = Server {
        child,
        base: String::new(),
        stderr: Arc::default(),
    };
    let (stderr, lines) = follow_stderr(&mut server.child);
    server.stderr = stderr;
    let deadline = Instant::now() + START_WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = lines.recv_timeout(left).unwrap_or_else(|_| {
            panic!(
                "no listen address printed:\n{}",
                server.stderr.lock().unwrap()
            )
        });
        if let Some(rest) = line.split("listening on ").nth(1) {
            server.base = rest.trim().to_owned();
            return server;
        }
    }
}

/// Waits (generously) until `GET {base}/healthz` answers 200.
pub(crate) async fn wait_healthy(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + START_WAIT;
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
