//! Recording a send: the message, its outbox row and its events in one transaction, keyed by the
//! client's idempotency key.

use coexist_core::ids::{ChatId, MessageId, NumberId, OrgId};
use coexist_core::number::{NumberMode, NumberState};
use coexist_core::store::{
    Enqueued, KeyedSend, NewSend, OutboxState, SendTarget, StoreError, TargetInfo,
};
use coexist_core::time::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

use super::{Event, push_event};
use crate::sqlite::error::{DbError, DbResult};
use crate::sqlite::fts;
use crate::sqlite::read::messages;
use crate::sqlite::rows::{name, opt_ts};

/// Who a send goes to, resolved.
struct Resolved {
    number: i64,
    chat: Option<i64>,
    contact: Option<i64>,
    recipient: Option<String>,
}

/// The number of `org` with id `number`.
fn number_of(conn: &Connection, org: OrgId, number: NumberId) -> DbResult<()> {
    let found = conn
        .prepare_cached("SELECT 1 FROM numbers WHERE id = ?1 AND org_id = ?2")?
        .exists(params![number.0, org.0])?;
    if found {
        Ok(())
    } else {
        Err(DbError(StoreError::NotFound))
    }
}

fn resolve(conn: &Connection, org: OrgId, target: &SendTarget) -> DbResult<Resolved> {
    match target {
        SendTarget::Chat(chat) => {
            let row: Option<(i64, i64, Option<String>, Option<String>)> = conn
                .prepare_cached(
                    "SELECT c.number_id, c.contact_id, k.wa_id, k.user_id
                     FROM chats c JOIN contacts k ON k.id = c.contact_id
                     WHERE c.id = ?1 AND c.org_id = ?2",
                )?
                .query_row(params![chat.0, org.0], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .optional()?;
            let (number, contact, wa_id, user_id) = row.ok_or(DbError(StoreError::NotFound))?;
            Ok(Resolved {
                number,
                chat: Some(chat.0),
                contact: Some(contact),
                // Username-only users (2026) are addressed by their business-scoped id.
                recipient: wa_id.or(user_id),
            })
        }
        SendTarget::Recipient { number, wa_id } => {
            number_of(conn, org, *number)?;
            let found: Option<(i64, Option<i64>)> = conn
                .prepare_cached(
                    "SELECT k.id, c.id FROM contacts k
                     LEFT JOIN chats c ON c.contact_id = k.id AND c.number_id = k.number_id
                     WHERE k.number_id = ?1 AND k.wa_id = ?2",
                )?
                .query_row(params![number.0, wa_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            Ok(Resolved {
                number: number.0,
                contact: found.map(|f| f.0),
                chat: found.and_then(|f| f.1),
                recipient: Some(wa_id.clone()),
            })
        }
    }
}

/// What a send to `target` goes through.
pub(crate) fn target(conn: &Connection, org: OrgId, target: &SendTarget) -> DbResult<TargetInfo> {
    let r = resolve(conn, org, target)?;
    let (phone_number_id, waba_id, mode, state): (String, Option<String>, NumberMode, NumberState) =
        conn.prepare_cached(
            "SELECT phone_number_id, waba_id, mode, state FROM numbers WHERE id = ?1",
        )?
        .query_row([r.number], |row| {
            Ok((row.get(0)?, row.get(1)?, name(row, 2)?, name(row, 3)?))
        })?;
    let last_customer_message_at = match r.chat {
        Some(chat) => conn
            .prepare_cached("SELECT last_customer_message_at FROM chats WHERE id = ?1")?
            .query_row([chat], |row| opt_ts(row, 0))?,
        None => None,
    };
    let marketing_opt_out = match r.contact {
        Some(contact) => conn
            .prepare_cached("SELECT marketing_opt_out FROM contacts WHERE id = ?1")?
            .query_row([contact], |row| row.get(0))?,
        None => false,
    };
    Ok(TargetInfo {
        number_id: NumberId(r.number),
        phone_number_id,
        waba_id,
        mode,
        state,
        chat_id: r.chat.map(ChatId),
        wa_id: r.recipient,
        last_customer_message_at,
        marketing_opt_out,
    })
}

/// The API message sent with `key`.
pub(crate) fn by_key(conn: &Connection, org: OrgId, key: &str) -> DbResult<Option<KeyedSend>> {
    let found: Option<(i64, Vec<u8>)> = conn
        .prepare_cached(
            "SELECT message_id, request_sha256 FROM outbox WHERE org_id = ?1 AND idempotency_key = ?2",
        )?
        .query_row(params![org.0, key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((id, sha)) = found else {
        return Ok(None);
    };
    let request_sha256: [u8; 32] = sha
        .try_into()
        .map_err(|_| DbError::corrupt("outbox.request_sha256 is not 32 bytes"))?;
    Ok(Some(KeyedSend {
        message: messages::get(conn, org, MessageId(id))?,
        request_sha256,
    }))
}

/// Records `send` (see [`coexist_core::store::OutboxStore::enqueue_send`]).
pub(crate) fn enqueue(conn: &Connection, send: &NewSend) -> DbResult<Enqueued> {
    if let Some(key) = &send.idempotency_key
        && let Some(existing) = by_key(conn, send.org, key)?
    {
        if existing.request_sha256 == send.request_sha256 {
            return Ok(Enqueued::Existing(existing.message));
        }
        return Ok(Enqueued::KeyReused(existing.message.id));
    }
    let r = resolve(conn, send.org, &send.target)?;
    let recipient = r.recipient.clone().ok_or_else(|| {
        DbError::invalid("the contact has neither a wa_id nor a user id to send to")
    })?;
    let (contact, new_contact) = match r.contact {
        Some(c) => (c, false),
        None => (create_contact(conn, send, r.number, &recipient)?, true),
    };
    let (chat, new_chat) = match r.chat {
        Some(c) => (c, false),
        None => (create_chat(conn, send, r.number, contact)?, true),
    };
    let id = insert_message(conn, send, r.number, chat)?;
    insert_outbox(conn, send, r.number, id, &recipient)?;
    bump_chat(conn, chat, id, send.now)?;
    announce(
        conn,
        send,
        r.number,
        chat,
        id,
        new_contact.then_some(contact),
        new_chat,
    )?;
    Ok(Enqueued::Created(messages::get(
        conn,
        send.org,
        MessageId(id),
    )?))
}

fn create_contact(conn: &Connection, send: &NewSend, number: i64, wa_id: &str) -> DbResult<i64> {
    conn.prepare_cached(
        "INSERT INTO contacts (org_id, number_id, wa_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4)",
    )?
    .execute(params![send.org.0, number, wa_id, send.now.0])?;
    Ok(conn.last_insert_rowid())
}

fn create_chat(conn: &Connection, send: &NewSend, number: i64, contact: i64) -> DbResult<i64> {
    conn.prepare_cached(
        "INSERT INTO chats (org_id, number_id, contact_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4)",
    )?
    .execute(params![send.org.0, number, contact, send.now.0])?;
    Ok(conn.last_insert_rowid())
}

fn insert_message(conn: &Connection, send: &NewSend, number: i64, chat: i64) -> DbResult<i64> {
    conn.prepare_cached(
        "INSERT INTO messages (org_id, number_id, chat_id, wamid, direction, origin, kind, text,
             content, status, status_at, ts, received_at, reply_to, raw)
         VALUES (?1, ?2, ?3, NULL, 'outbound', 'api', ?4, ?5, ?6, 'pending', ?7, ?7, ?7, ?8, ?9)",
    )?
    .execute(params![
        send.org.0,
        number,
        chat,
        send.kind,
        send.text,
        send.content.to_string(),
        send.now.0,
        send.reply_to,
        send.request.to_string(),
    ])?;
    let id = conn.last_insert_rowid();
    fts::queue(conn, id, None, send.text.as_deref())?;
    Ok(id)
}

fn insert_outbox(
    conn: &Connection,
    send: &NewSend,
    number: i64,
    message: i64,
    recipient: &str,
) -> DbResult<()> {
    let author = send
        .author
        .as_ref()
        .map(serde_json::to_string)
        .transpose()?;
    conn.prepare_cached(
        "INSERT INTO outbox (message_id, org_id, number_id, idempotency_key, request_sha256,
             request, recipient, state, due_at, author, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
    )?
    .execute(params![
        message,
        send.org.0,
        number,
        send.idempotency_key,
        &send.request_sha256[..],
        send.request.to_string(),
        recipient,
        OutboxState::Queued.as_str(),
        send.due_at.0,
        author,
        send.now.0,
    ])?;
    Ok(())
}

/// The new message is the chat's newest (it carries the current time).
fn bump_chat(conn: &Connection, chat: i64, message: i64, now: Timestamp) -> DbResult<()> {
    conn.prepare_cached(
        "UPDATE chats SET message_count = message_count + 1,
             last_message_id = CASE WHEN last_message_at IS NULL
                 OR (?3, ?2) > (last_message_at, last_message_id) THEN ?2 ELSE last_message_id END,
             last_message_at = CASE WHEN last_message_at IS NULL
                 OR (?3, ?2) > (last_message_at, last_message_id) THEN ?3 ELSE last_message_at END,
             updated_at = ?3
         WHERE id = ?1",
    )?
    .execute(params![chat, message, now.0])?;
    Ok(())
}

fn announce(
    conn: &Connection,
    send: &NewSend,
    number: i64,
    chat: i64,
    message: i64,
    new_contact: Option<i64>,
    new_chat: bool,
) -> DbResult<()> {
    let event = |kind, message: Option<i64>, data| Event {
        org: send.org.0,
        kind,
        number: Some(number),
        chat: Some(chat),
        message,
        data,
    };
    if new_contact.is_some() {
        let data =
            json!({ "changes": ["created"], "contact_id": new_contact.map(|c| c.to_string()) });
        push_event(conn, send.now, event("contact.updated", None, data))?;
    }
    let created = json!({ "origin": "api", "direction": "outbound", "type": send.kind });
    push_event(
        conn,
        send.now,
        event("message.created", Some(message), created),
    )?;
    let changes = if new_chat { "created" } else { "messages" };
    let data = json!({ "changes": [changes] });
    push_event(conn, send.now, event("chat.updated", None, data))
}
