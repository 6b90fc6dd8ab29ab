//! A customer changed phone number (`user_changed_number`, META.md §3.10): the contact moves to
//! the new number, so the conversation stays one record.
//!
//! Meta sends the notice from the old number, and nothing orders it against the customer's
//! first message from the new one. So:
//! - the new number is nobody's yet: the contact takes it; its chat, messages, notes, labels and
//!   assignment stay where they are;
//! - the new number already has its own contact (its first message came first): the two become
//!   one. The older contact and chat are kept; the other chat's messages, notes, labels,
//!   activity and notifications move into it, its counters are recomputed from its messages and
//!   the two inbox states are combined (the one that most needs an agent wins); the other
//!   contact and chat are deleted, and `chat.merged` tells clients where that chat went;
//! - either way the old number becomes an alias of the contact (`contact_aliases`), looked up
//!   only when wa_id and user_id miss, so a late webhook from it lands in the same chat.
//!
//! Each notice is applied once (`contact_number_changes`, unique per number and wamid): a
//! redelivery changes nothing more. Two changes delivered out of order (X→Y after Y→Z) still end
//! as one contact: an alias made by a *later* change than the one being applied names the
//! contact the new number has already moved on from, and the two are merged.
//!
//! A user's BSUID changes with their phone number (META.md §11), so a moved contact drops its
//! user_id; the next webhook from the new number brings the new one.

use coexist_core::ids::{ChatId, ContactId};
use coexist_core::inbox::InboxStatus;
use coexist_core::ingest::{ContactRef, UserNumberChange};
use rusqlite::{OptionalExtension, Row, params};
use serde_json::json;

use super::Ingest;
use super::events::{CHAT_MERGED, CHAT_UPDATED};
use super::numbers::NumberCtx;
use crate::sqlite::error::DbResult;

/// What folding one contact into another did.
#[derive(Debug, Clone, Copy)]
struct Merge {
    kept: i64,
    gone: i64,
    /// The chat that holds both conversations now.
    chat: Option<i64>,
    /// The chat folded into it (deleted).
    gone_chat: Option<i64>,
}

/// The columns of a contact a merge combines.
#[derive(Debug, Clone)]
struct ContactRow {
    id: i64,
    created_at: i64,
    wa_id: Option<String>,
    user_id: Option<String>,
    parent_user_id: Option<String>,
    profile_name: Option<String>,
    name: Option<String>,
    first_name: Option<String>,
    phonebook_name_at: Option<i64>,
    removed_from_phone_at: Option<i64>,
    phonebook_changed_at: Option<i64>,
    marketing_opt_out: bool,
    marketing_pref_at: Option<i64>,
    attributes: String,
}

const CONTACT_COLUMNS: &str = "id, created_at, wa_id, user_id, parent_user_id, profile_name,
    name, first_name, phonebook_name_at, removed_from_phone_at, phonebook_changed_at,
    marketing_opt_out, marketing_pref_at, attributes";

impl ContactRow {
    fn of(r: &Row<'_>) -> rusqlite::Result<ContactRow> {
        Ok(ContactRow {
            id: r.get(0)?,
            created_at: r.get(1)?,
            wa_id: r.get(2)?,
            user_id: r.get(3)?,
            parent_user_id: r.get(4)?,
            profile_name: r.get(5)?,
            name: r.get(6)?,
            first_name: r.get(7)?,
            phonebook_name_at: r.get(8)?,
            removed_from_phone_at: r.get(9)?,
            phonebook_changed_at: r.get(10)?,
            marketing_opt_out: r.get(11)?,
            marketing_pref_at: r.get(12)?,
            attributes: r.get(13)?,
        })
    }

    /// One person seen as `older` (the contact kept) and `current` (the one holding the
    /// customer's current number): the current ids, and for each group of facts the newer one.
    fn combined(older: &ContactRow, current: &ContactRow) -> ContactRow {
        let names = newer(older, current, |c| c.phonebook_name_at);
        let phonebook = newer(older, current, |c| c.phonebook_changed_at);
        let marketing = newer(older, current, |c| c.marketing_pref_at);
        ContactRow {
            id: older.id,
            created_at: older.created_at.min(current.created_at),
            wa_id: current.wa_id.clone(),
            user_id: current.user_id.clone(),
            parent_user_id: current
                .parent_user_id
                .clone()
                .or_else(|| older.parent_user_id.clone()),
            profile_name: current
                .profile_name
                .clone()
                .or_else(|| older.profile_name.clone()),
            name: names.name.clone(),
            first_name: names.first_name.clone(),
            phonebook_name_at: names.phonebook_name_at,
            removed_from_phone_at: phonebook.removed_from_phone_at,
            phonebook_changed_at: phonebook.phonebook_changed_at,
            marketing_opt_out: marketing.marketing_opt_out,
            marketing_pref_at: marketing.marketing_pref_at,
            attributes: older.attributes.clone(),
        }
    }
}

/// Whichever of the two has the newer `at` (a tie, or neither, goes to `current`).
fn newer<'a>(
    older: &'a ContactRow,
    current: &'a ContactRow,
    at: fn(&ContactRow) -> Option<i64>,
) -> &'a ContactRow {
    if at(older) > at(current) {
        older
    } else {
        current
    }
}

/// The inbox state of a chat, as a merge combines it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct InboxState {
    status: String,
    snoozed_until: Option<i64>,
    assignee_id: Option<i64>,
    assigned_at: Option<i64>,
    resolved_at: Option<i64>,
    last_read_at: Option<i64>,
    last_customer_message_at: Option<i64>,
    referral_at: Option<i64>,
}

const INBOX_COLUMNS: &str = "status, snoozed_until, assignee_id, assigned_at, resolved_at,
    last_read_at, last_customer_message_at, referral_at";

impl InboxState {
    fn of(r: &Row<'_>) -> rusqlite::Result<InboxState> {
        Ok(InboxState {
            status: r.get(0)?,
            snoozed_until: r.get(1)?,
            assignee_id: r.get(2)?,
            assigned_at: r.get(3)?,
            resolved_at: r.get(4)?,
            last_read_at: r.get(5)?,
            last_customer_message_at: r.get(6)?,
            referral_at: r.get(7)?,
        })
    }

    /// How much a status needs an agent: open first, resolved last (`InboxStatus::ALL`'s order).
    fn urgency(&self) -> usize {
        InboxStatus::ALL
            .iter()
            .position(|s| s.as_str() == self.status)
            .unwrap_or(InboxStatus::ALL.len())
    }

    /// One chat made of `kept` and `gone`: the status that most needs an agent (a snooze ends at
    /// the earlier of the two), the kept chat's assignee unless it has none, and the later of
    /// every time.
    fn combined(kept: &InboxState, gone: &InboxState) -> InboxState {
        let status = if gone.urgency() < kept.urgency() {
            gone.status.clone()
        } else {
            kept.status.clone()
        };
        let snoozed_until = if status == InboxStatus::Snoozed.as_str() {
            [kept, gone]
                .iter()
                .filter(|s| s.status == status)
                .filter_map(|s| s.snoozed_until)
                .min()
        } else {
            None
        };
        let assigned = if kept.assignee_id.is_some() {
            kept
        } else {
            gone
        };
        InboxState {
            status,
            snoozed_until,
            assignee_id: assigned.assignee_id,
            assigned_at: assigned.assigned_at,
            resolved_at: kept.resolved_at.max(gone.resolved_at),
            last_read_at: kept.last_read_at.max(gone.last_read_at),
            last_customer_message_at: kept
                .last_customer_message_at
                .max(gone.last_customer_message_at),
            referral_at: kept.referral_at.max(gone.referral_at),
        }
    }
}

impl Ingest<'_> {
    /// Moves the notice's contact to its new number, merging it with a contact that number
    /// already has; records the old number as an alias. Once per (number, notice wamid).
    pub(super) fn user_number_change(&mut self, c: &UserNumberChange) -> DbResult<()> {
        let n = self.number(&c.number, false)?;
        if c.contact.wa_id.as_deref() == Some(c.new_wa_id.as_str())
            || self.number_change_seen(n, &c.wamid)?
        {
            return Ok(());
        }
        let old = ContactRef {
            profile_name: None,
            ..c.contact.clone()
        };
        let moved = self.contact(n, &old, false, Some(c.timestamp))?;
        let merge = match self.holder_of(n, &c.new_wa_id, c.timestamp.0)? {
            Some(holder) if holder != moved => Some(self.merge_contacts(n, moved, holder)?),
            Some(_) => None,
            None => {
                self.take_number(n, moved, &c.new_wa_id)?;
                None
            }
        };
        let kept = merge.map_or(moved, |m| m.kept);
        if let Some(old_wa_id) = c.contact.wa_id.as_deref() {
            self.alias(n, old_wa_id, kept, c.timestamp.0)?;
        }
        self.retarget_queued_sends(n, kept)?;
        let mut touched = vec![moved];
        touched.extend(merge.iter().flat_map(|m| [m.kept, m.gone]));
        self.forget_contacts(&touched);
        self.log_number_change(n, c, kept, merge)?;
        self.announce_number_change(n, kept, merge)
    }

    /// Sends still queued for the customer go to the number they have now: WhatsApp moved
    /// their account, and the old number may soon be someone else's. (A send already under
    /// way keeps its recipient; its answer from Meta says how it went.)
    fn retarget_queued_sends(&self, n: NumberCtx, contact: i64) -> DbResult<()> {
        self.conn
            .prepare_cached(
                "UPDATE outbox SET recipient = k.wa_id, updated_at = ?3
                 FROM contacts k
                 WHERE k.id = ?2 AND k.wa_id IS NOT NULL
                   AND outbox.number_id = ?1 AND outbox.state = 'queued'
                   AND outbox.recipient != k.wa_id
                   AND (SELECT c.contact_id FROM messages m JOIN chats c ON c.id = m.chat_id
                        WHERE m.id = outbox.message_id) = ?2",
            )?
            .execute(params![n.id, contact, self.at.0])?;
        Ok(())
    }

    fn number_change_seen(&self, n: NumberCtx, wamid: &str) -> DbResult<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM contact_number_changes WHERE number_id = ?1 AND wamid = ?2",
            )?
            .exists(params![n.id, wamid])?)
    }

    /// The contact the new number belongs to: the one with that wa_id, else the one a *later*
    /// number change moved away from it (this notice was delivered late). An alias from an
    /// earlier change is someone who left the number before this customer took it.
    fn holder_of(&self, n: NumberCtx, wa_id: &str, at: i64) -> DbResult<Option<i64>> {
        let holder = self
            .conn
            .prepare_cached("SELECT id FROM contacts WHERE number_id = ?1 AND wa_id = ?2")?
            .query_row(params![n.id, wa_id], |r| r.get(0))
            .optional()?;
        if holder.is_some() {
            return Ok(holder);
        }
        Ok(self
            .conn
            .prepare_cached(
                "SELECT contact_id FROM contact_aliases
                 WHERE number_id = ?1 AND wa_id = ?2 AND at > ?3",
            )?
            .query_row(params![n.id, wa_id, at], |r| r.get(0))
            .optional()?)
    }

    /// The contact takes a number nobody has; its BSUID (which changed with the number) is
    /// dropped until the next webhook brings the new one.
    fn take_number(&self, n: NumberCtx, contact: i64, wa_id: &str) -> DbResult<()> {
        self.conn
            .prepare_cached("DELETE FROM contact_aliases WHERE number_id = ?1 AND wa_id = ?2")?
            .execute(params![n.id, wa_id])?;
        self.conn
            .prepare_cached(
                "UPDATE contacts SET wa_id = ?2, user_id = NULL, updated_at = ?3 WHERE id = ?1",
            )?
            .execute(params![contact, wa_id, self.at.0])?;
        Ok(())
    }

    /// `wa_id` (a number the contact had) now finds `contact`; a later change wins the wa_id.
    fn alias(&self, n: NumberCtx, wa_id: &str, contact: i64, at: i64) -> DbResult<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO contact_aliases (number_id, wa_id, org_id, contact_id, at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (number_id, wa_id) DO UPDATE SET
                     contact_id = excluded.contact_id, at = excluded.at
                 WHERE excluded.at >= contact_aliases.at",
            )?
            .execute(params![n.id, wa_id, n.org, contact, at])?;
        Ok(())
    }

    /// Folds the two contacts of one customer into the older one, which takes `holder`'s
    /// (current) number and BSUID; their chats become one.
    fn merge_contacts(&mut self, n: NumberCtx, moved: i64, holder: i64) -> DbResult<Merge> {
        // The batch's counters so far are written before rows move between chats.
        self.flush_chats()?;
        let moved = self.contact_fields(moved)?;
        let current = self.contact_fields(holder)?;
        let (kept, gone) = if (moved.created_at, moved.id) <= (current.created_at, current.id) {
            (&moved, &current)
        } else {
            (&current, &moved)
        };
        let kept_chat = self.chat_of(n.id, kept.id)?;
        let gone_chat = self.chat_of(n.id, gone.id)?;
        let chat = match (kept_chat, gone_chat) {
            (Some(k), Some(g)) => {
                self.merge_chats(n, k, g)?;
                Some(k)
            }
            (None, Some(g)) => {
                self.conn
                    .prepare_cached("UPDATE chats SET contact_id = ?2 WHERE id = ?1")?
                    .execute(params![g, kept.id])?;
                Some(g)
            }
            (k, None) => k,
        };
        self.move_contact_rows(kept.id, gone.id)?;
        self.conn
            .prepare_cached("DELETE FROM contacts WHERE id = ?1")?
            .execute([gone.id])?;
        let combined = ContactRow::combined(kept, &current);
        self.write_contact(&combined, &gone.attributes)?;
        Ok(Merge {
            kept: kept.id,
            gone: gone.id,
            chat,
            gone_chat: gone_chat.filter(|g| Some(*g) != chat),
        })
    }

    fn contact_fields(&self, id: i64) -> DbResult<ContactRow> {
        let sql = format!("SELECT {CONTACT_COLUMNS} FROM contacts WHERE id = ?1");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([id], ContactRow::of)?)
    }

    /// What names the folded contact: marketing preference events (a duplicate is dropped) and
    /// the aliases of numbers it had.
    fn move_contact_rows(&self, kept: i64, gone: i64) -> DbResult<()> {
        for sql in [
            "UPDATE OR IGNORE preference_events SET contact_id = ?1 WHERE contact_id = ?2",
            "UPDATE contact_aliases SET contact_id = ?1 WHERE contact_id = ?2",
        ] {
            self.conn
                .prepare_cached(sql)?
                .execute(params![kept, gone])?;
        }
        self.conn
            .prepare_cached("DELETE FROM preference_events WHERE contact_id = ?1")?
            .execute([gone])?;
        Ok(())
    }

    /// Writes the combined contact; its attributes take the folded contact's keys it lacks.
    fn write_contact(&self, c: &ContactRow, gone_attributes: &str) -> DbResult<()> {
        self.conn
            .prepare_cached(
                "UPDATE contacts SET wa_id = ?2, user_id = ?3, parent_user_id = ?4,
                     profile_name = ?5, name = ?6, first_name = ?7, phonebook_name_at = ?8,
                     removed_from_phone_at = ?9, phonebook_changed_at = ?10,
                     marketing_opt_out = ?11, marketing_pref_at = ?12,
                     attributes = json_patch(?13, attributes), created_at = ?14, updated_at = ?15
                 WHERE id = ?1",
            )?
            .execute(params![
                c.id,
                c.wa_id,
                c.user_id,
                c.parent_user_id,
                c.profile_name,
                c.name,
                c.first_name,
                c.phonebook_name_at,
                c.removed_from_phone_at,
                c.phonebook_changed_at,
                c.marketing_opt_out,
                c.marketing_pref_at,
                gone_attributes,
                c.created_at,
                self.at.0
            ])?;
        Ok(())
    }

    /// Moves everything of chat `gone` into chat `kept`, deletes `gone`, and recomputes `kept`'s
    /// counters from its messages.
    fn merge_chats(&mut self, n: NumberCtx, kept: i64, gone: i64) -> DbResult<()> {
        for sql in [
            "UPDATE messages SET chat_id = ?1 WHERE chat_id = ?2",
            "UPDATE notes SET chat_id = ?1 WHERE chat_id = ?2",
            "INSERT OR IGNORE INTO chat_labels (chat_id, label, org_id, created_at)
                 SELECT ?1, label, org_id, created_at FROM chat_labels WHERE chat_id = ?2",
            "UPDATE chat_activity SET chat_id = ?1 WHERE chat_id = ?2",
            "UPDATE notifications SET chat_id = ?1 WHERE chat_id = ?2",
        ] {
            self.conn
                .prepare_cached(sql)?
                .execute(params![kept, gone])?;
        }
        self.conn
            .prepare_cached("DELETE FROM chat_labels WHERE chat_id = ?1")?
            .execute([gone])?;
        let state = InboxState::combined(&self.inbox_state(kept)?, &self.inbox_state(gone)?);
        self.conn
            .prepare_cached("DELETE FROM chats WHERE id = ?1")?
            .execute([gone])?;
        self.write_merged_chat(kept, &state)?;
        self.conn
            .prepare_cached(
                "INSERT INTO chat_activity (org_id, chat_id, kind, data, at)
                 VALUES (?1, ?2, 'merged', ?3, ?4)",
            )?
            .execute(params![
                n.org,
                kept,
                json!({ "by": "customer", "chat_id": ChatId(gone) }).to_string(),
                self.at.0
            ])?;
        Ok(())
    }

    fn inbox_state(&self, chat: i64) -> DbResult<InboxState> {
        let sql = format!("SELECT {INBOX_COLUMNS} FROM chats WHERE id = ?1");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([chat], InboxState::of)?)
    }

    /// The merged chat's counters, read from the messages it now holds (the same rules as the
    /// ingest path: every message counts, unread are live customer messages no agent has read),
    /// and its combined inbox state.
    fn write_merged_chat(&self, chat: i64, s: &InboxState) -> DbResult<()> {
        self.conn
            .prepare_cached(
                "UPDATE chats SET
                     message_count = (SELECT count(*) FROM messages WHERE chat_id = ?1),
                     unread_count = (SELECT count(*) FROM messages
                         WHERE chat_id = ?1 AND origin = 'customer' AND status IS NULL),
                     last_message_id = (SELECT id FROM messages WHERE chat_id = ?1
                         ORDER BY ts DESC, id DESC LIMIT 1),
                     last_message_at = (SELECT ts FROM messages WHERE chat_id = ?1
                         ORDER BY ts DESC, id DESC LIMIT 1),
                     status = ?2, snoozed_until = ?3, assignee_id = ?4, assigned_at = ?5,
                     resolved_at = ?6, last_read_at = ?7, last_customer_message_at = ?8,
                     referral_at = ?9, updated_at = ?10
                 WHERE id = ?1",
            )?
            .execute(params![
                chat,
                s.status,
                s.snoozed_until,
                s.assignee_id,
                s.assigned_at,
                s.resolved_at,
                s.last_read_at,
                s.last_customer_message_at,
                s.referral_at,
                self.at.0
            ])?;
        Ok(())
    }

    fn log_number_change(
        &self,
        n: NumberCtx,
        c: &UserNumberChange,
        kept: i64,
        merge: Option<Merge>,
    ) -> DbResult<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO contact_number_changes (org_id, number_id, wamid, contact_id,
                     old_wa_id, new_wa_id, merged_contact_id, merged_chat_id, ts, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                n.org,
                n.id,
                c.wamid,
                kept,
                c.contact.wa_id,
                c.new_wa_id,
                merge.map(|m| m.gone),
                merge.and_then(|m| m.gone_chat),
                c.timestamp.0,
                self.at.0
            ])?;
        Ok(())
    }

    /// `contact.updated` (and `chat.updated` for its chat, whose list row shows the number);
    /// after a merge, `chat.merged` for the chat that was folded in.
    fn announce_number_change(
        &mut self,
        n: NumberCtx,
        kept: i64,
        merge: Option<Merge>,
    ) -> DbResult<()> {
        let chat = match merge {
            Some(m) => m.chat,
            None => self.chat_of(n.id, kept)?,
        };
        let (contact_change, chat_change) = if merge.is_some() {
            ("merged", "merged")
        } else {
            ("wa_id", "contact")
        };
        let subject = match chat {
            Some(chat) => Self::chat_subject(n, chat),
            None => n.subject(),
        };
        self.events.touch_contact(kept, subject, contact_change);
        let Some(chat) = chat else {
            return Ok(());
        };
        self.events.touch(CHAT_UPDATED, chat, subject, chat_change);
        if let Some(m) = merge
            && let Some(gone_chat) = m.gone_chat
        {
            // Ids are written as the API writes them (strings).
            let data = json!({
                "into_chat_id": ChatId(chat),
                "contact_id": ContactId(m.kept),
                "merged_contact_id": ContactId(m.gone),
            });
            self.events
                .push(CHAT_MERGED, Self::chat_subject(n, gone_chat), data);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::InboxState;

    fn state(status: &str) -> InboxState {
        InboxState {
            status: status.to_owned(),
            snoozed_until: None,
            assignee_id: None,
            assigned_at: None,
            resolved_at: None,
            last_read_at: None,
            last_customer_message_at: None,
            referral_at: None,
        }
    }

    #[test]
    fn the_status_that_most_needs_an_agent_wins() {
        let resolved = InboxState {
            resolved_at: Some(5),
            ..state("resolved")
        };
        let open = InboxState {
            last_customer_message_at: Some(9),
            ..state("open")
        };
        let merged = InboxState::combined(&resolved, &open);
        assert_eq!(merged.status, "open");
        assert_eq!(merged.resolved_at, Some(5));
        assert_eq!(merged.last_customer_message_at, Some(9));
        assert_eq!(InboxState::combined(&open, &resolved).status, "open");
    }

    #[test]
    fn a_merged_snooze_ends_at_the_earlier_time_and_only_while_snoozed() {
        let a = InboxState {
            snoozed_until: Some(100),
            ..state("snoozed")
        };
        let b = InboxState {
            snoozed_until: Some(50),
            ..state("snoozed")
        };
        assert_eq!(InboxState::combined(&a, &b).snoozed_until, Some(50));
        let merged = InboxState::combined(&a, &state("pending"));
        assert_eq!(
            (merged.status.as_str(), merged.snoozed_until),
            ("pending", None)
        );
        let merged = InboxState::combined(&state("resolved"), &a);
        assert_eq!(
            (merged.status.as_str(), merged.snoozed_until),
            ("snoozed", Some(100))
        );
    }

    #[test]
    fn the_kept_chats_assignee_stays_unless_it_has_none() {
        let kept = InboxState {
            assignee_id: Some(1),
            assigned_at: Some(10),
            ..state("open")
        };
        let gone = InboxState {
            assignee_id: Some(2),
            assigned_at: Some(20),
            ..state("open")
        };
        let merged = InboxState::combined(&kept, &gone);
        assert_eq!(
            (merged.assignee_id, merged.assigned_at),
            (Some(1), Some(10))
        );
        let merged = InboxState::combined(&state("open"), &gone);
        assert_eq!(
            (merged.assignee_id, merged.assigned_at),
            (Some(2), Some(20))
        );
    }
}
