//! The deployment's ID key: 32 random bytes the server generates once and
//! keeps in a file beside its database (`central.db` → `central.db.id-key`,
//! mode 0600). A citizen's ID card number is only ever stored, and only ever
//! reaches the server from a kiosk, as HMAC-SHA256 under this key
//! ([`motcua_domain::id_card::id_hash`]).
//!
//! Why a separate file and not a row of the database: a copy of the database
//! alone (a backup, an export) then holds hashes nobody can test guesses
//! against. Back the file up with the database; if it is lost, a new key is
//! made and the stored hashes, useless under it, are cleared until the
//! sources send the numbers again.

use std::io::Write;
use std::path::{Path, PathBuf};

use motcua_domain::id_card::{ID_KEY_BYTES, hex, id_hash, key_id, unhex};
use rand::RngCore;
use rusqlite::{Connection, OptionalExtension, params};

/// The key and its fingerprint. `Debug` shows only the fingerprint.
#[derive(Clone)]
pub struct IdKey {
    key: [u8; ID_KEY_BYTES],
    id: String,
}

impl std::fmt::Debug for IdKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdKey({})", self.id)
    }
}

/// Where the key of a database lives.
pub fn path_for(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    name.push(".id-key");
    db.with_file_name(name)
}

impl IdKey {
    /// A key from its bytes (tests, and the file).
    pub fn from_bytes(key: [u8; ID_KEY_BYTES]) -> Self {
        Self { id: key_id(&key), key }
    }

    /// The key of the database at `db`, made on first use.
    pub fn load_or_create(db: &Path) -> Result<Self, String> {
        let path = path_for(db);
        if let Some(key) = Self::load(db)? {
            return Ok(key);
        }
        let mut key = [0u8; ID_KEY_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut key);
        // Written whole to a private temporary file, then linked into place:
        // a second process starting at the same moment finds either no key or
        // the whole key, and never replaces one.
        let tmp = path.with_extension(format!("id-key.tmp-{}", std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut f = options.open(&tmp)?;
            writeln!(f, "{}", hex(&key))?;
            f.sync_all()
        };
        write().map_err(|e| format!("cannot write the ID key {}: {e}", tmp.display()))?;
        let linked = std::fs::hard_link(&tmp, &path);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => {
                tracing::info!(file = %path.display(), "a new ID key was made for hashing ID card numbers; back it up with the database");
                Ok(Self::from_bytes(key))
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Self::load(db)?.ok_or_else(|| format!("{} vanished", path.display()))
            }
            Err(e) => Err(format!("cannot create the ID key {}: {e}", path.display())),
        }
    }

    /// The key of the database at `db`, if it has one.
    pub fn load(db: &Path) -> Result<Option<Self>, String> {
        let path = path_for(db);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read the ID key {}: {e}", path.display())),
        };
        let bytes = unhex(text.trim()).filter(|b| b.len() == ID_KEY_BYTES);
        let key: [u8; ID_KEY_BYTES] = bytes
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| format!("{} is not an ID key (64 hex digits); move it away to make a new one", path.display()))?;
        Ok(Some(Self::from_bytes(key)))
    }

    /// The keyed hash of an ID number (already normalised).
    pub fn hash(&self, number: &str) -> String {
        id_hash(&self.key, number)
    }

    /// Its fingerprint.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The key as 64 hex digits, for kiosks (`GET /api/v1/id-key`).
    pub fn to_hex(&self) -> String {
        hex(&self.key)
    }

    /// Records the key's fingerprint in the database; when the database's
    /// hashes were made under another key, clears them (they can never match
    /// again) and says how many. Run before the server or a source writes.
    pub fn reconcile(&self, conn: &Connection) -> rusqlite::Result<usize> {
        let stored: Option<String> = conn.query_row("SELECT value FROM meta WHERE key = 'id_key_id'", [], |r| r.get(0)).optional()?;
        if stored.as_deref() == Some(self.id.as_str()) {
            return Ok(0);
        }
        let cleared = match stored {
            Some(_) => conn.execute("UPDATE dossiers SET applicant_id_hash = NULL WHERE applicant_id_hash IS NOT NULL", [])?,
            None => 0,
        };
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('id_key_id', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![self.id],
        )?;
        if cleared > 0 {
            tracing::warn!(
                cleared,
                "the ID key changed: the applicant ID hashes made under the old key were cleared; sources that send ID numbers will fill them again"
            );
        }
        Ok(cleared)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_made_once_kept_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("central.db");
        assert!(IdKey::load(&db).unwrap().is_none());
        let a = IdKey::load_or_create(&db).unwrap();
        let b = IdKey::load_or_create(&db).unwrap();
        assert_eq!(a.id(), b.id());
        assert_eq!(a.hash("001099012345"), b.hash("001099012345"));
        assert_eq!(path_for(&db), dir.path().join("central.db.id-key"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path_for(&db)).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "only the server's user reads the key: {mode:o}");
        }
        assert!(!format!("{a:?}").contains(&a.to_hex()));
        std::fs::write(path_for(&db), "not a key").unwrap();
        assert!(IdKey::load_or_create(&db).unwrap_err().contains("not an ID key"));
    }

    #[test]
    fn hashes_made_under_another_key_are_cleared() {
        let (_dir, conn) = crate::db::temp_db();
        conn.execute(
            "INSERT INTO dossiers (code, center, procedure_name, applicant_name, status, received_at, due_at, updated_at, applicant_id_hash)
             VALUES ('C', 'c', 'P', 'A', 2, 0, 1, 0, 'h')",
            [],
        )
        .unwrap();
        let first = IdKey::from_bytes([1; ID_KEY_BYTES]);
        assert_eq!(first.reconcile(&conn).unwrap(), 0, "the first key clears nothing");
        assert_eq!(first.reconcile(&conn).unwrap(), 0);
        assert_eq!(IdKey::from_bytes([2; ID_KEY_BYTES]).reconcile(&conn).unwrap(), 1);
        let left: Option<String> = conn.query_row("SELECT applicant_id_hash FROM dossiers", [], |r| r.get(0)).unwrap();
        assert_eq!(left, None);
    }
}
