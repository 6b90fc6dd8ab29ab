//! Implementations of [`coexist_core::store::Store`].
//!
//! Today one backend: [`SqliteStore`], the embedded default (one file in the data directory, WAL,
//! one writer thread doing group commit, a small pool of readers). Every backend is held to the
//! same contract suite, `coexist-store-tests`, run from `tests/contract.rs`.

mod sqlite;

pub use sqlite::{CHECKPOINT_THREAD, SYNC_THREAD, SqliteOptions, SqliteStore, WRITER_THREAD};
