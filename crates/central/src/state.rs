//! Shared server state, injected into the router (never global).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Instant;

use motcua_domain::DossierCodeRules;
use motcua_domain::api::QueueEvent;
use tokio::sync::broadcast;

use crate::catalog::{CatalogCache, Catalogs, load};
use crate::clock::Clock;
use crate::db::ReadPool;
use crate::metrics::Metrics;
use crate::queue_rules::QueueIndex;
use crate::writer::WriterHandle;

/// Server settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// The SQLite file, already migrated; the writer and the read pool open it.
    pub db: PathBuf,
    /// Accept the demo tokens `demo-kiosk` and `demo-staff`.
    pub demo: bool,
    /// Dossier lookups per token per minute.
    pub lookup_limit_per_min: u32,
    /// Base of the lookup URLs printed in ticket QR codes.
    pub public_url: String,
    /// How calls are spoken.
    pub voice: VoiceConfig,
    /// A kiosk without a heartbeat for this long is silent (default 2 minutes).
    pub kiosk_silent_after: std::time::Duration,
    /// Dossier freshness and the sources pulled from.
    pub dossiers: DossierConfig,
    /// When the server sheds load and cuts slow clients off.
    pub limits: crate::server::Limits,
}

/// Dossier freshness and the sources the server pulls from.
#[derive(Debug, Clone)]
pub struct DossierConfig {
    /// A dossier the source has not vouched for in this long may be out of
    /// date: its answer says `stale` (default 6 hours).
    pub stale_after: std::time::Duration,
    /// Mapping files with a `[source]` table: `serve --pull FILE` polls each.
    pub pulls: Vec<PathBuf>,
}

/// How long a dossier's status is taken as current without word from its source.
pub const DEFAULT_STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(6 * 3600);

impl Default for DossierConfig {
    fn default() -> Self {
        Self { stale_after: DEFAULT_STALE_AFTER, pulls: Vec::new() }
    }
}

/// How calls are spoken on the boards.
#[derive(Debug, Clone)]
pub struct VoiceConfig {
    /// A folder whose clips replace the built-in ones, file by file.
    pub dir: Option<PathBuf>,
    /// How many times a call is said (default 2).
    pub repeat: u8,
    /// English after the Vietnamese.
    pub english: bool,
}

impl Default for VoiceConfig {
    fn default() -> Self {
        Self { dir: None, repeat: 2, english: false }
    }
}

/// A token bucket per bearer token for dossier lookups.
#[derive(Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    /// Takes one lookup; `Err(seconds)` says how long to wait when empty.
    pub fn take(&self, who: &str, per_min: u32) -> Result<(), u64> {
        let cap = f64::from(per_min.max(1));
        let rate = cap / 60.0;
        // A panic elsewhere while the lock was held leaves at worst one bucket
        // a little off: keep limiting with the data as it is rather than
        // letting every request through (fail-open) or refusing them all.
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let (tokens, last) = buckets.entry(who.to_string()).or_insert((cap, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * rate).min(cap);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / rate).ceil().max(1.0) as u64)
        }
    }
}

/// Everything a request handler can reach.
pub struct AppState {
    /// The settings the server was started with.
    pub config: Config,
    /// Read connections; every change goes through `writer` instead.
    pub pool: Arc<ReadPool>,
    /// Every center's catalog, reloaded after a `catalog import`.
    pub catalogs: Arc<CatalogCache>,
    /// Today's waiting tickets and counters, mirrored from the database.
    pub index: Arc<RwLock<QueueIndex>>,
    /// The single writer thread that makes changes durable.
    pub writer: WriterHandle,
    /// Calls and queue changes for boards, consoles and kiosks (server-sent events).
    pub events: broadcast::Sender<QueueEvent>,
    /// Counters for `/metrics`.
    pub metrics: Metrics,
    /// The time source; tests set it to a fixed instant.
    pub clock: Arc<dyn Clock>,
    /// The per-token budget of dossier lookups.
    pub limiter: RateLimiter,
    /// How a typed or scanned dossier code is parsed and checked.
    pub dossier_rules: DossierCodeRules,
    /// The voice clips calls are spoken with.
    pub voice: crate::voice::ClipSet,
    /// How calls are spoken.
    pub voice_options: crate::voice::VoiceOptions,
    /// Kiosk heartbeats, maintenance and notices: what kiosks were last told.
    pub fleet: crate::fleet::Fleet,
    /// The key ID card numbers are hashed with (kiosks fetch it; sources' numbers are hashed on arrival).
    pub id_key: crate::id_key::IdKey,
    /// The slots and the queue in front of the handlers.
    pub gate: crate::http::overload::Gate,
    /// Booking challenges and the per-IP and per-phone booking budgets.
    pub bookings: crate::bookings::Guard,
}

/// The state as routers hold it.
pub type SharedState = Arc<AppState>;

/// Builds the state over a migrated database: loads catalogs, rebuilds the
/// queue index, starts the writer.
pub fn build(config: Config, clock: Arc<dyn Clock>) -> Result<SharedState, String> {
    let voice = crate::voice::ClipSet::load(config.voice.dir.as_deref()).map_err(|e| e.to_string())?;
    let replaced = voice.replaced();
    if !replaced.is_empty() {
        tracing::info!(clips = %replaced.join(", "), "voice clips replaced by the center's recordings");
    }
    let voice_options = crate::voice::VoiceOptions { repeat: config.voice.repeat, english: config.voice.english, ..Default::default() };
    voice_options.validate().map_err(|e| e.to_string())?;
    let writer_conn = crate::db::open_and_migrate(&config.db).map_err(|e| e.to_string())?;
    let id_key = crate::id_key::IdKey::load_or_create(&config.db)?;
    id_key.reconcile(&writer_conn).map_err(|e| e.to_string())?;
    let pool = Arc::new(ReadPool::new(&config.db));
    let now = clock.now();
    let (catalogs, fleet) = {
        let conn = pool.get().map_err(|e| e.to_string())?;
        let fleet = crate::fleet::Fleet::load(&conn, config.kiosk_silent_after, now).map_err(|e| e.to_string())?;
        (load(&conn).map_err(|e| e.to_string())?, fleet)
    };
    let expired = expire_past_days(&writer_conn, &catalogs, now).map_err(|e| e.to_string())?;
    if expired > 0 {
        tracing::info!(expired, "tickets of past days marked expired");
    }
    let index = crate::tickets::rebuild_index(&writer_conn, &catalogs, now).map_err(|e| e.to_string())?;
    let index = Arc::new(RwLock::new(index));
    let catalogs = Arc::new(CatalogCache::new(pool.clone(), catalogs));
    let writer = crate::writer::spawn(writer_conn, index.clone(), clock.clone(), catalogs.clone()).map_err(|e| e.to_string())?;
    let (events, _) = broadcast::channel(1024);
    let gate = crate::http::overload::Gate::new(&config.limits);
    Ok(Arc::new(AppState {
        config,
        pool,
        catalogs,
        index,
        writer,
        events,
        metrics: Metrics::default(),
        clock,
        limiter: RateLimiter::default(),
        dossier_rules: DossierCodeRules::default(),
        voice,
        voice_options,
        fleet,
        id_key,
        gate,
        bookings: crate::bookings::Guard::default(),
    }))
}

/// Waiting tickets of a day that has ended are expired.
fn expire_past_days(conn: &rusqlite::Connection, catalogs: &Catalogs, now: jiff::Timestamp) -> rusqlite::Result<usize> {
    let mut n = 0;
    for (id, cat) in &catalogs.centers {
        let today = crate::tickets::local_day(cat, now).to_string();
        n += conn.execute(
            "UPDATE tickets SET status = 'expired' WHERE center = ?1 AND status = 'waiting' AND day < ?2",
            rusqlite::params![id, today],
        )?;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limiter_allows_the_budget_then_says_how_long_to_wait() {
        let l = RateLimiter::default();
        for _ in 0..30 {
            assert!(l.take("k", 30).is_ok());
        }
        let wait = l.take("k", 30).expect_err("31st refused");
        assert!((1..=2).contains(&wait), "{wait}");
        assert!(l.take("other", 30).is_ok(), "budgets are per token");
    }

    #[test]
    fn a_poisoned_limiter_keeps_limiting() {
        let l = std::sync::Arc::new(RateLimiter::default());
        for _ in 0..3 {
            assert!(l.take("k", 3).is_ok());
        }
        let l2 = l.clone();
        let _ = std::thread::spawn(move || {
            let _guard = l2.buckets.lock().unwrap();
            panic!("poison the lock");
        })
        .join();
        assert!(l.buckets.is_poisoned());
        assert!(l.take("k", 3).is_err(), "the spent budget is still spent");
        assert!(l.take("fresh", 3).is_ok());
    }
}
