//! Bearer tokens: created once, shown once, stored only as a hash.

use jiff::Timestamp;
use rusqlite::{Connection, params};

use crate::http::extract::{Role, token_hash};

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
