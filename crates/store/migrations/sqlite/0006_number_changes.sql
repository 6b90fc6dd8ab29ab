-- coexist schema, SQLite: customers who change phone number (Meta's `system` message
-- `user_changed_number`, META.md §3.10). Times are UTC milliseconds since the Unix epoch.
-- Never edit a released migration; add the next one.

-- Numbers a contact had before (per business number). Contacts are looked up by wa_id, then by
-- user_id, then here: a late or redelivered webhook from the old number still finds the contact
-- that moved to the new one. `at` is Meta's time of the number change that made the alias (a
-- later change wins the wa_id).
CREATE TABLE contact_aliases (
    number_id       INTEGER NOT NULL REFERENCES numbers(id),
    wa_id           TEXT NOT NULL,
    org_id          INTEGER NOT NULL,
    contact_id      INTEGER NOT NULL REFERENCES contacts(id),
    at              INTEGER NOT NULL,
    PRIMARY KEY (number_id, wa_id)
) WITHOUT ROWID;
CREATE INDEX contact_aliases_by_contact ON contact_aliases(contact_id);

-- Every number change applied, once per (number, notice wamid): a redelivered notice changes
-- nothing more. merged_* name the contact and chat folded into contact_id's when the new number
-- already had its own (they no longer exist).
CREATE TABLE contact_number_changes (
    id                  INTEGER PRIMARY KEY,
    org_id              INTEGER NOT NULL,
    number_id           INTEGER NOT NULL,
    wamid               TEXT NOT NULL,
    contact_id          INTEGER NOT NULL,
    old_wa_id           TEXT,
    new_wa_id           TEXT NOT NULL,
    merged_contact_id   INTEGER,
    merged_chat_id      INTEGER,
    ts                  INTEGER NOT NULL,
    received_at         INTEGER NOT NULL,
    UNIQUE (number_id, wamid)
);
CREATE INDEX contact_number_changes_by_contact ON contact_number_changes(contact_id);
