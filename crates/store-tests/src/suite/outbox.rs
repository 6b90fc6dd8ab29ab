//! The outbox: recording sends (idempotency, new recipients), claims, outcomes, expired leases
//! and the reconciliation of a send whose answer was lost.

use coexist_core::ids::{ChatId, MessageId};
use coexist_core::ingest::Change;
use coexist_core::message::{Direction, Origin};
use coexist_core::number::NumberState;
use coexist_core::status::DeliveryStatus;
use coexist_core::store::{
    Author, Enqueued, MessageError, MessageRecord, NewSend, OutboxState, SendOutcome, SendTarget,
    callback_data,
};
use coexist_core::time::Timestamp;
use serde_json::json;

use crate::build::{CUSTOMER, OTHER, PHONE_ID, at, preference, status};
use crate::fixture::{Fixture, StoreFactory};

/// A fixture with one customer chat (the customer wrote at `at(0)`).
pub(crate) async fn with_chat(factory: &dyn StoreFactory) -> (Fixture, ChatId) {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.IN", CUSTOMER, at(0), "hi").await;
    let chat = f.chat_with(CUSTOMER).await.id;
    (f, chat)
}

/// A text send to `target` with `key`.
pub(crate) fn send(f: &Fixture, target: SendTarget, key: Option<&str>, body: &str) -> NewSend {
    let request = json!({ "type": "text", "text": { "body": body } });
    let mut sha = [0u8; 32];
    for (i, b) in body.bytes().enumerate() {
        sha[i % 32] ^= b;
    }
    NewSend {
        org: f.org,
        target,
        idempotency_key: key.map(str::to_owned),
        request_sha256: sha,
        kind: "text".to_owned(),
        text: Some(body.to_owned()),
        content: json!({ "body": body }),
        reply_to: None,
        request,
        author: Some(Author {
            kind: "token".to_owned(),
            id: "1".to_owned(),
            name: None,
        }),
        due_at: at(10),
        now: at(10),
    }
}

/// Enqueues and expects a new message.
pub(crate) async fn enqueue(f: &Fixture, s: NewSend) -> MessageRecord {
    match f.store.enqueue_send(s).await.expect("enqueue_send") {
        Enqueued::Created(m) => m,
        other => panic!("expected a new message, got {other:?}"),
    }
}

/// Claims `id` (due at `at(10)`) for one attempt and returns the attempt number.
pub(crate) async fn claim(f: &Fixture, id: MessageId) -> u32 {
    let claimed = f
        .store
        .claim_sends(&[id], at(11), at(41), "test")
        .await
        .expect("claim_sends");
    assert_eq!(claimed.len(), 1, "{id} should be claimable");
    claimed[0].attempt
}

async fn get(f: &Fixture, id: MessageId) -> MessageRecord {
    f.store.get_message(f.org, id).await.expect("get_message")
}

/// A send is a pending API message in its chat, with a queued outbox entry and an event.
pub async fn enqueue_creates_a_pending_api_message_in_the_chat(factory: &dyn StoreFactory) {
    let (f, chat) = with_chat(factory).await;
    let head = f.head().await;
    let m = enqueue(&f, send(&f, SendTarget::Chat(chat), Some("k1"), "hello")).await;
    assert_eq!((m.origin, m.direction), (Origin::Api, Direction::Outbound));
    assert_eq!(m.status, Some(DeliveryStatus::Pending));
    assert_eq!(m.wamid, None);
    assert_eq!(m.text.as_deref(), Some("hello"));
    assert_eq!(m.timestamp, at(10));
    let info = m
        .send
        .clone()
        .expect("an API message shows its outbox side");
    assert_eq!(info.state, OutboxState::Queued);
    assert_eq!((info.attempts, info.next_attempt_at), (0, Some(at(10))));
    assert_eq!(info.idempotency_key.as_deref(), Some("k1"));
    assert_eq!(m.author.as_ref().map(|a| a.kind.as_str()), Some("token"));
    let c = f.store.get_chat(f.org, chat).await.unwrap();
    assert_eq!(c.message_count, 2);
    assert_eq!(c.last_message.map(|p| p.id), Some(m.id));
    let kinds = f.event_kinds_after(head).await;
    assert!(kinds.contains(&"message.created".to_owned()), "{kinds:?}");
    assert!(kinds.contains(&"chat.updated".to_owned()), "{kinds:?}");
    // Customer messages have no outbox side and no author.
    let inbound = f.message("wamid.IN").await;
    assert!(inbound.send.is_none() && inbound.author.is_none());
}

/// The same key with the same request is the same message; with another request it is refused.
pub async fn idempotency_keys_return_the_first_message(factory: &dyn StoreFactory) {
    let (f, chat) = with_chat(factory).await;
    let first = enqueue(&f, send(&f, SendTarget::Chat(chat), Some("k1"), "hello")).await;
    let again = f
        .store
        .enqueue_send(send(&f, SendTarget::Chat(chat), Some("k1"), "hello"))
        .await
        .unwrap();
    assert_eq!(again, Enqueued::Existing(first.clone()));
    let other = f
        .store
        .enqueue_send(send(&f, SendTarget::Chat(chat), Some("k1"), "bye"))
        .await
        .unwrap();
    assert_eq!(other, Enqueued::KeyReused(first.id));
    let found = f
        .store
        .find_send_by_key(f.org, "k1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.message.id, first.id);
    assert!(
        f.store
            .find_send_by_key(f.org, "k2")
            .await
            .unwrap()
            .is_none()
    );
    // Without a key every call is a new message.
    let a = enqueue(&f, send(&f, SendTarget::Chat(chat), None, "x")).await;
    let b = enqueue(&f, send(&f, SendTarget::Chat(chat), None, "x")).await;
    assert_ne!(a.id, b.id);
    assert_eq!(f.messages_of(chat).await.len(), 4);
}

/// A send to a phone number never seen creates the contact and the chat.
pub async fn a_send_to_a_new_recipient_creates_contact_and_chat(factory: &dyn StoreFactory) {
    let (f, _) = with_chat(factory).await;
    let number = f.number(PHONE_ID).await.id;
    let target = SendTarget::Recipient {
        number,
        wa_id: OTHER.to_owned(),
    };
    let info = f.store.send_target(f.org, &target).await.unwrap();
    assert_eq!((info.chat_id, info.last_customer_message_at), (None, None));
    let m = enqueue(&f, send(&f, target.clone(), None, "welcome")).await;
    let chat = f.chat_with(OTHER).await;
    assert_eq!(chat.id, m.chat_id);
    assert_eq!(chat.last_customer_message_at, None);
    let again = enqueue(&f, send(&f, target, None, "again")).await;
    assert_eq!(again.chat_id, chat.id, "the second send reuses the chat");
    assert_eq!(f.contacts().await.len(), 2);
}

/// What a send goes through: the number, the window, the contact's marketing preference.
pub async fn send_target_reports_window_opt_out_and_number(factory: &dyn StoreFactory) {
    let (f, chat) = with_chat(factory).await;
    let info = f
        .store
        .send_target(f.org, &SendTarget::Chat(chat))
        .await
        .unwrap();
    assert_eq!(info.phone_number_id, PHONE_ID);
    assert_eq!(info.state, NumberState::Live);
    assert_eq!(info.wa_id.as_deref(), Some(CUSTOMER));
    assert_eq!(info.last_customer_message_at, Some(at(0)));
    assert!(!info.marketing_opt_out);
    f.ingest(vec![Change::Preference(preference(
        CUSTOMER,
        "stop",
        at(5),
    ))])
    .await;
    let info = f
        .store
        .send_target(f.org, &SendTarget::Chat(chat))
        .await
        .unwrap();
    assert!(info.marketing_opt_out);
    let missing = f
        .store
        .send_target(f.org, &SendTarget::Chat(ChatId(999)))
        .await;
    assert!(matches!(
        missing,
        Err(coexist_core::store::StoreError::NotFound)
    ));
}

/// Due entries are claimed once: a second claim (another worker) gets nothing.
pub async fn due_sends_are_claimed_once(factory: &dyn StoreFactory) {
    let (f, chat) = with_chat(factory).await;
    let a = enqueue(&f, send(&f, SendTarget::Chat(chat), None, "a")).await;
    let mut later = send(&f, SendTarget::Chat(chat), None, "b");
    later.due_at = at(100);
    let b = enqueue(&f, later).await;
    let due = f.store.due_sends(at(11), 10).await.unwrap();
    assert_eq!(due.iter().map(|d| d.message_id).collect::<Vec<_>>(), [a.id]);
    assert_eq!(due[0].recipient, CUSTOMER);
    assert_eq!(f.store.next_outbox_wakeup().await.unwrap(), Some(at(10)));
    let ids = [a.id, b.id];
    let (one, two) = futures_util::join!(
        f.store.claim_sends(&ids, at(11), at(41), "w1"),
        f.store.claim_sends(&ids, at(11), at(41), "w2"),
    );
    let (one, two) = (one.unwrap(), two.unwrap());
    assert_eq!(
        one.len() + two.len(),
        1,
        "exactly one worker gets a; b is not due"
    );
    let claimed = one.into_iter().chain(two).next().unwrap();
    assert_eq!((claimed.message_id, claimed.attempt), (a.id, 1));
    assert_eq!(claimed.request["text"]["body"], "a");
    assert_eq!(claimed.lease_until, at(41));
    assert_eq!(
        get(&f, a.id).await.send.unwrap().state,
        OutboxState::Sending
    );
    assert_eq!(f.store.next_outbox_wakeup().await.unwrap(), Some(at(41)));
}

/// Meta's answer: the wamid, `accepted`, and statuses move it on from there.
pub async fn an_accepted_send_records_the_wamid(factory: &dyn StoreFactory) {
    let (f, chat) = with_chat(factory).await;
    let m = enqueue(&f, send(&f, SendTarget::Chat(chat), None, "a")).await;
    let attempt = claim(&f, m.id).await;
    let wamid = "wamid.OUT1".to_owned();
    let out = f
        .store
        .record_send_outcome(m.id, attempt, SendOutcome::Accepted { wamid }, at(12))
        .await
        .unwrap();
    assert!(out.applied);
    assert_eq!(out.head, f.head().await);
    let m = get(&f, m.id).await;
    assert_eq!(m.wamid.as_deref(), Some("wamid.OUT1"));
    assert_eq!(m.status, Some(DeliveryStatus::Accepted));
    assert_eq!(m.send.as_ref().unwrap().state, OutboxState::Sent);
    f.ingest(vec![Change::Status(status(
        "wamid.OUT1",
        "delivered",
        at(13),
    ))])
    .await;
    assert_eq!(get(&f, m.id).await.status, Some(DeliveryStatus::Delivered));
}

fn meta_error(code: i64, title: &str) -> MessageError {
    MessageError {
        code,
        title: Some(title.to_owned()),
        details: Some(format!("details of {code}")),
    }
}

/// A retry queues the entry again with its error; a failure fails the message with Meta's error.
pub async fn retries_requeue_and_failures_fail_the_message(factory: &dyn StoreFactory) {
    let (f, chat) = with_chat(factory).await;
    let m = enqueue(&f, send(&f, SendTarget::Chat(chat), None, "a")).await;
    let attempt = claim(&f, m.id).await;
    let error = meta_error(130429, "Rate limit hit");
    let retry = SendOutcome::Retry { at: at(20), error };
    let out = f
        .store
        .record_send_outcome(m.id, attempt, retry, at(12))
        .await
        .unwrap();
    assert!(out.applied);
    let info = get(&f, m.id).await.send.unwrap();
    assert_eq!(info.state, OutboxState::Queued);
    assert_eq!(info.next_attempt_at, Some(at(20)));
    assert_eq!(info.last_error.as_ref().map(|e| e.code), Some(130429));
    assert!(info.note.unwrap().contains("retrying"));
    assert_eq!(get(&f, m.id).await.status, Some(DeliveryStatus::Pending));
    assert!(f.store.due_sends(at(19), 10).await.unwrap().is_empty());
    let claimed = f
        .store
        .claim_sends(&[m.id], at(20), at(50), "w")
        .await
        .unwrap();
    assert_eq!(claimed[0].attempt, 2);
    let failure = SendOutcome::Failed {
        error: meta_error(131047, "Re-engagement message"),
    };
    f.store
        .record_send_outcome(m.id, 2, failure, at(21))
        .await
        .unwrap();
    let m = get(&f, m.id).await;
    assert_eq!(m.status, Some(DeliveryStatus::Failed));
    let e = m.error.unwrap();
    assert_eq!(
        (e.code, e.title.as_deref()),
        (131047, Some("Re-engagement message"))
    );
    assert_eq!(e.details.as_deref(), Some("details of 131047"));
    assert_eq!(m.send.unwrap().state, OutboxState::Failed);
}

/// An outcome for an attempt that is not current changes nothing.
pub async fn stale_outcomes_change_nothing(factory: &dyn StoreFactory) {
    let (f, chat) = with_chat(factory).await;
    let m = enqueue(&f, send(&f, SendTarget::Chat(chat), None, "a")).await;
    let attempt = claim(&f, m.id).await;
    let wrong = f
        .store
        .record_send_outcome(
            m.id,
            attempt + 1,
            SendOutcome::Accepted {
                wamid: "wamid.X".to_owned(),
            },
            at(12),
        )
        .await
        .unwrap();
    assert!(!wrong.applied);
    let accepted = SendOutcome::Accepted {
        wamid: "wamid.OK".to_owned(),
    };
    assert!(
        f.store
            .record_send_outcome(m.id, attempt, accepted, at(12))
            .await
            .unwrap()
            .applied
    );
    let failure = SendOutcome::Failed {
        error: meta_error(131000, "Something went wrong"),
    };
    let late = f
        .store
        .record_send_outcome(m.id, attempt, failure, at(13))
        .await
        .unwrap();
    assert!(
        !late.applied,
        "a second answer for the same attempt is ignored"
    );
    let m = get(&f, m.id).await;
    assert_eq!(
        (m.wamid.as_deref(), m.status),
        (Some("wamid.OK"), Some(DeliveryStatus::Accepted))
    );
}

/// A lease that expires without an answer interrupts the attempt, which is never queued again.
pub async fn expired_leases_are_interrupted_not_resent(factory: &dyn StoreFactory) {
    let (f, chat) = with_chat(factory).await;
    let m = enqueue(&f, send(&f, SendTarget::Chat(chat), None, "a")).await;
    claim(&f, m.id).await;
    assert!(
        f.store
            .sweep_expired_sends(at(40))
            .await
            .unwrap()
            .interrupted
            .is_empty()
    );
    let swept = f.store.sweep_expired_sends(at(42)).await.unwrap();
    assert_eq!(swept.interrupted, [m.id]);
    let info = get(&f, m.id).await.send.unwrap();
    assert_eq!(info.state, OutboxState::Interrupted);
    assert!(info.note.unwrap().contains("not sent again"));
    assert_eq!(get(&f, m.id).await.status, Some(DeliveryStatus::Pending));
    assert!(
        f.store
            .due_sends(Timestamp(i64::MAX / 2), 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        f.store
            .claim_sends(&[m.id], at(100), at(130), "w")
            .await
            .unwrap()
            .is_empty()
    );
    // The attempt's late answer is still the truth about the send.
    let accepted = SendOutcome::Accepted {
        wamid: "wamid.LATE".to_owned(),
    };
    assert!(
        f.store
            .record_send_outcome(m.id, 1, accepted, at(50))
            .await
            .unwrap()
            .applied
    );
    assert_eq!(get(&f, m.id).await.wamid.as_deref(), Some("wamid.LATE"));
}

/// A status webhook whose callback data names our message gives it its wamid: before the
/// answer is recorded, or after the attempt was interrupted.
pub async fn a_status_naming_the_message_reconciles_a_lost_answer(factory: &dyn StoreFactory) {
    let (f, chat) = with_chat(factory).await;
    let m = enqueue(&f, send(&f, SendTarget::Chat(chat), None, "a")).await;
    claim(&f, m.id).await;
    f.store.sweep_expired_sends(at(42)).await.unwrap();
    let head = f.head().await;
    let mut sent = status("wamid.LOST", "sent", at(43));
    sent.biz_opaque_callback_data = Some(callback_data(m.id));
    let out = f.ingest(vec![Change::Status(sent)]).await;
    assert_eq!(out.statuses_advanced, 1);
    let got = get(&f, m.id).await;
    assert_eq!(got.wamid.as_deref(), Some("wamid.LOST"));
    assert_eq!(got.status, Some(DeliveryStatus::Sent));
    assert_eq!(got.send.unwrap().state, OutboxState::Sent);
    assert!(
        f.event_kinds_after(head)
            .await
            .contains(&"message.updated".to_owned())
    );
    // The attempt's answer arriving after the webhook changes nothing.
    let late = SendOutcome::Accepted {
        wamid: "wamid.LOST".to_owned(),
    };
    assert!(
        !f.store
            .record_send_outcome(m.id, 1, late, at(44))
            .await
            .unwrap()
            .applied
    );
    // Callback data naming a message that already has a wamid, or someone else's data, is ignored.
    let mut stray = status("wamid.OTHER", "sent", at(45));
    stray.biz_opaque_callback_data = Some(callback_data(m.id));
    f.ingest(vec![Change::Status(stray)]).await;
    assert_eq!(get(&f, m.id).await.wamid.as_deref(), Some("wamid.LOST"));
}

/// Reconciliation also cancels a queued retry (the message was sent after all) and works while
/// the attempt is still in flight.
pub async fn reconciliation_cancels_a_queued_retry(factory: &dyn StoreFactory) {
    let (f, chat) = with_chat(factory).await;
    let m = enqueue(&f, send(&f, SendTarget::Chat(chat), None, "a")).await;
    let attempt = claim(&f, m.id).await;
    let retry = SendOutcome::Retry {
        at: at(30),
        error: meta_error(131000, "Something went wrong"),
    };
    f.store
        .record_send_outcome(m.id, attempt, retry, at(12))
        .await
        .unwrap();
    let mut sent = status("wamid.SENT", "sent", at(13));
    sent.biz_opaque_callback_data = Some(callback_data(m.id));
    f.ingest(vec![Change::Status(sent)]).await;
    assert_eq!(get(&f, m.id).await.send.unwrap().state, OutboxState::Sent);
    assert!(f.store.due_sends(at(31), 10).await.unwrap().is_empty());
    // In flight: the webhook beats the answer.
    let n = enqueue(&f, send(&f, SendTarget::Chat(chat), None, "b")).await;
    let attempt = claim(&f, n.id).await;
    let mut early = status("wamid.EARLY", "delivered", at(12));
    early.biz_opaque_callback_data = Some(callback_data(n.id));
    f.ingest(vec![Change::Status(early)]).await;
    let accepted = SendOutcome::Accepted {
        wamid: "wamid.EARLY".to_owned(),
    };
    f.store
        .record_send_outcome(n.id, attempt, accepted, at(13))
        .await
        .unwrap();
    let n = get(&f, n.id).await;
    assert_eq!(
        (n.status, n.send.unwrap().state),
        (Some(DeliveryStatus::Delivered), OutboxState::Sent)
    );
}

/// Statuses recorded for the wamid before the answer (without callback data) apply with it.
pub async fn statuses_before_the_answer_apply_with_it(factory: &dyn StoreFactory) {
    let (f, chat) = with_chat(factory).await;
    let m = enqueue(&f, send(&f, SendTarget::Chat(chat), None, "a")).await;
    let attempt = claim(&f, m.id).await;
    let mut read = status("wamid.R", "read", at(14));
    read.biz_opaque_callback_data = None;
    f.ingest(vec![Change::Status(read)]).await;
    let accepted = SendOutcome::Accepted {
        wamid: "wamid.R".to_owned(),
    };
    f.store
        .record_send_outcome(m.id, attempt, accepted, at(13))
        .await
        .unwrap();
    assert_eq!(get(&f, m.id).await.status, Some(DeliveryStatus::Read));
    let events = f.store.message_events(f.org, m.id).await.unwrap();
    assert_eq!(
        events.len(),
        1,
        "the early status now belongs to the message"
    );
}

/// Another organization's sends are not found.
pub async fn another_orgs_sends_are_not_found(factory: &dyn StoreFactory) {
    let (f, chat) = with_chat(factory).await;
    let m = enqueue(&f, send(&f, SendTarget::Chat(chat), Some("k"), "a")).await;
    let other = f.store.ensure_org("other", at(0)).await.unwrap();
    assert!(
        f.store
            .find_send_by_key(other, "k")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        f.store
            .send_target(other, &SendTarget::Chat(chat))
            .await
            .is_err()
    );
    assert!(f.store.send_info(other, m.id).await.is_err());
    let mut foreign = send(&f, SendTarget::Chat(chat), None, "x");
    foreign.org = other;
    assert!(f.store.enqueue_send(foreign).await.is_err());
}
