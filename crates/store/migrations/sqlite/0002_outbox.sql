-- coexist schema, SQLite: sending (issue "Sending under Meta's rules"). Times are UTC
-- milliseconds since the Unix epoch. Never edit a released migration; add the next one.

-- The outbox: one row per API message (messages.origin = 'api'), created in the same
-- transaction as the message. A worker claims a due row (state queued → sending, attempts + 1,
-- a lease) and commits the claim before it calls the Graph API: the claim is the durable record
-- of the attempt. An attempt whose lease expires without a recorded answer becomes
-- 'interrupted' and is never sent again automatically (at most one Graph send per message); a
-- status webhook whose biz_opaque_callback_data names the message reconciles it.
CREATE TABLE outbox (
    message_id          INTEGER PRIMARY KEY REFERENCES messages(id),
    org_id              INTEGER NOT NULL,
    number_id           INTEGER NOT NULL,
    idempotency_key     TEXT,                 -- the client's Idempotency-Key, unique per org
    request_sha256      BLOB NOT NULL,        -- of the client's target + body: a reused key must match
    request             TEXT NOT NULL,        -- Meta's body as the client gave it (JSON)
    recipient           TEXT NOT NULL,        -- wa_id: the `to` of the send and the pair-rate key
    state               TEXT NOT NULL,        -- queued | sending | sent | failed | interrupted
    due_at              INTEGER NOT NULL,
    attempts            INTEGER NOT NULL DEFAULT 0,
    lease_until         INTEGER,
    lease_owner         TEXT,
    last_error_code     INTEGER,
    last_error_title    TEXT,
    last_error_details  TEXT,
    note                TEXT,                 -- a sentence for people (why it waits, why interrupted)
    author              TEXT,                 -- JSON {kind, id, name}
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE UNIQUE INDEX outbox_by_key ON outbox(org_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- Due work, oldest first; and expiring leases. Partial: finished rows cost nothing here.
CREATE INDEX outbox_due ON outbox(due_at, message_id) WHERE state = 'queued';
CREATE INDEX outbox_leases ON outbox(lease_until) WHERE state = 'sending';

-- Templates: what the Graph API lists adds the definition to what webhooks told us.
ALTER TABLE templates ADD COLUMN parameter_format TEXT;
ALTER TABLE templates ADD COLUMN synced_at INTEGER;
CREATE INDEX templates_by_name ON templates(org_id, waba_id, name);

-- Media: inbound media found in messages (downloaded by a worker) and media we uploaded. The
-- bytes live in a content-addressed directory (media/ab/cd/<sha256>), not in the database.
CREATE TABLE media (
    id                  INTEGER PRIMARY KEY,
    org_id              INTEGER NOT NULL,
    number_id           INTEGER NOT NULL,
    media_id            TEXT NOT NULL,        -- Meta's media id
    direction           TEXT NOT NULL,        -- inbound | outbound
    message_id          INTEGER,              -- the message that carried it (inbound)
    mime_type           TEXT,
    sha256              TEXT,                 -- hex, of the stored bytes
    expected_sha256     TEXT,                 -- as Meta announced it (hex or base64)
    size                INTEGER,
    filename            TEXT,
    state               TEXT NOT NULL,        -- pending | stored | failed
    attempts            INTEGER NOT NULL DEFAULT 0,
    due_at              INTEGER,              -- next try; a claim moves it past the claim's lease
    error               TEXT,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    UNIQUE (number_id, media_id)
);
CREATE INDEX media_by_org ON media(org_id, media_id);
CREATE INDEX media_due ON media(due_at) WHERE state = 'pending';

-- Positions of workers that follow the change stream (the media finder).
CREATE TABLE stream_cursors (
    name                TEXT PRIMARY KEY,
    position            INTEGER NOT NULL
);

-- Phone-app messages by time, for the cost report's free count (partial: echoes only, so
-- ingesting other messages pays nothing for it).
CREATE INDEX messages_app_by_time ON messages(org_id, ts) WHERE origin = 'business_app';
