-- Một Cửa central server, schema 9: appointments (đặt lịch hẹn).
-- A booking holds one place of a service's slot until it is cancelled; it
-- checks in at a kiosk once, which issues an appointment ticket (numbered
-- like the service's walk-ins) that the queue places at its slot time.

CREATE TABLE bookings (
    code           TEXT PRIMARY KEY,          -- XXX-XXX from ACDEFHJKMNPQRTUVWXY34679
    center         TEXT NOT NULL,
    service_id     TEXT NOT NULL,
    day            TEXT NOT NULL,             -- the slot's local day
    slot_start     INTEGER NOT NULL,          -- Unix ms
    slot_end       INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('booked', 'checked_in', 'cancelled', 'lapsed')),
    name           TEXT NOT NULL,             -- emptied by the purge the day after the slot
    phone          TEXT,                      -- digits only; NULL once purged
    id_hash        TEXT,                      -- keyed hash of an ID card number, when one was given
    cancel_hash    TEXT NOT NULL,             -- SHA-256 (hex) of the cancel link's secret
    ticket_id      TEXT REFERENCES tickets (id),
    by_staff       INTEGER NOT NULL DEFAULT 0, -- taken on the hotline with a staff token
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    purge_at       INTEGER NOT NULL,          -- local midnight after the slot's day: name and phone go then
    purged_at      INTEGER
) STRICT;
CREATE INDEX bookings_slot ON bookings (service_id, slot_start, status);
CREATE INDEX bookings_phone ON bookings (phone, service_id, day) WHERE phone IS NOT NULL;
CREATE INDEX bookings_purge ON bookings (purge_at) WHERE purged_at IS NULL;

-- An appointment ticket: the slot it was booked for orders it in the queue.
ALTER TABLE tickets ADD COLUMN appointment_slot INTEGER;
ALTER TABLE tickets ADD COLUMN booking_code TEXT;

-- A counter's due appointments called in a row (walk-ins keep their share).
ALTER TABLE counter_state ADD COLUMN appointment_streak INTEGER NOT NULL DEFAULT 0;
