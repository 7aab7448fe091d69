-- Một Cửa central server, schema 2: the staff half (accounts, sessions, calls,
-- paused counters, transfers, an audit log) and display tokens.

-- Token roles grow: display (a lobby board, read-only) and integration.
CREATE TABLE tokens_v2 (
    hash       TEXT PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('kiosk', 'staff', 'display', 'integration')),
    center     TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;
INSERT INTO tokens_v2 (hash, role, center, name, created_at, revoked_at)
    SELECT hash, role, center, name, created_at, revoked_at FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_v2 RENAME TO tokens;

-- People who sign in. User names are unique on the server.
CREATE TABLE staff (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    center        TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('officer', 'director')),
    counters      TEXT NOT NULL DEFAULT '',  -- counter ids, comma-separated; '' = every counter of the center
    password_hash TEXT NOT NULL,             -- Argon2id, PHC string
    disabled      INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  INTEGER,
    created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
    hash       TEXT PRIMARY KEY,             -- SHA-256 of the cookie value
    staff_id   INTEGER NOT NULL REFERENCES staff (id),
    csrf       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL              -- the next local midnight
) STRICT;
CREATE INDEX sessions_staff ON sessions (staff_id);

-- Every call of a number: what the board shows and the voice says.
CREATE TABLE calls (
    id         TEXT PRIMARY KEY,             -- UUIDv7, the call_id
    center     TEXT NOT NULL,
    counter_id TEXT NOT NULL,
    ticket_id  TEXT NOT NULL REFERENCES tickets (id),
    number     TEXT NOT NULL,
    service_id TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('next', 'recall', 'number')),
    reason     TEXT,
    actor      TEXT NOT NULL,
    at         INTEGER NOT NULL
) STRICT;
CREATE INDEX calls_center_at ON calls (center, at);
CREATE INDEX calls_ticket ON calls (ticket_id, at);

-- Tạm nghỉ: a paused counter calls nobody.
ALTER TABLE counter_state ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;

-- Transfers: the ticket keeps its number, its numbering service (service_id,
-- seq) and its issue time; it waits in queue_service (NULL: its own), and a
-- ticket sent to a counter is called by that counter before its queues.
ALTER TABLE tickets ADD COLUMN queue_service TEXT;
ALTER TABLE tickets ADD COLUMN reserved_counter TEXT;

-- What staff did that is not a call: transfers, pauses, sign-ins, lockouts.
CREATE TABLE audit (
    id     INTEGER PRIMARY KEY,
    center TEXT NOT NULL,
    at     INTEGER NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL                     -- JSON
) STRICT;
CREATE INDEX audit_center_at ON audit (center, at);
