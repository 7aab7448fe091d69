//! Shared server state, injected into the router (never global).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use motcua_domain::DossierCodeRules;
use motcua_domain::api::QueueEvent;
use tokio::sync::broadcast;

use crate::catalog::{Catalogs, load, stored_version};
use crate::clock::Clock;
use crate::db::ReadPool;
use crate::metrics::Metrics;
use crate::queue_rules::QueueIndex;
use crate::writer::WriterHandle;

/// Server settings.
#[derive(Debug, Clone)]
pub struct Config {
    pub db: PathBuf,
    /// Accept the demo tokens `demo-kiosk` and `demo-staff`.
    pub demo: bool,
    /// Dossier lookups per token per minute.
    pub lookup_limit_per_min: u32,
    /// Base of the lookup URLs printed in ticket QR codes.
    pub public_url: String,
}

/// The catalogs, reloaded when a `catalog import` (another process) changed them.
pub struct CatalogCache {
    pool: Arc<ReadPool>,
    current: RwLock<Arc<Catalogs>>,
    checked: Mutex<Instant>,
}

/// How often the stored catalog version is checked.
const RECHECK: Duration = Duration::from_secs(2);

impl CatalogCache {
    /// A cache holding `initial`.
    pub fn new(pool: Arc<ReadPool>, initial: Catalogs) -> Self {
        Self { pool, current: RwLock::new(Arc::new(initial)), checked: Mutex::new(Instant::now()) }
    }

    /// The catalogs as last loaded (no I/O).
    pub fn current(&self) -> Arc<Catalogs> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// The catalogs, reloading them first if an import changed them; at most
    /// one check every two seconds.
    pub fn fresh(&self) -> Arc<Catalogs> {
        let due = self.checked.lock().map(|mut last| {
            let due = last.elapsed() >= RECHECK;
            if due {
                *last = Instant::now();
            }
            due
        });
        if due.unwrap_or(false)
            && let Err(e) = self.reload_if_changed()
        {
            tracing::warn!(error = %e, "catalog reload failed; keeping the loaded catalog");
        }
        self.current()
    }

    fn reload_if_changed(&self) -> Result<(), String> {
        let conn = self.pool.get().map_err(|e| e.to_string())?;
        let version = stored_version(&conn).map_err(|e| e.to_string())?;
        if version != self.current().version {
            let fresh = load(&conn).map_err(|e| e.to_string())?;
            tracing::info!(version = %fresh.version, centers = fresh.centers.len(), "catalog reloaded");
            if let Ok(mut g) = self.current.write() {
                *g = Arc::new(fresh);
            }
        }
        Ok(())
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
        let Ok(mut buckets) = self.buckets.lock() else { return Ok(()) };
        let now = Instant::now();
        if !buckets.contains_key(who) {
            buckets.insert(who.to_string(), (cap, now));
        }
        let Some((tokens, last)) = buckets.get_mut(who) else { return Ok(()) };
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
    pub config: Config,
    pub pool: Arc<ReadPool>,
    pub catalogs: Arc<CatalogCache>,
    pub index: Arc<RwLock<QueueIndex>>,
    pub writer: WriterHandle,
    pub events: broadcast::Sender<QueueEvent>,
    pub metrics: Metrics,
    pub clock: Arc<dyn Clock>,
    pub limiter: RateLimiter,
    pub dossier_rules: DossierCodeRules,
}

/// The state as routers hold it.
pub type SharedState = Arc<AppState>;

/// Builds the state over a migrated database: loads catalogs, rebuilds the
/// queue index, starts the writer.
pub fn build(config: Config, clock: Arc<dyn Clock>) -> Result<SharedState, String> {
    let writer_conn = crate::db::open_and_migrate(&config.db).map_err(|e| e.to_string())?;
    let pool = Arc::new(ReadPool::new(&config.db));
    let catalogs = {
        let conn = pool.get().map_err(|e| e.to_string())?;
        load(&conn).map_err(|e| e.to_string())?
    };
    let now = clock.now();
    let expired = expire_past_days(&writer_conn, &catalogs, now).map_err(|e| e.to_string())?;
    if expired > 0 {
        tracing::info!(expired, "tickets of past days marked expired");
    }
    let index = crate::tickets::rebuild_index(&writer_conn, &catalogs, now).map_err(|e| e.to_string())?;
    let index = Arc::new(RwLock::new(index));
    let catalogs = Arc::new(CatalogCache::new(pool.clone(), catalogs));
    let writer = crate::writer::spawn(writer_conn, index.clone(), clock.clone(), catalogs.clone()).map_err(|e| e.to_string())?;
    let (events, _) = broadcast::channel(1024);
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
}
