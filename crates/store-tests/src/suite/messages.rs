//! Messages, chats and contacts from live and imported messages.

use coexist_core::ingest::{Change, ContactRef};
use coexist_core::message::Origin;
use coexist_core::store::StoreError;

use crate::build::{CUSTOMER, OTHER, PHONE_ID, at, echo, history_text, text};
use crate::fixture::{Fixture, StoreFactory};

/// A message delivered again in another request (same number and wamid) is stored once.
pub async fn ingest_is_idempotent_on_wamid(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let m = text("wamid.A", CUSTOMER, at(1), "hello");
    let first = f.ingest(vec![Change::Message(m.clone())]).await;
    let head = f.head().await;
    let second = f.ingest(vec![Change::Message(m)]).await;
    assert_eq!((first.messages_created, first.messages_duplicate), (1, 0));
    assert_eq!((second.messages_created, second.messages_duplicate), (0, 1));
    let chat = f.chat_with(CUSTOMER).await;
    assert_eq!(chat.message_count, 1);
    assert_eq!(chat.unread_count, 1);
    assert!(
        !f.event_kinds_after(head)
            .await
            .contains(&"message.created".to_owned()),
        "a redelivered message is not announced again"
    );
}

/// The history copy of a message first received live is a no-op: the live one stays.
pub async fn history_copy_of_a_live_message_is_a_no_op(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.A", CUSTOMER, at(1), "live text").await;
    let out = f
        .ingest(vec![Change::Message(history_text(
            "wamid.A",
            CUSTOMER,
            at(1),
            true,
            "copy",
        ))])
        .await;
    assert_eq!(out.messages_duplicate, 1);
    let m = f.message("wamid.A").await;
    assert_eq!(m.origin, Origin::Customer);
    assert_eq!(m.text.as_deref(), Some("live text"));
    assert_eq!(f.chat_with(CUSTOMER).await.message_count, 1);
}

/// The chat's last message moves only to a newer message (Meta's time, then id); an older one
/// arriving late is counted but does not become the preview.
pub async fn chat_last_message_moves_forward_only(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.NEW", CUSTOMER, at(10), "newer").await;
    f.ingest_text("wamid.OLD", CUSTOMER, at(5), "older").await;
    let chat = f.chat_with(CUSTOMER).await;
    let newest = f.message("wamid.NEW").await;
    assert_eq!(chat.last_message_at, Some(at(10)));
    assert_eq!(chat.last_message.as_ref().map(|p| p.id), Some(newest.id));
    assert_eq!(
        chat.last_message.as_ref().and_then(|p| p.text.as_deref()),
        Some("newer")
    );
    assert_eq!(chat.message_count, 2);
}

/// Only live customer messages count as unread: echoes and history don't.
pub async fn unread_counts_only_customer_messages(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![
        Change::Message(text("wamid.1", CUSTOMER, at(1), "one")),
        Change::Message(echo("wamid.2", CUSTOMER, at(2), "reply from the phone")),
        Change::Message(history_text("wamid.3", CUSTOMER, at(0), true, "old")),
        Change::Message(text("wamid.4", CUSTOMER, at(3), "two")),
    ])
    .await;
    let chat = f.chat_with(CUSTOMER).await;
    assert_eq!(chat.message_count, 4);
    assert_eq!(chat.unread_count, 2);
}

/// An echo (typed on the phone) never opens or extends the service window, and counts as a
/// sign of life of the phone app.
pub async fn echo_does_not_open_the_service_window(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![Change::Message(echo(
        "wamid.E1",
        CUSTOMER,
        at(5),
        "hello from the shop",
    ))])
    .await;
    let chat = f.chat_with(CUSTOMER).await;
    assert_eq!(chat.last_customer_message_at, None);
    assert_eq!(f.number(PHONE_ID).await.last_app_activity_at, Some(at(5)));
    f.ingest_text("wamid.C1", CUSTOMER, at(10), "thanks").await;
    f.ingest(vec![Change::Message(echo(
        "wamid.E2",
        CUSTOMER,
        at(20),
        "you're welcome",
    ))])
    .await;
    let chat = f.chat_with(CUSTOMER).await;
    assert_eq!(
        chat.last_customer_message_at,
        Some(at(10)),
        "the echo did not extend it"
    );
    assert_eq!(f.number(PHONE_ID).await.last_app_activity_at, Some(at(20)));
}

/// The service window follows the newest live customer message; an older one arriving late does
/// not move it back, and history never opens it.
pub async fn service_window_follows_the_newest_customer_message(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![Change::Message(history_text(
        "wamid.H",
        CUSTOMER,
        at(50),
        true,
        "old",
    ))])
    .await;
    assert_eq!(f.chat_with(CUSTOMER).await.last_customer_message_at, None);
    f.ingest_text("wamid.B", CUSTOMER, at(20), "b").await;
    f.ingest_text("wamid.A", CUSTOMER, at(10), "a").await;
    assert_eq!(
        f.chat_with(CUSTOMER).await.last_customer_message_at,
        Some(at(20))
    );
}

/// Contacts are keyed by wa_id, else by the business-scoped user id; a wa_id learned later is
/// filled in on the same contact.
pub async fn contacts_are_keyed_by_wa_id_else_user_id(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let mut by_user = text("wamid.U1", CUSTOMER, at(1), "hi");
    by_user.contact = ContactRef {
        wa_id: None,
        user_id: Some("US.13491208655302741918".to_owned()),
        parent_user_id: None,
        profile_name: Some("Sheena".to_owned()),
    };
    f.ingest(vec![Change::Message(by_user.clone())]).await;
    let mut both = text("wamid.U2", CUSTOMER, at(2), "again");
    both.contact = ContactRef {
        wa_id: Some(OTHER.to_owned()),
        parent_user_id: Some("US.PARENT".to_owned()),
        ..by_user.contact.clone()
    };
    f.ingest(vec![Change::Message(both)]).await;
    let contacts = f.contacts().await;
    assert_eq!(contacts.len(), 1, "one person, one contact: {contacts:?}");
    let c = &contacts[0];
    assert_eq!(c.wa_id.as_deref(), Some(OTHER));
    assert_eq!(c.user_id.as_deref(), Some("US.13491208655302741918"));
    assert_eq!(c.parent_user_id.as_deref(), Some("US.PARENT"));
    assert_eq!(f.chats().await.len(), 1);
    f.ingest_text("wamid.W", OTHER, at(3), "by wa_id").await;
    assert_eq!(f.contacts().await.len(), 1);
    assert_eq!(f.chat_with(OTHER).await.message_count, 3);
}

/// A live webhook's profile name updates the contact; history does not overwrite it.
pub async fn profile_name_follows_live_webhooks(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let mut m = text("wamid.1", CUSTOMER, at(1), "hi");
    m.contact.profile_name = Some("Kerry Fisher".to_owned());
    f.ingest(vec![Change::Message(m)]).await;
    let mut m = text("wamid.2", CUSTOMER, at(2), "hi again");
    m.contact.profile_name = Some("Kerry F.".to_owned());
    f.ingest(vec![Change::Message(m)]).await;
    assert_eq!(
        f.contact(CUSTOMER).await.profile_name.as_deref(),
        Some("Kerry F.")
    );
    let mut h = history_text("wamid.3", CUSTOMER, at(0), true, "old");
    h.contact.profile_name = Some("Old Name".to_owned());
    f.ingest(vec![Change::Message(h)]).await;
    assert_eq!(
        f.contact(CUSTOMER).await.profile_name.as_deref(),
        Some("Kerry F.")
    );
}

/// A message naming neither a wa_id nor a user id cannot be attributed: the request is refused
/// with a clear error and nothing of it is kept.
pub async fn message_without_contact_ids_is_refused(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let mut m = text("wamid.X", CUSTOMER, at(1), "who am I");
    m.contact = ContactRef::default();
    let err = f
        .store
        .ingest(f.batch(vec![Change::Message(m)]))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(msg) if msg.contains("wa_id")),
        "{err:?}"
    );
    assert!(
        f.store
            .find_messages_by_wamid(f.org, "wamid.X")
            .await
            .unwrap()
            .is_empty()
    );
}

/// A referral (click-to-WhatsApp ad) message is stored like any customer message, and the
/// chat remembers when the customer came from the ad (for the free entry point window); a later
/// message without a referral does not move that time.
pub async fn referral_message_is_a_customer_message(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let mut m = text("wamid.R", CUSTOMER, at(1), "I saw your ad");
    m.referral = true;
    f.ingest(vec![Change::Message(m)]).await;
    let chat = f.chat_with(CUSTOMER).await;
    assert_eq!(chat.last_customer_message_at, Some(at(1)));
    assert_eq!(chat.unread_count, 1);
    assert_eq!(chat.referral_at, Some(at(1)));
    f.ingest_text("wamid.R2", CUSTOMER, at(2), "hello?").await;
    let chat = f.chat_with(CUSTOMER).await;
    assert_eq!(chat.referral_at, Some(at(1)));
    assert_eq!(chat.last_customer_message_at, Some(at(2)));
}
