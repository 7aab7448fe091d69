-- Một Cửa central server, schema 7: reports for the center director.
--
-- Summary tables: one row per local day, hour of issue, service, counter and
-- officer holds what the day's tickets add up to (the figures are defined in
-- src/reports/facts.rs). A day is summarised once it is over (never today:
-- today is read live) and marked in report_days. Any later change to a
-- ticket of that day (an offline kiosk delivering yesterday's tickets, a
-- ticket served after midnight, tickets expired at start) deletes the mark,
-- and the day is summarised again when next asked for. Ratings count on the
-- day they are given, which is always today when they are stored, so they
-- never touch a day already summarised.

CREATE TABLE report_days (
    center   TEXT NOT NULL,
    day      TEXT NOT NULL,             -- local 'YYYY-MM-DD'
    built_at INTEGER NOT NULL,          -- Unix ms
    PRIMARY KEY (center, day)
) STRICT, WITHOUT ROWID;

CREATE TABLE report_tickets (
    center     TEXT NOT NULL,
    day        TEXT NOT NULL,
    hour       INTEGER NOT NULL,        -- local hour of issue, 0..23
    service_id TEXT NOT NULL,           -- the service the ticket was taken for
    counter_id TEXT NOT NULL,           -- the counter of its last call; '' never called
    officer    TEXT NOT NULL,           -- who made its last call (not a recall); '' never called
    issued     INTEGER NOT NULL,
    offline    INTEGER NOT NULL,
    called     INTEGER NOT NULL,
    served     INTEGER NOT NULL,
    no_show    INTEGER NOT NULL,
    not_called INTEGER NOT NULL,        -- the day ended before it was called
    wait_s     INTEGER NOT NULL,        -- sum of waits (issue → first call) of the called ones, seconds
    service_s  INTEGER NOT NULL,        -- sum of service times (last call → served), seconds
    wait_hist  TEXT NOT NULL            -- waits in whole minutes rounded up: 'minutes:count,…'
) STRICT;
CREATE INDEX report_tickets_day ON report_tickets (center, day);

CREATE TABLE report_ratings (
    center     TEXT NOT NULL,
    day        TEXT NOT NULL,           -- local day the rating was given
    service_id TEXT NOT NULL,           -- of the rated ticket; '' for a dossier rating
    counter_id TEXT NOT NULL,
    officer    TEXT NOT NULL,
    dossier    INTEGER NOT NULL,        -- 1: the rating names a dossier, not a ticket
    score1     INTEGER NOT NULL,        -- Không hài lòng
    score2     INTEGER NOT NULL,        -- Hài lòng
    score3     INTEGER NOT NULL         -- Rất hài lòng
) STRICT;
CREATE INDEX report_ratings_day ON report_ratings (center, day);

CREATE TRIGGER report_ticket_added AFTER INSERT ON tickets BEGIN
    DELETE FROM report_days WHERE center = NEW.center AND day = NEW.day;
END;
CREATE TRIGGER report_ticket_changed AFTER UPDATE ON tickets BEGIN
    DELETE FROM report_days WHERE center = NEW.center AND day = NEW.day;
END;

-- Raw reads, each index covering its query so a year of dossiers is read
-- from the index alone: ratings by time (and the ones with a comment);
-- dossiers by when they were received, resolved (with the due date, for
-- "on time") and handed over, and the ones still open by due date.
CREATE INDEX report_ratings_at ON ratings (center, created_at);
CREATE INDEX report_comments_at ON ratings (center, created_at) WHERE length(trim(comment)) > 0;
CREATE INDEX report_dossiers_received ON dossiers (center, received_at, procedure_id);
CREATE INDEX report_dossiers_done ON dossiers (center, done_at, due_at, received_at, procedure_id);
CREATE INDEX report_dossiers_open ON dossiers (center, due_at, received_at, status, procedure_id) WHERE done_at IS NULL;
CREATE INDEX report_dossiers_returned ON dossiers (center, coalesce(returned_at, done_at), procedure_id) WHERE status = 10;
-- The few dossiers whose source gave no procedure id (counted by name).
CREATE INDEX report_dossiers_unnamed ON dossiers (center, received_at) WHERE procedure_id IS NULL;
