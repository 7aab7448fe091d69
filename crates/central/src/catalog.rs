//! The catalogs of all centers, loaded from the database into memory, with
//! what the hot path needs precomputed (JSON, ETag, opening hours, time zone).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use jiff::tz::TimeZone;
use motcua_domain::catalog::{Catalog, Center, Counter, KioskInfo, Service};
use motcua_domain::hours::OpeningHours;
use rusqlite::Connection;
use sha2::{Digest, Sha256};

use crate::db::ReadPool;

/// One center's catalog, ready to serve.
#[derive(Debug)]
pub struct CenterCatalog {
    /// The center's agencies, fields, procedures, services, counters and priority categories.
    pub catalog: Catalog,
    /// `GET /api/v1/catalog` body.
    pub json: Arc<[u8]>,
    /// Strong ETag of `json`.
    pub etag: String,
    /// The center's time zone: days, due dates and opening hours are local to it.
    pub tz: TimeZone,
    /// The kiosks the catalog names (server-side only: not in `json`).
    pub kiosks: Vec<KioskInfo>,
    /// Days without appointments (server-side only: not in `json`).
    pub closed_days: Vec<crate::catalog_file::ClosedDay>,
    hours: HashMap<String, OpeningHours>,
}

impl CenterCatalog {
    /// The center.
    pub fn center(&self) -> &Center {
        &self.catalog.center
    }

    /// A service of this center.
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.catalog.service(id)
    }

    /// A counter of this center.
    pub fn counter(&self, id: &str) -> Option<&Counter> {
        self.catalog.counters.iter().find(|c| c.id == id)
    }

    /// The opening hours of a service (always open if unknown).
    pub fn hours(&self, service_id: &str) -> Option<&OpeningHours> {
        self.hours.get(service_id)
    }

    /// A kiosk the catalog names.
    pub fn kiosk(&self, id: &str) -> Option<&KioskInfo> {
        self.kiosks.iter().find(|k| k.id == id)
    }

    /// The closed day covering `day`, if any.
    pub fn closed_on(&self, day: jiff::civil::Date) -> Option<&crate::catalog_file::ClosedDay> {
        self.closed_days.iter().find(|d| d.covers(day))
    }

    /// Whether the category id is one of this center's priority categories.
    pub fn has_priority(&self, id: &str) -> bool {
        self.catalog.priority_categories.iter().any(|p| p.id == id)
    }
}

/// All centers' catalogs and the version they were loaded at.
#[derive(Debug, Default)]
pub struct Catalogs {
    /// The stored catalog version these were loaded at; an import changes it.
    pub version: String,
    /// Each center's catalog, by center id.
    pub centers: HashMap<String, Arc<CenterCatalog>>,
}

impl Catalogs {
    /// A center's catalog.
    pub fn center(&self, id: &str) -> Option<&Arc<CenterCatalog>> {
        self.centers.get(id)
    }

    /// The center whose catalog names this kiosk.
    pub fn center_of_kiosk(&self, kiosk_id: &str) -> Option<&Arc<CenterCatalog>> {
        self.centers.values().find(|c| c.kiosk(kiosk_id).is_some())
    }

    /// The center that owns a counter.
    pub fn center_of_counter(&self, counter_id: &str) -> Option<&Arc<CenterCatalog>> {
        self.centers.values().find(|c| c.counter(counter_id).is_some())
    }

    /// The province a center belongs to: the top of its chain of parents
    /// (itself when it has none). A parent the server does not hold ends the chain.
    pub fn province_of<'a>(&'a self, id: &'a str) -> &'a str {
        let mut at = id;
        // Depth-limited: a catalog import refuses cycles, a damaged one must not hang us.
        for _ in 0..16 {
            match self.centers.get(at).and_then(|c| c.center().parent.as_deref()) {
                Some(parent) if self.centers.contains_key(parent) => at = parent,
                _ => break,
            }
        }
        at
    }

    /// The ids of every center of `id`'s province (itself included), sorted:
    /// where a dossier may be looked up from (Decree 118/2025: dossiers are
    /// received regardless of administrative boundary within the province).
    pub fn province_centers(&self, id: &str) -> Vec<String> {
        let province = self.province_of(id);
        let mut ids: Vec<String> = self.centers.keys().filter(|c| self.province_of(c) == province).cloned().collect();
        if ids.is_empty() {
            ids.push(id.to_string());
        }
        ids.sort();
        ids
    }
}

/// Errors while loading a catalog back from the database.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The database could not be read.
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
    /// A stored entry's JSON no longer matches its type.
    #[error("stored catalog entry {kind} {id} is unreadable: {source}")]
    Entry {
        /// The entry's kind: center, agency, field, procedure, service, counter or priority.
        kind: String,
        /// The entry's id within its center.
        id: String,
        /// Why its JSON did not parse.
        source: serde_json::Error,
    },
    /// A center names a time zone the bundled database does not know.
    #[error("center {center}: unknown time zone {tz}")]
    TimeZone {
        /// The center's id.
        center: String,
        /// The zone as the catalog spells it.
        tz: String,
    },
    /// A service's opening hours do not parse.
    #[error("center {center}, service {service}: {source}")]
    Hours {
        /// The center's id.
        center: String,
        /// The service's id.
        service: String,
        /// What is wrong with the hours.
        source: motcua_domain::hours::HoursError,
    },
}

/// The stored catalog version (changes on every import).
pub fn stored_version(conn: &Connection) -> Result<String, rusqlite::Error> {
    use rusqlite::OptionalExtension;
    Ok(conn.query_row("SELECT value FROM meta WHERE key = 'catalog_version'", [], |r| r.get(0)).optional()?.unwrap_or_default())
}

/// Loads every center's catalog.
pub fn load(conn: &Connection) -> Result<Catalogs, LoadError> {
    let version = stored_version(conn)?;
    let mut stmt = conn.prepare("SELECT kind, id, center, body FROM catalog_entries ORDER BY center, kind, position")?;
    let mut rows = stmt.query([])?;
    let mut parts: HashMap<String, Parts> = HashMap::new();
    while let Some(row) = rows.next()? {
        let kind: String = row.get(0)?;
        let id: String = row.get(1)?;
        let center: String = row.get(2)?;
        let body: String = row.get(3)?;
        let p = parts.entry(center).or_default();
        let bad = |source| LoadError::Entry { kind: kind.clone(), id: id.clone(), source };
        match kind.as_str() {
            "center" => p.center = Some(serde_json::from_str(&body).map_err(bad)?),
            "agency" => p.agencies.push(serde_json::from_str(&body).map_err(bad)?),
            "field" => p.fields.push(serde_json::from_str(&body).map_err(bad)?),
            "procedure" => p.procedures.push(serde_json::from_str(&body).map_err(bad)?),
            "service" => p.services.push(serde_json::from_str(&body).map_err(bad)?),
            "counter" => p.counters.push(serde_json::from_str(&body).map_err(bad)?),
            "priority" => p.priorities.push(serde_json::from_str(&body).map_err(bad)?),
            "kiosk" => p.kiosks.push(serde_json::from_str(&body).map_err(bad)?),
            "closed_day" => p.closed_days.push(serde_json::from_str(&body).map_err(bad)?),
            _ => {}
        }
    }
    let mut centers = HashMap::new();
    for (id, p) in parts {
        let Some(center) = p.center else { continue };
        let catalog = Catalog {
            center,
            agencies: p.agencies,
            fields: p.fields,
            procedures: p.procedures,
            services: p.services,
            counters: p.counters,
            priority_categories: p.priorities,
        };
        let mut prepared = prepare(catalog)?;
        prepared.kiosks = p.kiosks;
        prepared.closed_days = p.closed_days;
        centers.insert(id, Arc::new(prepared));
    }
    Ok(Catalogs { version, centers })
}

/// Precomputes what requests need.
pub fn prepare(catalog: Catalog) -> Result<CenterCatalog, LoadError> {
    let tz = TimeZone::get(&catalog.center.time_zone)
        .map_err(|_| LoadError::TimeZone { center: catalog.center.id.clone(), tz: catalog.center.time_zone.clone() })?;
    let mut hours = HashMap::new();
    for s in &catalog.services {
        let h = OpeningHours::new(&s.hours).map_err(|source| LoadError::Hours {
            center: catalog.center.id.clone(),
            service: s.id.clone(),
            source,
        })?;
        hours.insert(s.id.clone(), h);
    }
    let json =
        serde_json::to_vec(&catalog).map_err(|source| LoadError::Entry { kind: "center".into(), id: catalog.center.id.clone(), source })?;
    let digest = Sha256::digest(&json);
    let etag = format!("\"{}\"", hex(&digest[..12]));
    Ok(CenterCatalog { catalog, json: json.into(), etag, tz, kiosks: Vec::new(), closed_days: Vec::new(), hours })
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[derive(Default)]
struct Parts {
    center: Option<Center>,
    agencies: Vec<motcua_domain::catalog::Agency>,
    fields: Vec<motcua_domain::catalog::Field>,
    procedures: Vec<motcua_domain::catalog::Procedure>,
    services: Vec<Service>,
    counters: Vec<Counter>,
    priorities: Vec<motcua_domain::catalog::PriorityCategory>,
    kiosks: Vec<KioskInfo>,
    closed_days: Vec<crate::catalog_file::ClosedDay>,
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
