//! `motcua-central check`: is this file a sound database of this server?
//! SQLite's integrity and foreign-key checks, then the schema: its version
//! against this server's migrations, and its tables and indexes against what
//! those migrations make. Read-only: the file is never changed.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

/// One thing checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What was checked: `integrity`, `foreign keys`, `schema`.
    pub what: &'static str,
    /// `Ok(what was found)` or `Err(the problem)`.
    pub result: Result<String, String>,
}

/// Everything checked, in order.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// Size, pages.
    pub summary: String,
    /// One finding per check.
    pub findings: Vec<Finding>,
}

impl CheckReport {
    /// Whether every check passed.
    pub fn ok(&self) -> bool {
        self.findings.iter().all(|f| f.result.is_ok())
    }
}

/// Checks `db`; `Err` when it cannot be checked at all (missing, unreadable,
/// not SQLite).
pub fn check(db: &Path) -> Result<CheckReport, String> {
    if !db.is_file() {
        return Err(format!("no database at {}", db.display()));
    }
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| format!("{}: {e}", db.display()))?;
    conn.busy_timeout(Duration::from_secs(10)).map_err(|e| e.to_string())?;
    let not_db = |e: rusqlite::Error| format!("{} cannot be read as an SQLite database: {e}", db.display());
    let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0)).map_err(not_db)?;
    let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0)).map_err(not_db)?;
    let bytes = pages * page_size;
    let summary = format!("{} ({:.1} MB, {pages} pages of {page_size} B)", db.display(), bytes as f64 / 1e6);
    let findings = vec![
        Finding { what: "integrity", result: integrity(&conn) },
        Finding { what: "foreign keys", result: foreign_keys(&conn) },
        Finding { what: "schema", result: schema(&conn) },
    ];
    Ok(CheckReport { summary, findings })
}

fn integrity(conn: &Connection) -> Result<String, String> {
    let mut stmt = conn.prepare("PRAGMA integrity_check(20)").map_err(|e| e.to_string())?;
    let rows: Vec<String> = stmt.query_map([], |r| r.get(0)).and_then(Iterator::collect).map_err(|e| e.to_string())?;
    if rows == ["ok"] { Ok("ok".into()) } else { Err(rows.join("; ")) }
}

fn foreign_keys(conn: &Connection) -> Result<String, String> {
    let mut stmt = conn.prepare("PRAGMA foreign_key_check").map_err(|e| e.to_string())?;
    let rows: Vec<(String, Option<i64>, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).and_then(Iterator::collect).map_err(|e| e.to_string())?;
    if rows.is_empty() {
        return Ok("ok".into());
    }
    let shown: Vec<String> =
        rows.iter().take(5).map(|(t, id, parent)| format!("{t} row {} points at a missing {parent}", id.unwrap_or(0))).collect();
    Err(format!("{} broken reference(s): {}", rows.len(), shown.join("; ")))
}

/// Tables, indexes and triggers as `(type, name, normalised SQL)`.
fn objects(conn: &Connection) -> rusqlite::Result<Vec<(String, String, String)>> {
    let mut stmt =
        conn.prepare("SELECT type, name, coalesce(sql, '') FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")?;
    let rows = stmt.query_map([], |r| {
        let sql: String = r.get(2)?;
        Ok((r.get(0)?, r.get(1)?, sql.split_whitespace().collect::<Vec<_>>().join(" ")))
    })?;
    rows.collect()
}

fn schema(conn: &Connection) -> Result<String, String> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| e.to_string())?;
    let known = crate::db::known_version();
    let version = usize::try_from(found).map_err(|_| format!("version {found} is not a version"))?;
    if version > known {
        return Err(format!("version {found}, written by a newer server (this one knows {known}): use that server or a newer one"));
    }
    if version == 0 {
        return Err("version 0: not a Một Cửa central database (or an empty one)".into());
    }
    let reference = crate::db::reference_schema(version).map_err(|e| e.to_string())?;
    let want = objects(&reference).map_err(|e| e.to_string())?;
    let have = objects(conn).map_err(|e| e.to_string())?;
    let mut problems = Vec::new();
    for (kind, name, sql) in &want {
        match have.iter().find(|(k, n, _)| k == kind && n == name) {
            None => problems.push(format!("{kind} {name} is missing")),
            Some((_, _, s)) if s != sql => problems.push(format!("{kind} {name} differs from the migrations")),
            Some(_) => {}
        }
    }
    for (kind, name, _) in &have {
        if !want.iter().any(|(k, n, _)| k == kind && n == name) {
            problems.push(format!("{kind} {name} is not made by any migration"));
        }
    }
    if !problems.is_empty() {
        return Err(format!("version {found}, but {}", problems.join("; ")));
    }
    if version < known {
        return Ok(format!(
            "version {found} of {known}, as its migrations make it; the server applies migrations {}..{known} when it starts on it",
            version + 1
        ));
    }
    Ok(format!("version {found} of {known}, tables and indexes as the migrations make them"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_database_passes_and_a_changed_schema_does_not() {
        let (dir, conn) = crate::db::temp_db();
        let db = dir.path().join("c.db");
        let report = check(&db).unwrap();
        assert!(report.ok(), "{report:?}");
        conn.execute_batch("DROP INDEX tickets_day_status; CREATE TABLE extra (x INTEGER)").unwrap();
        let report = check(&db).unwrap();
        let schema = report.findings.iter().find(|f| f.what == "schema").unwrap();
        let problem = schema.result.clone().unwrap_err();
        assert!(problem.contains("index tickets_day_status is missing"), "{problem}");
        assert!(problem.contains("table extra is not made by any migration"), "{problem}");
    }

    #[test]
    fn garbage_cannot_be_checked_and_a_newer_schema_is_a_problem() {
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("junk.db");
        std::fs::write(&junk, b"this is not a database at all, just some bytes to fill a page..........").unwrap();
        assert!(check(&junk).unwrap_err().contains("cannot be read as an SQLite database"));
        let (dir, conn) = crate::db::temp_db();
        conn.pragma_update(None, "user_version", 99).unwrap();
        let report = check(&dir.path().join("c.db")).unwrap();
        assert!(!report.ok());
        assert!(format!("{report:?}").contains("newer server"));
    }
}
