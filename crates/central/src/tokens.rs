//! Bearer tokens: created once, shown once, stored only as a hash.

use jiff::Timestamp;
use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

use crate::catalog::hex;

/// A token's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A lobby kiosk: issues tickets, looks up dossiers.
    Kiosk,
    /// An integration acting for counters (call, serve, dossier writes).
    Staff,
    /// A lobby board: reads queues and calls, nothing else.
    Display,
    /// The province's one-stop system pushing dossiers: `POST /api/v1/dossiers/batch`, nothing else.
    Integration,
}

impl Role {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Kiosk => "kiosk",
            Self::Staff => "staff",
            Self::Display => "display",
            Self::Integration => "integration",
        }
    }

    /// From the stored name; a role this server does not know is `None`
    /// (its token is refused, never taken for another role).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "kiosk" => Some(Self::Kiosk),
            "staff" => Some(Self::Staff),
            "display" => Some(Self::Display),
            "integration" => Some(Self::Integration),
            _ => None,
        }
    }
}

/// SHA-256 of a bearer token, hex; only this is stored.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A new token: 256 random bits, URL-safe base64.
pub fn generate() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("mc_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// Stores a new token for a center and returns it (the only time it is seen).
pub fn create(conn: &Connection, role: Role, center: &str, name: &str) -> rusqlite::Result<String> {
    let token = generate();
    conn.execute(
        "INSERT INTO tokens (hash, role, center, name, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![token_hash(&token), role.as_str(), center, name, Timestamp::now().as_millisecond()],
    )?;
    Ok(token)
}

/// Revokes the tokens with this name in a center; returns how many.
pub fn revoke(conn: &Connection, center: &str, name: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE tokens SET revoked_at = ?3 WHERE center = ?1 AND name = ?2 AND revoked_at IS NULL",
        params![center, name, Timestamp::now().as_millisecond()],
    )
}

/// Lists tokens (never their values): role, center, name, revoked.
pub fn list(conn: &Connection) -> rusqlite::Result<Vec<(String, String, String, bool)>> {
    let mut stmt = conn.prepare("SELECT role, center, name, revoked_at IS NOT NULL FROM tokens ORDER BY center, name")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    rows.collect()
}

/// The role and center of a live token, if any.
pub fn lookup(conn: &Connection, token: &str) -> rusqlite::Result<Option<(Role, String, String)>> {
    use rusqlite::OptionalExtension;
    let found: Option<(String, String, String)> = conn
        .prepare_cached("SELECT role, center, name FROM tokens WHERE hash = ?1 AND revoked_at IS NULL")?
        .query_row([token_hash(token)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(found.and_then(|(role, center, name)| Role::parse(&role).map(|r| (r, center, name))))
}
