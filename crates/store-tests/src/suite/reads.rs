//! Lists, cursors and search.

use coexist_core::ingest::Change;
use coexist_core::message::Editor;
use coexist_core::page::Limit;
use coexist_core::store::{ChatFilter, ContactFilter, StoreError};

use crate::build::{CUSTOMER, at, bare_message, contact_add, echo, edit, image, status, text};
use crate::fixture::{Fixture, StoreFactory};

fn customer(i: usize) -> String {
    format!("1650555{i:04}")
}

/// Chats come most recent activity first, page by page with an opaque cursor, each exactly once
/// even when activity times tie.
pub async fn chats_page_most_recent_first_with_cursor(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    // Chat i's newest message is at i seconds, except that 3 and 4 tie at 3 s.
    let changes = (0..7)
        .map(|i| {
            let ts = if i == 4 { 3 } else { i as i64 };
            Change::Message(text(&format!("wamid.{i}"), &customer(i), at(ts), "hi"))
        })
        .collect();
    f.ingest(changes).await;
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = f
            .store
            .list_chats(
                f.org,
                ChatFilter::default(),
                Limit::new(Some(3)),
                cursor.as_deref(),
            )
            .await
            .unwrap();
        assert!(page.data.len() <= 3);
        pages += 1;
        seen.extend(page.data);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let times: Vec<_> = seen.iter().map(|c| c.last_message_at.unwrap()).collect();
    assert_eq!(times, [at(6), at(5), at(3), at(3), at(2), at(1), at(0)]);
    assert!(seen[2].id > seen[3].id, "ties are broken by id, descending");
    let mut ids: Vec<_> = seen.iter().map(|c| c.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), 7, "no chat twice");
}

/// The number filter lists one number's chats.
pub async fn chats_filter_by_number(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![
        Change::Message(text("wamid.A", CUSTOMER, at(1), "a")),
        Change::Message(bare_message("wamid.B", "200", at(2))),
    ])
    .await;
    let other = f.number("200").await;
    let filter = ChatFilter {
        number_id: Some(other.id),
        ..ChatFilter::default()
    };
    let page = f
        .store
        .list_chats(f.org, filter, Limit::new(None), None)
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.data[0].number_id, other.id);
}

/// A chat's messages come newest first, by Meta's timestamp then id, page by page.
pub async fn messages_page_newest_first_with_cursor(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let changes = [5, 1, 4, 4, 2]
        .iter()
        .enumerate()
        .map(|(i, s)| Change::Message(text(&format!("wamid.{i}"), CUSTOMER, at(*s), "m")))
        .collect();
    f.ingest(changes).await;
    let chat = f.chat_with(CUSTOMER).await;
    let first = f
        .store
        .list_messages(f.org, chat.id, Limit::new(Some(2)), None)
        .await
        .unwrap();
    let cursor = first.next_cursor.clone().expect("more pages");
    let second = f
        .store
        .list_messages(f.org, chat.id, Limit::new(Some(2)), Some(&cursor))
        .await
        .unwrap();
    let cursor = second.next_cursor.clone().expect("more pages");
    let third = f
        .store
        .list_messages(f.org, chat.id, Limit::new(Some(2)), Some(&cursor))
        .await
        .unwrap();
    assert!(third.next_cursor.is_none());
    let all: Vec<_> = [first.data, second.data, third.data].concat();
    let times: Vec<_> = all.iter().map(|m| m.timestamp).collect();
    assert_eq!(times, [at(5), at(4), at(4), at(2), at(1)]);
    assert!(all[1].id > all[2].id);
}

/// Contacts are listed by id and searched over names and the phone number; LIKE wildcards in
/// the query are literal.
pub async fn contacts_are_listed_by_id_and_searchable(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    let mut m = text("wamid.1", &customer(1), at(1), "hi");
    m.contact.profile_name = Some("Kerry Fisher".to_owned());
    f.ingest(vec![
        Change::Message(m),
        Change::ContactSync(contact_add(&customer(2), "Pablo Morales", "Pablo", at(2))),
        Change::ContactSync(contact_add(&customer(3), "100% Juice", "Juice", at(3))),
    ])
    .await;
    let all = f.contacts().await;
    assert_eq!(all.len(), 3);
    assert!(all.windows(2).all(|w| w[0].id < w[1].id));
    let search = |q: &str| {
        let filter = ContactFilter {
            number_id: None,
            q: Some(q.to_owned()),
        };
        f.store.list_contacts(f.org, filter, Limit::new(None), None)
    };
    let names = |p: coexist_core::page::Page<coexist_core::store::ContactRecord>| -> Vec<String> {
        p.data.into_iter().filter_map(|c| c.wa_id).collect()
    };
    assert_eq!(names(search("kerry").await.unwrap()), [customer(1)]);
    assert_eq!(names(search("Morales").await.unwrap()), [customer(2)]);
    assert_eq!(names(search("0003").await.unwrap()), [customer(3)]);
    assert_eq!(names(search("%").await.unwrap()), [customer(3)]);
    assert!(names(search("_").await.unwrap()).is_empty());
    let page = f
        .store
        .list_contacts(f.org, ContactFilter::default(), Limit::new(Some(2)), None)
        .await
        .unwrap();
    let rest = f
        .store
        .list_contacts(
            f.org,
            ContactFilter::default(),
            Limit::new(Some(2)),
            page.next_cursor.as_deref(),
        )
        .await
        .unwrap();
    assert_eq!((page.data.len(), rest.data.len()), (2, 1));
    assert!(rest.next_cursor.is_none());
}

async fn search_fixture(factory: &dyn StoreFactory) -> Fixture {
    let f = Fixture::new(factory).await;
    f.ingest(vec![
        Change::Message(text("wamid.1", CUSTOMER, at(1), "my order number is 42")),
        Change::Message(image(
            "wamid.2",
            CUSTOMER,
            at(2),
            "photo of the broken order",
        )),
        Change::Message(text("wamid.3", CUSTOMER, at(3), "order order order")),
        Change::Message(text("wamid.4", CUSTOMER, at(4), "something else entirely")),
    ])
    .await;
    f
}

/// The wamids a search finds, in order.
async fn found(f: &Fixture, q: &str) -> Result<Vec<String>, StoreError> {
    let page = f
        .store
        .search_messages(f.org, q, Limit::new(None), None)
        .await?;
    Ok(page.data.into_iter().filter_map(|m| m.wamid).collect())
}

/// Search finds bodies and captions, best match first, and treats FTS syntax typed by users
/// (`"`, `*`, `-`, `OR`, `NEAR(`) as text: it never errors and never widens the search.
pub async fn search_finds_captions_and_survives_fts_syntax(factory: &dyn StoreFactory) {
    let f = search_fixture(factory).await;
    let hits = found(&f, "order").await.unwrap();
    assert_eq!(hits.len(), 3);
    assert_eq!(hits[0], "wamid.3", "the best match comes first");
    assert_eq!(
        found(&f, "broken").await.unwrap(),
        ["wamid.2"],
        "captions are searched"
    );
    assert_eq!(
        found(&f, "broken order").await.unwrap(),
        ["wamid.2"],
        "words are ANDed"
    );
    let hostile = [
        "\"order",
        "order*",
        "-order",
        "order OR else",
        "NEAR(order",
        "order\"\"",
        "*",
        "\"",
        "^order",
        "order:",
    ];
    for q in hostile {
        let hits = found(&f, q).await.unwrap_or_else(|e| panic!("{q:?}: {e}"));
        assert!(hits.len() <= 3, "{q:?} widened the search");
    }
    assert!(
        found(&f, "broken OR else").await.unwrap().is_empty(),
        "OR is a word here"
    );
    assert!(matches!(
        found(&f, "   ").await,
        Err(StoreError::Invalid(_))
    ));
}

/// Search results page with a cursor, and follow edits: the new text is found, the old is not.
pub async fn search_pages_and_follows_edits(factory: &dyn StoreFactory) {
    let f = search_fixture(factory).await;
    let two = Limit::new(Some(2));
    let first = f
        .store
        .search_messages(f.org, "order", two, None)
        .await
        .unwrap();
    let cursor = first.next_cursor.as_deref();
    let rest = f
        .store
        .search_messages(f.org, "order", two, cursor)
        .await
        .unwrap();
    assert_eq!((first.data.len(), rest.data.len()), (2, 1));
    assert!(rest.next_cursor.is_none());
    let edit = edit("wamid.4", "wamid.E", Editor::Customer, at(5), "order fixed");
    f.ingest(vec![Change::Amendment(edit)]).await;
    assert_eq!(
        found(&f, "fixed").await.unwrap(),
        ["wamid.4"],
        "edits are searchable"
    );
    assert!(
        found(&f, "entirely").await.unwrap().is_empty(),
        "the old text is not"
    );
}

/// One wamid can exist once per number; lookup by wamid returns each.
pub async fn find_messages_by_wamid_spans_numbers(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![
        Change::Message(text("wamid.SAME", CUSTOMER, at(1), "a")),
        Change::Message(bare_message("wamid.SAME", "200", at(1))),
    ])
    .await;
    let found = f
        .store
        .find_messages_by_wamid(f.org, "wamid.SAME")
        .await
        .unwrap();
    assert_eq!(found.len(), 2);
    assert_ne!(found[0].number_id, found[1].number_id);
    assert!(
        f.store
            .find_messages_by_wamid(f.org, "wamid.NONE")
            .await
            .unwrap()
            .is_empty()
    );
}

/// Cursors that were not issued for the list are refused as invalid input.
pub async fn bad_cursors_are_invalid(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![
        Change::Message(text("wamid.1", CUSTOMER, at(1), "a")),
        Change::Message(text("wamid.2", CUSTOMER, at(2), "b")),
    ])
    .await;
    let chat = f.chat_with(CUSTOMER).await;
    let page = f
        .store
        .list_messages(f.org, chat.id, Limit::new(Some(1)), None)
        .await
        .unwrap();
    let message_cursor = page.next_cursor.expect("a cursor");
    let limit = Limit::new(None);
    for bad in ["garbage!", "", "eA", message_cursor.as_str()] {
        let chats = f
            .store
            .list_chats(f.org, ChatFilter::default(), limit, Some(bad))
            .await;
        assert!(
            matches!(chats, Err(StoreError::Invalid(_))),
            "chats {bad:?}: {chats:?}"
        );
        let contacts = f
            .store
            .list_contacts(f.org, ContactFilter::default(), limit, Some(bad))
            .await;
        assert!(
            matches!(contacts, Err(StoreError::Invalid(_))),
            "contacts {bad:?}"
        );
        let search = f.store.search_messages(f.org, "a", limit, Some(bad)).await;
        assert!(
            matches!(search, Err(StoreError::Invalid(_))),
            "search {bad:?}"
        );
    }
    let wrong = f
        .store
        .list_messages(f.org, chat.id, limit, Some("garbage!"))
        .await;
    assert!(matches!(wrong, Err(StoreError::Invalid(_))));
}

/// A message's events mix edits and statuses in time order.
pub async fn message_events_are_oldest_first(factory: &dyn StoreFactory) {
    let f = Fixture::new(factory).await;
    f.ingest(vec![
        Change::Message(echo("wamid.O", CUSTOMER, at(1), "hi")),
        Change::Status(status("wamid.O", "read", at(4))),
        Change::Amendment(edit(
            "wamid.O",
            "wamid.E",
            Editor::BusinessApp,
            at(3),
            "hi!",
        )),
        Change::Status(status("wamid.O", "sent", at(2))),
    ])
    .await;
    let m = f.message("wamid.O").await;
    let events = f.store.message_events(f.org, m.id).await.unwrap();
    let kinds: Vec<_> = events.iter().map(|e| (e.kind.as_str(), e.at)).collect();
    assert_eq!(
        kinds,
        [("status", at(2)), ("edit", at(3)), ("status", at(4))]
    );
    assert_eq!(events[1].by, Some(Editor::BusinessApp));
}
