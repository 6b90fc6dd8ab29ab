//! What the contract suite cannot see through the `Store` trait: the SQLite tables themselves
//! (raw bodies, records kept only for the record), reopening, and SQLite-specific behaviour.

use std::path::Path;
use std::sync::Arc;

use coexist_core::ingest::{AccountChange, Change};
use coexist_core::page::Limit;
use coexist_core::store::{Store, StoreError};
use rusqlite::{Connection, OptionalExtension};
use store::{SqliteOptions, SqliteStore};
use store_tests::build::{CUSTOMER, at, echo, history_text, template, text, unparsed};
use store_tests::{Fixture, StoreFactory};
use tempfile::TempDir;

/// One store in a tempdir, reachable through the trait and as a file.
struct One {
    dir: TempDir,
}

#[async_trait::async_trait]
impl StoreFactory for One {
    async fn fresh(&self) -> Arc<dyn Store> {
        Arc::new(SqliteStore::open(self.path(), SqliteOptions::default()).unwrap())
    }
}

impl One {
    fn new() -> One {
        One {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("coexist.db")
    }

    /// A second, plain connection to the same file.
    fn sql(&self) -> Connection {
        Connection::open(self.path()).unwrap()
    }
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn raw_body_is_kept_byte_exact_once() {
    let one = One::new();
    let f = Fixture::new(&one).await;
    let mut batch = f.batch(vec![Change::Message(text(
        "wamid.A",
        CUSTOMER,
        at(1),
        "hi",
    ))]);
    // Whatever Meta sent, byte for byte: here not even valid UTF-8.
    batch.raw_body = vec![b'{', 0xff, 0xfe, b'}', b'\n'];
    batch.signature = Some("sha256=abc".to_owned());
    f.apply(batch.clone()).await;
    f.apply(batch.clone()).await;
    let sql = one.sql();
    let (body, sha, signature, changes): (Vec<u8>, Vec<u8>, String, i64) = sql
        .query_row(
            "SELECT body, sha256, signature, changes FROM webhooks",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(body, batch.raw_body);
    assert_eq!(sha, batch.body_sha256);
    assert_eq!(signature, "sha256=abc");
    assert_eq!(changes, 1);
    assert_eq!(count(&sql, "SELECT count(*) FROM webhooks"), 1);
}

#[tokio::test]
async fn unparsed_changes_and_templates_are_kept() {
    let one = One::new();
    let f = Fixture::new(&one).await;
    f.ingest(vec![Change::Unparsed(unparsed("brand_new_field"))])
        .await;
    f.ingest(vec![Change::Template(template(
        "594425479261596",
        "APPROVED",
        at(20),
    ))])
    .await;
    let mut older = template("594425479261596", "PENDING", at(10));
    older.category = Some("MARKETING".to_owned());
    f.ingest(vec![Change::Template(older)]).await;
    let sql = one.sql();
    let (field, reason, raw): (String, String, String) = sql
        .query_row("SELECT field, reason, raw FROM unparsed_changes", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(
        (field.as_str(), reason.as_str()),
        ("brand_new_field", "unknown webhook field")
    );
    assert!(raw.contains("something"));
    let (status, category): (String, String) = sql
        .query_row("SELECT status, category FROM templates", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(
        status, "APPROVED",
        "an older status does not overwrite a newer one"
    );
    assert_eq!(category, "UTILITY", "nor an older category");
    assert_eq!(count(&sql, "SELECT count(*) FROM template_events"), 2);
}

#[tokio::test]
async fn account_event_for_no_known_number_is_recorded_unattributed() {
    let one = One::new();
    let f = Fixture::new(&one).await;
    let event = AccountChange {
        display_phone_number: None,
        waba_id: Some("980198427658004".to_owned()),
        event: "PARTNER_ADDED".to_owned(),
        reason: None,
        initiated_by: None,
        timestamp: at(1),
        raw: "{\"event\":\"PARTNER_ADDED\"}".to_owned(),
    };
    f.ingest(vec![Change::Account(event.clone())]).await;
    f.ingest(vec![Change::Account(event)]).await;
    let sql = one.sql();
    let (number, org): (Option<i64>, i64) = sql
        .query_row("SELECT number_id, org_id FROM account_events", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((number, org), (None, f.org.0));
    assert_eq!(
        count(&sql, "SELECT count(*) FROM account_events"),
        1,
        "recorded once"
    );
}

#[tokio::test]
async fn only_a_live_customer_referral_sets_the_chat_referral_time() {
    let one = One::new();
    let f = Fixture::new(&one).await;
    let mut history = history_text("wamid.H", CUSTOMER, at(50), true, "old ad click");
    history.referral = true;
    let mut e = echo("wamid.E", CUSTOMER, at(60), "x");
    e.referral = true;
    f.ingest(vec![Change::Message(history), Change::Message(e)])
        .await;
    let referral = |sql: &Connection| -> Option<i64> {
        sql.query_row("SELECT referral_at FROM chats", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(referral(&one.sql()), None);
    let mut live = text("wamid.R", CUSTOMER, at(10), "I saw your ad");
    live.referral = true;
    f.ingest(vec![Change::Message(live)]).await;
    assert_eq!(referral(&one.sql()), Some(at(10).0));
}

#[tokio::test]
async fn the_fts_queue_is_empty_after_every_commit() {
    let one = One::new();
    let f = Fixture::new(&one).await;
    f.ingest_text("wamid.A", CUSTOMER, at(1), "apple pie").await;
    assert_eq!(
        count(&one.sql(), "SELECT count(*) FROM messages_fts_queue"),
        0
    );
    let hits = f
        .store
        .search_messages(f.org, "apple", Limit::new(None), None)
        .await
        .unwrap();
    assert_eq!(hits.data.len(), 1);
}

#[tokio::test]
async fn a_broad_search_comes_newest_first() {
    let one = One::new();
    let f = Fixture::new(&one).await;
    let changes = (0..5_100)
        .map(|i| Change::Message(text(&format!("wamid.{i}"), CUSTOMER, at(i), "order update")))
        .collect();
    f.ingest(changes).await;
    let page = f
        .store
        .search_messages(f.org, "order", Limit::new(Some(3)), None)
        .await
        .unwrap();
    let wamids: Vec<_> = page
        .data
        .iter()
        .filter_map(|m| m.wamid.as_deref())
        .collect();
    assert_eq!(wamids, ["wamid.5099", "wamid.5098", "wamid.5097"]);
    let next = f
        .store
        .search_messages(
            f.org,
            "order",
            Limit::new(Some(3)),
            page.next_cursor.as_deref(),
        )
        .await
        .unwrap();
    assert_eq!(
        next.data[0].wamid.as_deref(),
        Some("wamid.5096"),
        "the cursor keeps the order"
    );
}

#[tokio::test]
async fn reopening_keeps_the_data_without_migrating_again() {
    let one = One::new();
    let org = {
        let f = Fixture::new(&one).await;
        f.ingest_text("wamid.A", CUSTOMER, at(1), "hi").await;
        f.org
    };
    let migrations = count(&one.sql(), "SELECT count(*) FROM schema_migrations");
    let store = one.fresh().await;
    assert_eq!(
        store
            .find_messages_by_wamid(org, "wamid.A")
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        count(&one.sql(), "SELECT count(*) FROM schema_migrations"),
        migrations
    );
}

#[tokio::test]
async fn a_database_from_a_newer_coexist_is_refused() {
    let one = One::new();
    drop(one.fresh().await);
    one.sql()
        .execute(
            "INSERT INTO schema_migrations (version, name) VALUES (99, 'future')",
            [],
        )
        .unwrap();
    let err = SqliteStore::open(one.path(), SqliteOptions::default()).unwrap_err();
    assert!(
        err.to_string().contains("newer than this coexist binary"),
        "{err}"
    );
}

#[test]
fn open_names_the_path_it_cannot_open() {
    let path = Path::new("/nonexistent-coexist-dir/coexist.db");
    let err = SqliteStore::open(path, SqliteOptions::default()).unwrap_err();
    assert!(
        matches!(&err, StoreError::Unavailable(m) if m.contains("/nonexistent-coexist-dir")),
        "{err}"
    );
}

#[tokio::test]
async fn the_file_is_in_wal_mode_and_migrated() {
    let one = One::new();
    let _f = Fixture::new(&one).await;
    let mode: String = one
        .sql()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let applied: Option<String> = one
        .sql()
        .query_row(
            "SELECT name FROM schema_migrations WHERE version = 1",
            [],
            |r| r.get(0),
        )
        .optional()
        .unwrap();
    assert_eq!(applied.as_deref(), Some("0001_core"));
}

#[tokio::test]
async fn chats_without_messages_come_last_across_pages() {
    let one = One::new();
    let f = Fixture::new(&one).await;
    let changes = (0..3)
        .map(|i| {
            Change::Message(text(
                &format!("wamid.{i}"),
                &format!("1650555000{i}"),
                at(i),
                "hi",
            ))
        })
        .collect();
    f.ingest(changes).await;
    // No webhook makes a chat without a message (the outbox will): make two by hand.
    let sql = one.sql();
    for wa in ["16505559001", "16505559002"] {
        sql.execute(
            "INSERT INTO contacts (org_id, number_id, wa_id, created_at, updated_at)
             SELECT org_id, id, ?1, 0, 0 FROM numbers",
            [wa],
        )
        .unwrap();
        sql.execute(
            "INSERT INTO chats (org_id, number_id, contact_id, created_at, updated_at)
             SELECT org_id, number_id, id, 0, 0 FROM contacts WHERE wa_id = ?1",
            [wa],
        )
        .unwrap();
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let filter = coexist_core::store::ChatFilter::default();
        let page = f
            .store
            .list_chats(f.org, filter, Limit::new(Some(2)), cursor.as_deref())
            .await
            .unwrap();
        seen.extend(page.data.into_iter().map(|c| c.contact.wa_id.unwrap()));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            "16505550002",
            "16505550001",
            "16505550000",
            "16505559002",
            "16505559001"
        ],
        "active chats newest first, then chats without messages, newest first"
    );
}
