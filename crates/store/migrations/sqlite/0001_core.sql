-- coexist schema, SQLite. Times are UTC milliseconds since the Unix epoch (INTEGER).
-- Every business row carries org_id so one deployment can host several organizations.
-- Applied by the store's migration runner (crates/store/src/sqlite/schema.rs), which records each
-- applied file in schema_migrations; never edit a released migration, add the next one.

CREATE TABLE orgs (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    settings    TEXT NOT NULL DEFAULT '{}',
    created_at  INTEGER NOT NULL
);

CREATE TABLE numbers (
    id                      INTEGER PRIMARY KEY,
    org_id                  INTEGER NOT NULL REFERENCES orgs(id),
    phone_number_id         TEXT NOT NULL UNIQUE,
    display_phone_number    TEXT,
    waba_id                 TEXT,
    mode                    TEXT NOT NULL,            -- coexistence | cloud_api
    state                   TEXT NOT NULL,            -- onboarding | live | disconnected | offboarded
    configured              INTEGER NOT NULL,         -- 0: first seen in a webhook
    onboarded_at            INTEGER,
    last_app_activity_at    INTEGER,
    last_webhook_at         INTEGER,
    disconnect_reason       TEXT,
    disconnect_initiated_by TEXT,
    disconnected_at         INTEGER,
    state_at                INTEGER,                  -- Meta's time of the lifecycle event that set state
    history                 TEXT NOT NULL,            -- HistoryImport as JSON (media_pending is counted at read)
    contacts_synced_at      INTEGER,
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL
);
CREATE INDEX numbers_by_org ON numbers(org_id, id);
CREATE INDEX numbers_by_display ON numbers(display_phone_number);
CREATE INDEX numbers_by_waba ON numbers(waba_id);

CREATE TABLE contacts (
    id                      INTEGER PRIMARY KEY,
    org_id                  INTEGER NOT NULL,
    number_id               INTEGER NOT NULL REFERENCES numbers(id),
    wa_id                   TEXT,
    user_id                 TEXT,
    parent_user_id          TEXT,
    profile_name            TEXT,
    name                    TEXT,   -- phone-book name (smb_app_state_sync full_name)
    first_name              TEXT,
    removed_from_phone_at   INTEGER,
    phonebook_changed_at    INTEGER, -- Meta's time of the newest address-book change (add or remove)
    phonebook_name_at       INTEGER, -- Meta's time of the newest add, whose names we show
    marketing_opt_out       INTEGER NOT NULL DEFAULT 0,
    marketing_pref_at       INTEGER,
    attributes              TEXT NOT NULL DEFAULT '{}',
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL
);
CREATE UNIQUE INDEX contacts_by_wa_id ON contacts(number_id, wa_id) WHERE wa_id IS NOT NULL;
CREATE UNIQUE INDEX contacts_by_user_id ON contacts(number_id, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX contacts_by_org ON contacts(org_id, id);
CREATE INDEX contacts_by_number ON contacts(number_id, id);

CREATE TABLE chats (
    id                          INTEGER PRIMARY KEY,
    org_id                      INTEGER NOT NULL,
    number_id                   INTEGER NOT NULL REFERENCES numbers(id),
    contact_id                  INTEGER NOT NULL REFERENCES contacts(id),
    last_message_at             INTEGER,
    last_message_id             INTEGER,
    last_customer_message_at    INTEGER,  -- live customer messages only: the service window
    referral_at                 INTEGER,  -- newest live customer message from an ad (free entry point)
    unread_count                INTEGER NOT NULL DEFAULT 0,
    message_count               INTEGER NOT NULL DEFAULT 0,
    created_at                  INTEGER NOT NULL,
    updated_at                  INTEGER NOT NULL,
    UNIQUE (number_id, contact_id)
);
-- Keyset pagination, most recent activity first: (last_message_at, id) descending. Chats without
-- messages (NULL last_message_at) come last, read in a second pass by id.
CREATE INDEX chats_by_activity ON chats(org_id, last_message_at DESC, id DESC);
CREATE INDEX chats_by_number_activity ON chats(number_id, last_message_at DESC, id DESC);

CREATE TABLE messages (
    id                  INTEGER PRIMARY KEY,
    org_id              INTEGER NOT NULL,
    number_id           INTEGER NOT NULL,
    chat_id             INTEGER NOT NULL REFERENCES chats(id),
    wamid               TEXT,                 -- NULL while an API send waits in the outbox
    direction           TEXT NOT NULL,
    origin              TEXT NOT NULL,
    kind                TEXT NOT NULL,        -- Meta's type
    text                TEXT,
    content             TEXT,                 -- the type-named object, JSON
    status              TEXT,
    status_at           INTEGER,
    error_code          INTEGER,
    error_title         TEXT,
    error_details       TEXT,
    ts                  INTEGER NOT NULL,     -- Meta's timestamp
    received_at         INTEGER NOT NULL,
    reply_to            TEXT,
    edited_at           INTEGER,
    edited_by           TEXT,
    original_text       TEXT,
    revoked_at          INTEGER,
    revoked_by          TEXT,
    media_pending       INTEGER NOT NULL DEFAULT 0,
    raw                 TEXT                  -- the message object as Meta sent it
);
CREATE UNIQUE INDEX messages_by_wamid ON messages(number_id, wamid) WHERE wamid IS NOT NULL;
CREATE INDEX messages_by_chat ON messages(chat_id, ts DESC, id DESC);
-- History media placeholders still waiting for their follow-up (counted per number when read).
CREATE INDEX messages_media_pending ON messages(number_id) WHERE media_pending = 1;

-- Full-text search over texts and captions (external content: the text lives in messages).
--
-- messages_fts is not written as messages are: every change of messages.text is queued in
-- messages_fts_queue by the store's code (crates/store/src/sqlite/fts.rs), and the writer moves
-- the queue into messages_fts in one statement per group, just before COMMIT. Why:
-- - FTS5 flushes its pending terms to disk whenever a savepoint opens; with the savepoints
--   group commit uses to isolate a failing webhook, that was a tiny segment (and merge work)
--   per webhook.
-- - The queue is written by code, not by a trigger: a trigger makes every message INSERT a
--   multi-table statement with its own statement journal, whose release walks the in-memory
--   sub-journal of an enclosing savepoint (quadratic in a 1,000-message history chunk).
-- A rolled-back savepoint takes its queue rows with it.
CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TABLE messages_fts_queue (
    seq         INTEGER PRIMARY KEY,
    is_delete   INTEGER NOT NULL,     -- 1: remove (message_id, text) from the index, 0: add it
    message_id  INTEGER NOT NULL,
    text        TEXT NOT NULL
);

-- Every status webhook, with its pricing. Unique per (number, wamid, status): a redelivery is a
-- no-op. Statuses may arrive before the message they describe (message_id NULL until then).
CREATE TABLE statuses (
    id                      INTEGER PRIMARY KEY,
    org_id                  INTEGER NOT NULL,
    number_id               INTEGER NOT NULL,
    wamid                   TEXT NOT NULL,
    message_id              INTEGER,
    status                  TEXT NOT NULL,   -- as Meta sent it
    ts                      INTEGER NOT NULL,
    recipient_id            TEXT,
    pricing_category        TEXT,
    pricing_type            TEXT,
    pricing_model           TEXT,
    billable                INTEGER,
    conversation_id         TEXT,
    conversation_origin     TEXT,
    biz_opaque_callback_data TEXT,
    errors                  TEXT,            -- JSON array, as sent
    error_code              INTEGER,         -- the first error, copied onto a failed message
    error_title             TEXT,
    error_details           TEXT,
    raw                     TEXT NOT NULL,
    received_at             INTEGER NOT NULL,
    UNIQUE (number_id, wamid, status)
);
CREATE INDEX statuses_by_message ON statuses(message_id);
CREATE INDEX statuses_by_time ON statuses(org_id, ts);

-- Edits and revokes, applied to the original message (kept here with the previous text).
-- target_id is NULL while the original has not arrived yet; it is applied when it does, oldest
-- first. An edit older than one already applied is kept with data.superseded = true.
CREATE TABLE message_events (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    number_id       INTEGER NOT NULL,
    target_wamid    TEXT NOT NULL,
    target_id       INTEGER,
    kind            TEXT NOT NULL,   -- edit | revoke
    by_whom         TEXT NOT NULL,   -- customer | business_app
    event_wamid     TEXT NOT NULL,
    ts              INTEGER NOT NULL,
    data            TEXT NOT NULL,   -- JSON: new content/text, and previous ones once applied
    applied         INTEGER NOT NULL DEFAULT 0,
    received_at     INTEGER NOT NULL,
    UNIQUE (number_id, event_wamid)
);
CREATE INDEX message_events_by_target ON message_events(number_id, target_wamid);
CREATE INDEX message_events_by_target_id ON message_events(target_id);

-- History chunks seen, so a redelivered chunk is recognized.
CREATE TABLE history_chunks (
    number_id       INTEGER NOT NULL,
    phase           INTEGER NOT NULL,
    chunk_order     INTEGER NOT NULL,
    progress        INTEGER NOT NULL,
    messages        INTEGER NOT NULL,
    received_at     INTEGER NOT NULL,
    PRIMARY KEY (number_id, phase, chunk_order)
);

-- Every webhook request body as received (byte-exact), deduplicated by its SHA-256.
CREATE TABLE webhooks (
    id              INTEGER PRIMARY KEY,
    sha256          BLOB NOT NULL UNIQUE,
    body            BLOB NOT NULL,
    signature       TEXT,
    received_at     INTEGER NOT NULL,
    changes         INTEGER NOT NULL
);

-- Changes we could not type (unknown fields or shapes), kept raw with the reason.
CREATE TABLE unparsed_changes (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    webhook_id      INTEGER NOT NULL,
    number_id       INTEGER,
    field           TEXT NOT NULL,
    reason          TEXT,
    raw             TEXT NOT NULL,
    received_at     INTEGER NOT NULL
);

-- Value-level errors Meta reported (value.errors[], history errors).
CREATE TABLE webhook_errors (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    number_id       INTEGER,
    field           TEXT NOT NULL,
    code            INTEGER NOT NULL,
    title           TEXT,
    details         TEXT,
    raw             TEXT NOT NULL,
    webhook_id      INTEGER NOT NULL,
    received_at     INTEGER NOT NULL,
    UNIQUE (webhook_id, field, code, raw)
);
CREATE INDEX webhook_errors_by_org ON webhook_errors(org_id, id DESC);

-- account_update events, whatever they are, for the record (the lifecycle ones also move
-- numbers.state).
CREATE TABLE account_events (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    number_id       INTEGER,
    waba_id         TEXT,
    event           TEXT NOT NULL,
    reason          TEXT,
    initiated_by    TEXT,
    ts              INTEGER NOT NULL,
    raw             TEXT NOT NULL,
    received_at     INTEGER NOT NULL
);
-- One row per event and matched number (number_id NULL when none matched); a redelivery is a
-- no-op. Expressions because NULLs are distinct in a plain UNIQUE.
CREATE UNIQUE INDEX account_events_once ON account_events(ifnull(waba_id, ''), ifnull(number_id, 0), event, ts, raw);

-- Templates as known from webhooks (and, later, from the Graph API).
CREATE TABLE templates (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    waba_id         TEXT NOT NULL,
    template_id     TEXT NOT NULL,
    name            TEXT,
    language        TEXT,
    category        TEXT,
    status          TEXT,
    reason          TEXT,
    components      TEXT,
    status_at       INTEGER,         -- Meta's time of the status event applied (newer wins)
    category_at     INTEGER,         -- Meta's time of the category applied (newer wins)
    updated_at      INTEGER NOT NULL, -- when we last changed the row (receive time)
    UNIQUE (waba_id, template_id)
);
CREATE TABLE template_events (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    waba_id         TEXT NOT NULL,
    template_id     TEXT NOT NULL,
    field           TEXT NOT NULL,
    event           TEXT,
    ts              INTEGER NOT NULL,
    raw             TEXT NOT NULL,
    received_at     INTEGER NOT NULL,
    UNIQUE (waba_id, template_id, field, ts, raw)
);

-- Marketing preference changes (user_preferences), the start of the consent ledger.
CREATE TABLE preference_events (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    number_id       INTEGER NOT NULL,
    contact_id      INTEGER NOT NULL,
    category        TEXT NOT NULL,
    value           TEXT NOT NULL,
    detail          TEXT,
    ts              INTEGER NOT NULL,
    received_at     INTEGER NOT NULL,
    UNIQUE (number_id, contact_id, category, value, ts)
);

-- The change stream: every committed change gets the next position.
CREATE TABLE events (
    position        INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id          INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    at              INTEGER NOT NULL,
    number_id       INTEGER,
    chat_id         INTEGER,
    message_id      INTEGER,
    data            TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_by_org ON events(org_id, position);

CREATE TABLE api_tokens (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    name            TEXT NOT NULL,
    hash            BLOB NOT NULL UNIQUE,
    role            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    revoked_at      INTEGER
);
