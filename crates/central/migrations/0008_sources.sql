-- Một Cửa central server, schema 8 (5–7 are other changes'): dossiers learn
-- their applicant's ID card only as a keyed hash, and the pull connector
-- keeps where it stands with each upstream source.

-- HMAC-SHA256 (hex) of the applicant's ID number under the deployment's key
-- (the file beside the database, see id_key.rs); never the number itself.
-- NULL until a source sends the number.
ALTER TABLE dossiers ADD COLUMN applicant_id_hash TEXT;
CREATE INDEX dossiers_applicant_id_hash ON dossiers (applicant_id_hash, received_at) WHERE applicant_id_hash IS NOT NULL;

-- One row per pulled source (its name in the mapping file's [source]):
-- where the next pass starts, when the mirror was last complete, and what
-- the passes did. Written by `dossiers pull` and by `serve --pull`; read by
-- /metrics and by dossier lookups (freshness).
CREATE TABLE pull_sources (
    name             TEXT PRIMARY KEY,
    url              TEXT NOT NULL,
    -- The centers this source feeds (comma-separated): a complete pass
    -- vouches for every dossier of these centers.
    centers          TEXT NOT NULL DEFAULT '',
    -- cursor mode: the cursor the next pass starts from.
    cursor           TEXT,
    -- updated_since mode: the newest source update time applied (Unix ms).
    since            INTEGER,
    -- When the last complete pass started: every change upstream before it is in the mirror.
    synced_at        INTEGER,
    -- updated_since mode: when the last full pass (no updated_since) started.
    full_at          INTEGER,
    -- The newest source update time seen (Unix ms), for the lag.
    newest_update    INTEGER,
    passes           INTEGER NOT NULL DEFAULT 0,
    failed_passes    INTEGER NOT NULL DEFAULT 0,
    failures_in_row  INTEGER NOT NULL DEFAULT 0,
    request_failures INTEGER NOT NULL DEFAULT 0,
    created          INTEGER NOT NULL DEFAULT 0,
    updated          INTEGER NOT NULL DEFAULT 0,
    unchanged        INTEGER NOT NULL DEFAULT 0,
    rejected         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    last_error_at    INTEGER
) STRICT;
