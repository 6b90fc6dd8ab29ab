-- Onboarding numbers (issue 6): onboardings through Embedded Signup, the business tokens they
-- obtain (sealed by the hub), the once-only sync requests, reminders to open the phone app, and
-- the audit trail of admin and system actions.

-- One onboarding: the steps of the flow (started, code_received, token_stored, subscribed,
-- registered, onboarded, cancelled), moved one at a time by compare-and-set on `step`.
CREATE TABLE onboardings (
    id                  INTEGER PRIMARY KEY,
    org_id              INTEGER NOT NULL REFERENCES orgs(id),
    mode                TEXT NOT NULL,           -- coexistence | cloud_api
    step                TEXT NOT NULL,
    phone               TEXT NOT NULL,           -- digits, as the admin typed it
    preflight           TEXT NOT NULL,           -- JSON: the report the admin passed
    waba_id             TEXT,
    phone_number_id     TEXT,
    business_id         TEXT,
    number_id           INTEGER REFERENCES numbers(id),
    error               TEXT,                    -- why the next step last failed
    started_by_kind     TEXT NOT NULL,           -- user | token | system
    started_by_id       INTEGER,
    started_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    onboarded_at        INTEGER                  -- when the signup finished
);
CREATE INDEX onboardings_by_org ON onboardings(org_id, id DESC);

-- The business token of a business account, sealed with an AEAD by the hub: only the key id,
-- the nonce and the ciphertext are stored, never the token.
CREATE TABLE business_tokens (
    org_id              INTEGER NOT NULL REFERENCES orgs(id),
    waba_id             TEXT NOT NULL,
    key_id              TEXT NOT NULL,
    nonce               BLOB NOT NULL,
    ciphertext          BLOB NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    PRIMARY KEY (org_id, waba_id)
);

-- The once-only `smb_app_data` requests. A row is written (state pending) and committed before
-- Meta is called; the unique key makes a second call for the same number, onboarding time and
-- kind impossible, whichever process or restart tries it.
CREATE TABLE sync_requests (
    id                  INTEGER PRIMARY KEY,
    org_id              INTEGER NOT NULL REFERENCES orgs(id),
    number_id           INTEGER NOT NULL REFERENCES numbers(id),
    kind                TEXT NOT NULL,           -- contacts | history
    onboarded_at        INTEGER NOT NULL,        -- the onboarding it belongs to
    onboarding_id       INTEGER REFERENCES onboardings(id),
    state               TEXT NOT NULL,           -- pending | accepted | refused | not_sent | unknown
    requested_by_kind   TEXT NOT NULL,
    requested_by_id     INTEGER,
    requested_at        INTEGER NOT NULL,
    answered_at         INTEGER,
    request_id          TEXT,                    -- Meta's, when accepted (for support)
    error_code          INTEGER,
    error               TEXT,
    UNIQUE (number_id, onboarded_at, kind)
);

-- Reminders to open the WhatsApp Business app (10 and 12 days without it), once per threshold
-- and inactivity period (`period_start` = the app's last sign of life).
CREATE TABLE app_reminders (
    id                  INTEGER PRIMARY KEY,
    org_id              INTEGER NOT NULL REFERENCES orgs(id),
    number_id           INTEGER NOT NULL REFERENCES numbers(id),
    days                INTEGER NOT NULL,
    period_start        INTEGER NOT NULL,
    created_at          INTEGER NOT NULL,
    delivered_at        INTEGER,                 -- accepted by the outgoing webhook
    attempts            INTEGER NOT NULL DEFAULT 0,
    last_error          TEXT,
    UNIQUE (number_id, period_start, days)
);
CREATE INDEX app_reminders_by_org ON app_reminders(org_id, id DESC);

-- The audit trail of admin and system actions: who (a user, a token, coexist itself), what,
-- when, on which number or onboarding, and Meta's answer. Append-only.
CREATE TABLE audit_log (
    id                  INTEGER PRIMARY KEY,
    org_id              INTEGER NOT NULL REFERENCES orgs(id),
    at                  INTEGER NOT NULL,
    actor_kind          TEXT NOT NULL,
    actor_id            INTEGER,
    action              TEXT NOT NULL,
    number_id           INTEGER,
    onboarding_id       INTEGER,
    detail              TEXT NOT NULL,           -- JSON
    meta                TEXT                     -- JSON: Meta's answer
);
CREATE INDEX audit_log_by_org ON audit_log(org_id, id DESC);
CREATE INDEX audit_log_by_number ON audit_log(number_id, id DESC) WHERE number_id IS NOT NULL;
CREATE INDEX audit_log_by_onboarding ON audit_log(onboarding_id, id DESC)
    WHERE onboarding_id IS NOT NULL;
