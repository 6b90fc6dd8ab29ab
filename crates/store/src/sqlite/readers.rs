//! Read connections: WAL lets readers run beside the writer, each on a consistent snapshot.
//! Reads block (SQLite is synchronous), so they run on tokio's blocking pool, at most
//! `permits` at a time, each on a connection taken from a small pool.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use coexist_core::store::StoreError;
use rusqlite::Connection;
use tokio::sync::Semaphore;

use super::connection::open_reader;
use super::error::DbResult;

/// The pool of read connections.
pub(crate) struct Readers {
    inner: Arc<Pool>,
    permits: Arc<Semaphore>,
}

struct Pool {
    path: PathBuf,
    busy_timeout: Duration,
    idle: Mutex<Vec<Connection>>,
}

impl Pool {
    fn take(&self) -> DbResult<Connection> {
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        match idle {
            Some(conn) => Ok(conn),
            // Pool empty: a reader was lost to a panic. Open a replacement.
            None => open_reader(&self.path, self.busy_timeout),
        }
    }

    fn put(&self, conn: Connection) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(conn);
        }
    }
}

impl Readers {
    /// Opens `size` read connections to `path`.
    pub(crate) fn open(path: PathBuf, size: usize, busy_timeout: Duration) -> DbResult<Readers> {
        let size = size.max(1);
        let idle = (0..size)
            .map(|_| open_reader(&path, busy_timeout))
            .collect::<DbResult<Vec<_>>>()?;
        Ok(Readers {
            inner: Arc::new(Pool {
                path,
                busy_timeout,
                idle: Mutex::new(idle),
            }),
            permits: Arc::new(Semaphore::new(size)),
        })
    }

    /// Runs `f` on a read connection inside one read transaction (one snapshot).
    pub(crate) async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> DbResult<T> + Send + 'static,
    {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Unavailable("the read pool is closed".to_owned()))?;
        let pool = Arc::clone(&self.inner);
        let joined = tokio::task::spawn_blocking(move || {
            let conn = pool.take()?;
            let result = snapshot(&conn, f);
            pool.put(conn);
            drop(permit);
            result
        })
        .await;
        match joined {
            Ok(result) => result.map_err(StoreError::from),
            Err(e) => Err(StoreError::Unavailable(format!("read task failed: {e}"))),
        }
    }
}

fn snapshot<T>(conn: &Connection, f: impl FnOnce(&Connection) -> DbResult<T>) -> DbResult<T> {
    let tx = conn.unchecked_transaction()?;
    let result = f(&tx);
    // Read-only: ending the transaction either way releases the snapshot.
    tx.finish()?;
    result
}
