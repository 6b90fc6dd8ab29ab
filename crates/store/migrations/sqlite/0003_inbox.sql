-- The shared inbox (issue 5): people and sessions, each chat's inbox state (status, assignee,
-- labels, snooze), notes, notifications, canned responses, and a log of inbox events.

-- People. An email signs in to one organization: unique across the deployment, because the
-- sign-in form has no organization picker. Stored lowercase (the hub normalizes it).
CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    email           TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL,           -- admin | agent
    password_hash   TEXT NOT NULL,           -- Argon2id PHC string
    disabled_at     INTEGER,                 -- a disabled user has no sessions and cannot sign in
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX users_by_org ON users(org_id, name);

-- Signed-in sessions. Only the SHA-256 of the cookie secret is stored; the CSRF token is
-- derived from the secret by the hub, so nothing here can be replayed from a database copy.
CREATE TABLE sessions (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    user_id         INTEGER NOT NULL REFERENCES users(id),
    hash            BLOB NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,        -- moved at most every few minutes (idle timeout)
    expires_at      INTEGER NOT NULL,        -- absolute lifetime
    ended_at        INTEGER                  -- signed out (this session or everywhere)
);
CREATE INDEX sessions_live_by_user ON sessions(user_id) WHERE ended_at IS NULL;

-- Failed sign-ins per (normalized) email, whether or not it is a user's: the throttle counts
-- them in a window. Kept a day at most.
CREATE TABLE login_failures (
    id              INTEGER PRIMARY KEY,
    email           TEXT NOT NULL,
    at              INTEGER NOT NULL
);
CREATE INDEX login_failures_by_email ON login_failures(email, at);

-- Inbox state of a chat. A chat starts open when a live customer writes; chats that only
-- history or the phone app created start resolved, so an import does not flood the queue
-- (the ingest path decides; the default serves chats created by our own sends). Existing
-- chats follow the same rule.
ALTER TABLE chats ADD COLUMN status TEXT NOT NULL DEFAULT 'open';  -- open | pending | snoozed | resolved
ALTER TABLE chats ADD COLUMN assignee_id INTEGER REFERENCES users(id);
ALTER TABLE chats ADD COLUMN snoozed_until INTEGER;                -- set only while snoozed
ALTER TABLE chats ADD COLUMN assigned_at INTEGER;                  -- last given to someone
ALTER TABLE chats ADD COLUMN resolved_at INTEGER;                  -- last resolved
ALTER TABLE chats ADD COLUMN last_read_at INTEGER;                 -- last marked read by an agent
UPDATE chats SET status = 'resolved' WHERE last_customer_message_at IS NULL;

-- The inbox lists: keyset pages most recent first, like chats_by_activity, within one status
-- (view=all&status=...) or one assignee and status (view=mine|unassigned). A snoozed chat whose
-- time has passed is open: the list reads the open range and the snoozed range and merges them.
CREATE INDEX chats_by_status ON chats(org_id, status, last_message_at DESC, id DESC);
CREATE INDEX chats_by_assignee ON chats(org_id, assignee_id, status, last_message_at DESC, id DESC);

-- Live customer messages no agent has read yet (inbound messages get status 'read' when an
-- agent reads the chat); small, because reading a chat empties its part.
CREATE INDEX messages_unread ON messages(chat_id) WHERE origin = 'customer' AND status IS NULL;

CREATE TABLE chat_labels (
    chat_id         INTEGER NOT NULL REFERENCES chats(id),
    label           TEXT NOT NULL,
    org_id          INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (chat_id, label)
) WITHOUT ROWID;
CREATE INDEX chat_labels_by_label ON chat_labels(org_id, label);

-- Internal notes on a chat. author_id is NULL when an integration wrote it (token_id says which).
CREATE TABLE notes (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    chat_id         INTEGER NOT NULL REFERENCES chats(id),
    author_id       INTEGER REFERENCES users(id),
    token_id        INTEGER,
    body            TEXT NOT NULL,
    mentions        TEXT NOT NULL DEFAULT '[]',  -- JSON array of user ids (decimal strings)
    created_at      INTEGER NOT NULL
);
CREATE INDEX notes_by_chat ON notes(chat_id, id);

CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    user_id         INTEGER NOT NULL REFERENCES users(id),
    kind            TEXT NOT NULL,               -- mention | assigned
    chat_id         INTEGER NOT NULL,
    note_id         INTEGER,
    by_user_id      INTEGER,
    created_at      INTEGER NOT NULL,
    read_at         INTEGER
);
CREATE INDEX notifications_by_user ON notifications(user_id, id DESC);
CREATE INDEX notifications_unread ON notifications(user_id, id DESC) WHERE read_at IS NULL;

CREATE TABLE canned_responses (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    shortcut        TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (org_id, shortcut)
);

-- Every inbox event of a chat, for analytics and audit later (SLA clocks, time to resolve):
-- assigned, unassigned, resolved, reopened, snoozed, labels, read. by_* are NULL when the
-- customer caused it (a live message reopening the chat).
CREATE TABLE chat_activity (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL,
    chat_id         INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    by_user_id      INTEGER,
    by_token_id     INTEGER,
    data            TEXT NOT NULL DEFAULT '{}',
    at              INTEGER NOT NULL
);
CREATE INDEX chat_activity_by_chat ON chat_activity(chat_id, id);
