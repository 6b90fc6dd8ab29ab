//! Messages: stored once per (number, wamid), first stored wins. Creating one moves its chat's
//! counters (accumulated per batch in a [`ChatDelta`]) and applies statuses and amendments that
//! arrived before it.

use coexist_core::ingest::{JsonText, NewMessage};
use coexist_core::message::{Direction, Origin};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::events::{CHAT_UPDATED, MESSAGE_CREATED, Subject};
use super::numbers::NumberCtx;
use super::{Ingest, insert_new};
use crate::sqlite::error::DbResult;
use crate::sqlite::fts;

/// What a batch's new messages do to one chat.
#[derive(Debug, Clone)]
pub(super) struct ChatDelta {
    number: NumberCtx,
    messages: i64,
    unread: i64,
    /// The newest new message by (Meta's timestamp, id).
    last: Option<(i64, i64)>,
    customer_at: Option<i64>,
    referral_at: Option<i64>,
}

impl ChatDelta {
    fn new(number: NumberCtx) -> Self {
        ChatDelta {
            number,
            messages: 0,
            unread: 0,
            last: None,
            customer_at: None,
            referral_at: None,
        }
    }

    fn add(&mut self, m: &NewMessage, id: i64) {
        let ts = m.timestamp.0;
        self.messages += 1;
        if m.origin.counts_unread() {
            self.unread += 1;
        }
        self.last = self.last.max(Some((ts, id)));
        // Only a live customer message opens the service window; a referral matters only there
        // (the free entry point window needs a timely reply to a live ad click).
        if m.origin.opens_service_window() {
            self.customer_at = self.customer_at.max(Some(ts));
            if m.referral {
                self.referral_at = self.referral_at.max(Some(ts));
            }
        }
    }
}

/// `message.created`'s data. Its fields are in name order (see [`EventLog::push_serialized`]).
///
/// [`EventLog::push_serialized`]: super::events::EventLog::push_serialized
#[derive(Serialize)]
struct Created<'a> {
    direction: Direction,
    origin: Origin,
    #[serde(rename = "type")]
    kind: &'a str,
}

/// Whether an origin is specific to coexistence numbers.
fn coexistence_only(origin: Origin) -> bool {
    matches!(origin, Origin::BusinessApp | Origin::History)
}

impl Ingest<'_> {
    /// Stores `m` unless a message with its wamid exists on the number; returns the new id.
    pub(super) fn message(&mut self, m: &NewMessage) -> DbResult<Option<i64>> {
        let n = self.number(&m.number, coexistence_only(m.origin))?;
        let contact = self.contact(
            n,
            &m.contact,
            m.origin != Origin::History,
            Some(m.timestamp),
        )?;
        let chat = self.chat(n, contact, m.origin.counts_unread(), m.timestamp.0)?;
        let Some(id) = self.insert_message(n, chat, m)? else {
            self.outcome.messages_duplicate += 1;
            return Ok(None);
        };
        fts::queue(self.conn, id, None, m.text.as_deref())?;
        self.outcome.messages_created += 1;
        self.chat_deltas
            .entry(chat)
            .or_insert_with(|| ChatDelta::new(n))
            .add(m, id);
        if m.origin == Origin::BusinessApp {
            self.app_activity(n, m.timestamp)?;
        }
        // History is quiet: its chats get one chat.updated per batch, no per-message event.
        if m.origin != Origin::History {
            let subject = Subject {
                message: Some(id),
                ..Self::chat_subject(n, chat)
            };
            let data = Created {
                direction: m.direction,
                origin: m.origin,
                kind: &m.kind,
            };
            self.events
                .push_serialized(MESSAGE_CREATED, subject, &data)?;
        }
        self.apply_pending_statuses(n, id, &m.wamid, m.status)?;
        self.apply_pending_amendments(n, id, &m.wamid)?;
        Ok(Some(id))
    }

    fn insert_message(&self, n: NumberCtx, chat: i64, m: &NewMessage) -> DbResult<Option<i64>> {
        let error = m.error.as_ref();
        let status_at = m.status.map(|_| m.timestamp.0);
        insert_new(
            self.conn,
            "INSERT INTO messages (org_id, number_id, chat_id, wamid, direction, origin, kind,
                     text, content, status, status_at, error_code, error_title, error_details,
                     ts, received_at, reply_to, media_pending, raw)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                     ?17, ?18, ?19)
                 ON CONFLICT DO NOTHING",
            params![
                n.org,
                n.id,
                chat,
                m.wamid,
                m.direction.as_str(),
                m.origin.as_str(),
                m.kind,
                m.text,
                m.content.as_ref().map(JsonText::as_str),
                m.status.map(|s| s.as_str()),
                status_at,
                error.map(|e| e.code),
                error.and_then(|e| e.title.as_deref()),
                error.and_then(|e| e.details.as_deref()),
                m.timestamp.0,
                self.at.0,
                m.reply_to,
                m.media_placeholder,
                m.raw.as_str(),
            ],
        )
    }

    /// Whether `message` is (or is about to become) the newest message of `chat`, i.e. whether
    /// a change to it changes the chat's preview.
    pub(super) fn is_last_message(&self, chat: i64, message: i64) -> DbResult<bool> {
        if let Some(d) = self.chat_deltas.get(&chat)
            && d.last.is_some_and(|(_, id)| id == message)
        {
            return Ok(true);
        }
        let last: Option<i64> = self
            .conn
            .prepare_cached("SELECT last_message_id FROM chats WHERE id = ?1")?
            .query_row([chat], |r| r.get(0))?;
        Ok(last == Some(message))
    }

    /// Writes the accumulated chat counters, one UPDATE and one `chat.updated` per chat.
    pub(super) fn flush_chats(&mut self) -> DbResult<()> {
        let deltas = std::mem::take(&mut self.chat_deltas);
        let mut created = std::mem::take(&mut self.created_chats);
        for (chat, d) in deltas {
            let new = created.remove(&chat);
            match new {
                Some(new) => self.write_new_chat(chat, new.last_message_at, &d)?,
                None => self.add_to_chat(chat, &d)?,
            }
            let subject = Self::chat_subject(d.number, chat);
            self.events.touch(CHAT_UPDATED, chat, subject, "messages");
            // A chat this batch created open has nothing to reopen: skip the UPDATE.
            let may_reopen = d.customer_at.is_some() && !new.is_some_and(|c| c.open);
            if may_reopen && self.reopen(d.number, chat)? {
                self.events.touch(CHAT_UPDATED, chat, subject, "status");
            }
        }
        // What is left was created for a message that turned out to be stored already (on
        // another chat): an empty chat, whose `last_message_at` is NULL.
        for chat in created.into_keys() {
            self.clear_last_message(chat)?;
        }
        Ok(())
    }

    /// Adds a batch's new messages to a chat that existed before the batch.
    fn add_to_chat(&self, chat: i64, d: &ChatDelta) -> DbResult<()> {
        let (last_at, last_id) = d.last.unzip();
        self.conn
            .prepare_cached(
                "UPDATE chats SET
                     message_count = message_count + ?2,
                     unread_count = unread_count + ?3,
                     last_message_id = CASE WHEN ?4 IS NOT NULL AND (last_message_at IS NULL
                             OR (?4, ?5) > (last_message_at, last_message_id))
                         THEN ?5 ELSE last_message_id END,
                     last_message_at = CASE WHEN ?4 IS NOT NULL AND (last_message_at IS NULL
                             OR (?4, ?5) > (last_message_at, last_message_id))
                         THEN ?4 ELSE last_message_at END,
                     last_customer_message_at = CASE WHEN ?6 IS NOT NULL
                             AND (last_customer_message_at IS NULL OR ?6 > last_customer_message_at)
                         THEN ?6 ELSE last_customer_message_at END,
                     referral_at = CASE WHEN ?7 IS NOT NULL AND (referral_at IS NULL OR ?7 > referral_at)
                         THEN ?7 ELSE referral_at END,
                     updated_at = ?8
                 WHERE id = ?1",
            )?
            .execute(params![
                chat,
                d.messages,
                d.unread,
                last_at,
                last_id,
                d.customer_at,
                d.referral_at,
                self.at.0
            ])?;
        Ok(())
    }

    /// Writes the counters of a chat this batch created (all its messages are the batch's).
    /// When its newest message has the timestamp it was inserted with, `last_message_at` is
    /// left out of the UPDATE, so SQLite does not touch the chat's index entries again.
    fn write_new_chat(&self, chat: i64, inserted_at: i64, d: &ChatDelta) -> DbResult<()> {
        let (last_at, last_id) = d.last.unzip();
        if last_at == Some(inserted_at) {
            self.conn
                .prepare_cached(
                    "UPDATE chats SET message_count = ?2, unread_count = ?3, last_message_id = ?4,
                         last_customer_message_at = ?5, referral_at = ?6, updated_at = ?7
                     WHERE id = ?1",
                )?
                .execute(params![
                    chat,
                    d.messages,
                    d.unread,
                    last_id,
                    d.customer_at,
                    d.referral_at,
                    self.at.0
                ])?;
            return Ok(());
        }
        self.conn
            .prepare_cached(
                "UPDATE chats SET message_count = ?2, unread_count = ?3, last_message_at = ?4,
                     last_message_id = ?5, last_customer_message_at = ?6, referral_at = ?7,
                     updated_at = ?8
                 WHERE id = ?1",
            )?
            .execute(params![
                chat,
                d.messages,
                d.unread,
                last_at,
                last_id,
                d.customer_at,
                d.referral_at,
                self.at.0
            ])?;
        Ok(())
    }

    fn clear_last_message(&self, chat: i64) -> DbResult<()> {
        self.conn
            .prepare_cached("UPDATE chats SET last_message_at = NULL WHERE id = ?1")?
            .execute([chat])?;
        Ok(())
    }

    /// A live customer message reopens a resolved chat and wakes a snoozed one
    /// (`InboxStatus::after_customer_message`), in the same transaction as the message; the
    /// inbox log records it. Whether the chat changed.
    fn reopen(&self, n: NumberCtx, chat: i64) -> DbResult<bool> {
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE chats SET status = 'open', snoozed_until = NULL
                 WHERE id = ?1 AND status IN ('resolved', 'snoozed')",
            )?
            .execute([chat])?;
        if changed == 0 {
            return Ok(false);
        }
        self.conn
            .prepare_cached(
                "INSERT INTO chat_activity (org_id, chat_id, kind, data, at)
                 VALUES (?1, ?2, 'reopened', '{\"by\":\"customer\"}', ?3)",
            )?
            .execute(params![n.org, chat, self.at.0])?;
        Ok(true)
    }

    /// A message to compare a later change against.
    pub(super) fn find_message(&self, number: i64, wamid: &str) -> DbResult<Option<(i64, i64)>> {
        Ok(self
            .conn
            .prepare_cached("SELECT id, chat_id FROM messages WHERE number_id = ?1 AND wamid = ?2")?
            .query_row(params![number, wamid], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use coexist_core::message::{Direction, Origin};
    use serde_json::json;

    use super::Created;

    #[test]
    fn message_created_data_is_written_as_its_json_value_would_be() {
        let data = Created {
            direction: Direction::Inbound,
            origin: Origin::Customer,
            kind: "te\"xt",
        };
        let value = json!({"origin": "customer", "direction": "inbound", "type": "te\"xt"});
        assert_eq!(serde_json::to_string(&data).unwrap(), value.to_string());
    }
}
