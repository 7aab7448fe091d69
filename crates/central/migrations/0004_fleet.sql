-- Một Cửa central server, schema 4: the fleet reports its health. The latest
-- heartbeat of each kiosk, what staff set for kiosks (maintenance) and for a
-- center (its notice). Times are Unix milliseconds (UTC).

-- A kiosk id belongs to the center whose kiosk token first reported it (or
-- whose catalog names it); another center's token may not report for it.
CREATE TABLE kiosks (
    kiosk_id       TEXT PRIMARY KEY,
    center         TEXT NOT NULL,
    -- The last heartbeat; NULL until the kiosk has reported once (a kiosk
    -- staff put in maintenance before it ever reported).
    printer        TEXT CHECK (printer IN ('ok', 'paper_near_end', 'paper_out', 'cover_open', 'offline')),
    outbox         INTEGER NOT NULL DEFAULT 0,
    unprinted      INTEGER NOT NULL DEFAULT 0,
    version        TEXT,
    uptime_s       INTEGER,
    last_error     TEXT,
    last_seen      INTEGER,
    -- Staff: "Máy đang bảo trì" instead of the home screen.
    maintenance    INTEGER NOT NULL DEFAULT 0,
    maintenance_by TEXT,
    maintenance_at INTEGER
) STRICT;
CREATE INDEX kiosks_center ON kiosks (center, kiosk_id);

-- The notice every kiosk of a center shows on its home screen; one per center.
CREATE TABLE notices (
    center  TEXT PRIMARY KEY,
    text_vi TEXT NOT NULL,
    text_en TEXT,
    until   INTEGER,          -- NULL: until cleared
    set_by  TEXT NOT NULL,
    set_at  INTEGER NOT NULL
) STRICT;

-- Bumped by every maintenance or notice change (API or command line), so a
-- running server notices a change the command line made and tells the kiosks.
INSERT INTO meta (key, value) VALUES ('fleet_version', '0');
