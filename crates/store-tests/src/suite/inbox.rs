//! The shared inbox: what live customer messages, history and echoes do to a chat's status;
//! agents' changes (assign, resolve, reopen, snooze, labels, read); the inbox lists; people and
//! sessions; notes, notifications, canned responses and contact details.

pub mod changes;
pub mod lists;
pub mod notes;
pub mod people;
pub mod status;

use coexist_core::ids::{ChatId, OrgId};
use coexist_core::inbox::{ChatChange, Email, PersonName, Role};
use coexist_core::page::Limit;
use coexist_core::store::{By, ChatFilter, ChatRecord, NewUser, StreamEvent, UserRecord};
use coexist_core::time::Timestamp;

use crate::build::{CUSTOMER, T0, at};
use crate::fixture::Fixture;

/// A PHC-shaped string; the store never looks inside.
const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";

/// A user of `org` named `name` with email `<name>@example.com`.
pub(crate) async fn user_in(f: &Fixture, org: OrgId, name: &str, role: Role) -> UserRecord {
    let user = NewUser {
        email: Email::parse(&format!("{}@example.com", name.to_lowercase())).unwrap(),
        name: PersonName::parse(name).unwrap(),
        role,
        password_hash: HASH.to_owned(),
    };
    f.store
        .create_user(org, user, T0)
        .await
        .expect("create_user")
}

/// The chat of a first live "hi" from [`CUSTOMER`]: open, unassigned, one unread message.
pub(crate) async fn customer_chat(f: &Fixture) -> ChatId {
    f.ingest_text("wamid.1", CUSTOMER, at(1), "hi").await;
    f.chat_with(CUSTOMER).await.id
}

/// An agent of the fixture's organization.
pub(crate) async fn agent(f: &Fixture, name: &str) -> UserRecord {
    user_in(f, f.org, name, Role::Agent).await
}

/// Applies a change as `by` at `now`, which must succeed.
pub(crate) async fn change(
    f: &Fixture,
    chat: ChatId,
    change: ChatChange,
    by: By,
    now: Timestamp,
) -> ChatRecord {
    f.store
        .change_chat(f.org, chat, change, by, now)
        .await
        .expect("change_chat")
}

/// Every chat matching `filter`, following cursors with pages of `page` chats.
pub(crate) async fn listed(f: &Fixture, filter: &ChatFilter, page: u32) -> Vec<ChatRecord> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let p = f
            .store
            .list_chats(
                f.org,
                filter.clone(),
                Limit::new(Some(page)),
                cursor.as_deref(),
            )
            .await
            .expect("list_chats");
        assert!(p.data.len() <= page as usize);
        all.extend(p.data);
        match p.next_cursor {
            Some(c) => cursor = Some(c),
            None => return all,
        }
    }
}

/// The events of `kind` after `after`.
pub(crate) async fn events_of(
    f: &Fixture,
    after: coexist_core::ids::Position,
    kind: &str,
) -> Vec<StreamEvent> {
    f.events_after(after)
        .await
        .into_iter()
        .filter(|e| e.kind == kind)
        .collect()
}
