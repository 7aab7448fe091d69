//! Staff accounts and their sessions: officers and directors sign in with a
//! user name and a password (Argon2id), never with a shared token.
//!
//! A session is a random cookie value whose SHA-256 is stored, with a CSRF
//! token the pages send back on every change. Sessions end at the next local
//! midnight of the account's center, or on sign-out. Five wrong passwords in a
//! row lock the account for 15 minutes.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use motcua_domain::ErrorCode;
use rusqlite::{Connection, OptionalExtension, params};

use crate::error::AppError;
use crate::tokens::token_hash;

/// Wrong passwords in a row that lock an account.
pub const MAX_FAILED: u32 = 5;
/// How long a locked account waits.
pub const LOCK_MINUTES: i64 = 15;

/// What a staff member is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffRole {
    /// Serves citizens at a counter.
    Officer,
    /// Runs the center: reports, every counter.
    Director,
}

impl StaffRole {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Officer => "officer",
            Self::Director => "director",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "officer" => Some(Self::Officer),
            "director" => Some(Self::Director),
            _ => None,
        }
    }
}

/// A staff account (never its password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Row id.
    pub id: i64,
    /// Sign-in name, unique on the server.
    pub username: String,
    /// Its center.
    pub center: String,
    /// Officer or director.
    pub role: StaffRole,
    /// Counter ids it may use; empty: every counter of the center.
    pub counters: Vec<String>,
    /// Disabled by an administrator.
    pub disabled: bool,
}

impl Account {
    /// The counters this account may use; `None` means every counter.
    pub fn allowed_counters(&self) -> Option<Vec<String>> {
        (self.role == StaffRole::Officer && !self.counters.is_empty()).then(|| self.counters.clone())
    }
}

/// Errors of the account commands (the CLI prints them).
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Bad input, with what is expected.
    #[error("{0}")]
    Invalid(String),
    /// No such account.
    #[error("no staff account named {0:?}")]
    NotFound(String),
    /// The password could not be hashed.
    #[error("password hashing failed: {0}")]
    Hash(String),
    /// Storage.
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
}

/// Hashes a password with Argon2id (the crate's default parameters) and a random salt.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| AccountError::Hash(e.to_string()))
}

/// Whether `password` matches a stored hash; a malformed hash never matches.
pub fn verify_password(stored: &str, password: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash of nothing, verified when the user name is unknown so that a wrong
/// name takes as long as a wrong password.
fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1oQ4XKjUBq1lG0fkNZ4Y9XwF3ZlV5o5e7u1RrEycnVg"
}

fn valid_username(name: &str) -> bool {
    (1..=64).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

fn check_password_rules(password: &str) -> Result<(), AccountError> {
    if password.chars().count() < 4 || password.len() > 1024 {
        return Err(AccountError::Invalid("the password must be 4 to 1024 characters".into()));
    }
    Ok(())
}

const ACCOUNT_COLUMNS: &str = "id, username, center, role, counters, disabled";

fn account_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    let role: String = r.get(3)?;
    let counters: String = r.get(4)?;
    Ok(Account {
        id: r.get(0)?,
        username: r.get(1)?,
        center: r.get(2)?,
        role: StaffRole::parse(&role).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, format!("unknown staff role {role:?}").into())
        })?,
        counters: counters.split(',').filter(|c| !c.is_empty()).map(str::to_string).collect(),
        disabled: r.get(5)?,
    })
}

/// Adds an account. `counters` are counter ids already checked against the catalog.
pub fn add(
    conn: &Connection,
    center: &str,
    username: &str,
    role: StaffRole,
    counters: &[String],
    password: &str,
) -> Result<(), AccountError> {
    if !valid_username(username) {
        return Err(AccountError::Invalid(format!("user name {username:?}: use 1 to 64 of a-z, 0-9, '.', '_', '-'")));
    }
    check_password_rules(password)?;
    let exists: Option<i64> = conn.query_row("SELECT id FROM staff WHERE username = ?1", [username], |r| r.get(0)).optional()?;
    if exists.is_some() {
        return Err(AccountError::Invalid(format!("a staff account named {username:?} already exists")));
    }
    conn.execute(
        "INSERT INTO staff (username, center, role, counters, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![username, center, role.as_str(), counters.join(","), hash_password(password)?, Timestamp::now().as_millisecond()],
    )?;
    Ok(())
}

/// Sets a new password; unlocks the account and ends its sessions.
pub fn set_password(conn: &Connection, username: &str, password: &str) -> Result<(), AccountError> {
    check_password_rules(password)?;
    let n = conn.execute(
        "UPDATE staff SET password_hash = ?2, failed_logins = 0, locked_until = NULL WHERE username = ?1",
        params![username, hash_password(password)?],
    )?;
    if n == 0 {
        return Err(AccountError::NotFound(username.into()));
    }
    conn.execute("DELETE FROM sessions WHERE staff_id = (SELECT id FROM staff WHERE username = ?1)", [username])?;
    Ok(())
}

/// Disables (or enables) an account; disabling ends its sessions.
pub fn set_disabled(conn: &Connection, username: &str, disabled: bool) -> Result<(), AccountError> {
    let n = conn.execute("UPDATE staff SET disabled = ?2 WHERE username = ?1", params![username, disabled])?;
    if n == 0 {
        return Err(AccountError::NotFound(username.into()));
    }
    if disabled {
        conn.execute("DELETE FROM sessions WHERE staff_id = (SELECT id FROM staff WHERE username = ?1)", [username])?;
    }
    Ok(())
}

/// Every account, by center and name.
pub fn list(conn: &Connection) -> Result<Vec<Account>, AccountError> {
    let mut stmt = conn.prepare(&format!("SELECT {ACCOUNT_COLUMNS} FROM staff ORDER BY center, username"))?;
    let rows = stmt.query_map([], account_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The demo accounts: officers `canbo1` … `canbo3` (with the counters given
/// for each) and the director `giamdoc`, password `demo`. Added once.
pub fn seed_demo(conn: &Connection, center: &str, officer_counters: &[Vec<String>]) -> Result<bool, AccountError> {
    let any: Option<i64> = conn.query_row("SELECT id FROM staff LIMIT 1", [], |r| r.get(0)).optional()?;
    if any.is_some() {
        return Ok(false);
    }
    for (i, name) in ["canbo1", "canbo2", "canbo3"].iter().enumerate() {
        let counters: Vec<String> = officer_counters.get(i).cloned().unwrap_or_default();
        add(conn, center, name, StaffRole::Officer, &counters, "demo")?;
    }
    add(conn, center, "giamdoc", StaffRole::Director, &[], "demo")?;
    Ok(true)
}

/// An account by name (for sign-in; any state).
pub fn by_username(conn: &Connection, username: &str) -> Result<Option<(Account, String, Option<i64>)>, AppError> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS}, password_hash, locked_until FROM staff WHERE username = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([username], |r| Ok((account_from_row(r)?, r.get(6)?, r.get(7)?))).optional()?)
}

/// A signed-in session.
#[derive(Debug, Clone)]
pub struct Session {
    /// Who.
    pub account: Account,
    /// The token forms and fetches must send back.
    pub csrf: String,
    /// When it ends.
    pub expires_at: Timestamp,
}

/// A new session: the cookie value (shown once) and what is stored.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The cookie's value.
    pub cookie: String,
    /// The session's CSRF token.
    pub csrf: String,
    /// The next local midnight.
    pub expires_at: Timestamp,
}

/// The session behind a cookie value, if it is live and its account enabled.
pub fn session(conn: &Connection, cookie: &str, now: Timestamp) -> Result<Option<Session>, AppError> {
    let sql = format!(
        "SELECT {}, sessions.csrf, sessions.expires_at FROM sessions JOIN staff ON staff.id = sessions.staff_id
         WHERE sessions.hash = ?1 AND sessions.expires_at > ?2 AND staff.disabled = 0",
        ACCOUNT_COLUMNS.split(", ").map(|c| format!("staff.{c}")).collect::<Vec<_>>().join(", ")
    );
    let found = conn
        .prepare_cached(&sql)?
        .query_row(params![token_hash(cookie), now.as_millisecond()], |r| {
            Ok((account_from_row(r)?, r.get::<_, String>(6)?, r.get::<_, i64>(7)?))
        })
        .optional()?;
    Ok(found.map(|(account, csrf, exp)| Session { account, csrf, expires_at: crate::tickets::ts(exp) }))
}

/// The next local midnight after `now` in `tz`.
pub fn next_midnight(now: Timestamp, tz: &TimeZone) -> Result<Timestamp, AppError> {
    let zoned = now.to_zoned(tz.clone());
    let tomorrow = zoned.date().tomorrow().map_err(|e| AppError::Internal(e.to_string()))?;
    let midnight = tomorrow.to_zoned(tz.clone()).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(midnight.timestamp())
}

/// What a sign-in attempt found, checked outside the writer (Argon2 is slow
/// on purpose and must not hold up tickets).
#[derive(Debug)]
pub enum Attempt {
    /// Right password.
    Good(Account),
    /// Wrong password for this account.
    Bad(Account),
    /// No such user, or a disabled account.
    Unknown,
    /// Locked until then.
    Locked(Timestamp),
}

/// Checks a user name and password against the stored account.
pub fn check(conn: &Connection, username: &str, password: &str, now: Timestamp) -> Result<Attempt, AppError> {
    let Some((account, hash, locked_until)) = by_username(conn, username.trim())? else {
        let _ = verify_password(dummy_hash(), password);
        return Ok(Attempt::Unknown);
    };
    if account.disabled {
        let _ = verify_password(dummy_hash(), password);
        return Ok(Attempt::Unknown);
    }
    if let Some(until) = locked_until
        && until > now.as_millisecond()
    {
        return Ok(Attempt::Locked(crate::tickets::ts(until)));
    }
    Ok(if verify_password(&hash, password) { Attempt::Good(account) } else { Attempt::Bad(account) })
}

/// Records a wrong password; the fifth in a row locks the account. Returns
/// the lock's end when it locked.
pub fn record_failure(tx: &Connection, account: &Account, now: Timestamp) -> Result<Option<Timestamp>, AppError> {
    let failed: u32 =
        tx.query_row("UPDATE staff SET failed_logins = failed_logins + 1 WHERE id = ?1 RETURNING failed_logins", [account.id], |r| {
            r.get(0)
        })?;
    if failed < MAX_FAILED {
        return Ok(None);
    }
    let until = now.as_millisecond() + LOCK_MINUTES * 60 * 1000;
    tx.execute("UPDATE staff SET failed_logins = 0, locked_until = ?2 WHERE id = ?1", params![account.id, until])?;
    crate::writer::calls::audit(
        tx,
        &account.center,
        &account.username,
        "account_locked",
        &serde_json::json!({ "minutes": LOCK_MINUTES }),
        now.as_millisecond(),
    )?;
    Ok(Some(crate::tickets::ts(until)))
}

/// Starts a session after a right password.
pub fn start_session(tx: &Connection, account: &Account, expires_at: Timestamp, now: Timestamp) -> Result<NewSession, AppError> {
    tx.execute("UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE id = ?1", [account.id])?;
    tx.execute("DELETE FROM sessions WHERE expires_at <= ?1", [now.as_millisecond()])?;
    let cookie = crate::tokens::generate();
    let csrf = crate::tickets::new_token();
    tx.execute(
        "INSERT INTO sessions (hash, staff_id, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![token_hash(&cookie), account.id, csrf, now.as_millisecond(), expires_at.as_millisecond()],
    )?;
    crate::writer::calls::audit(tx, &account.center, &account.username, "sign_in", &serde_json::json!({}), now.as_millisecond())?;
    Ok(NewSession { cookie, csrf, expires_at })
}

/// Ends a session.
pub fn end_session(tx: &Connection, cookie: &str) -> Result<(), AppError> {
    tx.execute("DELETE FROM sessions WHERE hash = ?1", [token_hash(cookie)])?;
    Ok(())
}

/// The error a refused sign-in gives.
pub fn refusal(attempt: &Attempt) -> AppError {
    match attempt {
        Attempt::Locked(until) => {
            let mut e = motcua_domain::ApiError::new(ErrorCode::AccountLocked);
            e.retry_after_s = Some(u64::try_from((until.as_millisecond() - Timestamp::now().as_millisecond()).max(0) / 1000).unwrap_or(0));
            AppError::Api(Box::new(e))
        }
        _ => AppError::code(ErrorCode::InvalidCredentials),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::db::temp_db as db;

    #[test]
    fn passwords_are_stored_as_argon2id_and_verified() {
        let h = hash_password("mật khẩu").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password(&h, "mật khẩu"));
        assert!(!verify_password(&h, "mat khau"));
        assert!(!verify_password("garbage", "x"));
    }

    #[test]
    fn the_dummy_hash_is_well_formed_so_unknown_names_cost_the_same() {
        assert!(PasswordHash::new(dummy_hash()).is_ok());
    }

    #[test]
    fn five_wrong_passwords_lock_the_account_and_the_right_one_then_waits() {
        let (_d, conn) = db();
        add(&conn, "c", "canbo1", StaffRole::Officer, &["q5".into()], "đúng-rồi").unwrap();
        let now: Timestamp = "2026-11-30T02:00:00Z".parse().unwrap();
        let mut locked = None;
        for i in 1..=MAX_FAILED {
            let Attempt::Bad(acc) = check(&conn, "canbo1", "sai", now).unwrap() else { panic!("attempt {i} should be bad") };
            locked = record_failure(&conn, &acc, now).unwrap();
            assert_eq!(locked.is_some(), i == MAX_FAILED, "attempt {i}");
        }
        assert!(matches!(check(&conn, "canbo1", "đúng-rồi", now).unwrap(), Attempt::Locked(_)));
        let later = now + jiff::SignedDuration::from_mins(LOCK_MINUTES + 1);
        assert!(matches!(check(&conn, "canbo1", "đúng-rồi", later).unwrap(), Attempt::Good(_)));
        assert!(locked.is_some());
    }

    #[test]
    fn sessions_end_at_local_midnight_and_on_sign_out() {
        let (_d, conn) = db();
        add(&conn, "c", "giamdoc", StaffRole::Director, &[], "demo").unwrap();
        let tz = TimeZone::get("Asia/Ho_Chi_Minh").unwrap();
        let now: Timestamp = "2026-11-30T10:00:00Z".parse().unwrap(); // 17:00 local
        let midnight = next_midnight(now, &tz).unwrap();
        assert_eq!(midnight.to_string(), "2026-11-30T17:00:00Z");
        let Attempt::Good(acc) = check(&conn, "giamdoc", "demo", now).unwrap() else { panic!("good") };
        let s = start_session(&conn, &acc, midnight, now).unwrap();
        assert!(session(&conn, &s.cookie, now).unwrap().is_some());
        assert!(session(&conn, &s.cookie, midnight).unwrap().is_none(), "ended at midnight");
        end_session(&conn, &s.cookie).unwrap();
        assert!(session(&conn, &s.cookie, now).unwrap().is_none(), "ended on sign-out");
    }

    #[test]
    fn disabled_accounts_cannot_sign_in_and_lose_their_sessions() {
        let (_d, conn) = db();
        add(&conn, "c", "canbo2", StaffRole::Officer, &[], "demo").unwrap();
        let now = Timestamp::now();
        let Attempt::Good(acc) = check(&conn, "canbo2", "demo", now).unwrap() else { panic!("good") };
        let s = start_session(&conn, &acc, now + jiff::SignedDuration::from_hours(1), now).unwrap();
        set_disabled(&conn, "canbo2", true).unwrap();
        assert!(session(&conn, &s.cookie, now).unwrap().is_none());
        assert!(matches!(check(&conn, "canbo2", "demo", now).unwrap(), Attempt::Unknown));
    }

    #[test]
    fn bad_user_names_and_duplicates_are_refused() {
        let (_d, conn) = db();
        assert!(add(&conn, "c", "cán bộ", StaffRole::Officer, &[], "demo").is_err());
        add(&conn, "c", "canbo3", StaffRole::Officer, &[], "demo").unwrap();
        assert!(add(&conn, "c", "canbo3", StaffRole::Officer, &[], "demo").is_err());
    }
}
