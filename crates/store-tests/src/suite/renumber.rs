//! A customer who changes phone number stays one contact with one chat: the contact moves to the
//! new number, the old one still finds it, and a contact the new number already had is merged
//! in, whatever order Meta delivers the notice and the messages in.

use coexist_core::ids::ChatId;
use coexist_core::inbox::{ChatChange, Label, NoteBody};
use coexist_core::ingest::Change;
use coexist_core::store::{By, ChatRecord, NewNote, SendTarget, StoreError};
use serde_json::json;

use super::inbox::{agent, change, events_of};
use crate::build::{CUSTOMER, OTHER, at, history_text, number_change, text};
use crate::fixture::{Fixture, StoreFactory};

/// The customer's new number.
const NEW: &str = "16505559876";

/// The wamids of a chat's messages, newest first.
async fn wamids(f: &Fixture, chat: ChatId) -> Vec<String> {
    f.messages_of(chat)
        .await
        .into_iter()
        .map(|m| m.wamid.unwrap_or_default())
        .collect()
}

/// The organization's only chat.
async fn only_chat(f: &Fixture) -> ChatRecord {
    let chats = f.chats().await;
    assert_eq!(chats.len(), 1, "one customer, one chat: {chats:#?}");
    chats.into_iter().next().unwrap()
}

/// A note on `chat` by `author`.
async fn note_on(f: &Fixture, chat: ChatId, author: By, body: &str) {
    let note = NewNote {
        author,
        body: NoteBody::parse("body", body).unwrap(),
        mentions: Vec::new(),
    };
    f.store
        .create_note(f.org, chat, note, at(1))
        .await
        .expect("create_note");
}

/// With no contact on the new number, the contact takes it: same contact, same chat, and the
/// customer's next message from the new number lands there.
pub async fn a_number_change_moves_the_contact_and_its_chat(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.X1", CUSTOMER, at(1), "hi from my old phone")
        .await;
    let before = f.contact(CUSTOMER).await;
    let chat = f.chat_with(CUSTOMER).await.id;
    let head = f.head().await;
    f.ingest(number_change("wamid.N", CUSTOMER, NEW, at(2)))
        .await;
    let moved = f.contact(NEW).await;
    assert_eq!(moved.id, before.id, "the same contact, on its new number");
    assert_eq!(f.contacts().await.len(), 1);
    assert_eq!(f.chat_with(NEW).await.id, chat);
    let updated = events_of(&f, head, "contact.updated").await;
    assert!(
        updated
            .iter()
            .any(|e| e.chat_id == Some(chat) && e.data["contact_id"] == before.id.to_string()),
        "the contact's change names the contact and its chat: {updated:#?}"
    );
    f.ingest_text("wamid.Y1", NEW, at(3), "hi from my new phone")
        .await;
    assert_eq!(f.contacts().await.len(), 1);
    let after = only_chat(&f).await;
    assert_eq!(after.id, chat);
    assert_eq!(after.message_count, 3);
    assert_eq!(wamids(&f, chat).await, ["wamid.Y1", "wamid.N", "wamid.X1"]);
}

/// After the change, a late webhook from the old number (live or history) finds the moved
/// contact through its alias: no new contact, no new chat.
pub async fn a_late_message_from_the_old_number_finds_the_moved_contact(
    factory: &dyn StoreFactory,
) {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.X1", CUSTOMER, at(1), "one").await;
    f.ingest(number_change("wamid.N", CUSTOMER, NEW, at(5)))
        .await;
    let chat = f.chat_with(NEW).await.id;
    // Sent before the change, delivered after it.
    f.ingest_text("wamid.X2", CUSTOMER, at(4), "two (late)")
        .await;
    f.ingest(vec![Change::Message(history_text(
        "wamid.H",
        CUSTOMER,
        at(0),
        true,
        "from the phone's history",
    ))])
    .await;
    assert_eq!(f.contacts().await.len(), 1);
    let only = only_chat(&f).await;
    assert_eq!(only.id, chat);
    assert_eq!(only.contact.wa_id.as_deref(), Some(NEW));
    assert_eq!(only.message_count, 4);
    assert_eq!(
        wamids(&f, chat).await,
        ["wamid.N", "wamid.X2", "wamid.X1", "wamid.H"]
    );
}

/// The customer's first message from the new number came before the notice: the two contacts
/// and chats become one. The older chat is kept with every message in time order, the other
/// chat's notes and labels, recomputed counters, and the other chat is gone (`chat.merged`).
pub async fn a_number_change_merges_the_contact_the_new_number_already_has(
    factory: &dyn StoreFactory,
) {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.X1", CUSTOMER, at(1), "one").await;
    f.ingest_text("wamid.X2", CUSTOMER, at(2), "two").await;
    let old = f.chat_with(CUSTOMER).await;
    let old_contact = f.contact(CUSTOMER).await;
    let reader = agent(&f, "Reader").await;
    f.store
        .mark_chat_read(f.org, old.id, By::User(reader.id), at(3))
        .await
        .expect("mark_chat_read");
    note_on(&f, old.id, By::User(reader.id), "known customer").await;
    let vip = vec![Label::parse("vip").unwrap()];
    change(
        &f,
        old.id,
        ChatChange::SetLabels(vip),
        By::User(reader.id),
        at(3),
    )
    .await;
    change(&f, old.id, ChatChange::Resolve, By::User(reader.id), at(3)).await;

    f.ingest_text("wamid.Y1", NEW, at(10), "it's me, new phone")
        .await;
    let new = f.chat_with(NEW).await;
    note_on(&f, new.id, By::User(reader.id), "who is this").await;
    let billing = vec![Label::parse("billing").unwrap()];
    change(
        &f,
        new.id,
        ChatChange::SetLabels(billing),
        By::User(reader.id),
        at(11),
    )
    .await;
    assert_eq!(
        f.contacts().await.len(),
        2,
        "Meta delivered them out of order"
    );

    let head = f.head().await;
    f.ingest(number_change("wamid.N", CUSTOMER, NEW, at(9)))
        .await;

    let contacts = f.contacts().await;
    assert_eq!(contacts.len(), 1, "{contacts:#?}");
    assert_eq!(contacts[0].id, old_contact.id, "the older contact is kept");
    assert_eq!(contacts[0].wa_id.as_deref(), Some(NEW));
    let chat = only_chat(&f).await;
    assert_eq!(chat.id, old.id, "the older chat is kept");
    assert_eq!(
        wamids(&f, chat.id).await,
        ["wamid.Y1", "wamid.N", "wamid.X2", "wamid.X1"]
    );
    assert_eq!(chat.message_count, 4);
    assert_eq!(
        chat.unread_count, 2,
        "the notice and Y1; X1 and X2 were read"
    );
    assert_eq!(chat.last_message_at, Some(at(10)));
    let last = f.message("wamid.Y1").await;
    assert_eq!(chat.last_message.as_ref().map(|m| m.id), Some(last.id));
    assert_eq!(chat.last_customer_message_at, Some(at(10)));
    assert_eq!(
        chat.status.as_str(),
        "open",
        "the new number's message waits"
    );
    assert_eq!(chat.labels, ["billing", "vip"]);
    let notes = f.store.list_notes(f.org, chat.id).await.unwrap();
    assert_eq!(notes.len(), 2);

    let gone = f.store.get_chat(f.org, new.id).await.unwrap_err();
    assert!(matches!(gone, StoreError::NotFound), "{gone:?}");
    let merged = events_of(&f, head, "chat.merged").await;
    assert_eq!(merged.len(), 1, "{merged:#?}");
    assert_eq!(merged[0].chat_id, Some(new.id));
    assert_eq!(merged[0].data["into_chat_id"], json!(old.id));
    let updated = events_of(&f, head, "chat.updated").await;
    assert!(updated.iter().any(|e| e.chat_id == Some(old.id)));

    // Both numbers now find the one contact.
    f.ingest_text("wamid.X3", CUSTOMER, at(8), "late, old phone")
        .await;
    f.ingest_text("wamid.Y2", NEW, at(12), "new phone again")
        .await;
    assert_eq!(f.contacts().await.len(), 1);
    assert_eq!(only_chat(&f).await.message_count, 6);
}

/// A notice delivered again (in another request, before or after more traffic) changes nothing
/// more and announces nothing; a notice that names no other number is only a message.
pub async fn a_redelivered_number_change_changes_nothing_more(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.X1", CUSTOMER, at(1), "one").await;
    f.ingest(number_change("wamid.N", CUSTOMER, NEW, at(2)))
        .await;
    f.ingest_text("wamid.Y1", NEW, at(3), "new phone").await;
    let chat = only_chat(&f).await;
    let head = f.head().await;
    let again = f
        .ingest(number_change("wamid.N", CUSTOMER, NEW, at(2)))
        .await;
    assert_eq!(again.messages_duplicate, 1);
    assert_eq!(f.event_kinds_after(head).await, Vec::<String>::new());
    assert_eq!(only_chat(&f).await, chat);
    assert_eq!(f.contact(NEW).await.wa_id.as_deref(), Some(NEW));

    // A notice whose "new" number is the sender's own moves nothing.
    f.ingest(number_change("wamid.S", NEW, NEW, at(4))).await;
    assert_eq!(f.contacts().await.len(), 1);
    let chat = only_chat(&f).await;
    assert_eq!(chat.message_count, 4, "the notice itself is stored");
    assert_eq!(chat.contact.wa_id.as_deref(), Some(NEW));
}

/// Every delivery order of (a message from the old number, the notice, a message from the new
/// number) ends the same: one contact on the new number, one chat with the three messages in
/// time order and the same counters.
pub async fn number_change_converges_in_any_delivery_order(factory: &dyn StoreFactory) {
    let deliveries: [Vec<Change>; 3] = [
        vec![Change::Message(text("wamid.X1", CUSTOMER, at(1), "old"))],
        number_change("wamid.N", CUSTOMER, NEW, at(2)),
        vec![Change::Message(text("wamid.Y1", NEW, at(3), "new"))],
    ];
    let orders = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ];
    let mut results = Vec::new();
    for order in orders {
        let f = Fixture::new(factory).await;
        for i in order {
            f.ingest(deliveries[i].clone()).await;
        }
        let contacts = f.contacts().await;
        assert_eq!(contacts.len(), 1, "order {order:?}: {contacts:#?}");
        assert_eq!(contacts[0].wa_id.as_deref(), Some(NEW), "order {order:?}");
        let chat = only_chat(&f).await;
        let seen = (
            wamids(&f, chat.id).await,
            chat.message_count,
            chat.unread_count,
            chat.last_message_at,
            chat.last_customer_message_at,
            chat.status,
        );
        results.push((order, seen));
    }
    let (_, first) = &results[0];
    for (order, seen) in &results {
        assert_eq!(
            seen, first,
            "order {order:?} differs from in-order delivery"
        );
    }
    // The same three in one request, the new number's message first.
    let f = Fixture::new(factory).await;
    let mut one = deliveries[2].clone();
    one.extend(deliveries[0].clone());
    one.extend(deliveries[1].clone());
    f.ingest(one).await;
    assert_eq!(f.contacts().await.len(), 1);
    let chat = only_chat(&f).await;
    assert_eq!(
        wamids(&f, chat.id).await,
        ["wamid.Y1", "wamid.N", "wamid.X1"]
    );
    assert_eq!(chat.message_count, 3);
}

/// Two changes delivered backwards (old → middle after middle → new): still one contact, on the
/// newest number, and every number finds it.
pub async fn a_chain_of_number_changes_delivered_backwards_is_one_contact(
    factory: &dyn StoreFactory,
) {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.X1", CUSTOMER, at(1), "first phone")
        .await;
    f.ingest(number_change("wamid.N2", OTHER, NEW, at(20)))
        .await;
    f.ingest(number_change("wamid.N1", CUSTOMER, OTHER, at(10)))
        .await;
    let contacts = f.contacts().await;
    assert_eq!(contacts.len(), 1, "{contacts:#?}");
    assert_eq!(contacts[0].wa_id.as_deref(), Some(NEW));
    for (wamid, wa_id) in [("wamid.A", CUSTOMER), ("wamid.B", OTHER), ("wamid.C", NEW)] {
        f.ingest_text(wamid, wa_id, at(30), "which phone?").await;
    }
    assert_eq!(f.contacts().await.len(), 1);
    assert_eq!(only_chat(&f).await.message_count, 6);
}

/// An old number is an alias only until someone moves to it: a later change to that number
/// makes it the new holder's (no merge with the customer who left it), and its messages go to
/// the new holder.
pub async fn a_number_left_behind_belongs_to_whoever_moves_to_it_later(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.A1", CUSTOMER, at(1), "customer A")
        .await;
    f.ingest_text("wamid.B1", OTHER, at(2), "customer B").await;
    f.ingest(number_change("wamid.NA", CUSTOMER, NEW, at(10)))
        .await;
    f.ingest(number_change("wamid.NB", OTHER, CUSTOMER, at(20)))
        .await;
    assert_eq!(f.contacts().await.len(), 2, "two people stay two contacts");
    let a = f.contact(NEW).await;
    let b = f.contact(CUSTOMER).await;
    assert_ne!(a.id, b.id);
    f.ingest_text("wamid.B2", CUSTOMER, at(30), "B from A's old number")
        .await;
    let b_chat = f.chat_with(CUSTOMER).await;
    assert_eq!(b_chat.contact.id, b.id);
    assert_eq!(
        wamids(&f, b_chat.id).await,
        ["wamid.B2", "wamid.NB", "wamid.B1"]
    );
    assert_eq!(f.chat_with(NEW).await.message_count, 2);
}

/// WhatsApp moves the account at the change: a message from the old number sent well after it
/// is from whoever has that number now (carriers give numbers out again), not from the
/// customer who left. It gets a contact and chat of its own; the moved customer's chat keeps
/// only what they sent.
pub async fn a_message_from_the_old_number_long_after_the_change_is_someone_else(
    factory: &dyn StoreFactory,
) {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.X1", CUSTOMER, at(1), "one").await;
    f.ingest(number_change("wamid.N", CUSTOMER, NEW, at(5)))
        .await;
    let moved = f.contact(NEW).await;
    let two_days = 2 * 24 * 3600;
    f.ingest_text("wamid.Z1", CUSTOMER, at(5 + two_days), "hello, new here")
        .await;
    assert_eq!(
        f.contacts().await.len(),
        2,
        "a stranger is not the customer"
    );
    let stranger = f.contact(CUSTOMER).await;
    assert_ne!(stranger.id, moved.id);
    let stranger_chat = f.chat_with(CUSTOMER).await;
    assert_eq!(wamids(&f, stranger_chat.id).await, ["wamid.Z1"]);
    let moved_chat = f.chat_with(NEW).await;
    assert_eq!(wamids(&f, moved_chat.id).await, ["wamid.N", "wamid.X1"]);
}

/// A reply still queued when the customer changes number is sent to the new number: WhatsApp
/// moved their account, and the old number may soon be someone else's.
pub async fn a_send_queued_before_a_number_change_goes_to_the_new_number(
    factory: &dyn StoreFactory,
) {
    let (f, chat) = super::outbox::with_chat(factory).await;
    let reply = super::outbox::send(&f, SendTarget::Chat(chat), None, "on its way");
    let queued = super::outbox::enqueue(&f, reply).await;
    f.ingest(number_change("wamid.N", CUSTOMER, NEW, at(5)))
        .await;
    let claimed = f
        .store
        .claim_sends(&[queued.id], at(11), at(41), "test")
        .await
        .expect("claim_sends");
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].recipient, NEW, "the customer's number now");
}
