//! Templates, marketing preferences, value-level errors, unparsed changes.

use coexist_core::ingest::Change;
use coexist_core::page::Limit;

use crate::build::{CUSTOMER, at, preference, template, unparsed, value_error};
use crate::fixture::{Fixture, StoreFactory};
use serde_json::json;

/// A template status update is announced once, however often it is delivered.
pub async fn template_updates_are_announced_once(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let head = f.head().await;
    let t = template("594425479261596", "APPROVED", at(1));
    f.ingest(vec![Change::Template(t.clone())]).await;
    f.ingest(vec![Change::Template(t)]).await;
    let events = f.events_after(head).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].kind, "template.updated");
    assert_eq!(events[0].data["status"], "APPROVED");
    assert_eq!(events[0].data["template_id"], "594425479261596");
}

/// `stop` opts the contact out of marketing, `resume` back in; the newer change wins.
pub async fn marketing_preference_newer_wins(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![Change::Preference(preference(
        CUSTOMER,
        "stop",
        at(10),
    ))])
    .await;
    assert!(f.contact(CUSTOMER).await.marketing_opt_out);
    f.ingest(vec![Change::Preference(preference(
        CUSTOMER,
        "resume",
        at(5),
    ))])
    .await;
    assert!(
        f.contact(CUSTOMER).await.marketing_opt_out,
        "an older resume loses"
    );
    f.ingest(vec![Change::Preference(preference(
        CUSTOMER,
        "resume",
        at(20),
    ))])
    .await;
    assert!(!f.contact(CUSTOMER).await.marketing_opt_out);
}

/// Value-level errors are listed newest first and announced.
pub async fn value_errors_are_listed_newest_first(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let head = f.head().await;
    f.ingest(vec![Change::Error(value_error(
        "messages",
        131_051,
        "Message type unknown",
    ))])
    .await;
    f.ingest(vec![Change::Error(value_error(
        "messages",
        130_501,
        "Unsupported",
    ))])
    .await;
    let errors = f
        .store
        .list_webhook_errors(f.org, Limit::new(None))
        .await
        .unwrap();
    let codes: Vec<i64> = errors.iter().map(|e| e.error.code).collect();
    assert_eq!(codes, [130_501, 131_051]);
    assert_eq!(errors[0].field, "messages");
    let kinds = f.event_kinds_after(head).await;
    assert_eq!(kinds.iter().filter(|k| *k == "webhook.error").count(), 2);
}

/// A change we could not type is accepted (kept raw) rather than failing the request, which
/// Meta would then redeliver forever.
pub async fn unparsed_changes_are_accepted(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let out = f
        .ingest(vec![Change::Unparsed(unparsed("brand_new_field"))])
        .await;
    assert!(!out.duplicate_request);
    assert_eq!(out.messages_created, 0);
    f.ingest(vec![Change::Unparsed(unparsed("later_field"))])
        .await;
    let kept = f
        .store
        .list_unparsed_changes(f.org, Limit::new(None))
        .await
        .unwrap();
    let fields: Vec<&str> = kept.iter().map(|u| u.field.as_str()).collect();
    assert_eq!(fields, ["later_field", "brand_new_field"], "newest first");
    assert_eq!(kept[1].raw, json!({ "something": "new" }), "kept as sent");
    assert_eq!(kept[1].reason.as_deref(), Some("unknown webhook field"));
    assert!(kept[1].number_id.is_some(), "the number it named");
    let one = f
        .store
        .list_unparsed_changes(f.org, Limit::new(Some(1)))
        .await
        .unwrap();
    assert_eq!(one.len(), 1);
}
