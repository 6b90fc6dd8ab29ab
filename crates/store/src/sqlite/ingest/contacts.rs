//! Contacts and chats. A contact is keyed by (number, wa_id), or by (number, user_id) for a
//! username-only user who has no wa_id; ids the webhook adds later are filled in. A wa_id no
//! contact has is looked up last among the numbers contacts had before (`contact_aliases`, see
//! `renumber.rs`), so a late webhook from a customer's old number finds the contact that moved.

use coexist_core::inbox::InboxStatus;
use coexist_core::ingest::ContactRef;
use coexist_core::time::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::events::Subject;
use super::numbers::NumberCtx;
use super::{Ingest, insert_one};
use crate::sqlite::error::{DbError, DbResult};

/// A contact as the batch knows it.
#[derive(Debug, Clone)]
pub(super) struct ContactCtx {
    pub(super) id: i64,
    wa_id: Option<String>,
    user_id: Option<String>,
    parent_user_id: Option<String>,
    profile_name: Option<String>,
    /// Found by an old number: the change names the user as they were, so its ids are not
    /// filled in (the old BSUID would come back).
    by_alias: bool,
}

/// A chat created by the current batch.
#[derive(Debug, Clone, Copy)]
pub(super) struct NewChat {
    /// What it was inserted with (see [`Ingest::chat`]).
    pub(super) last_message_at: i64,
    /// Created open: a customer message has nothing to reopen.
    pub(super) open: bool,
}

/// How long after a number change a message sent from the old number still counts as the
/// customer's who left it. WhatsApp moves the account at the change, so nothing sent later can
/// be theirs: a message from that number well after it is someone else's (carriers give numbers
/// out again) and gets a contact of its own. The hour only absorbs clock differences; a late
/// delivery keeps its send time, so Meta's redeliveries (up to 7 days) still land right.
pub(super) const ALIAS_GRACE_MS: i64 = 60 * 60 * 1000;

/// A [`ContactCtx`] from a row of `id, wa_id, user_id, parent_user_id, profile_name`.
fn contact_ctx(row: &rusqlite::Row<'_>) -> rusqlite::Result<ContactCtx> {
    Ok(ContactCtx {
        id: row.get(0)?,
        wa_id: row.get(1)?,
        user_id: row.get(2)?,
        parent_user_id: row.get(3)?,
        profile_name: row.get(4)?,
        by_alias: false,
    })
}

fn initial_status(open: bool) -> &'static str {
    if open {
        InboxStatus::Open.as_str()
    } else {
        InboxStatus::Resolved.as_str()
    }
}

fn cache_key(r_wa: Option<&str>, r_user: Option<&str>) -> Option<String> {
    r_wa.map(|w| format!("w:{w}"))
        .or_else(|| r_user.map(|u| format!("u:{u}")))
}

impl Ingest<'_> {
    /// The contact `r` names on number `n`, created if new. `live`: the change is a live webhook,
    /// whose profile name is current (history never overwrites it). `sent_at`: when the user
    /// did what the change reports, if it says; an old number then leads to the contact that
    /// left it only for what was sent before they left (see [`ALIAS_GRACE_MS`]).
    pub(super) fn contact(
        &mut self,
        n: NumberCtx,
        r: &ContactRef,
        live: bool,
        sent_at: Option<Timestamp>,
    ) -> DbResult<i64> {
        let key = cache_key(r.wa_id.as_deref(), r.user_id.as_deref()).ok_or_else(|| {
            DbError::invalid("a contact with neither wa_id nor user_id cannot be stored")
        })?;
        let cached = self.contacts.get(&(n.id, key.clone())).cloned();
        let found = match cached {
            Some(c) => Some(c),
            None => self.load_contact(n.id, r, sent_at)?,
        };
        let contact = match found {
            Some(c) => self.refresh_contact(n, c, r, live)?,
            None => self.create_contact(n, r, live)?,
        };
        let id = contact.id;
        self.contacts.insert((n.id, key), contact);
        Ok(id)
    }

    /// The contact `r` names: by wa_id, then by user_id, then by a wa_id the contact had before
    /// (for what was sent by `sent_at`, when given, no later than the change plus
    /// [`ALIAS_GRACE_MS`]). The alias lookup runs only when the first two miss, so a known
    /// contact costs nothing more.
    fn load_contact(
        &self,
        number: i64,
        r: &ContactRef,
        sent_at: Option<Timestamp>,
    ) -> DbResult<Option<ContactCtx>> {
        let by = |column: &str, value: &str| -> DbResult<Option<ContactCtx>> {
            let sql = format!(
                "SELECT id, wa_id, user_id, parent_user_id, profile_name
                 FROM contacts WHERE number_id = ?1 AND {column} = ?2"
            );
            Ok(self
                .conn
                .prepare_cached(&sql)?
                .query_row(params![number, value], contact_ctx)
                .optional()?)
        };
        if let Some(wa) = r.wa_id.as_deref()
            && let Some(c) = by("wa_id", wa)?
        {
            return Ok(Some(c));
        }
        if let Some(user) = r.user_id.as_deref()
            && let Some(c) = by("user_id", user)?
        {
            return Ok(Some(c));
        }
        let Some(wa) = r.wa_id.as_deref() else {
            return Ok(None);
        };
        let aliased = self
            .conn
            .prepare_cached(
                "SELECT k.id, k.wa_id, k.user_id, k.parent_user_id, k.profile_name
                 FROM contact_aliases a JOIN contacts k ON k.id = a.contact_id
                 WHERE a.number_id = ?1 AND a.wa_id = ?2 AND (?3 IS NULL OR ?3 <= a.at + ?4)",
            )?
            .query_row(
                params![number, wa, sent_at.map(|t| t.0), ALIAS_GRACE_MS],
                contact_ctx,
            )
            .optional()?;
        Ok(aliased.map(|c| ContactCtx {
            by_alias: true,
            ..c
        }))
    }

    /// Forgets what the batch resolved about `contacts` (their ids or chats changed): the next
    /// change naming them reads them again.
    pub(super) fn forget_contacts(&mut self, contacts: &[i64]) {
        self.contacts.retain(|_, c| !contacts.contains(&c.id));
        self.chats
            .retain(|(_, contact), _| !contacts.contains(contact));
        self.created_contacts.retain(|c| !contacts.contains(c));
    }

    fn create_contact(&mut self, n: NumberCtx, r: &ContactRef, live: bool) -> DbResult<ContactCtx> {
        let profile_name = if live { r.profile_name.clone() } else { None };
        let id = insert_one(
            self.conn,
            "INSERT INTO contacts (org_id, number_id, wa_id, user_id, parent_user_id,
                 profile_name, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            params![
                n.org,
                n.id,
                r.wa_id,
                r.user_id,
                r.parent_user_id,
                profile_name,
                self.at.0
            ],
        )?;
        self.contact_changed(n, id, "created");
        self.created_contacts.insert(id);
        Ok(ContactCtx {
            id,
            wa_id: r.wa_id.clone(),
            user_id: r.user_id.clone(),
            parent_user_id: r.parent_user_id.clone(),
            profile_name,
            by_alias: false,
        })
    }

    /// Fills ids the contact lacks and takes a live profile name that changed.
    fn refresh_contact(
        &mut self,
        n: NumberCtx,
        mut c: ContactCtx,
        r: &ContactRef,
        live: bool,
    ) -> DbResult<ContactCtx> {
        let mut changed = false;
        if !c.by_alias {
            changed = self.fill_ids(n, &mut c, r)?;
        }
        if live && r.profile_name.is_some() && r.profile_name != c.profile_name {
            c.profile_name.clone_from(&r.profile_name);
            changed = true;
        }
        if changed {
            self.conn
                .prepare_cached(
                    "UPDATE contacts SET wa_id = ?2, user_id = ?3, parent_user_id = ?4,
                         profile_name = ?5, updated_at = ?6
                     WHERE id = ?1",
                )?
                .execute(params![
                    c.id,
                    c.wa_id,
                    c.user_id,
                    c.parent_user_id,
                    c.profile_name,
                    self.at.0
                ])?;
            self.contact_changed(n, c.id, "profile");
        }
        Ok(c)
    }

    /// Fills the ids `r` has and the contact lacks; whether any was.
    fn fill_ids(&self, n: NumberCtx, c: &mut ContactCtx, r: &ContactRef) -> DbResult<bool> {
        let mut changed = false;
        if c.wa_id.is_none()
            && let Some(wa) = &r.wa_id
            && !self.id_taken(n.id, "wa_id", wa)?
        {
            c.wa_id = Some(wa.clone());
            changed = true;
        }
        if c.user_id.is_none()
            && let Some(user) = &r.user_id
            && !self.id_taken(n.id, "user_id", user)?
        {
            c.user_id = Some(user.clone());
            changed = true;
        }
        if c.parent_user_id.is_none() && r.parent_user_id.is_some() {
            c.parent_user_id.clone_from(&r.parent_user_id);
            changed = true;
        }
        Ok(changed)
    }

    /// Another contact of the number already holds this id (one person seen two ways); we
    /// don't merge them, and the unique index must hold.
    fn id_taken(&self, number: i64, column: &str, value: &str) -> DbResult<bool> {
        let sql = format!("SELECT 1 FROM contacts WHERE number_id = ?1 AND {column} = ?2");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .exists(params![number, value])?)
    }

    pub(super) fn contact_changed(&mut self, n: NumberCtx, contact: i64, change: &'static str) {
        self.events.touch_contact(contact, n.subject(), change);
    }

    /// The stored chat of (number, contact), if any (not the batch's cache).
    pub(super) fn chat_of(&self, number: i64, contact: i64) -> DbResult<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM chats WHERE number_id = ?1 AND contact_id = ?2")?
            .query_row(params![number, contact], |r| r.get(0))
            .optional()?)
    }

    /// The chat of (number, contact), created if new. `open`: the change creating it needs an
    /// agent (a live customer message); chats that only history or the phone app created
    /// start resolved, so an import does not flood the inbox. `first_at`: the timestamp of the
    /// message it is wanted for.
    ///
    /// A new chat is inserted with `last_message_at = first_at`, its final value when the
    /// batch brings it one message (or several with that newest timestamp): the chat indexes
    /// all sort by `last_message_at`, and setting it at the insert saves moving four index
    /// entries again when the batch's counters are written ([`Ingest::flush_chats`]), which
    /// corrects it in every other case.
    pub(super) fn chat(
        &mut self,
        n: NumberCtx,
        contact: i64,
        open: bool,
        first_at: i64,
    ) -> DbResult<i64> {
        if let Some(id) = self.chats.get(&(n.id, contact)) {
            return Ok(*id);
        }
        // A contact created by this batch has no chat: no need to look.
        let found = if self.created_contacts.contains(&contact) {
            None
        } else {
            self.chat_of(n.id, contact)?
        };
        let id = match found {
            Some(id) => id,
            None => {
                let id = insert_one(
                    self.conn,
                    "INSERT INTO chats (org_id, number_id, contact_id, status, last_message_at,
                         created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                    params![
                        n.org,
                        n.id,
                        contact,
                        initial_status(open),
                        first_at,
                        self.at.0
                    ],
                )?;
                self.created_chats.insert(
                    id,
                    NewChat {
                        last_message_at: first_at,
                        open,
                    },
                );
                id
            }
        };
        self.chats.insert((n.id, contact), id);
        Ok(id)
    }

    /// Subject of a chat-level event.
    pub(super) fn chat_subject(n: NumberCtx, chat: i64) -> Subject {
        Subject {
            chat: Some(chat),
            ..n.subject()
        }
    }
}
