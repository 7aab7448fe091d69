-- Một Cửa central server, schema 5: one tap is one ticket on any network.
-- Times are Unix milliseconds (UTC).

-- The tap a key was first used for: the request without `issued_at` and
-- `offline`. A kiosk that lost the answer to its online attempt delivers the
-- offline ticket it printed instead under the same key; the same tap hash
-- tells the server that both are one citizen's tap (NULL on rows written
-- before this schema: their request hash is the tap's, they were online).
ALTER TABLE idempotency ADD COLUMN tap_hash TEXT;

-- The server's own number of a ticket that took the offline number printed
-- on the citizen's slip (B001 → B-K1-001), kept for the audit trail; its
-- `seq` stays taken, so the server's series never issues that number again.
ALTER TABLE tickets ADD COLUMN online_number TEXT;

-- A number is unique per service and day, whichever series it comes from
-- (a renumbered ticket keeps its seq and carries an offline number).
DROP INDEX tickets_offline_number;
CREATE UNIQUE INDEX tickets_number ON tickets (service_id, day, number);

-- Ratings are idempotent like tickets: a retried rating is counted once.
CREATE TABLE rating_idempotency (
    center       TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    rating_id    TEXT NOT NULL REFERENCES ratings (id),
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (center, key)
) STRICT;
