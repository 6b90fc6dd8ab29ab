//! The single writer: one thread owns the write connection and applies jobs sent over a channel.
//!
//! **Group commit.** SQLite allows one writer at a time and, with `synchronous=FULL`, each commit
//! costs an fsync. Committing each webhook on its own would cap ingest at the disk's fsync rate,
//! so the writer drains every job already waiting (up to [`SqliteOptions::group_max_jobs`]) and
//! applies them in one transaction, one `SAVEPOINT` per job: a job that fails is rolled back to
//! its savepoint and answered with its error while the others commit. Nobody is answered before
//! the single `COMMIT` returns, so "answered OK" still means "durable".
//!
//! [`SqliteOptions::group_max_jobs`]: super::SqliteOptions::group_max_jobs

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::thread::JoinHandle;

use coexist_core::ids::Position;
use coexist_core::store::StoreError;
use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use super::error::{DbError, DbResult};

/// One unit of work for the writer, run inside its own savepoint.
pub(crate) trait WriteJob: Send {
    /// Does the work; an error rolls this job back (only).
    fn run(&mut self, conn: &Connection) -> Result<(), StoreError>;
    /// Answers the caller once the group's transaction is settled: `Ok(head)` if it committed.
    fn finish(self: Box<Self>, committed: Result<Position, StoreError>);
    /// Bytes this job holds (webhook bodies), to bound a group's memory.
    fn weight(&self) -> usize;
}

/// A job built from a closure, answering through a oneshot.
struct Job<T, F> {
    work: Option<F>,
    result: Option<Result<T, StoreError>>,
    reply: oneshot::Sender<Result<T, StoreError>>,
    on_commit: fn(&mut T, Position),
    weight: usize,
}

impl<T, F> WriteJob for Job<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> DbResult<T> + Send,
{
    fn run(&mut self, conn: &Connection) -> Result<(), StoreError> {
        let Some(work) = self.work.take() else {
            return Err(StoreError::Unavailable("write job ran twice".to_owned()));
        };
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
        let answer = match (self.result, committed) {
            (Some(Ok(mut value)), Ok(head)) => {
                (self.on_commit)(&mut value, head);
                Ok(value)
            }
            (Some(Ok(_)), Err(e)) => Err(e),
            (Some(Err(e)), _) => Err(e),
            (None, Err(e)) => Err(e),
            (None, Ok(_)) => Err(StoreError::Unavailable("write job never ran".to_owned())),
        };
        // The caller may have gone away (request cancelled); the work is committed regardless.
        let _ = self.reply.send(answer);
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
    }
}

/// Limits of one group.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GroupLimits {
    pub(crate) max_jobs: usize,
    pub(crate) max_bytes: usize,
}

/// The handle the store keeps: a channel into the writer thread.
pub(crate) struct Writer {
    tx: Option<mpsc::Sender<Box<dyn WriteJob>>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    /// Starts the writer thread over `conn`.
    pub(crate) fn start(conn: Connection, queue: usize, limits: GroupLimits) -> DbResult<Writer> {
        let (tx, rx) = mpsc::channel(queue.max(1));
        let thread = std::thread::Builder::new()
            .name("coexist-sqlite-writer".to_owned())
            .spawn(move || run(conn, rx, limits))
            .map_err(|e| DbError(StoreError::Unavailable(format!("writer thread: {e}"))))?;
        Ok(Writer {
            tx: Some(tx),
            thread: Some(thread),
        })
    }

    /// Runs `work` in the writer's next group and returns its result once committed.
    pub(crate) async fn write<T, F>(&self, weight: usize, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> DbResult<T> + Send + 'static,
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
        F: FnOnce(&Connection) -> DbResult<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Box::new(Job {
            work: Some(work),
            result: None,
            reply,
            on_commit,
            weight,
        });
        let stopped = || StoreError::Unavailable("the database writer has stopped".to_owned());
        let tx = self.tx.as_ref().ok_or_else(stopped)?;
        tx.send(job).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
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
    }
}

fn run(conn: Connection, mut rx: mpsc::Receiver<Box<dyn WriteJob>>, limits: GroupLimits) {
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
        commit_group(&conn, group);
    }
}

/// Applies a group in one transaction, one savepoint per job, then answers everyone.
fn commit_group(conn: &Connection, mut group: Vec<Box<dyn WriteJob>>) {
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        let msg = format!("could not start a write transaction: {e}");
        return answer_all(group, &msg);
    }
    for job in &mut group {
        if let Err(e) = run_in_savepoint(conn, job.as_mut()) {
            // The savepoint could not be rolled back: the transaction is in an unknown state.
            let _ = conn.execute_batch("ROLLBACK");
            return answer_all(group, &format!("write transaction aborted: {e}"));
        }
    }
    let committed = conn
        .execute_batch("COMMIT")
        .map_err(|e| format!("commit failed: {e}"))
        .and_then(|()| head(conn).map_err(|e| format!("reading the stream head: {e}")));
    match committed {
        Ok(head) => group.into_iter().for_each(|job| job.finish(Ok(head))),
        Err(msg) => {
            let _ = conn.execute_batch("ROLLBACK");
            answer_all(group, &msg);
        }
    }
}

/// Runs one job in a savepoint. The job's own failure is kept in the job; only a failure to
/// manage the savepoint itself is returned.
fn run_in_savepoint(conn: &Connection, job: &mut dyn WriteJob) -> rusqlite::Result<()> {
    conn.execute_batch("SAVEPOINT job")?;
    match job.run(conn) {
        Ok(()) => conn.execute_batch("RELEASE job"),
        Err(_) => conn.execute_batch("ROLLBACK TO job; RELEASE job"),
    }
}

fn answer_all(group: Vec<Box<dyn WriteJob>>, msg: &str) {
    for job in group {
        job.finish(Err(StoreError::Unavailable(msg.to_owned())));
    }
}

/// The newest stream position.
pub(crate) fn head(conn: &Connection) -> rusqlite::Result<Position> {
    let p: i64 = conn
        .prepare_cached("SELECT ifnull(max(position), 0) FROM events")?
        .query_row([], |r| r.get(0))?;
    Ok(Position(p))
}
