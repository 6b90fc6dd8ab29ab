//! A contact's detail: the contact, this person's chats on every number, attribute edits.

use coexist_core::ids::{ContactId, OrgId};
use coexist_core::inbox::apply_attribute_patch;
use coexist_core::store::{By, ChatRecord, ContactRecord};
use coexist_core::time::Timestamp;
use rusqlite::{Connection, params};
use serde_json::{Map, Value, json};

use super::events::{About, CONTACT_UPDATED, emit};
use crate::sqlite::error::{DbError, DbResult};
use crate::sqlite::read::chats::{SELECT as CHAT_SELECT, chat_row};
use crate::sqlite::read::contacts::{COLUMNS, contact_row};

/// One contact of `org`.
pub(crate) fn get(conn: &Connection, org: OrgId, id: ContactId) -> DbResult<ContactRecord> {
    let sql = format!("SELECT {COLUMNS} FROM contacts k WHERE k.id = ?1 AND k.org_id = ?2");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![id.0, org.0], contact_row)?)
}

/// The chats of the person behind contact `id` on every number of `org`: contacts are per
/// number, so the same person on another number is another contact with the same wa_id (or,
/// for a username-only user, the same business-scoped user id).
pub(crate) fn chats(conn: &Connection, org: OrgId, id: ContactId) -> DbResult<Vec<ChatRecord>> {
    let contact = get(conn, org, id)?;
    // Contacts are found number by number (numbers_by_org, then contacts_by_wa_id or
    // contacts_by_user_id): an organization has few numbers and many contacts.
    let sql = format!(
        "{CHAT_SELECT} WHERE c.org_id = :org AND c.contact_id IN (
             SELECT :contact
             UNION SELECT s.id FROM numbers n JOIN contacts s ON s.number_id = n.id
                 WHERE n.org_id = :org AND s.wa_id = :wa_id
             UNION SELECT s.id FROM numbers n JOIN contacts s ON s.number_id = n.id
                 WHERE n.org_id = :org AND :wa_id IS NULL AND s.user_id = :user_id)
         ORDER BY c.last_message_at IS NULL, c.last_message_at DESC, c.id DESC"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        rusqlite::named_params! {
            ":org": org.0,
            ":contact": id.0,
            ":wa_id": contact.wa_id,
            ":user_id": contact.user_id,
        },
        chat_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Merges `patch` into the contact's attributes; emits `contact.updated` if anything changed.
pub(crate) fn update_attributes(
    conn: &Connection,
    org: OrgId,
    id: ContactId,
    patch: &Map<String, Value>,
    by: By,
    now: Timestamp,
) -> DbResult<ContactRecord> {
    let mut contact = get(conn, org, id)?;
    let changed = apply_attribute_patch(&mut contact.attributes, patch)
        .map_err(|e| DbError::invalid(e.to_string()))?;
    if changed.is_empty() {
        return Ok(contact);
    }
    conn.prepare_cached("UPDATE contacts SET attributes = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![
            id.0,
            Value::Object(contact.attributes.clone()).to_string(),
            now.0
        ])?;
    let about = About {
        number: Some(contact.number_id.0),
        chat: None,
    };
    let data = json!({
        "contact_id": id,
        "fields": ["attributes"],
        "keys": changed,
        "by": by.user(),
    });
    emit(conn, org, CONTACT_UPDATED, about, &data, now)?;
    get(conn, org, id)
}
