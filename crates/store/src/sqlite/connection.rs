//! Opening connections with the PRAGMAs the store relies on.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::error::{DbError, DbResult};

/// Prepared statements kept per connection. The ingest path alone uses a few dozen; a miss costs
/// a re-parse on every webhook, so keep them all.
const STATEMENT_CACHE: usize = 256;

/// The writer connection: creates the file if needed, switches it to WAL.
///
/// `synchronous=FULL`: in WAL mode NORMAL may lose the last commits on power loss, and the hub
/// answers Meta 200 only after a durable commit (ARCHITECTURE §7, invariant 1); group commit
/// pays the extra fsync once per group, not once per webhook. (The writer turns it to NORMAL
/// for the COMMIT of a heavy group, a history chunk, and syncs the WAL itself on another thread
/// before answering: `writer.rs`.)
///
/// The page cache: 32 MB. A history import needs it (with 16 MB a fifth of the writer's time
/// went to reading evicted index pages back and spilling dirty ones). Its cost for live
/// webhooks: at the end of every transaction SQLite walks the cache's whole hash table once
/// (`pcache1TruncateUnsafe`: a B-tree balance parks a page at the lock-byte page number, far
/// above the file's end, so the cheap path is never taken), once per group commit.
pub(crate) fn open_writer(path: &Path, busy_timeout: Duration) -> DbResult<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(busy_timeout)?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(DbError::invalid(format!(
            "{} cannot use write-ahead logging (journal_mode is {mode})",
            path.display()
        )));
    }
    conn.execute_batch(
        "PRAGMA synchronous=FULL;
         PRAGMA foreign_keys=ON;
         PRAGMA temp_store=MEMORY;
         PRAGMA cache_size=-32768;",
    )?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    super::fts::prepare(&conn)?;
    Ok(conn)
}

/// The checkpoint connection (see `writer::checkpoints`): it only ever checkpoints. It syncs
/// like the writer (`synchronous=FULL`: the WAL before copying, the database file after) and
/// never checkpoints on its own.
pub(crate) fn open_checkpointer(path: &Path) -> DbResult<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.execute_batch(
        "PRAGMA synchronous=FULL;
         PRAGMA wal_autocheckpoint=0;
         PRAGMA cache_size=-2048;",
    )?;
    Ok(conn)
}

/// A reader: read-only, so a bug in a read path can never write.
pub(crate) fn open_reader(path: &Path, busy_timeout: Duration) -> DbResult<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(busy_timeout)?;
    conn.execute_batch(
        "PRAGMA query_only=ON;
         PRAGMA temp_store=MEMORY;
         PRAGMA cache_size=-16384;",
    )?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}
