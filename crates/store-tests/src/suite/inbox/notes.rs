//! Notes and their notifications, canned responses, contact details.

use coexist_core::ids::{ContactId, TokenId};
use coexist_core::inbox::{NoteBody, Role, Shortcut};
use coexist_core::ingest::Change;
use coexist_core::page::Limit;
use coexist_core::store::{By, NewCannedResponse, NewNote, NotificationKind, StoreError};
use serde_json::{Map, Value, json};

use super::{agent, customer_chat, events_of, user_in};
use crate::build::{CUSTOMER, at, bare_message, text};
use crate::fixture::{Fixture, StoreFactory};

fn note(author: By, body: &str, mentions: Vec<coexist_core::ids::UserId>) -> NewNote {
    NewNote {
        author,
        body: NoteBody::parse("body", body).unwrap(),
        mentions,
    }
}

/// A note notifies the users it mentions, never its author; each notification is announced
/// with the user it is for.
pub async fn notes_notify_mentioned_users_but_not_the_author(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let chat = customer_chat(&f).await;
    let (ana, bruno) = (agent(&f, "Ana").await, agent(&f, "Bruno").await);
    let head = f.head().await;
    let body = "@Bruno can you check? cc @Ana";
    let written = f
        .store
        .create_note(
            f.org,
            chat,
            note(By::User(ana.id), body, vec![bruno.id, ana.id]),
            at(5),
        )
        .await
        .unwrap();
    assert_eq!(
        written.author.as_ref().map(|a| a.name.as_str()),
        Some("Ana")
    );
    assert_eq!(written.mentions, [bruno.id, ana.id]);
    let created = events_of(&f, head, "note.created").await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].chat_id, Some(chat));
    let notified = events_of(&f, head, "notification.created").await;
    let targets: Vec<_> = notified.iter().map(|e| e.data["user_id"].clone()).collect();
    assert_eq!(targets, [json!(bruno.id)]);
    let inbox = f
        .store
        .list_notifications(f.org, bruno.id, false, Limit::new(None), None)
        .await;
    let inbox = inbox.unwrap().data;
    assert_eq!(inbox.len(), 1);
    assert_eq!(
        (inbox[0].kind, inbox[0].note_id),
        (NotificationKind::Mention, Some(written.id))
    );
    let by_token = f
        .store
        .create_note(
            f.org,
            chat,
            note(By::Token(TokenId(3)), "from the CRM", vec![]),
            at(6),
        )
        .await
        .unwrap();
    assert_eq!(by_token.author, None);
    let notes = f.store.list_notes(f.org, chat).await.unwrap();
    assert_eq!(notes, [written, by_token]);
}

/// Mentions must be users of the organization; notes of another organization's chat are not
/// found.
pub async fn notes_belong_to_the_organization(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let chat = customer_chat(&f).await;
    let ana = agent(&f, "Ana").await;
    let other = f.store.ensure_org("elsewhere", at(0)).await.unwrap();
    let stranger = user_in(&f, other, "Stranger", Role::Agent).await;
    let err = f
        .store
        .create_note(
            f.org,
            chat,
            note(By::User(ana.id), "hey", vec![stranger.id]),
            at(5),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref m) if m.contains("mentions")),
        "{err:?}"
    );
    let err = f.store.list_notes(other, chat).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound));
    let err = f
        .store
        .create_note(
            other,
            chat,
            note(By::User(stranger.id), "hey", vec![]),
            at(5),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound));
    assert!(f.store.list_notes(f.org, chat).await.unwrap().is_empty());
}

/// Notifications page newest first; marking one read keeps it out of the unread list, and
/// nobody marks another user's.
pub async fn notifications_page_and_are_marked_read(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let chat = customer_chat(&f).await;
    let (ana, bruno) = (agent(&f, "Ana").await, agent(&f, "Bruno").await);
    for i in 0..5 {
        let n = note(By::User(ana.id), &format!("@Bruno {i}"), vec![bruno.id]);
        f.store
            .create_note(f.org, chat, n, at(10 + i))
            .await
            .unwrap();
    }
    let first = f
        .store
        .list_notifications(f.org, bruno.id, false, Limit::new(Some(3)), None)
        .await
        .unwrap();
    let cursor = first.next_cursor.clone().expect("a second page");
    let second = f
        .store
        .list_notifications(f.org, bruno.id, false, Limit::new(Some(3)), Some(&cursor))
        .await
        .unwrap();
    assert!(second.next_cursor.is_none());
    let all: Vec<_> = first.data.iter().chain(&second.data).collect();
    let times: Vec<_> = all.iter().map(|n| n.created_at).collect();
    assert_eq!(times, [at(14), at(13), at(12), at(11), at(10)]);
    let newest = all[0].id;
    let err = f
        .store
        .mark_notification_read(f.org, ana.id, newest, at(20))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "not Ana's");
    let head = f.head().await;
    let read = f
        .store
        .mark_notification_read(f.org, bruno.id, newest, at(20))
        .await
        .unwrap();
    assert_eq!(read.read_at, Some(at(20)));
    let again = f
        .store
        .mark_notification_read(f.org, bruno.id, newest, at(30))
        .await
        .unwrap();
    assert_eq!(again.read_at, Some(at(20)));
    assert_eq!(events_of(&f, head, "notification.updated").await.len(), 1);
    let unread = f
        .store
        .list_notifications(f.org, bruno.id, true, Limit::new(None), None)
        .await
        .unwrap();
    assert_eq!(unread.data.len(), 4);
    assert!(unread.data.iter().all(|n| n.id != newest));
}

fn canned(shortcut: &str, body: &str) -> NewCannedResponse {
    NewCannedResponse {
        shortcut: Shortcut::parse(shortcut).unwrap(),
        body: NoteBody::parse("body", body).unwrap(),
    }
}

/// Canned responses list by shortcut, which is unique in the organization.
pub async fn canned_responses_have_unique_shortcuts(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let s = &f.store;
    let thanks = s
        .create_canned_response(f.org, canned("thanks", "Thank you!"), at(1))
        .await
        .unwrap();
    let hours = s
        .create_canned_response(f.org, canned("hours", "9 to 5"), at(2))
        .await
        .unwrap();
    let err = s
        .create_canned_response(f.org, canned("thanks", "Ta"), at(3))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(ref m) if m.contains("thanks")),
        "{err:?}"
    );
    let err = s
        .update_canned_response(f.org, hours.id, canned("thanks", "x"), at(3))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let updated = s
        .update_canned_response(f.org, hours.id, canned("hours", "9 to 6"), at(4))
        .await
        .unwrap();
    assert_eq!(
        (updated.body.as_str(), updated.updated_at),
        ("9 to 6", at(4))
    );
    let other = s.ensure_org("elsewhere", at(0)).await.unwrap();
    assert!(
        s.create_canned_response(other, canned("thanks", "Obrigado"), at(5))
            .await
            .is_ok()
    );
    let err = s
        .delete_canned_response(other, thanks.id)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound));
    let shortcuts: Vec<_> = s
        .list_canned_responses(f.org)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.shortcut)
        .collect();
    assert_eq!(shortcuts, ["hours", "thanks"]);
    s.delete_canned_response(f.org, thanks.id).await.unwrap();
    assert_eq!(s.list_canned_responses(f.org).await.unwrap(), [updated]);
}

/// A contact's detail lists this person's chats on every number (same wa_id), most recent
/// first.
pub async fn contact_chats_span_numbers(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let mut there = bare_message("wamid.B", "200", at(5));
    there.contact = crate::build::who(CUSTOMER);
    f.ingest(vec![
        Change::Message(text("wamid.A", CUSTOMER, at(1), "hi")),
        Change::Message(there),
        Change::Message(text("wamid.C", "16505559999", at(9), "someone else")),
    ])
    .await;
    let docs_number = f.number(crate::build::PHONE_ID).await.id;
    let here = f
        .contacts()
        .await
        .into_iter()
        .find(|k| k.number_id == docs_number && k.wa_id.as_deref() == Some(CUSTOMER))
        .expect("the contact on the test number");
    let chats = f.store.contact_chats(f.org, here.id).await.unwrap();
    let numbers: Vec<_> = chats.iter().map(|c| c.number_id).collect();
    assert_eq!(numbers, [f.number("200").await.id, here.number_id]);
    assert!(
        chats
            .iter()
            .all(|c| c.contact.wa_id.as_deref() == Some(CUSTOMER))
    );
    let other = f.store.ensure_org("elsewhere", at(0)).await.unwrap();
    assert!(matches!(
        f.store.contact_chats(other, here.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        f.store.get_contact(f.org, ContactId(999_999)).await,
        Err(StoreError::NotFound)
    ));
}

fn map(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap()
}

/// Attribute patches merge (null deletes), are announced once, and bad ones change nothing.
pub async fn contact_attributes_merge_and_are_announced(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest_text("wamid.A", CUSTOMER, at(1), "hi").await;
    let id = f.contact(CUSTOMER).await.id;
    let by = By::Token(TokenId(1));
    let s = &f.store;
    s.update_contact_attributes(
        f.org,
        id,
        map(json!({ "tier": "gold", "city": "Porto" })),
        by,
        at(2),
    )
    .await
    .unwrap();
    let head = f.head().await;
    let patched = s
        .update_contact_attributes(
            f.org,
            id,
            map(json!({ "tier": "silver", "city": null })),
            by,
            at(3),
        )
        .await
        .unwrap();
    assert_eq!(patched.attributes, map(json!({ "tier": "silver" })));
    assert_eq!(patched.updated_at, at(3));
    s.update_contact_attributes(f.org, id, map(json!({ "tier": "silver" })), by, at(4))
        .await
        .unwrap();
    let updated = events_of(&f, head, "contact.updated").await;
    assert_eq!(updated.len(), 1, "an unchanged patch is silent");
    assert_eq!(updated[0].data["keys"], json!(["city", "tier"]));
    assert_eq!(updated[0].data["contact_id"], json!(id));
    let err = s
        .update_contact_attributes(f.org, id, map(json!({ "": 1 })), by, at(5))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref m) if m.contains("attributes")),
        "{err:?}"
    );
    assert_eq!(
        s.get_contact(f.org, id).await.unwrap().attributes,
        map(json!({ "tier": "silver" }))
    );
}
