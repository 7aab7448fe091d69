//! Lookup by chip ID card. The scanner's text is read in memory, its
//! numbers are hashed here with the deployment's key (fetched from the
//! server, kept in memory only), and only the hashes leave the kiosk. The
//! name, birth date and address on the card are never kept, logged or sent.

use motcua_domain::ErrorCode;
use motcua_domain::IdCard;
use motcua_domain::api::IdCardLookupRequest;
use motcua_domain::id_card::{ID_KEY_BYTES, unhex};

use super::Inner;
use crate::error::EngineError;
use crate::types::Lookup;

/// The key as the server gave it. `Debug` shows only its fingerprint.
pub(crate) struct HeldKey {
    key: Vec<u8>,
    id: String,
}

impl std::fmt::Debug for HeldKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HeldKey({})", self.id)
    }
}

impl Inner {
    /// The key and its id, fetched once.
    async fn held_key(&self) -> Result<(Vec<u8>, String), EngineError> {
        let mut held = self.id_key.lock().await;
        if let Some(k) = held.as_ref() {
            return Ok((k.key.clone(), k.id.clone()));
        }
        let r = self.client.id_key(self.retry()).await;
        self.note(&r);
        let answer = r?;
        let key = unhex(&answer.key)
            .filter(|k| k.len() == ID_KEY_BYTES)
            .ok_or_else(|| EngineError::Internal("the server's ID key is not 64 hex digits".into()))?;
        *held = Some(HeldKey { key: key.clone(), id: answer.key_id.clone() });
        Ok((key, answer.key_id))
    }

    /// The card holder's dossiers. When the server's key changed since it was
    /// fetched (`id_key_changed`), fetches it again and asks once more.
    pub(crate) async fn id_card_lookup(&self, card: &IdCard) -> Result<Lookup, EngineError> {
        let mut retried = false;
        loop {
            let (key, key_id) = self.held_key().await?;
            let req = IdCardLookupRequest { key_id, id_hashes: card.hashes(&key) };
            let r = self.client.dossiers_by_card(&req, self.retry()).await;
            self.note(&r);
            match r {
                Ok(answer) => return Ok(Lookup::IdCard { dossiers: answer.dossiers, more: answer.more }),
                Err(EngineError::Api(e)) if e.code == ErrorCode::IdKeyChanged && !retried => {
                    tracing::info!("the server's ID key changed; fetching it again");
                    *self.id_key.lock().await = None;
                    retried = true;
                }
                Err(e) => return Err(e),
            }
        }
    }
}
