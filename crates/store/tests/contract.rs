//! The store contract suite against [`SqliteStore`]: one fresh database file per store, in a
//! temporary directory owned by the test.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use coexist_core::store::Store;
use store::{SqliteOptions, SqliteStore};
use store_tests::StoreFactory;
use tempfile::TempDir;

struct Sqlite {
    dir: TempDir,
    made: AtomicUsize,
}

#[async_trait]
impl StoreFactory for Sqlite {
    async fn fresh(&self) -> Arc<dyn Store> {
        let n = self.made.fetch_add(1, Ordering::Relaxed);
        let path = self.dir.path().join(format!("coexist-{n}.db"));
        Arc::new(SqliteStore::open(path, SqliteOptions::default()).expect("open a fresh database"))
    }
}

fn factory() -> Sqlite {
    Sqlite {
        dir: tempfile::tempdir().expect("tempdir"),
        made: AtomicUsize::new(0),
    }
}

store_tests::contract_suite!(factory());
