//! The rest of the sending side: templates, media, the cost report's facts, sending settings and
//! read-receipt targets.

use coexist_core::ingest::Change;
use coexist_core::store::{
    MediaAvailability, MediaOutcome, MediaState, NewMedia, SendingSettings, TemplateDefinition,
    TemplateFilter,
};
use coexist_core::time::{DAY_MS, Timestamp};
use serde_json::json;

use crate::build::{CUSTOMER, OTHER, PHONE_ID, WABA, at, echo, image, status, template, text};
use crate::fixture::{Fixture, StoreFactory};

fn definition(id: &str, status: &str) -> TemplateDefinition {
    TemplateDefinition {
        id: id.to_owned(),
        name: "order_update".to_owned(),
        language: "en_US".to_owned(),
        category: Some("UTILITY".to_owned()),
        status: Some(status.to_owned()),
        parameter_format: Some("POSITIONAL".to_owned()),
        components: json!([{ "type": "BODY", "text": "Hi {{1}}" }]),
    }
}

/// Synced templates carry their definition; a status is newer-wins against webhooks; the
/// language matches with `-` or `_`.
pub async fn synced_templates_keep_the_newest_status(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let n = f
        .store
        .upsert_templates(f.org, WABA, vec![definition("77", "APPROVED")], at(100))
        .await
        .unwrap();
    assert_eq!(n, 1);
    let found = f
        .store
        .find_template(f.org, WABA, "order_update", "en-US")
        .await
        .unwrap()
        .expect("found by name and language");
    assert_eq!(found.status.as_deref(), Some("APPROVED"));
    assert_eq!(found.components.unwrap()[0]["text"], "Hi {{1}}");
    assert_eq!(found.parameter_format.as_deref(), Some("POSITIONAL"));
    // An older webhook does not undo the sync; a newer one wins.
    f.ingest(vec![Change::Template(template("77", "PAUSED", at(50)))])
        .await;
    let t = f
        .store
        .find_template(f.org, WABA, "order_update", "en_US")
        .await
        .unwrap();
    assert_eq!(t.unwrap().status.as_deref(), Some("APPROVED"));
    f.ingest(vec![Change::Template(template("77", "PAUSED", at(150)))])
        .await;
    let t = f
        .store
        .find_template(f.org, WABA, "order_update", "en_US")
        .await
        .unwrap();
    let t = t.unwrap();
    assert_eq!(t.status.as_deref(), Some("PAUSED"));
    assert!(
        t.components.is_some(),
        "a webhook keeps the synced definition"
    );
    let approved = TemplateFilter {
        waba_id: None,
        status: Some("approved".to_owned()),
    };
    assert!(
        f.store
            .list_templates(f.org, approved)
            .await
            .unwrap()
            .is_empty()
    );
    let all = f
        .store
        .list_templates(f.org, TemplateFilter::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    let other = f.store.ensure_org("other", at(0)).await.unwrap();
    assert!(
        f.store
            .list_templates(other, TemplateFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
}

/// Media in a stored message becomes a pending download once; a download is claimed, then
/// stored or failed.
pub async fn media_in_messages_is_found_once_and_downloaded(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![
        Change::Message(image("wamid.IMG", CUSTOMER, at(1), "a cat")),
        Change::Message(text("wamid.T", CUSTOMER, at(2), "no media")),
    ])
    .await;
    let found = f.store.discover_media(100, at(3)).await.unwrap();
    assert_eq!(found.new, 1);
    assert!(found.scanned >= 2, "{found:?}");
    let again = f.store.discover_media(100, at(3)).await.unwrap();
    assert_eq!((again.new, again.scanned), (0, 0));
    let media = f.store.get_media(f.org, "1234567890").await.unwrap();
    assert_eq!(
        (media.state, media.direction.as_str()),
        (MediaState::Pending, "inbound")
    );
    assert_eq!(media.mime_type.as_deref(), Some("image/jpeg"));
    assert_eq!(media.message_id, Some(f.message("wamid.IMG").await.id));
    let jobs = f.store.claim_media(at(3), at(33), 10).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(
        (jobs[0].phone_number_id.as_str(), jobs[0].attempt),
        (PHONE_ID, 1)
    );
    assert!(
        f.store
            .claim_media(at(4), at(34), 10)
            .await
            .unwrap()
            .is_empty(),
        "leased"
    );
    let retry = MediaOutcome::Retry {
        at: at(10),
        error: "HTTP 500".to_owned(),
    };
    f.store
        .record_media(jobs[0].number_id, "1234567890", retry, at(4))
        .await
        .unwrap();
    assert!(
        f.store
            .claim_media(at(9), at(39), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let again = f.store.claim_media(at(10), at(40), 10).await.unwrap();
    assert_eq!(again[0].attempt, 2);
    let stored = MediaOutcome::Stored {
        sha256: "ab".repeat(32),
        size: 42,
        mime_type: "image/jpeg".to_owned(),
        warning: None,
    };
    f.store
        .record_media(again[0].number_id, "1234567890", stored, at(11))
        .await
        .unwrap();
    let media = f.store.get_media(f.org, "1234567890").await.unwrap();
    assert_eq!((media.state, media.size), (MediaState::Stored, Some(42)));
    let shown = f.message("wamid.IMG").await.media.unwrap();
    assert_eq!(
        (shown.status, shown.size),
        (MediaAvailability::Available, Some(42))
    );
    assert_eq!(media.sha256, Some("ab".repeat(32)));
    assert!(f.store.get_media(f.org, "nope").await.is_err());
}

/// Uploaded media is stored at once and found by Meta's id.
pub async fn uploaded_media_is_found_by_id(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.T", CUSTOMER, at(2), "hi").await;
    let number = f.number(PHONE_ID).await.id;
    let new = NewMedia {
        org: f.org,
        number_id: number,
        media_id: "555".to_owned(),
        mime_type: "application/pdf".to_owned(),
        sha256: "cd".repeat(32),
        size: 3,
        filename: Some("a.pdf".to_owned()),
        now: at(5),
    };
    let record = f.store.insert_uploaded_media(new).await.unwrap();
    assert_eq!(
        (record.state, record.direction.as_str()),
        (MediaState::Stored, "outbound")
    );
    assert_eq!(record.filename.as_deref(), Some("a.pdf"));
    let other = f.store.ensure_org("other", at(0)).await.unwrap();
    assert!(f.store.get_media(other, "555").await.is_err());
}

/// Each priced message counts once, at its first priced status, with whether it was delivered;
/// phone-app messages are counted per day.
pub async fn priced_messages_count_once_with_delivery(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![
        Change::Message(echo("wamid.E1", CUSTOMER, at(1), "from the phone")),
        Change::Message(echo("wamid.E2", OTHER, at(2), "again")),
        Change::Status(status("wamid.A", "sent", at(10))),
        Change::Status(status("wamid.A", "delivered", at(11))),
        Change::Status(status("wamid.A", "read", at(12))),
        Change::Status(status("wamid.B", "sent", at(20))),
    ])
    .await;
    let mut priced = f
        .store
        .priced_messages(f.org, at(0), at(100))
        .await
        .unwrap();
    priced.sort_by_key(|p| p.priced_at);
    assert_eq!(priced.len(), 2, "{priced:?}");
    assert_eq!((priced[0].priced_at, priced[0].delivered), (at(10), true));
    assert_eq!(priced[0].category.as_deref(), Some("marketing"));
    assert_eq!(priced[0].pricing_type.as_deref(), Some("regular"));
    assert_eq!(priced[0].recipient.as_deref(), Some(CUSTOMER));
    assert_eq!((priced[1].priced_at, priced[1].delivered), (at(20), false));
    let window = f
        .store
        .priced_messages(f.org, at(11), at(100))
        .await
        .unwrap();
    assert_eq!(
        window.len(),
        1,
        "a message counts at its first priced status only"
    );
    let app = f
        .store
        .app_message_counts(f.org, at(0), at(100))
        .await
        .unwrap();
    assert_eq!(app.len(), 1);
    assert_eq!(app[0].count, 2);
    assert_eq!(app[0].day, Timestamp(at(0).0.div_euclid(DAY_MS) * DAY_MS));
    assert!(
        f.store
            .app_message_counts(f.org, at(3), at(100))
            .await
            .unwrap()
            .is_empty()
    );
}

/// Read receipts are on until turned off, per organization.
pub async fn sending_settings_default_and_change(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    assert!(f.store.sending_settings(f.org).await.unwrap().read_receipts);
    let off = SendingSettings {
        read_receipts: false,
    };
    f.store
        .set_sending_settings(f.org, off, at(1))
        .await
        .unwrap();
    assert_eq!(f.store.sending_settings(f.org).await.unwrap(), off);
    let other = f.store.ensure_org("other", at(0)).await.unwrap();
    assert!(f.store.sending_settings(other).await.unwrap().read_receipts);
}

/// A read receipt names the newest live customer message of the chat.
pub async fn newest_inbound_is_the_latest_customer_message(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![
        Change::Message(text("wamid.1", CUSTOMER, at(1), "one")),
        Change::Message(text("wamid.2", CUSTOMER, at(3), "two")),
        Change::Message(echo("wamid.3", CUSTOMER, at(4), "reply from the phone")),
    ])
    .await;
    let chat = f.chat_with(CUSTOMER).await.id;
    let newest = f.store.newest_inbound(f.org, chat).await.unwrap().unwrap();
    assert_eq!(
        (newest.wamid.as_str(), newest.phone_number_id.as_str()),
        ("wamid.2", PHONE_ID)
    );
    let other = f.store.ensure_org("other", at(0)).await.unwrap();
    assert!(f.store.newest_inbound(other, chat).await.is_err());
}
