//! Agents' changes to a chat: each one is stored with its time, logged, announced with the
//! fields it changed, and a change that changes nothing is silent.

use coexist_core::ids::{ChatId, TokenId};
use coexist_core::inbox::{ChatChange, InboxStatus, Label, Role};
use coexist_core::ingest::Change;
use coexist_core::page::Limit;
use coexist_core::status::DeliveryStatus;
use coexist_core::store::{By, NotificationKind, StoreError, WokenChat};
use coexist_core::time::{HOUR_MS, Timestamp};
use serde_json::json;

use super::{agent, change, customer_chat, events_of, user_in};
use crate::build::{CUSTOMER, OTHER, at, echo, history_text, text};
use crate::fixture::{Fixture, StoreFactory};

/// A third customer.
const THIRD: &str = "14155550123";

/// Assigning records who and when, announces `assignee`, and notifies the new assignee
/// unless they took the chat themselves.
pub async fn assigning_notifies_the_assignee_unless_self(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let chat = customer_chat(&f).await;
    let (ana, bruno) = (agent(&f, "Ana").await, agent(&f, "Bruno").await);
    let head = f.head().await;
    let assigned = change(
        &f,
        chat,
        ChatChange::Assign(Some(bruno.id)),
        By::User(ana.id),
        at(5),
    )
    .await;
    let assignee = assigned.assignee.expect("assigned");
    assert_eq!((assignee.id, assignee.name.as_str()), (bruno.id, "Bruno"));
    assert_eq!(assigned.assigned_at, Some(at(5)));
    let updated = events_of(&f, head, "chat.updated").await;
    assert_eq!(updated.len(), 1);
    assert_eq!(updated[0].data["fields"], json!(["assignee"]));
    assert_eq!(updated[0].chat_id, Some(chat));
    let notified = events_of(&f, head, "notification.created").await;
    assert_eq!(notified.len(), 1);
    assert_eq!(notified[0].data["user_id"], json!(bruno.id));
    let page = f
        .store
        .list_notifications(f.org, bruno.id, true, Limit::new(None), None)
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.data[0].kind, NotificationKind::Assigned);
    assert_eq!(page.data[0].by.as_ref().map(|u| u.id), Some(ana.id));
    let head = f.head().await;
    change(
        &f,
        chat,
        ChatChange::Assign(Some(ana.id)),
        By::User(ana.id),
        at(6),
    )
    .await;
    assert!(
        events_of(&f, head, "notification.created").await.is_empty(),
        "self-assignment"
    );
}

/// Only users of the organization can be assigned; another organization's chat is not found.
pub async fn assignees_and_chats_belong_to_the_organization(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let chat = customer_chat(&f).await;
    let ana = agent(&f, "Ana").await;
    let other = f.store.ensure_org("elsewhere", at(0)).await.unwrap();
    let stranger = user_in(&f, other, "Stranger", Role::Agent).await;
    let err = f
        .store
        .change_chat(
            f.org,
            chat,
            ChatChange::Assign(Some(stranger.id)),
            By::User(ana.id),
            at(5),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref m) if m.contains("user_id")),
        "{err:?}"
    );
    let err = f
        .store
        .change_chat(
            other,
            chat,
            ChatChange::Resolve,
            By::User(stranger.id),
            at(5),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    assert_eq!(f.chat_with(CUSTOMER).await.status, InboxStatus::Open);
}

/// Resolve and reopen move the status and announce it; resolving twice is silent. An
/// integration (API token) may do it too.
pub async fn resolve_and_reopen_are_announced_once(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let chat = customer_chat(&f).await;
    let by = By::Token(TokenId(1));
    let head = f.head().await;
    let resolved = change(&f, chat, ChatChange::Resolve, by, at(5)).await;
    assert_eq!(
        (resolved.status, resolved.resolved_at),
        (InboxStatus::Resolved, Some(at(5)))
    );
    change(&f, chat, ChatChange::Resolve, by, at(6)).await;
    let reopened = change(&f, chat, ChatChange::Reopen, by, at(7)).await;
    assert_eq!(reopened.status, InboxStatus::Open);
    assert_eq!(reopened.resolved_at, Some(at(5)), "kept for analytics");
    let fields: Vec<_> = events_of(&f, head, "chat.updated")
        .await
        .into_iter()
        .map(|e| (e.data["fields"].clone(), e.data["by"].clone()))
        .collect();
    assert_eq!(
        fields,
        [
            (json!(["status"]), json!(null)),
            (json!(["status"]), json!(null))
        ]
    );
}

/// A snooze hides the chat until its time; after it, the chat reads as open (by
/// `as_seen_at`) and lists as open, without any write. Snoozes must end in the future.
pub async fn snoozes_end_by_themselves(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let chat = customer_chat(&f).await;
    let ana = agent(&f, "Ana").await;
    let until = at(10).plus_ms(HOUR_MS);
    let snoozed = change(
        &f,
        chat,
        ChatChange::Snooze { until },
        By::User(ana.id),
        at(10),
    )
    .await;
    assert_eq!(
        (snoozed.status, snoozed.snoozed_until),
        (InboxStatus::Snoozed, Some(until))
    );
    let stored = f.store.get_chat(f.org, chat).await.unwrap();
    assert_eq!(
        stored.clone().as_seen_at(until.plus_ms(-1)).status,
        InboxStatus::Snoozed
    );
    let later = stored.as_seen_at(until);
    assert_eq!(
        (later.status, later.snoozed_until),
        (InboxStatus::Open, None)
    );
    let err = f
        .store
        .change_chat(
            f.org,
            chat,
            ChatChange::Snooze { until: at(9) },
            By::User(ana.id),
            at(10),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref m) if m.contains("until")),
        "{err:?}"
    );
}

/// Three chats snoozed by an agent at `at(10)`, ending one, two and three hours later.
async fn three_snoozed_chats(f: &Fixture) -> [(ChatId, Timestamp); 3] {
    let customers = [CUSTOMER, OTHER, THIRD];
    let messages = customers
        .iter()
        .enumerate()
        .map(|(i, wa_id)| Change::Message(text(&format!("wamid.{i}"), wa_id, at(1), "hi")));
    f.ingest(messages.collect()).await;
    let ana = agent(f, "Ana").await;
    let mut snoozed = Vec::new();
    for (hours, wa_id) in (1..).zip(customers) {
        let chat = f.chat_with(wa_id).await.id;
        let until = at(10).plus_ms(hours * HOUR_MS);
        let snooze = ChatChange::Snooze { until };
        change(f, chat, snooze, By::User(ana.id), at(10)).await;
        snoozed.push((chat, until));
    }
    snoozed.try_into().expect("three chats")
}

/// The end of a snooze is stored and announced once its time has passed, earliest first and
/// at most `limit` at a time: the chat is stored open with no snooze time, `chat.updated`
/// names `status` and `snoozed_until` and nobody as `by`, and a chat already woken is not
/// announced again.
pub async fn ended_snoozes_are_stored_and_announced_once(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let [
        (first, first_until),
        (second, second_until),
        (third, third_until),
    ] = three_snoozed_chats(&f).await;
    let head = f.head().await;
    let wake = |now, limit| f.store.wake_snoozed_chats(now, limit);

    assert!(wake(first_until.plus_ms(-1), 10).await.unwrap().is_empty());
    let woken = wake(first_until, 10).await.unwrap();
    assert_eq!(
        woken,
        [WokenChat {
            org: f.org,
            chat: first,
            snoozed_until: first_until
        }]
    );
    let stored = f.store.get_chat(f.org, first).await.unwrap();
    assert_eq!(
        (stored.status, stored.snoozed_until),
        (InboxStatus::Open, None)
    );
    let still = f.store.get_chat(f.org, second).await.unwrap();
    assert_eq!(still.status, InboxStatus::Snoozed);
    assert!(wake(first_until, 10).await.unwrap().is_empty(), "once");

    let earliest = wake(third_until, 1).await.unwrap();
    assert_eq!(earliest.len(), 1);
    assert_eq!(
        (earliest[0].chat, earliest[0].snoozed_until),
        (second, second_until)
    );
    let rest = wake(third_until, 10).await.unwrap();
    assert_eq!(rest.iter().map(|w| w.chat).collect::<Vec<_>>(), [third]);

    let updated = events_of(&f, head, "chat.updated").await;
    assert_eq!(updated.len(), 3, "{updated:?}");
    for e in &updated {
        assert_eq!(
            e.data["fields"],
            json!(["status", "snoozed_until"]),
            "{e:?}"
        );
        assert_eq!(e.data["by"], json!(null), "{e:?}");
    }
    let announced: Vec<_> = updated.iter().map(|e| e.chat_id).collect();
    assert_eq!(announced, [Some(first), Some(second), Some(third)]);
}

/// Labels replace the chat's set; the labels in use are counted.
pub async fn labels_replace_the_set_and_are_counted(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![
        Change::Message(text("wamid.1", CUSTOMER, at(1), "hi")),
        Change::Message(text("wamid.2", "16505550002", at(2), "hi")),
    ])
    .await;
    let (a, b) = (
        f.chat_with(CUSTOMER).await.id,
        f.chat_with("16505550002").await.id,
    );
    let set = |l: &[&str]| ChatChange::SetLabels(Label::parse_set(l).unwrap());
    let by = By::Token(TokenId(1));
    change(&f, a, set(&["vip", "billing"]), by, at(5)).await;
    change(&f, b, set(&["vip"]), by, at(5)).await;
    let a_now = change(&f, a, set(&["vip", "urgent"]), by, at(6)).await;
    assert_eq!(a_now.labels, ["urgent", "vip"]);
    let counts: Vec<_> = f
        .store
        .list_labels(f.org)
        .await
        .unwrap()
        .into_iter()
        .map(|l| (l.label, l.count))
        .collect();
    assert_eq!(counts, [("urgent".to_owned(), 1), ("vip".to_owned(), 2)]);
}

/// Reading a chat marks its live customer messages read and zeroes the unread count; echoes
/// and history are untouched. The newest customer message is named for a read receipt.
pub async fn reading_a_chat_marks_customer_messages_read(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![
        Change::Message(history_text("wamid.H", CUSTOMER, at(0), true, "old")),
        Change::Message(text("wamid.1", CUSTOMER, at(1), "hi")),
        Change::Message(echo("wamid.E", CUSTOMER, at(2), "hello")),
        Change::Message(text("wamid.2", CUSTOMER, at(3), "there?")),
    ])
    .await;
    let chat = f.chat_with(CUSTOMER).await;
    assert_eq!(chat.unread_count, 2);
    let ana = agent(&f, "Ana").await;
    let head = f.head().await;
    let read = f
        .store
        .mark_chat_read(f.org, chat.id, By::User(ana.id), at(9))
        .await
        .unwrap();
    assert_eq!((read.chat.unread_count, read.marked), (0, 2));
    let newest = read.newest_customer_message.expect("a customer message");
    assert_eq!(newest.1.as_deref(), Some("wamid.2"));
    assert_eq!(
        f.message("wamid.1").await.status,
        Some(DeliveryStatus::Read)
    );
    assert_eq!(f.message("wamid.1").await.status_at, Some(at(9)));
    let (history, echoed) = (f.message("wamid.H").await, f.message("wamid.E").await);
    assert_eq!(
        history.status_at,
        Some(at(0)),
        "history keeps the status Meta gave it"
    );
    assert_eq!(echoed.status_at, None);
    let updated = events_of(&f, head, "chat.updated").await;
    assert_eq!(updated.len(), 1);
    assert_eq!(updated[0].data["fields"], json!(["unread_count"]));
    let again = f
        .store
        .mark_chat_read(f.org, chat.id, By::User(ana.id), at(10))
        .await
        .unwrap();
    assert_eq!(again.marked, 0);
    assert_eq!(
        events_of(&f, head, "chat.updated").await.len(),
        1,
        "nothing new to read"
    );
}
