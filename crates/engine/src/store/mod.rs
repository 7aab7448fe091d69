//! The kiosk's local SQLite store: catalog cache, ticket journal, outbox,
//! settings. One transaction per state change, `synchronous=FULL`, so what
//! was committed survives a power cut or `kill -9`.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::error::EngineError;
use crate::types::KioskTicket;

mod fault;

pub use fault::{FaultKind, Journal, StoreFault};

/// Embedded migrations, applied in order; `PRAGMA user_version` counts them.
const MIGRATIONS: [&str; 1] = [include_str!("migrations/0001_init.sql")];

/// Print state of a journal entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintState {
    /// Committed, not (yet) printed: reprintable.
    Pending,
    /// Printed.
    Printed,
    /// The printer refused or failed: reprintable.
    Failed,
}

impl PrintState {
    fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Printed => "printed",
            Self::Failed => "failed",
        }
    }

    /// The column's CHECK constraint allows only the three states; anything
    /// else is a damaged journal, reported rather than read as "pending".
    fn parse(s: &str) -> Result<Self, EngineError> {
        match s {
            "pending" => Ok(Self::Pending),
            "printed" => Ok(Self::Printed),
            "failed" => Ok(Self::Failed),
            other => Err(EngineError::Store(format!("journal: unknown print state {other:?}"))),
        }
    }
}

/// One ticket of the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    /// What the slip shows.
    pub ticket: KioskTicket,
    /// Print state.
    pub print_state: PrintState,
    /// Last print error (code).
    pub print_error: Option<String>,
    /// `online`, `pending`, `synced` or `rejected`.
    pub sync_state: String,
    /// The server's id once delivered.
    pub server_id: Option<String>,
}

/// An offline ticket waiting for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    /// Delivery order.
    pub seq: i64,
    /// Its journal entry.
    pub journal_id: String,
    /// The key of the citizen's tap.
    pub idempotency_key: String,
    /// The request body, sent as is.
    pub body: String,
}

/// An offline ticket being written: what the caller needs to build it.
pub struct OfflineDraft {
    /// The kiosk's id for it.
    pub id: String,
    /// Next sequence for this service and day.
    pub seq: u32,
}

/// The store; the connection sits behind a `std::sync::Mutex`, never held across `.await`.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
}

fn now_ms() -> i64 {
    Timestamp::now().as_millisecond()
}

/// Applies the migrations after `applied`, each in its own transaction with its number.
fn migrate(conn: &mut Connection, applied: usize) -> Result<(), (usize, rusqlite::Error)> {
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let number = i + 1;
        let tx = conn.transaction().map_err(|e| (number, e))?;
        tx.execute_batch(sql).map_err(|e| (number, e))?;
        tx.pragma_update(None, "user_version", number).map_err(|e| (number, e))?;
        tx.commit().map_err(|e| (number, e))?;
    }
    Ok(())
}

/// Why a store file could not be opened.
enum OpenError {
    /// Written by a newer kiosk: refused, the kiosk does not start.
    TooNew(EngineError),
    /// Damaged, unwritable, full: the kiosk can start degraded.
    Fault(FaultKind, String),
}

/// The setting that remembers a fault across restarts (a corrupt store set
/// aside: no offline tickets until the day's numbers cannot clash).
const FAULT_KEY: &str = "store_fault";
/// How long offline tickets stay refused after a corrupt store was replaced.
const OFFLINE_PAUSE_AFTER_RESET: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

/// Opens `path` in `data_dir`, migrates it, checks it (`quick_check`) and
/// writes to it once, so that a store that opens is one that works.
fn try_open(data_dir: &Path, path: &Path) -> Result<Connection, OpenError> {
    std::fs::create_dir_all(data_dir)
        .map_err(|e| OpenError::Fault(FaultKind::of_io(&e), format!("cannot create {}: {e}", data_dir.display())))?;
    let fault = |e: rusqlite::Error| {
        let mut kind = FaultKind::of_sqlite(&e).unwrap_or(FaultKind::Unavailable);
        // SQLite says "unable to open" or "disk I/O error" for several causes; the folder tells which.
        if kind != FaultKind::Corrupt
            && let Err(io) = fault::probe_dir(data_dir)
        {
            kind = FaultKind::of_io(&io);
        }
        OpenError::Fault(kind, e.to_string())
    };
    let mut conn = Connection::open(path).map_err(fault)?;
    conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(fault)?;
    // Read the version first: switching a newer file to WAL would already write to it.
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(fault)?;
    let version = match usize::try_from(found) {
        Ok(v) if v <= MIGRATIONS.len() => v,
        _ => return Err(OpenError::TooNew(EngineError::StoreTooNew { path: path.to_path_buf(), found, known: MIGRATIONS.len() })),
    };
    conn.pragma_update(None, "journal_mode", "WAL").map_err(fault)?;
    conn.pragma_update(None, "synchronous", "FULL").map_err(fault)?;
    conn.pragma_update(None, "foreign_keys", "ON").map_err(fault)?;
    migrate(&mut conn, version).map_err(|(number, e)| match fault(e) {
        OpenError::Fault(kind, detail) => OpenError::Fault(kind, format!("migration {number}: {detail}")),
        other => other,
    })?;
    let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(fault)?;
    if check != "ok" {
        return Err(OpenError::Fault(FaultKind::Corrupt, format!("quick_check: {check}")));
    }
    conn.execute(
        "INSERT INTO settings (key, value) VALUES ('store_opened_at', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [Timestamp::now().to_string()],
    )
    .map_err(fault)?;
    Ok(conn)
}

/// A store in memory: online tickets of this run only.
fn in_memory() -> Result<Connection, EngineError> {
    let mut conn = Connection::open_in_memory()?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrate(&mut conn, 0).map_err(|(number, e)| EngineError::Store(format!("migration {number}: {e}")))?;
    Ok(conn)
}

impl Store {
    /// Opens (creating) `data_dir/kiosk.db` and applies the migrations; a
    /// store written by a newer kiosk is refused before anything is written,
    /// and so is a damaged or unwritable one ([`Store::open_or_degraded`]
    /// starts anyway). Tests only: the kiosk opens its store degraded-or-not.
    #[cfg(test)]
    pub fn open(data_dir: &Path) -> Result<Store, EngineError> {
        let path = data_dir.join("kiosk.db");
        match try_open(data_dir, &path) {
            Ok(conn) => Ok(Store { conn: Mutex::new(conn) }),
            Err(OpenError::TooNew(e)) => Err(e),
            Err(OpenError::Fault(kind, detail)) => Err(EngineError::StoreFault(Box::new(StoreFault::new(kind, detail, &path)))),
        }
    }

    /// Opens the store as [`Store::open`] does; when it is damaged,
    /// read-only or full, starts degraded instead: a corrupt file is renamed
    /// aside (never deleted) and a new store started, offline tickets paused
    /// for a day; an unwritable one is left untouched and online tickets are
    /// journalled in memory. A newer kiosk's store is still refused.
    pub fn open_or_degraded(data_dir: &Path) -> Result<(Store, Option<StoreFault>), EngineError> {
        let path = data_dir.join("kiosk.db");
        let (kind, detail) = match try_open(data_dir, &path) {
            Ok(conn) => {
                let store = Store { conn: Mutex::new(conn) };
                let fault = store.remembered_fault();
                return Ok((store, fault));
            }
            Err(OpenError::TooNew(e)) => return Err(e),
            Err(OpenError::Fault(kind, detail)) => (kind, detail),
        };
        let mut fault = StoreFault::new(kind, detail, &path);
        if kind == FaultKind::Corrupt {
            match fault::set_aside(&path, fault.since) {
                Ok(aside) => {
                    fault.kept_aside = Some(aside);
                    match try_open(data_dir, &path) {
                        Ok(conn) => {
                            fault.journal = Journal::Disk;
                            fault.offline_until = fault.since.checked_add(OFFLINE_PAUSE_AFTER_RESET).ok();
                            let store = Store { conn: Mutex::new(conn) };
                            if let Err(e) = store.set_setting(FAULT_KEY, Some(&serde_json::to_string(&fault)?)) {
                                tracing::error!(error = %e, "the store fault could not be remembered across a restart");
                            }
                            return Ok((store, Some(fault)));
                        }
                        Err(OpenError::Fault(_, more)) => {
                            fault.detail = format!("{}; a new store could not be made either: {more}", fault.detail);
                        }
                        Err(OpenError::TooNew(e)) => fault.detail = format!("{}; {e}", fault.detail),
                    }
                }
                Err(e) => fault.detail = format!("{}; the file could not be moved aside: {e}", fault.detail),
            }
        } else {
            fault.waiting_in_file = fault::waiting_in(&path);
        }
        Ok((Store { conn: Mutex::new(in_memory()?) }, Some(fault)))
    }

    /// A fault found at an earlier start that still holds (a corrupt store
    /// replaced less than a day ago); one that has passed is forgotten.
    fn remembered_fault(&self) -> Option<StoreFault> {
        let json = self.setting(FAULT_KEY).ok()??;
        let fault: Option<StoreFault> = serde_json::from_str(&json).ok();
        match fault {
            Some(f) if f.blocks_offline(Timestamp::now()) => Some(f),
            _ => {
                if let Err(e) = self.set_setting(FAULT_KEY, None) {
                    tracing::warn!(error = %e, "a past store fault could not be cleared");
                }
                None
            }
        }
    }

    fn lock(&self) -> Result<MutexGuard<'_, Connection>, EngineError> {
        self.conn.lock().map_err(|_| EngineError::Store("store lock poisoned".into()))
    }

    /// The cached catalog JSON and its ETag.
    pub fn cached_catalog(&self) -> Result<Option<(Option<String>, String)>, EngineError> {
        let conn = self.lock()?;
        Ok(conn.query_row("SELECT etag, json FROM catalog_cache WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?))).optional()?)
    }

    /// Replaces the cached catalog.
    pub fn save_catalog(&self, etag: Option<&str>, json: &str) -> Result<(), EngineError> {
        let conn = self.lock()?;
        conn.execute(
            "INSERT INTO catalog_cache (id, etag, json, fetched_at) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET etag = excluded.etag, json = excluded.json, fetched_at = excluded.fetched_at",
            params![etag, json, now_ms()],
        )?;
        Ok(())
    }

    /// A setting.
    pub fn setting(&self, key: &str) -> Result<Option<String>, EngineError> {
        let conn = self.lock()?;
        Ok(conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    /// Sets a setting, or removes it (`None`).
    pub fn set_setting(&self, key: &str, value: Option<&str>) -> Result<(), EngineError> {
        let conn = self.lock()?;
        match value {
            Some(v) => conn.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, v],
            )?,
            None => conn.execute("DELETE FROM settings WHERE key = ?1", [key])?,
        };
        Ok(())
    }

    /// Journals a ticket the server issued (print state pending).
    pub fn journal_online(&self, ticket: &KioskTicket, key: &str, local_day: &str) -> Result<(), EngineError> {
        let conn = self.lock()?;
        conn.execute(
            "INSERT INTO journal (id, idempotency_key, service_id, number, token, local_day, offline, offline_seq,
                                  issued_at, ticket_json, print_state, sync_state, server_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, NULL, ?7, ?8, 'pending', 'online', ?1, ?9)
             ON CONFLICT (idempotency_key) DO NOTHING",
            params![
                ticket.id,
                key,
                ticket.service_id,
                ticket.number,
                ticket.token,
                local_day,
                ticket.issued_at.as_millisecond(),
                serde_json::to_string(ticket)?,
                now_ms()
            ],
        )?;
        Ok(())
    }

    /// Writes an offline ticket to the journal and the outbox in one
    /// transaction. `build` gets the kiosk id and the next sequence for this
    /// service and local day, and returns the ticket and the request body.
    pub fn journal_offline(
        &self,
        service_id: &str,
        local_day: &str,
        key: &str,
        build: impl FnOnce(OfflineDraft) -> Result<(KioskTicket, String), EngineError>,
    ) -> Result<KioskTicket, EngineError> {
        let mut conn = self.lock()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let last: Option<u32> = tx.query_row(
            "SELECT MAX(offline_seq) FROM journal WHERE service_id = ?1 AND local_day = ?2 AND offline_seq IS NOT NULL",
            params![service_id, local_day],
            |r| r.get(0),
        )?;
        let seq = last.unwrap_or(0) + 1;
        let id = uuid::Uuid::now_v7().to_string();
        let (ticket, body) = build(OfflineDraft { id: id.clone(), seq })?;
        let now = now_ms();
        tx.execute(
            "INSERT INTO journal (id, idempotency_key, service_id, number, token, local_day, offline, offline_seq,
                                  issued_at, ticket_json, print_state, sync_state, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8, ?9, 'pending', 'pending', ?10)",
            params![
                id,
                key,
                service_id,
                ticket.number,
                ticket.token,
                local_day,
                seq,
                ticket.issued_at.as_millisecond(),
                serde_json::to_string(&ticket)?,
                now
            ],
        )?;
        tx.execute(
            "INSERT INTO outbox (journal_id, idempotency_key, body, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![id, key, body, now],
        )?;
        tx.commit()?;
        Ok(ticket)
    }

    /// Records the print result of a journal entry.
    pub fn set_print_state(&self, id: &str, state: PrintState, error: Option<&str>) -> Result<(), EngineError> {
        let conn = self.lock()?;
        let printed_at = (state == PrintState::Printed).then(now_ms);
        conn.execute(
            "UPDATE journal SET print_state = ?2, print_error = ?3, printed_at = COALESCE(?4, printed_at) WHERE id = ?1",
            params![id, state.as_str(), error, printed_at],
        )?;
        Ok(())
    }

    /// Finds a ticket by the kiosk's id, the server's id, its token or its number (latest).
    pub fn find(&self, key: &str) -> Result<Option<JournalEntry>, EngineError> {
        let conn = self.lock()?;
        let row = conn
            .query_row(
                "SELECT ticket_json, print_state, print_error, sync_state, server_id FROM journal
                 WHERE id = ?1 OR server_id = ?1 OR token = ?1 OR number = ?1
                 ORDER BY (id = ?1) DESC, (server_id = ?1) DESC, (token = ?1) DESC, issued_at DESC LIMIT 1",
                [key],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                    ))
                },
            )
            .optional()?;
        let Some((json, print_state, print_error, sync_state, server_id)) = row else { return Ok(None) };
        Ok(Some(JournalEntry {
            ticket: serde_json::from_str(&json)?,
            print_state: PrintState::parse(&print_state)?,
            print_error,
            sync_state,
            server_id,
        }))
    }

    /// Tickets whose slip did not print, newest first.
    pub fn unprinted(&self, limit: u32) -> Result<Vec<KioskTicket>, EngineError> {
        let conn = self.lock()?;
        let mut stmt =
            conn.prepare_cached("SELECT ticket_json FROM journal WHERE print_state != 'printed' ORDER BY issued_at DESC LIMIT ?1")?;
        let rows = stmt.query_map([limit], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for json in rows {
            out.push(serde_json::from_str(&json?)?);
        }
        Ok(out)
    }

    /// The oldest undelivered outbox rows.
    pub fn outbox_pending(&self, limit: u32) -> Result<Vec<OutboxRow>, EngineError> {
        let conn = self.lock()?;
        let mut stmt =
            conn.prepare_cached("SELECT seq, journal_id, idempotency_key, body FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?1")?;
        let rows = stmt
            .query_map([limit], |r| Ok(OutboxRow { seq: r.get(0)?, journal_id: r.get(1)?, idempotency_key: r.get(2)?, body: r.get(3)? }))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Delivered: the outbox rows go, the journal remembers the server's ids.
    pub fn acknowledge(&self, delivered: &[(i64, String, String)], at: Timestamp) -> Result<(), EngineError> {
        if delivered.is_empty() {
            return Ok(());
        }
        let mut conn = self.lock()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (seq, journal_id, server_id) in delivered {
            tx.execute("DELETE FROM outbox WHERE seq = ?1", [seq])?;
            tx.execute(
                "UPDATE journal SET sync_state = 'synced', server_id = ?2, sync_error = NULL WHERE id = ?1",
                params![journal_id, server_id],
            )?;
        }
        tx.execute(
            "INSERT INTO settings (key, value) VALUES ('last_sync', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [at.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The server refused a row for good: kept, marked, never dropped.
    pub fn reject(&self, seq: i64, journal_id: &str, error: &str) -> Result<(), EngineError> {
        let mut conn = self.lock()?;
        let tx = conn.transaction()?;
        tx.execute("UPDATE outbox SET state = 'rejected', last_error = ?2, attempts = attempts + 1 WHERE seq = ?1", params![seq, error])?;
        tx.execute("UPDATE journal SET sync_state = 'rejected', sync_error = ?2 WHERE id = ?1", params![journal_id, error])?;
        tx.commit()?;
        Ok(())
    }

    /// Counts: undelivered outbox rows, rejected rows, unprinted tickets.
    pub fn counts(&self) -> Result<(u32, u32, u32), EngineError> {
        let conn = self.lock()?;
        let pending = conn.query_row("SELECT COUNT(*) FROM outbox WHERE state = 'pending'", [], |r| r.get(0))?;
        let rejected = conn.query_row("SELECT COUNT(*) FROM outbox WHERE state = 'rejected'", [], |r| r.get(0))?;
        let unprinted = conn.query_row("SELECT COUNT(*) FROM journal WHERE print_state != 'printed'", [], |r| r.get(0))?;
        Ok((pending, rejected, unprinted))
    }
}

#[cfg(test)]
mod tests;
