//! The single writer: one thread owns the write connection and applies jobs sent over a channel.
//!
//! **Group commit.** SQLite allows one writer at a time and, with `synchronous=FULL`, each commit
//! costs an fsync. Committing each webhook on its own would cap ingest at the disk's fsync rate,
//! so the writer drains every job already waiting (up to [`SqliteOptions::group_max_jobs`]) and
//! applies them in one transaction. Nobody is answered before the single `COMMIT` returns, so
//! "answered OK" still means "durable".
//!
//! **A failing job fails alone.** The group first runs optimistically, with no savepoints (a
//! savepoint copies every page a job touches into a sub-journal: about a tenth of the cost of a
//! small webhook). If any job fails, the transaction is rolled back and the group runs again
//! with one `SAVEPOINT` per job: the failing job is rolled back to its savepoint and answered
//! with its error while the others commit. Jobs are therefore closures that can run twice.
//!
//! **Checkpoints mostly off the writer.** A checkpoint copies committed pages from the WAL into
//! the database file; SQLite's automatic one runs inside the COMMIT that crosses its threshold,
//! on the writer thread every webhook waits for (an eighth of its CPU, and the slowest commits).
//! A second connection on a thread of its own ([`checkpoints`]) runs passive checkpoints after
//! every few groups, concurrently with the writer. The writer's automatic checkpoint stays, with
//! a higher threshold, only to let the WAL start over: it then has little left to copy.
//!
//! **Heavy groups are synced off the writer.** A group of at least [`DEFERRED_SYNC_BYTES`] of
//! webhook bodies (history chunks: hundreds of KB each, thousands of messages) commits without
//! waiting for the disk (`synchronous=NORMAL` for that one COMMIT), and a sync thread
//! ([`syncs`]) `fdatasync`s the WAL and only then answers its callers, while the writer already
//! applies the next chunk. "Answered OK" still means "durable": the WAL is append-only, so one
//! `fdatasync` after the COMMIT covers all of its frames, and a crash before it loses only
//! groups nobody was told were stored (SQLite's WAL recovery drops a transaction whose frames
//! are incomplete). Live groups (a few KB per webhook) keep the inline `synchronous=FULL`
//! commit: for them the same pipelining measured 5–10% slower (docs/benchmarks.md).
//!
//! [`SqliteOptions::group_max_jobs`]: super::SqliteOptions::group_max_jobs

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;

use coexist_core::ids::Position;
use coexist_core::store::StoreError;
use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use super::error::{DbError, DbResult};

/// The writer thread's name, as `/proc/<pid>/task/*/comm`, `top -H` and `perf` show it (Linux
/// keeps 15 bytes of a thread's name). `coexist bench` reads this thread's CPU time: it is the
/// one serial step of every write.
pub const WRITER_THREAD: &str = "coexist-writer";

/// The checkpoint thread's name (see [`checkpoints`]).
pub const CHECKPOINT_THREAD: &str = "coexist-ckpoint";

/// The sync thread's name (see [`syncs`]).
pub const SYNC_THREAD: &str = "coexist-sync";

/// Groups holding at least this many bytes of webhook bodies are synced by the sync thread
/// rather than inside their COMMIT (see the module docs). A history chunk is 0.3–3 MB; a group
/// of 64 live webhooks is ~40 KB.
pub(crate) const DEFERRED_SYNC_BYTES: usize = 256 * 1024;

/// One unit of work for the writer.
pub(crate) trait WriteJob: Send {
    /// Does the work, keeping its result; may be called again after a rollback.
    fn run(&mut self, conn: &Connection) -> Result<(), StoreError>;
    /// Answers the caller once the group's transaction is settled: `Ok(head)` if it committed.
    fn finish(self: Box<Self>, committed: Result<Position, StoreError>);
    /// Bytes this job holds (webhook bodies), to bound a group's memory.
    fn weight(&self) -> usize;
}

/// What a job sends back: its answer, and the closure itself, so that what it owns (a webhook
/// batch: the body and its parsed changes) is freed by the caller's thread. Freed on the writer
/// thread, memory allocated by the async workers went back through the allocator's shared
/// arenas on the one thread every webhook waits for.
type Reply<T, F> = (Result<T, StoreError>, F);

/// A job built from a closure, answering through a oneshot.
struct Job<T, F> {
    work: F,
    result: Option<Result<T, StoreError>>,
    reply: oneshot::Sender<Reply<T, F>>,
    on_commit: fn(&mut T, Position),
    weight: usize,
}

impl<T, F> WriteJob for Job<T, F>
where
    T: Send,
    F: FnMut(&Connection) -> DbResult<T> + Send,
{
    fn run(&mut self, conn: &Connection) -> Result<(), StoreError> {
        let work = &mut self.work;
        let result = match catch_unwind(AssertUnwindSafe(|| work(conn))) {
            Ok(r) => r.map_err(StoreError::from),
            // A bug in one job must not take the writer (and every other caller) down.
            Err(_) => Err(StoreError::Unavailable("write job panicked".to_owned())),
        };
        let outcome = match &result {
            Ok(_) => Ok(()),
            Err(e) => Err(copy_error(e)),
        };
        self.result = Some(result);
        outcome
    }

    fn finish(self: Box<Self>, committed: Result<Position, StoreError>) {
        let Job {
            work,
            result,
            reply,
            on_commit,
            ..
        } = *self;
        let answer = match (result, committed) {
            (Some(Ok(mut value)), Ok(head)) => {
                on_commit(&mut value, head);
                Ok(value)
            }
            (Some(Ok(_)) | None, Err(e)) | (Some(Err(e)), _) => Err(e),
            (None, Ok(_)) => Err(StoreError::Unavailable("write job never ran".to_owned())),
        };
        // The caller may have gone away (request cancelled); the work is committed regardless.
        let _ = reply.send((answer, work));
    }

    fn weight(&self) -> usize {
        self.weight
    }
}

fn copy_error(e: &StoreError) -> StoreError {
    match e {
        StoreError::NotFound => StoreError::NotFound,
        StoreError::Conflict(m) => StoreError::Conflict(m.clone()),
        StoreError::Invalid(m) => StoreError::Invalid(m.clone()),
        StoreError::Unavailable(m) => StoreError::Unavailable(m.clone()),
        StoreError::Incompatible(m) => StoreError::Incompatible(m.clone()),
    }
}

/// How groups are formed and finished.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GroupLimits {
    pub(crate) max_jobs: usize,
    pub(crate) max_bytes: usize,
    /// Runs after the last job of a group, outside any savepoint, before COMMIT; a failure
    /// rolls the whole group back.
    pub(crate) before_commit: fn(&Connection) -> rusqlite::Result<()>,
}

/// The handle the store keeps: a channel into the writer thread.
pub(crate) struct Writer {
    tx: Option<mpsc::Sender<Box<dyn WriteJob>>>,
    thread: Option<JoinHandle<()>>,
    checkpointer: Option<JoinHandle<()>>,
    syncer: Option<JoinHandle<()>>,
}

impl Writer {
    /// Starts the writer thread over `conn`, and the checkpoint and sync threads when `conn` is
    /// a file.
    pub(crate) fn start(conn: Connection, queue: usize, limits: GroupLimits) -> DbResult<Writer> {
        let (tx, rx) = mpsc::channel(queue.max(1));
        let (helpers, checkpointer, syncer) = match conn.path().filter(|p| !p.is_empty()) {
            Some(path) => {
                let (signal, checkpointer) = checkpoints::start(Path::new(path))?;
                conn.execute_batch(checkpoints::WRITER_BACKSTOP)?;
                let (sync, syncer) = syncs::start(PathBuf::from(format!("{path}-wal")))?;
                let helpers = Helpers {
                    checkpoints: signal,
                    sync,
                };
                (Some(helpers), Some(checkpointer), Some(syncer))
            }
            None => (None, None, None),
        };
        let thread = std::thread::Builder::new()
            .name(WRITER_THREAD.to_owned())
            .spawn(move || run(conn, rx, limits, helpers))
            .map_err(|e| DbError(StoreError::Unavailable(format!("writer thread: {e}"))))?;
        Ok(Writer {
            tx: Some(tx),
            thread: Some(thread),
            checkpointer,
            syncer,
        })
    }

    /// Runs `work` in the writer's next group and returns its result once committed. `work`
    /// may run twice (see the module docs); only the run that commits counts.
    pub(crate) async fn write<T, F>(&self, weight: usize, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnMut(&Connection) -> DbResult<T> + Send + 'static,
    {
        self.write_with(weight, work, |_, _| {}).await
    }

    /// Like [`Writer::write`], and `on_commit` sees the stream head after the commit.
    pub(crate) async fn write_with<T, F>(
        &self,
        weight: usize,
        work: F,
        on_commit: fn(&mut T, Position),
    ) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnMut(&Connection) -> DbResult<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Box::new(Job {
            work,
            result: None,
            reply,
            on_commit,
            weight,
        });
        let stopped = || StoreError::Unavailable("the database writer has stopped".to_owned());
        let tx = self.tx.as_ref().ok_or_else(stopped)?;
        tx.send(job).await.map_err(|_| stopped())?;
        let (answer, work) = answer.await.map_err(|_| stopped())?;
        drop(work);
        answer
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // Closing the channel ends the thread once the queue is empty; join so the file is
        // closed (and the WAL checkpointed) before the store is gone.
        self.tx.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        // The writer thread held the checkpoint signal and the sync queue: with it gone, those
        // threads end too, the sync thread once it has answered every group still waiting.
        if let Some(t) = self.checkpointer.take() {
            let _ = t.join();
        }
        if let Some(t) = self.syncer.take() {
            let _ = t.join();
        }
    }
}

/// The writer's helper threads, when the database is a file.
struct Helpers {
    checkpoints: checkpoints::Signal,
    sync: syncs::Queue,
}

fn run(
    conn: Connection,
    mut rx: mpsc::Receiver<Box<dyn WriteJob>>,
    limits: GroupLimits,
    helpers: Option<Helpers>,
) {
    let mut pending = checkpoints::Pending::default();
    // The writer connection is opened with synchronous=FULL.
    let mut no_sync_at_commit = false;
    while let Some(first) = rx.blocking_recv() {
        let mut bytes = first.weight();
        let mut group = vec![first];
        while group.len() < limits.max_jobs && bytes < limits.max_bytes {
            match rx.try_recv() {
                Ok(job) => {
                    bytes += job.weight();
                    group.push(job);
                }
                Err(_) => break,
            }
        }
        let deferred = helpers
            .as_ref()
            .filter(|_| bytes >= DEFERRED_SYNC_BYTES)
            .map(|h| &h.sync);
        // The connection syncs at COMMIT unless the group is deferred; switched only when the
        // kind of group changes. A failed switch fails the group: never an inline answer
        // without the sync.
        if deferred.is_some() != no_sync_at_commit {
            let pragma = if deferred.is_some() {
                "PRAGMA synchronous=NORMAL"
            } else {
                "PRAGMA synchronous=FULL"
            };
            if let Err(e) = conn.execute_batch(pragma) {
                fail_all(group, &format!("could not set how the commit syncs: {e}"));
                continue;
            }
            no_sync_at_commit = deferred.is_some();
        }
        commit_group(&conn, group, limits.before_commit, deferred);
        if let Some(h) = &helpers
            && pending.add(bytes)
        {
            h.checkpoints.ring();
        }
    }
}

/// The sync thread: makes the WAL durable for groups the writer committed without waiting for
/// the disk, then answers them (see the module docs).
pub(crate) mod syncs {
    use std::fs::File;
    use std::sync::mpsc::{Receiver, Sender, channel};

    use super::{DbError, DbResult, JoinHandle, Path, PathBuf, Position, StoreError, WriteJob};
    use super::{SYNC_THREAD, fail_all};

    /// A committed group waiting for its sync, with the stream head it committed at.
    type Committed = (Vec<Box<dyn WriteJob>>, Position);

    /// The writer's side.
    pub(crate) struct Queue {
        tx: Sender<Committed>,
        wal: PathBuf,
    }

    impl Queue {
        /// Hands a committed group over; should the sync thread be gone (it panicked), the
        /// group is synced and answered here.
        pub(crate) fn send(&self, group: Vec<Box<dyn WriteJob>>, head: Position) {
            if let Err(e) = self.tx.send((group, head)) {
                let synced = sync(&self.wal, &mut None);
                answer(vec![e.0], &synced);
            }
        }
    }

    /// Starts the sync thread for the WAL file at `wal`.
    pub(crate) fn start(wal: PathBuf) -> DbResult<(Queue, JoinHandle<()>)> {
        let (tx, rx) = channel();
        let path = wal.clone();
        let thread = std::thread::Builder::new()
            .name(SYNC_THREAD.to_owned())
            .spawn(move || run(&path, &rx))
            .map_err(|e| DbError(StoreError::Unavailable(format!("sync thread: {e}"))))?;
        Ok((Queue { tx, wal }, thread))
    }

    fn run(wal: &Path, rx: &Receiver<Committed>) {
        let mut file = None;
        while let Ok(first) = rx.recv() {
            // Every group committed so far is in the WAL: one fdatasync answers them all.
            let mut groups = vec![first];
            groups.extend(rx.try_iter());
            let synced = sync(wal, &mut file);
            answer(groups, &synced);
        }
    }

    /// `fdatasync` of the WAL, through `file` (opened on first use, and again after a failure).
    pub(super) fn sync(wal: &Path, file: &mut Option<File>) -> Result<(), String> {
        let result = match file {
            Some(f) => f.sync_data(),
            None => File::open(wal).and_then(|f| {
                let done = f.sync_data();
                *file = Some(f);
                done
            }),
        };
        result.map_err(|e| {
            *file = None;
            format!(
                "the disk did not confirm the write ({}: {e})",
                wal.display()
            )
        })
    }

    pub(super) fn answer(groups: Vec<Committed>, synced: &Result<(), String>) {
        for (group, head) in groups {
            match synced {
                Ok(()) => group.into_iter().for_each(|job| job.finish(Ok(head))),
                Err(m) => fail_all(group, m),
            }
        }
    }
}

/// The checkpoint thread: passive checkpoints on a connection of its own, after every few
/// groups the writer committed.
pub(crate) mod checkpoints {
    use super::SyncSender;
    use super::{CHECKPOINT_THREAD, DbError, DbResult, JoinHandle, Path, Receiver, StoreError};
    use super::{TrySendError, sync_channel};
    use rusqlite::Connection;

    /// The writer's own automatic checkpoint, kept as a backstop: SQLite starts the WAL over
    /// only after a checkpoint has copied all of it, which the checkpoint thread, racing the
    /// next commit, rarely manages. The writer's checkpoint then finds most of the WAL copied.
    /// 32,000 frames (128 MB of WAL): a history chunk writes a few thousand frames, and a lower
    /// threshold had the writer checkpoint after every chunk (a fifth of its time).
    pub(crate) const WRITER_BACKSTOP: &str = "PRAGMA wal_autocheckpoint=32000";

    /// Groups, or webhook bytes, committed between two checkpoints of the checkpoint thread.
    /// Fewer means smaller copies more often; a page written by several groups is copied once
    /// per checkpoint. Live webhooks rewrite the same few pages every group (the tables' last
    /// leaves, the number's row, FTS5's structure record): with 8 groups the checkpoint thread
    /// cost 5.8 k instructions per webhook, with 32 groups 2.6 k (callgrind, docs/benchmarks.md).
    const GROUPS_PER_CHECKPOINT: u32 = 32;
    const BYTES_PER_CHECKPOINT: usize = 1024 * 1024;

    /// What the writer committed since it last rang.
    #[derive(Default)]
    pub(crate) struct Pending {
        groups: u32,
        bytes: usize,
    }

    impl Pending {
        /// Counts a committed group; whether it is time to ring.
        pub(crate) fn add(&mut self, bytes: usize) -> bool {
            self.groups += 1;
            self.bytes += bytes;
            if self.groups < GROUPS_PER_CHECKPOINT && self.bytes < BYTES_PER_CHECKPOINT {
                return false;
            }
            *self = Pending::default();
            true
        }
    }

    /// The writer's side: rings without ever waiting (a ring while one is pending is merged).
    pub(crate) struct Signal(SyncSender<()>);

    impl Signal {
        pub(crate) fn ring(&self) {
            match self.0.try_send(()) {
                Ok(()) | Err(TrySendError::Full(())) | Err(TrySendError::Disconnected(())) => {}
            }
        }
    }

    /// Opens the checkpoint connection to `path` and starts its thread.
    pub(crate) fn start(path: &Path) -> DbResult<(Signal, JoinHandle<()>)> {
        let conn = crate::sqlite::connection::open_checkpointer(path)?;
        let (tx, rx) = sync_channel(1);
        let thread = std::thread::Builder::new()
            .name(CHECKPOINT_THREAD.to_owned())
            .spawn(move || run(&conn, &rx))
            .map_err(|e| DbError(StoreError::Unavailable(format!("checkpoint thread: {e}"))))?;
        Ok((Signal(tx), thread))
    }

    fn run(conn: &Connection, rx: &Receiver<()>) {
        while rx.recv().is_ok() {
            // PASSIVE: copies what no reader still needs, never waits for the writer or the
            // readers. A failure (the writer's backstop checkpointing at that moment: busy) is
            // harmless: the next ring tries again, and the writer's backstop remains.
            let done = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
            if let Err(e) = done {
                tracing::debug!(error = %e, "background checkpoint skipped");
            }
        }
    }
}

/// Why a group's transaction did not commit.
enum Abort {
    /// A job failed (its error is kept in the job).
    JobFailed,
    /// The transaction itself failed; every job gets this message.
    Transaction(String),
}

/// Applies a group in one transaction, then answers everyone: at once, or, when `deferred`,
/// through the sync thread once the WAL is on disk (failures are answered at once either way).
fn commit_group(
    conn: &Connection,
    mut group: Vec<Box<dyn WriteJob>>,
    before_commit: fn(&Connection) -> rusqlite::Result<()>,
    deferred: Option<&syncs::Queue>,
) {
    let mut outcome = attempt(conn, &mut group, false, before_commit);
    if matches!(outcome, Err(Abort::JobFailed)) && group.len() > 1 {
        // Someone failed: isolate them with savepoints and commit the rest.
        outcome = attempt(conn, &mut group, true, before_commit);
    }
    match outcome {
        Ok(head) => match deferred {
            Some(queue) => queue.send(group, head),
            None => group.into_iter().for_each(|job| job.finish(Ok(head))),
        },
        Err(Abort::JobFailed) => {
            // Only a lone failing job gets here; its own error is its answer.
            fail_all(group, "rolled back with a failing request");
        }
        Err(Abort::Transaction(msg)) => {
            fail_all(group, &msg);
        }
    }
}

/// Answers every job of `group` with `msg` (nothing of it was committed).
fn fail_all(group: Vec<Box<dyn WriteJob>>, msg: &str) {
    for job in group {
        job.finish(Err(StoreError::Unavailable(msg.to_owned())));
    }
}

/// One try at the group; on any error the transaction is rolled back before returning.
/// `savepoints`: isolate each job, so a failing job does not abort the group.
fn attempt(
    conn: &Connection,
    group: &mut [Box<dyn WriteJob>],
    savepoints: bool,
    before_commit: fn(&Connection) -> rusqlite::Result<()>,
) -> Result<Position, Abort> {
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        return Err(Abort::Transaction(format!(
            "could not start a write transaction: {e}"
        )));
    }
    let outcome = run_jobs(conn, group, savepoints).and_then(|()| {
        // The head is read inside the transaction: after COMMIT nothing may fail any more, or
        // a committed group would be reported as failed.
        before_commit(conn)
            .and_then(|()| head(conn))
            .map_err(|e| Abort::Transaction(format!("finishing the write transaction: {e}")))
    });
    let head = match outcome {
        Ok(head) => head,
        Err(abort) => {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(abort);
        }
    };
    match conn.execute_batch("COMMIT") {
        Ok(()) => Ok(head),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(Abort::Transaction(format!("commit failed: {e}")))
        }
    }
}

fn run_jobs(
    conn: &Connection,
    group: &mut [Box<dyn WriteJob>],
    savepoints: bool,
) -> Result<(), Abort> {
    for job in group.iter_mut() {
        if !savepoints {
            job.run(conn).map_err(|_| Abort::JobFailed)?;
            continue;
        }
        // A job's own failure stays in the job; only failing to manage the savepoint aborts.
        run_in_savepoint(conn, job.as_mut())
            .map_err(|e| Abort::Transaction(format!("write transaction aborted: {e}")))?;
    }
    Ok(())
}

/// Runs one job in a savepoint, rolled back if the job fails.
fn run_in_savepoint(conn: &Connection, job: &mut dyn WriteJob) -> rusqlite::Result<()> {
    conn.execute_batch("SAVEPOINT job")?;
    match job.run(conn) {
        Ok(()) => conn.execute_batch("RELEASE job"),
        Err(_) => conn.execute_batch("ROLLBACK TO job; RELEASE job"),
    }
}

/// The newest stream position.
pub(crate) fn head(conn: &Connection) -> rusqlite::Result<Position> {
    let p: i64 = conn
        .prepare_cached("SELECT ifnull(max(position), 0) FROM events")?
        .query_row([], |r| r.get(0))?;
    Ok(Position(p))
}

#[cfg(test)]
mod tests {
    use coexist_core::ids::Position;
    use coexist_core::store::StoreError;
    use rusqlite::Connection;
    use tokio::sync::oneshot;

    use super::{Job, WriteJob, commit_group};

    type Answer = oneshot::Receiver<(Result<(), StoreError>, Work)>;
    type Work = Box<dyn FnMut(&Connection) -> super::DbResult<()> + Send>;

    /// A job inserting `values` into `t`, one statement each.
    fn job(values: &'static [i64]) -> (Box<dyn WriteJob>, Answer) {
        let (reply, answer) = oneshot::channel();
        let work: Work = Box::new(move |c: &Connection| {
            for v in values {
                c.execute("INSERT INTO t (x) VALUES (?1)", [v])?;
            }
            Ok(())
        });
        let job = Job {
            work,
            result: None,
            reply,
            on_commit: |_, _| {},
            weight: 0,
        };
        (Box::new(job), answer)
    }

    fn db() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (x INTEGER PRIMARY KEY);
             CREATE TABLE events (position INTEGER PRIMARY KEY);",
        )
        .unwrap();
        conn
    }

    fn rows(conn: &Connection) -> Vec<i64> {
        let mut stmt = conn.prepare("SELECT x FROM t ORDER BY x").unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn a_failing_job_in_a_group_is_rolled_back_alone() {
        let conn = db();
        let (jobs, answers): (Vec<_>, Vec<_>) = [job(&[1]), job(&[2]), job(&[3, 1]), job(&[4])]
            .into_iter()
            .unzip();
        commit_group(&conn, jobs, |_| Ok(()), None);
        let answers: Vec<_> = answers
            .into_iter()
            .map(|mut a| a.try_recv().unwrap().0)
            .collect();
        assert!(answers[0].is_ok() && answers[1].is_ok() && answers[3].is_ok());
        assert!(
            matches!(answers[2], Err(StoreError::Conflict(_))),
            "{:?}",
            answers[2]
        );
        assert_eq!(
            rows(&conn),
            [1, 2, 4],
            "the failing job's first insert was undone"
        );
    }

    #[test]
    fn a_lone_failing_job_gets_its_own_error() {
        let conn = db();
        let (first, mut answer) = job(&[5, 5]);
        commit_group(&conn, vec![first], |_| Ok(()), None);
        assert!(matches!(
            answer.try_recv().unwrap().0,
            Err(StoreError::Conflict(_))
        ));
        assert!(rows(&conn).is_empty());
    }

    /// The `synchronous` setting a write job ran under, through a writer over a file.
    async fn synchronous_seen(writer: &super::Writer, weight: usize) -> i64 {
        writer
            .write(weight, |c: &Connection| {
                c.execute("INSERT INTO events DEFAULT VALUES", [])?;
                Ok(c.query_row("PRAGMA synchronous", [], |r| r.get::<_, i64>(0))?)
            })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn heavy_groups_commit_without_waiting_for_the_disk_and_light_ones_sync_inline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let conn = crate::sqlite::connection::open_writer(&path, std::time::Duration::from_secs(5))
            .unwrap();
        conn.execute_batch("CREATE TABLE events (position INTEGER PRIMARY KEY);")
            .unwrap();
        let limits = super::GroupLimits {
            max_jobs: 64,
            max_bytes: 1024 * 1024,
            before_commit: |_| Ok(()),
        };
        let writer = super::Writer::start(conn, 16, limits).unwrap();
        let (normal, full) = (1, 2);
        assert_eq!(synchronous_seen(&writer, 100).await, full, "a live webhook");
        assert_eq!(
            synchronous_seen(&writer, super::DEFERRED_SYNC_BYTES).await,
            normal,
            "a history chunk: synced by the sync thread before its answer"
        );
        assert_eq!(
            synchronous_seen(&writer, 100).await,
            full,
            "back to syncing inside COMMIT for the next live webhook"
        );
        drop(writer);
        let check = Connection::open(&path).unwrap();
        let n: i64 = check
            .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 3, "every answered write is in the database");
    }

    #[test]
    fn a_failed_sync_answers_every_deferred_job_with_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let wal = dir.path().join("gone.db-wal");
        let synced = super::syncs::sync(&wal, &mut None);
        let Err(message) = &synced else {
            panic!("syncing a missing file succeeded");
        };
        assert!(message.contains("did not confirm") && message.contains("gone.db-wal"));
        let (a, mut first) = job(&[1]);
        let (b, mut second) = job(&[2]);
        super::syncs::answer(vec![(vec![a, b], Position(7))], &synced);
        for answer in [&mut first, &mut second] {
            assert!(matches!(
                answer.try_recv().unwrap().0,
                Err(StoreError::Unavailable(m)) if m.contains("did not confirm")
            ));
        }
    }

    #[test]
    fn a_failure_before_commit_fails_the_whole_group() {
        let conn = db();
        let (a, mut first) = job(&[1]);
        let (b, mut second) = job(&[2]);
        commit_group(
            &conn,
            vec![a, b],
            |c| c.execute_batch("SELECT * FROM missing"),
            None,
        );
        assert!(matches!(
            first.try_recv().unwrap().0,
            Err(StoreError::Unavailable(_))
        ));
        assert!(matches!(
            second.try_recv().unwrap().0,
            Err(StoreError::Unavailable(_))
        ));
        assert!(rows(&conn).is_empty());
    }
}
