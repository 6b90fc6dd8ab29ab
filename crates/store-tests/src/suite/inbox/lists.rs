//! The inbox lists: views (mine, unassigned), status, label and number filters, keyset pages
//! most recent first, each chat exactly once.

use coexist_core::ids::{ChatId, NumberId, TokenId};
use coexist_core::inbox::{ChatChange, InboxStatus, Label};
use coexist_core::ingest::Change;
use coexist_core::store::{AssigneeFilter, By, ChatFilter, ChatRecord};
use coexist_core::time::Timestamp;

use super::{agent, change, listed};
use crate::build::{at, bare_message, text};
use crate::fixture::{Fixture, StoreFactory};

fn customer(i: usize) -> String {
    format!("1650556{i:04}")
}

fn ids(chats: &[ChatRecord]) -> Vec<ChatId> {
    chats.iter().map(|c| c.id).collect()
}

/// `n` chats, chat i active at i seconds; returned oldest first.
async fn chats(f: &Fixture, n: usize) -> Vec<ChatId> {
    let changes = (0..n)
        .map(|i| {
            Change::Message(text(
                &format!("wamid.{i}"),
                &customer(i),
                at(i as i64),
                "hi",
            ))
        })
        .collect();
    f.ingest(changes).await;
    let mut all = listed(f, &ChatFilter::default(), 200).await;
    all.reverse();
    ids(&all)
}

/// Expected order: most recent activity first (ties cannot happen here).
fn newest_first(mut chats: Vec<ChatId>, all: &[ChatId]) -> Vec<ChatId> {
    chats.sort_by_key(|c| std::cmp::Reverse(all.iter().position(|x| x == c)));
    chats
}

/// `view=mine` and `view=unassigned` list the chats of one assignee or of nobody.
pub async fn views_list_by_assignee(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let all = chats(&f, 6).await;
    let (ana, bruno) = (agent(&f, "Ana").await, agent(&f, "Bruno").await);
    for (i, who) in [(0, ana.id), (3, ana.id), (4, bruno.id)] {
        change(
            &f,
            all[i],
            ChatChange::Assign(Some(who)),
            By::User(who),
            at(50),
        )
        .await;
    }
    change(&f, all[3], ChatChange::Resolve, By::User(ana.id), at(51)).await;
    let mine = ChatFilter {
        assignee: Some(AssigneeFilter::User(ana.id)),
        ..ChatFilter::default()
    };
    assert_eq!(ids(&listed(&f, &mine, 1).await), [all[3], all[0]]);
    let unassigned = ChatFilter {
        assignee: Some(AssigneeFilter::Nobody),
        ..ChatFilter::default()
    };
    assert_eq!(
        ids(&listed(&f, &unassigned, 2).await),
        [all[5], all[2], all[1]]
    );
    let mine_open = ChatFilter {
        status: Some(InboxStatus::Open),
        ..mine
    };
    assert_eq!(ids(&listed(&f, &mine_open, 2).await), [all[0]]);
}

/// A status filter pages through its chats in order; `open` includes snoozed chats whose time
/// has passed (judged at the filter's `now`) and `snoozed` only those still asleep.
pub async fn status_filter_pages_and_ends_snoozes(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let all = chats(&f, 12).await;
    let by = By::Token(TokenId(1));
    let now = at(1_000);
    for i in [1, 4, 7] {
        change(&f, all[i], ChatChange::Resolve, by, at(100)).await;
    }
    // 2 and 9 wake up before `now`, 5 and 10 after.
    for (i, secs) in [(2, 500), (9, 999), (5, 1_001), (10, 5_000)] {
        let until = at(secs);
        change(&f, all[i], ChatChange::Snooze { until }, by, at(100)).await;
    }
    let status = |s: InboxStatus, now: Option<Timestamp>| ChatFilter {
        status: Some(s),
        now,
        ..ChatFilter::default()
    };
    let open: Vec<ChatId> = [0, 2, 3, 6, 8, 9, 11].iter().map(|i| all[*i]).collect();
    for page in [1, 2, 3, 50] {
        let found = ids(&listed(&f, &status(InboxStatus::Open, Some(now)), page).await);
        assert_eq!(found, newest_first(open.clone(), &all), "pages of {page}");
    }
    let asleep = ids(&listed(&f, &status(InboxStatus::Snoozed, Some(now)), 1).await);
    assert_eq!(asleep, [all[10], all[5]]);
    let resolved = ids(&listed(&f, &status(InboxStatus::Resolved, Some(now)), 2).await);
    assert_eq!(resolved, [all[7], all[4], all[1]]);
    let before = ids(&listed(&f, &status(InboxStatus::Snoozed, None), 3).await);
    assert_eq!(before.len(), 4, "without now every snooze runs");
}

/// Label and number filters combine with the others.
pub async fn label_and_number_filters_combine(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let all = chats(&f, 4).await;
    f.ingest(vec![Change::Message(bare_message(
        "wamid.B",
        "200",
        at(100),
    ))])
    .await;
    let other_number = f.number("200").await.id;
    let elsewhere = listed(&f, &ChatFilter::default(), 10).await[0].id;
    let by = By::Token(TokenId(1));
    let vip = ChatChange::SetLabels(Label::parse_set(&["vip"]).unwrap());
    for chat in [all[0], all[2], elsewhere] {
        change(&f, chat, vip.clone(), by, at(200)).await;
    }
    change(&f, all[2], ChatChange::Resolve, by, at(201)).await;
    let label = ChatFilter {
        label: Some("vip".to_owned()),
        ..ChatFilter::default()
    };
    assert_eq!(
        ids(&listed(&f, &label, 1).await),
        [elsewhere, all[2], all[0]]
    );
    let open_vip_here = ChatFilter {
        status: Some(InboxStatus::Open),
        number_id: Some(f.number(crate::build::PHONE_ID).await.id),
        ..label.clone()
    };
    assert_eq!(ids(&listed(&f, &open_vip_here, 1).await), [all[0]]);
    let there = ChatFilter {
        number_id: Some(other_number),
        assignee: Some(AssigneeFilter::Nobody),
        ..label
    };
    assert_eq!(ids(&listed(&f, &there, 1).await), [elsewhere]);
    let nowhere = ChatFilter {
        number_id: Some(NumberId(999_999)),
        ..ChatFilter::default()
    };
    assert!(listed(&f, &nowhere, 5).await.is_empty());
}
