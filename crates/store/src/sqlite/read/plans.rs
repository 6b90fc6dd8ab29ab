//! The list queries' plans: each page must be an index range scan in the list's order, never a
//! scan-then-sort (a temp b-tree), or pages would slow down with the table. `cargo test -p
//! coexist-store plans -- --nocapture` prints them.

use coexist_core::ids::{NumberId, OrgId, UserId};
use coexist_core::inbox::InboxStatus;
use coexist_core::store::{AssigneeFilter, ChatFilter};
use coexist_core::time::Timestamp;
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
    let all = ChatFilter::default();
    let number = ChatFilter {
        number_id: Some(NumberId(1)),
        ..ChatFilter::default()
    };
    let active = |f: &ChatFilter| chats::legs(OrgId(1), f)[0].active_sql();
    assert_plan(
        c,
        "chats",
        &active(&all),
        &["USING INDEX chats_by_activity"],
    );
    assert_plan(
        c,
        "chats of a number",
        &active(&number),
        &["USING INDEX chats_by_number_activity"],
    );
    let idle = chats::legs(OrgId(1), &all)[0].idle_sql();
    assert_plan(c, "chats without messages", &idle, &["chats_by_activity"]);
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

/// Every combination of the inbox filters: each leg of each list is an index range read in
/// list order (no sort), on the index meant for it.
#[test]
fn inbox_filters_read_their_index_in_order() {
    let mut conn = Connection::open_in_memory().unwrap();
    migrate(&mut conn).unwrap();
    let assignees = [
        None,
        Some(AssigneeFilter::User(UserId(1))),
        Some(AssigneeFilter::Nobody),
    ];
    let statuses = [None, Some(InboxStatus::Open), Some(InboxStatus::Snoozed)]
        .into_iter()
        .chain(InboxStatus::ALL.map(Some));
    for status in statuses {
        for assignee in assignees {
            for number_id in [None, Some(NumberId(1))] {
                for label in [None, Some("vip".to_owned())] {
                    let filter = ChatFilter {
                        number_id,
                        assignee,
                        status,
                        label,
                        now: Some(Timestamp(1)),
                    };
                    let wanted = match (assignee, status, number_id) {
                        (Some(_), _, _) => "chats_by_assignee",
                        (None, Some(_), _) => "chats_by_status",
                        (None, None, Some(_)) => "chats_by_number_activity",
                        (None, None, None) => "chats_by_activity",
                    };
                    for leg in chats::legs(OrgId(1), &filter) {
                        let name = format!("chats {filter:?}");
                        assert_plan(&conn, &name, &leg.active_sql(), &[wanted]);
                        assert_plan(&conn, &name, &leg.idle_sql(), &[]);
                    }
                }
            }
        }
    }
}
