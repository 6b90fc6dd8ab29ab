//! Address-book changes from the phone app (`smb_app_state_sync`). `add` means added or edited:
//! it sets the names and clears a removal; `remove` keeps the contact (its chats, history and
//! last names stay) and marks when it left the phone. Changes apply in Meta's timestamp order:
//! an older change never overwrites a newer one.

use coexist_core::ingest::{ContactRef, ContactSync, Unparsed};
use rusqlite::params;
use serde_json::json;

use super::Ingest;
use super::events::NUMBER_UPDATED;
use crate::sqlite::error::DbResult;

impl Ingest<'_> {
    pub(super) fn contact_sync(&mut self, c: &ContactSync) -> DbResult<()> {
        let remove = match c.action.as_str() {
            "add" => false,
            "remove" => true,
            _ => return self.unknown_contact_action(c),
        };
        let n = self.number(&c.number, true)?;
        let who = ContactRef {
            wa_id: Some(c.wa_id.clone()),
            ..ContactRef::default()
        };
        // The phone's address book names whoever the business saved under that number: through
        // an alias, the customer who moved.
        let contact = self.contact(n, &who, false, None)?;
        let (names_at, changed_at) = self.phonebook_times(contact)?;
        let ts = c.timestamp.0;
        // The names come from the newest `add`; whether the contact is on the phone from the
        // newest change of either kind (a removal wins a tie). Both are maxima, so the result
        // is the same whatever order the changes arrive in.
        let names_apply = !remove && names_at.is_none_or(|at| ts > at);
        let state_applies = changed_at.is_none_or(|at| ts > at || (ts == at && remove));
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE contacts SET
                     name = CASE WHEN ?7 THEN ?4 ELSE name END,
                     first_name = CASE WHEN ?7 THEN ?5 ELSE first_name END,
                     phonebook_name_at = CASE WHEN ?7 THEN ?2 ELSE phonebook_name_at END,
                     removed_from_phone_at = CASE WHEN ?8 THEN (CASE WHEN ?3 THEN ?2 END)
                         ELSE removed_from_phone_at END,
                     phonebook_changed_at = CASE WHEN ?8 THEN ?2 ELSE phonebook_changed_at END,
                     updated_at = ?6
                 WHERE id = ?1 AND (?7 OR ?8)",
            )?
            .execute(params![
                contact,
                c.timestamp.0,
                remove,
                c.full_name,
                c.first_name,
                self.at.0,
                names_apply,
                state_applies,
            ])?;
        if changed > 0 {
            self.contact_changed(n, contact, if remove { "removed" } else { "phonebook" });
        }
        self.conn
            .prepare_cached(
                "UPDATE numbers SET contacts_synced_at = max(ifnull(contacts_synced_at, ?2), ?2)
                 WHERE id = ?1",
            )?
            .execute(params![n.id, self.at.0])?;
        self.app_activity(n, c.timestamp)?;
        self.events
            .touch(NUMBER_UPDATED, n.id, n.subject(), "contacts_synced");
        Ok(())
    }

    fn phonebook_times(&self, contact: i64) -> DbResult<(Option<i64>, Option<i64>)> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT phonebook_name_at, phonebook_changed_at FROM contacts WHERE id = ?1",
            )?
            .query_row([contact], |r| Ok((r.get(0)?, r.get(1)?)))?)
    }

    /// An action Meta has not documented: kept raw rather than guessed at.
    fn unknown_contact_action(&mut self, c: &ContactSync) -> DbResult<()> {
        let u = Unparsed {
            number: Some(c.number.clone()),
            field: "smb_app_state_sync".to_owned(),
            reason: format!("unknown state_sync action {:?}", c.action),
            raw: json!(c),
        };
        self.unparsed(&u)
    }
}
