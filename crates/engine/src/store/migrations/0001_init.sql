-- The kiosk's local store: catalog cache, ticket journal, outbox, settings.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The last catalog the server sent, so the menu works offline.
CREATE TABLE catalog_cache (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    etag       TEXT,
    json       TEXT NOT NULL,
    fetched_at INTEGER NOT NULL          -- unix ms
);

-- Every ticket this kiosk issued, online or offline, with its print state.
CREATE TABLE journal (
    id              TEXT PRIMARY KEY,    -- server id (online) or the kiosk's own UUIDv7 (offline)
    idempotency_key TEXT NOT NULL UNIQUE,
    service_id      TEXT NOT NULL,
    number          TEXT NOT NULL,
    token           TEXT NOT NULL,
    local_day       TEXT NOT NULL,       -- the center's local date at issue
    offline         INTEGER NOT NULL,
    offline_seq     INTEGER,             -- per service per local day, offline tickets only
    issued_at       INTEGER NOT NULL,    -- unix ms
    ticket_json     TEXT NOT NULL,       -- the KioskTicket the slip shows
    print_state     TEXT NOT NULL CHECK (print_state IN ('pending', 'printed', 'failed')),
    print_error     TEXT,
    printed_at      INTEGER,
    sync_state      TEXT NOT NULL CHECK (sync_state IN ('online', 'pending', 'synced', 'rejected')),
    server_id       TEXT,
    sync_error      TEXT,
    created_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX journal_offline_number ON journal (service_id, local_day, offline_seq) WHERE offline_seq IS NOT NULL;
CREATE INDEX journal_token ON journal (token);
CREATE INDEX journal_number ON journal (number);
CREATE INDEX journal_print_state ON journal (print_state);

-- Offline tickets to deliver, oldest first, with the exact body and key.
CREATE TABLE outbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    journal_id      TEXT NOT NULL UNIQUE REFERENCES journal (id),
    idempotency_key TEXT NOT NULL,
    body            TEXT NOT NULL,       -- IssueTicketRequest JSON, sent as is
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'rejected')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    created_at      INTEGER NOT NULL
);
CREATE INDEX outbox_state ON outbox (state, seq);
