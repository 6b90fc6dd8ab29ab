//! The servers under test run as child processes of the bench (this same binary), so their CPU
//! time and peak memory are theirs alone and the load generator cannot hide in them. Linux
//! `/proc` gives both.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail};

use super::payloads::{APP_SECRET, DISPLAY_NUMBER, PHONE_NUMBER_ID, WABA_ID};

/// How long a server may take to print its address (generous: the machine is shared).
const START_TIMEOUT: Duration = Duration::from_secs(120);
/// The line prefix both servers print their address after.
const LISTENING: &str = "listening on http://";

/// A server child process, killed on drop.
pub(crate) struct Server {
    child: Child,
    /// Where it listens.
    pub(crate) addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Its process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `http://ADDR{path}`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Kills it with SIGKILL (no graceful shutdown: what was acknowledged must be on disk
    /// anyway) and waits for it.
    pub(crate) fn kill(mut self) -> anyhow::Result<()> {
        self.child.kill().context("killing the server")?;
        self.child.wait().context("waiting for the server")?;
        Ok(())
    }

    /// What it wrote on stderr so far (for error messages).
    pub(crate) fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

/// `coexist serve` on `data_dir`, port 0, durable SQLite as in production (WAL,
/// `synchronous=FULL`), one coexistence number registered, production's default log level.
pub(crate) fn start_hub(data_dir: &Path) -> anyhow::Result<Server> {
    let mut command = Command::new(exe()?);
    command.arg("serve");
    for (key, _) in std::env::vars() {
        if key.starts_with("COEXIST_") {
            command.env_remove(key);
        }
    }
    command
        .env("COEXIST_LISTEN", "127.0.0.1:0")
        .env("COEXIST_DATA_DIR", data_dir)
        .env("COEXIST_APP_SECRET", APP_SECRET)
        .env("COEXIST_VERIFY_TOKEN", "bench-verify")
        .env("COEXIST_GRAPH_BASE_URL", "http://127.0.0.1:9")
        .env("COEXIST_ACCESS_TOKEN", "bench-access")
        .env("COEXIST_PHONE_NUMBER_ID", PHONE_NUMBER_ID)
        .env("COEXIST_DISPLAY_PHONE_NUMBER", DISPLAY_NUMBER)
        .env("COEXIST_WABA_ID", WABA_ID)
        .env_remove("RUST_LOG");
    spawn(command, "coexist serve")
}

/// The baseline: a bare HTTP server that reads the body and answers 200.
pub(crate) fn start_baseline() -> anyhow::Result<Server> {
    let mut command = Command::new(exe()?);
    command.args(["bench", "baseline-server", "--listen", "127.0.0.1:0"]);
    spawn(command, "the baseline server")
}

/// This binary, which the servers run as. A rebuild during a long bench replaces the file (the
/// kernel then names it "... (deleted)"): say so instead of failing obscurely.
fn exe() -> anyhow::Result<std::path::PathBuf> {
    let exe = std::env::current_exe().context("finding the coexist binary")?;
    if !exe.exists() {
        bail!(
            "the coexist binary {} was replaced or removed while the bench ran (a rebuild?); \
             copy the binary elsewhere and run the copy",
            exe.display()
        );
    }
    Ok(exe)
}

fn spawn(mut command: Command, what: &str) -> anyhow::Result<Server> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {what}"))?;
    let (stderr, lines) = follow_stderr(&mut child);
    // From here on the server is killed on drop, whatever goes wrong.
    let mut server = Server {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        stderr,
    };
    loop {
        // Disconnected (the child exited) or timed out: either way no address is coming.
        let Ok(line) = lines.recv_timeout(START_TIMEOUT) else {
            bail!("{what} printed no address: {}", server.stderr());
        };
        if let Some(rest) = line.split(LISTENING).nth(1) {
            let addr = rest.trim().trim_end_matches('/');
            server.addr = addr
                .parse()
                .with_context(|| format!("{what} printed {line:?}"))?;
            return Ok(server);
        }
    }
}

/// Copies every stderr line into a buffer (so the pipe never fills) and to a channel.
fn follow_stderr(child: &mut Child) -> (Arc<Mutex<String>>, Receiver<String>) {
    let stderr = child.stderr.take().expect("stderr is piped");
    let buffer = Arc::new(Mutex::new(String::new()));
    let (tx, rx) = channel();
    let copy = buffer.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Ok(mut b) = copy.lock() {
                b.push_str(&line);
                b.push('\n');
            }
            let _ = tx.send(line);
        }
    });
    (buffer, rx)
}

/// Clock ticks per second of `/proc/*/stat` times (USER_HZ, 100 on every mainstream Linux).
const TICKS_PER_S: f64 = 100.0;

/// CPU seconds (user + system) a process has used: `pid` or `"self"`.
pub(crate) fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: count fields after it.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / TICKS_PER_S)
}

/// CPU seconds (user + system) the thread of process `pid` named `name` has used; `None` if it
/// has no such thread (the baseline server has no writer).
pub(crate) fn thread_cpu_seconds(pid: &str, name: &str) -> Option<f64> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    tasks.flatten().find_map(|task| {
        let tid = task.file_name().into_string().ok()?;
        let comm = std::fs::read_to_string(task.path().join("comm")).ok()?;
        (comm.trim_end() == name).then(|| cpu_seconds(&format!("{pid}/task/{tid}")))?
    })
}

/// Busy and total CPU seconds of the whole machine (all cores), from `/proc/stat`.
pub(crate) fn machine_cpu() -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().next()?;
    let values: Vec<f64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    let total: f64 = values.iter().take(8).sum();
    let idle = values.get(3)? + values.get(4).copied().unwrap_or(0.0);
    Some(((total - idle) / TICKS_PER_S, total / TICKS_PER_S))
}

/// A `/proc/{pid}/status` value in MiB (`VmHWM` = peak resident memory, `VmRSS` = now).
pub(crate) fn memory_mib(pid: &str, key: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Cores the machine has.
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// CPU use of the server, the generator and everything else over a measured window.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub(crate) struct CpuShare {
    /// Share of the machine's total CPU (all cores) the server used.
    pub(crate) server: f64,
    /// The load generator (this process).
    pub(crate) generator: f64,
    /// Every other process on the machine (the machine is shared).
    pub(crate) others: f64,
    /// CPU seconds (user + system, all its threads) the server used in the window: divided by
    /// the work done, the cost per message, which contention on a shared machine barely moves.
    pub(crate) server_seconds: f64,
    /// Share of ONE core the hub's database writer thread ([`store::WRITER_THREAD`]) used in
    /// the window: every write goes through it one group at a time, so near 100% it is the
    /// limit, and well below it the requests are waiting for something else. 0 for the
    /// baseline, which has no writer.
    pub(crate) writer_core: f64,
    /// CPU seconds the writer thread used in the window.
    pub(crate) writer_seconds: f64,
}

impl CpuShare {
    /// The writer thread's CPU time per message, in microseconds, when `messages` were written
    /// in the window (0 without a writer).
    pub(crate) fn writer_us_per(&self, messages: f64) -> f64 {
        self.writer_seconds * 1e6 / messages.max(1.0)
    }
}

/// The most messages a second the one writer thread could take, were it never waiting for
/// work, a lock, the disk or a CPU: one core's second over its CPU time per message. It does
/// not depend on how fast the machine is relative to the target, only on the work per message,
/// so it compares builds across machines where absolute rates cannot; `None` without a writer.
pub(crate) fn writer_bound(writer_us_per_message: f64) -> Option<f64> {
    (writer_us_per_message > 0.0).then(|| 1e6 / writer_us_per_message)
}

/// Samples CPU counters at the start of a window.
pub(crate) struct CpuMeter {
    server_pid: String,
    server: f64,
    writer: f64,
    me: f64,
    busy: f64,
    total: f64,
}

impl CpuMeter {
    pub(crate) fn start(server_pid: u32) -> CpuMeter {
        let server_pid = server_pid.to_string();
        let (busy, total) = machine_cpu().unwrap_or_default();
        CpuMeter {
            server: cpu_seconds(&server_pid).unwrap_or_default(),
            writer: thread_cpu_seconds(&server_pid, store::WRITER_THREAD).unwrap_or_default(),
            me: cpu_seconds("self").unwrap_or_default(),
            server_pid,
            busy,
            total,
        }
    }

    /// The shares since [`CpuMeter::start`].
    pub(crate) fn stop(&self) -> CpuShare {
        let (busy, total) = machine_cpu().unwrap_or_default();
        let total = (total - self.total).max(f64::MIN_POSITIVE);
        let server = cpu_seconds(&self.server_pid).unwrap_or_default() - self.server;
        let me = cpu_seconds("self").unwrap_or_default() - self.me;
        let busy = busy - self.busy;
        let writer = thread_cpu_seconds(&self.server_pid, store::WRITER_THREAD)
            .map_or(0.0, |now| now - self.writer);
        // The window's wall time, from the machine's CPU seconds (all cores count).
        let wall = total / cores() as f64;
        CpuShare {
            server: server / total,
            generator: me / total,
            others: ((busy - server - me) / total).max(0.0),
            server_seconds: server,
            writer_core: writer / wall,
            writer_seconds: writer,
        }
    }
}
