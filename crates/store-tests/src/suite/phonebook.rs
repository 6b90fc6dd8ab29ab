//! Address-book changes from the phone app.

use coexist_core::ingest::Change;

use crate::build::{CUSTOMER, OTHER, PHONE_ID, at, contact_add, contact_remove};
use crate::fixture::{Fixture, StoreFactory};
use crate::suite::inbox::events_of;

/// `add` sets the phone-book names; `remove` keeps the contact (and its chat) and marks when it
/// left the phone; a later `add` brings it back.
pub async fn contact_remove_keeps_the_contact(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.A", CUSTOMER, at(1), "hi").await;
    f.ingest(vec![Change::ContactSync(contact_add(
        CUSTOMER,
        "Pablo Morales",
        "Pablo",
        at(2),
    ))])
    .await;
    let c = f.contact(CUSTOMER).await;
    assert_eq!(c.name.as_deref(), Some("Pablo Morales"));
    assert_eq!(c.first_name.as_deref(), Some("Pablo"));
    assert_eq!(c.removed_from_phone_at, None);
    f.ingest(vec![Change::ContactSync(contact_remove(CUSTOMER, at(3)))])
        .await;
    let c = f.contact(CUSTOMER).await;
    assert_eq!(c.removed_from_phone_at, Some(at(3)));
    assert_eq!(
        c.name.as_deref(),
        Some("Pablo Morales"),
        "kept for the record"
    );
    assert_eq!(f.chat_with(CUSTOMER).await.message_count, 1);
    f.ingest(vec![Change::ContactSync(contact_add(
        CUSTOMER,
        "Pablo M.",
        "Pablo",
        at(4),
    ))])
    .await;
    let c = f.contact(CUSTOMER).await;
    assert_eq!(c.removed_from_phone_at, None);
    assert_eq!(c.name.as_deref(), Some("Pablo M."));
}

/// An older address-book change arriving late never overwrites a newer one: a late `add` older
/// than the removal does not bring the contact back (its names are still the last ones the
/// phone had, as if it had arrived in order).
pub async fn older_contact_change_never_overwrites_a_newer_one(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![Change::ContactSync(contact_remove(CUSTOMER, at(10)))])
        .await;
    f.ingest(vec![Change::ContactSync(contact_add(
        CUSTOMER,
        "Old Name",
        "Old",
        at(5),
    ))])
    .await;
    let c = f.contact(CUSTOMER).await;
    assert_eq!(c.removed_from_phone_at, Some(at(10)), "still removed");
    assert_eq!(c.name.as_deref(), Some("Old Name"));
    f.ingest(vec![Change::ContactSync(contact_add(
        CUSTOMER,
        "New Name",
        "New",
        at(20),
    ))])
    .await;
    f.ingest(vec![Change::ContactSync(contact_add(
        CUSTOMER,
        "Middle",
        "Mid",
        at(15),
    ))])
    .await;
    let c = f.contact(CUSTOMER).await;
    assert_eq!(c.name.as_deref(), Some("New Name"));
    assert_eq!(c.removed_from_phone_at, None);
}

/// A sync marks when the address book last synced and counts as phone-app activity.
pub async fn contact_sync_marks_the_number_synced(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest_at(
        at(100),
        vec![Change::ContactSync(contact_add(CUSTOMER, "P", "P", at(7)))],
    )
    .await;
    let n = f.number(PHONE_ID).await;
    assert_eq!(n.contacts_synced_at, Some(at(100)));
    assert_eq!(n.last_app_activity_at, Some(at(7)));
    assert_eq!(
        f.contacts().await.len(),
        1,
        "the contact exists without any chat"
    );
    assert!(f.chats().await.is_empty());
}

/// Every `contact.updated` the webhooks cause names its contact (`data.contact_id`, a string as
/// the API writes ids) and what changed, one event per contact even when one request changes
/// two contacts: a client re-reads only the contact that changed.
pub async fn contact_updates_name_their_contact(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let head = f.head().await;
    f.ingest_text("wamid.A", CUSTOMER, at(1), "hi").await;
    let customer = f.contact(CUSTOMER).await.id.to_string();
    let created = events_of(&f, head, "contact.updated").await;
    assert_eq!(created.len(), 1, "{created:#?}");
    assert_eq!(created[0].data["contact_id"], customer.as_str());
    assert_eq!(created[0].data["changes"], serde_json::json!(["created"]));

    let head = f.head().await;
    f.ingest_text("wamid.B", OTHER, at(2), "hello").await;
    let other = f.contact(OTHER).await.id.to_string();
    f.ingest(vec![
        Change::ContactSync(contact_add(CUSTOMER, "Pablo Morales", "Pablo", at(3))),
        Change::ContactSync(contact_remove(OTHER, at(3))),
    ])
    .await;
    let named: Vec<(String, serde_json::Value)> = events_of(&f, head, "contact.updated")
        .await
        .into_iter()
        .map(|e| {
            let id = e.data["contact_id"].as_str().map(str::to_owned);
            (id.unwrap_or_default(), e.data["changes"].clone())
        })
        .collect();
    assert_eq!(
        named,
        vec![
            (other.clone(), serde_json::json!(["created"])),
            (customer, serde_json::json!(["phonebook"])),
            (other, serde_json::json!(["removed"])),
        ]
    );
}
