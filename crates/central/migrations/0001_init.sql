-- Một Cửa central server, schema 1.
-- Times are Unix milliseconds (UTC); local days are 'YYYY-MM-DD' in the center's time zone.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- The catalog: one row per entity, its JSON as read from the catalog file.
CREATE TABLE catalog_entries (
    kind     TEXT NOT NULL,      -- center, agency, field, procedure, service, counter, priority
    id       TEXT NOT NULL,
    center   TEXT NOT NULL,
    position INTEGER NOT NULL,   -- order in the file, kept for display
    body     TEXT NOT NULL,
    PRIMARY KEY (kind, id)
) STRICT;
CREATE INDEX catalog_entries_center ON catalog_entries (center, kind, position);

CREATE TABLE tokens (
    hash       TEXT PRIMARY KEY, -- SHA-256 of the bearer token, hex
    role       TEXT NOT NULL CHECK (role IN ('kiosk', 'staff')),
    center     TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;

CREATE TABLE tickets (
    id           TEXT PRIMARY KEY,      -- UUIDv7
    token        TEXT NOT NULL UNIQUE,  -- unguessable lookup token (the QR)
    center       TEXT NOT NULL,
    service_id   TEXT NOT NULL,
    day          TEXT NOT NULL,         -- local numbering day
    seq          INTEGER,               -- per service per day; NULL for offline tickets
    number       TEXT NOT NULL,
    priority     TEXT,
    kiosk_id     TEXT NOT NULL,
    issued_at    INTEGER NOT NULL,      -- orders the queue
    received_at  INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('waiting', 'called', 'served', 'no_show', 'expired')),
    counter_id   TEXT,
    called_at    INTEGER,
    finished_at  INTEGER,
    dossier_code TEXT,
    offline      INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX tickets_number_seq ON tickets (service_id, day, seq) WHERE seq IS NOT NULL;
CREATE UNIQUE INDEX tickets_offline_number ON tickets (service_id, day, number) WHERE seq IS NULL;
CREATE INDEX tickets_day_status ON tickets (center, day, status);

CREATE TABLE idempotency (
    center       TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    ticket_id    TEXT NOT NULL REFERENCES tickets (id),
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (center, key)
) STRICT;

-- Consecutive priority calls per counter (the fairness rule).
CREATE TABLE counter_state (
    counter_id      TEXT PRIMARY KEY,
    priority_streak INTEGER NOT NULL
) STRICT;

CREATE TABLE dossiers (
    code           TEXT PRIMARY KEY,
    center         TEXT NOT NULL,
    procedure_id   TEXT,
    procedure_name TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    status         INTEGER NOT NULL CHECK (status BETWEEN 1 AND 10),
    received_at    INTEGER NOT NULL,
    due_at         INTEGER NOT NULL,
    done_at        INTEGER,             -- when it first became ready or was handed over
    collect_at     TEXT,
    updated_at     INTEGER NOT NULL
) STRICT;

CREATE TABLE dossier_history (
    id     INTEGER PRIMARY KEY,
    code   TEXT NOT NULL REFERENCES dossiers (code),
    at     INTEGER NOT NULL,
    status INTEGER NOT NULL,
    unit   TEXT NOT NULL,
    actor  TEXT,
    note   TEXT
) STRICT;
CREATE INDEX dossier_history_code ON dossier_history (code, at);

CREATE TABLE ratings (
    id           TEXT PRIMARY KEY,
    center       TEXT NOT NULL,
    ticket_id    TEXT,
    dossier_code TEXT,
    score        INTEGER NOT NULL CHECK (score BETWEEN 1 AND 3),
    comment      TEXT,
    created_at   INTEGER NOT NULL
) STRICT;
