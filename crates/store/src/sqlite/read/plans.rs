//! The list queries' plans: each page must be an index range scan in the list's order, never a
//! scan-then-sort (a temp b-tree), or pages would slow down with the table. `cargo test -p
//! coexist-store plans -- --nocapture` prints them.

use rusqlite::{Connection, params_from_iter};

use super::{chats, contacts, messages, search};
use crate::sqlite::schema::migrate;

fn plan(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let args = vec![1_i64; stmt.parameter_count()];
    stmt.query_map(params_from_iter(args), |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[track_caller]
fn assert_plan(conn: &Connection, name: &str, sql: &str, uses: &[&str]) {
    let steps = plan(conn, sql);
    println!("{name}:\n  {}", steps.join("\n  "));
    for wanted in uses {
        assert!(
            steps.iter().any(|s| s.contains(wanted)),
            "{name} should use {wanted}: {steps:?}"
        );
    }
    assert!(
        !steps.iter().any(|s| s.contains("TEMP B-TREE")),
        "{name} sorts instead of reading in index order: {steps:?}"
    );
}

#[test]
fn list_queries_read_their_index_in_order() {
    let mut conn = Connection::open_in_memory().unwrap();
    migrate(&mut conn).unwrap();
    let c = &conn;
    assert_plan(
        c,
        "chats",
        &chats::active_sql(false),
        &["USING INDEX chats_by_activity"],
    );
    assert_plan(
        c,
        "chats of a number",
        &chats::active_sql(true),
        &["USING INDEX chats_by_number_activity"],
    );
    assert_plan(
        c,
        "chats without messages",
        &chats::idle_sql(false),
        &["chats_by_activity"],
    );
    assert_plan(
        c,
        "messages",
        &messages::page_sql(),
        &["USING INDEX messages_by_chat"],
    );
    assert_plan(
        c,
        "contacts",
        &contacts::list_sql(false, true),
        &["contacts_by_org"],
    );
    assert_plan(
        c,
        "contacts of a number",
        &contacts::list_sql(true, false),
        &["contacts"],
    );
    let events = "SELECT position FROM events WHERE org_id = ?1 AND position > ?2
                  ORDER BY position LIMIT ?3";
    assert_plan(c, "events", events, &["USING COVERING INDEX events_by_org"]);
}

#[test]
fn search_runs_on_the_fts_index() {
    let mut conn = Connection::open_in_memory().unwrap();
    migrate(&mut conn).unwrap();
    let ranked = plan(&conn, &search::ranked_sql());
    println!("search, ranked:\n  {}", ranked.join("\n  "));
    assert!(
        ranked.iter().any(|s| s.contains("VIRTUAL TABLE INDEX")),
        "{ranked:?}"
    );
    assert!(
        ranked
            .iter()
            .any(|s| s.contains("USING INTEGER PRIMARY KEY")),
        "{ranked:?}"
    );
    // Newest first comes straight from the FTS index in rowid order: no sort at all.
    assert_plan(
        &conn,
        "search, newest first",
        &search::newest_sql(),
        &["VIRTUAL TABLE INDEX"],
    );
}
