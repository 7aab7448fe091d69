//! The pull connector: polls the province's one-stop system (its REST
//! endpoint, through the data-sharing gateway) and writes what changed
//! through the same validated write as the batch API and the file import.
//!
//! A pass asks only for what changed (`updated_since` or a cursor, per the
//! mapping file's `[source]`), pages through it, maps each record with the
//! mapping file, and writes each page in one transaction together with where
//! the pass stands, so a pass cut short resumes where it stopped. Records that
//! do not map are reported with their place and skipped, never guessed. A
//! failed request is tried again after a doubling pause; a failed pass waits
//! longer before the next. `/metrics` shows each source's lag and failures
//! (read from the database, so a `dossiers pull` beside the server counts too).

pub mod cli;
pub mod fetch;
pub mod spec;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use motcua_domain::DossierCodeRules;
use motcua_domain::sources::WriteOutcome;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde_json::Value;

use self::fetch::Fetcher;
use self::spec::{Incremental, Overrides, Settings, TimeFormat};
use super::fields::Raw;
use super::mapping::Mapping;
use super::record::{Cell, Context, Problem, Unknown, map_row};
use crate::catalog::Catalogs;
use crate::clock::Clock;
use crate::error::AppError;
use crate::id_key::IdKey;
use crate::writer::WriterHandle;
use crate::writer::dossier::{DossierRecord, SourceKind, Ties, apply_each};

/// More pages than this in one pass is a runaway upstream.
const MAX_PAGES: u32 = 100_000;

/// Where a pass writes: through the server's writer, or into a database
/// file directly (the command line).
#[derive(Clone)]
pub enum Sink {
    /// The running server's single writer.
    Writer(WriterHandle),
    /// A database connection of the command line.
    Db(Arc<Mutex<Connection>>),
}

impl Sink {
    /// Runs `f` in one durable transaction.
    pub async fn exec<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection, Timestamp) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        match self {
            Self::Writer(w) => w.exec(f).await,
            Self::Db(conn) => {
                let conn = conn.clone();
                tokio::task::spawn_blocking(move || {
                    let mut c = conn.lock().map_err(|_| AppError::Internal("database lock poisoned".into()))?;
                    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
                    let v = f(&tx, Timestamp::now())?;
                    tx.commit()?;
                    Ok(v)
                })
                .await
                .map_err(|e| AppError::Internal(format!("database task: {e}")))?
            }
        }
    }
}

/// One upstream source, ready to pull from.
pub struct Source {
    /// Its settings.
    pub settings: Settings,
    mapping: Mapping,
    /// The centers it feeds (its default center and the `[centers]` values).
    pub centers: Vec<String>,
    zones: HashMap<String, TimeZone>,
    rules: DossierCodeRules,
    id_key: IdKey,
    fetcher: Fetcher,
}

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassReport {
    /// Pages read.
    pub pages: u32,
    /// Dossiers new to the mirror.
    pub created: u32,
    /// Dossiers that changed.
    pub updated: u32,
    /// Records with nothing new (or older than the mirror).
    pub unchanged: u32,
    /// Records not written: each in `problems` with its place.
    pub rejected: u32,
    /// `page 2, item 7 "TrangThaiHoSo": …`, one line per problem.
    pub problems: Vec<String>,
    /// Requests that failed and were tried again (or ended the pass).
    pub failed_requests: u32,
    /// Why the pass stopped early; `None` when it completed.
    pub error: Option<String>,
}

impl PassReport {
    /// `pages 3, created 2, updated 5, unchanged 40, rejected 1`.
    pub fn summary(&self) -> String {
        format!(
            "pages {}, created {}, updated {}, unchanged {}, rejected {}",
            self.pages, self.created, self.updated, self.unchanged, self.rejected
        )
    }
}

/// Where a source stood after its last pass.
#[derive(Debug, Clone, Default)]
struct Standing {
    cursor: Option<String>,
    since: Option<i64>,
    full_at: Option<i64>,
}

/// A value at a dotted path of a JSON document (`""`: the document).
pub fn at_path<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    if path.trim().is_empty() {
        return Some(value);
    }
    path.split('.').try_fold(value, |v, key| v.get(key))
}

fn raw_of(v: &Value) -> Option<Raw> {
    match v {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(Raw::Text(s.clone())),
        Value::Bool(b) => Some(Raw::Bool(*b)),
        Value::Number(n) => Some(n.as_i64().map_or_else(|| Raw::Float(n.as_f64().unwrap_or(f64::NAN)), Raw::Int)),
        Value::Array(_) => Some(Raw::Other("a list")),
        Value::Object(_) => Some(Raw::Other("an object")),
    }
}

/// An upstream record's cells: every value by its dotted path (`ChuHoSo.HoTen`).
pub fn cells_of_record(record: &Value) -> Option<Vec<Cell>> {
    fn walk(prefix: &str, v: &Value, out: &mut Vec<Cell>, depth: u8) {
        match v {
            Value::Object(map) if depth < 6 => {
                for (k, child) in map {
                    let name = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    walk(&name, child, out, depth + 1);
                }
            }
            _ => out.push(Cell { name: prefix.to_string(), column: None, value: raw_of(v) }),
        }
    }
    let object = record.as_object()?;
    let mut out = Vec::with_capacity(object.len());
    walk("", record, &mut out, 0);
    Some(out)
}

/// Text of a JSON value: a string, or a number's digits.
fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn compact(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone()).strftime("%Y%m%d%H%M%S").to_string()
}

impl Source {
    /// A source from a mapping file's text with the command line's overrides;
    /// checks the centers against the catalogs and the credentials' variables.
    pub fn new(mapping_text: &str, over: &Overrides, catalogs: &Catalogs, id_key: IdKey) -> Result<Self, String> {
        let mapping = Mapping::parse(mapping_text)?;
        let settings = Settings::new(mapping.source.as_ref(), over)?;
        let mut centers: Vec<String> = mapping.centers.values().cloned().collect();
        centers.extend(settings.center.clone());
        centers.sort();
        centers.dedup();
        if settings.spec.center_field.is_some() && mapping.centers.is_empty() {
            return Err("[source] center_field needs a [centers] table (the unit's code = a center id)".into());
        }
        if settings.spec.center_field.is_none() && settings.center.is_none() {
            return Err("which center do the dossiers belong to? give --center ID, [source] center, or center_field with [centers]".into());
        }
        let mut zones = HashMap::new();
        for c in &centers {
            let cat = catalogs.center(c).ok_or_else(|| {
                let mut known: Vec<&str> = catalogs.centers.keys().map(String::as_str).collect();
                known.sort_unstable();
                format!("unknown center {c:?}; centers: {}", known.join(", "))
            })?;
            zones.insert(c.clone(), cat.tz.clone());
        }
        let fetcher = Fetcher::new(&settings)?;
        Ok(Self { settings, mapping, centers, zones, rules: DossierCodeRules::default(), id_key, fetcher })
    }

    /// The time zone `updated_since` is written in: the default center's, else the first center's.
    fn tz(&self) -> TimeZone {
        self.settings.center.as_ref().or(self.centers.first()).and_then(|c| self.zones.get(c)).cloned().unwrap_or(TimeZone::UTC)
    }

    /// Maps one record; `Err` holds the problems, each with its name.
    fn map(&self, record: &Value, received: Timestamp, now: Timestamp) -> (Option<String>, Result<DossierRecord, Vec<Problem>>) {
        let Some(cells) = cells_of_record(record) else {
            let p = Problem {
                name: None,
                column: None,
                code: motcua_domain::ErrorCode::InvalidRequest,
                message: "a record must be a JSON object".into(),
            };
            return (None, Err(vec![p]));
        };
        let center = match &self.settings.spec.center_field {
            None => self.settings.center.clone().ok_or_else(|| "no center".to_string()),
            Some(path) => match at_path(record, path).and_then(text_of) {
                None => Err(format!("{path}: missing: which center received it?")),
                Some(unit) => match self.mapping.center(&unit) {
                    Some(c) => Ok(c.to_string()),
                    None => Err(format!("{path}: receiving unit {unit:?} is not in the mapping file's [centers] table")),
                },
            },
        };
        let center = match center {
            Ok(c) => c,
            Err(message) => {
                let code = at_path(record, "MaHoSo").or_else(|| at_path(record, "code")).and_then(text_of);
                let p = Problem { name: None, column: None, code: motcua_domain::ErrorCode::InvalidRequest, message };
                return (code, Err(vec![p]));
            }
        };
        let tz = self.zones.get(&center).cloned().unwrap_or(TimeZone::UTC);
        let ctx = Context {
            center: &center,
            tz: &tz,
            rules: &self.rules,
            mapping: Some(&self.mapping),
            unknown: Unknown::Ignore,
            received,
            now,
            source: SourceKind::Pull,
            actor: &self.settings.name,
            id_key: Some(&self.id_key),
        };
        let mapped = map_row(&cells, &ctx);
        (mapped.code, mapped.result)
    }

    /// One pass: everything that changed upstream since the last complete
    /// pass, page by page. Never panics, never returns early without saying
    /// why in the report (and in the database, for `/metrics`).
    pub async fn pass(&self, sink: &Sink, clock: &dyn Clock) -> PassReport {
        let started = clock.now();
        let mut report = PassReport::default();
        let result = self.pages(sink, clock, started, &mut report).await;
        let name = self.settings.name.clone();
        match result {
            Ok(()) => {
                tracing::info!(source = %name, pages = report.pages, created = report.created, updated = report.updated,
                    unchanged = report.unchanged, rejected = report.rejected, "dossier pull: pass complete");
            }
            Err(e) => {
                tracing::error!(source = %name, error = %e, "dossier pull: pass failed; the next pass resumes where this one stopped");
                report.error = Some(e.clone());
                let failed = report.failed_requests;
                let saved = sink
                    .exec(move |tx, now| {
                        tx.execute(
                            "UPDATE pull_sources SET failed_passes = failed_passes + 1, failures_in_row = failures_in_row + 1,
                                 request_failures = request_failures + ?2, last_error = ?3, last_error_at = ?4 WHERE name = ?1",
                            params![name, failed, e, now.as_millisecond()],
                        )?;
                        Ok(())
                    })
                    .await;
                if let Err(e) = saved {
                    tracing::error!(error = %e, "dossier pull: the failure could not be recorded");
                }
            }
        }
        report
    }

    async fn pages(&self, sink: &Sink, clock: &dyn Clock, started: Timestamp, report: &mut PassReport) -> Result<(), String> {
        let (name, url, centers) = (self.settings.name.clone(), self.settings.url.clone(), self.centers.join(","));
        let standing = sink
            .exec(move |tx, _| {
                tx.execute(
                    "INSERT INTO pull_sources (name, url, centers) VALUES (?1, ?2, ?3)
                     ON CONFLICT (name) DO UPDATE SET url = excluded.url, centers = excluded.centers",
                    params![name, url, centers],
                )?;
                let row = tx
                    .query_row("SELECT cursor, since, full_at FROM pull_sources WHERE name = ?1", [&name], |r| {
                        Ok(Standing { cursor: r.get(0)?, since: r.get(1)?, full_at: r.get(2)? })
                    })
                    .optional()?;
                Ok(row.unwrap_or_default())
            })
            .await
            .map_err(|e| e.to_string())?;
        let spec = &self.settings.spec;
        let page_size = spec.page_size;
        // updated_since: a full pass when there is no mark yet or the last full pass is old.
        let full = match (standing.since, self.settings.full_every) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(_), Some(every)) => {
                let every_ms = i64::try_from(every.as_millis()).unwrap_or(i64::MAX);
                standing.full_at.is_none_or(|at| started.as_millisecond().saturating_sub(at) >= every_ms)
            }
        };
        let mut newest = standing.since;
        let mut cursor = standing.cursor.clone();
        let mut page_no: u32 = 1;
        loop {
            if page_no > MAX_PAGES {
                return Err(format!("more than {MAX_PAGES} pages in one pass"));
            }
            let mut query = vec![(spec.page_size_param.clone(), page_size.to_string())];
            match spec.incremental {
                Incremental::UpdatedSince => {
                    query.push((spec.page_param.clone(), page_no.to_string()));
                    if let (false, Some(since)) = (full, standing.since) {
                        let overlap = i64::try_from(self.settings.overlap.as_millis()).unwrap_or(0);
                        let from = Timestamp::from_millisecond(since.saturating_sub(overlap)).unwrap_or(Timestamp::UNIX_EPOCH);
                        let text = match spec.since_format {
                            TimeFormat::Compact => compact(from, &self.tz()),
                            TimeFormat::Rfc3339 => from.to_string(),
                        };
                        query.push((spec.since_param.clone(), text));
                    }
                }
                Incremental::Cursor => {
                    if let Some(c) = &cursor {
                        query.push((spec.cursor_param.clone(), c.clone()));
                    }
                }
            }
            let label = format!("page {page_no}");
            let page = match self.fetcher.page(&query, &label).await {
                Ok(p) => p,
                Err(e) => {
                    report.failed_requests += e.failed_requests;
                    return Err(e.message);
                }
            };
            report.failed_requests += page.failed_requests;
            report.pages += 1;
            let list = at_path(&page.body, &spec.records)
                .and_then(Value::as_array)
                .ok_or_else(|| format!("{label}: no list of records at {:?} in the answer ([source] records)", spec.records))?;
            let next = match spec.incremental {
                Incremental::Cursor => at_path(&page.body, &spec.next_cursor).and_then(text_of),
                Incremental::UpdatedSince => None,
            };
            let now = clock.now();
            let mut records = Vec::with_capacity(list.len());
            for (i, item) in list.iter().enumerate() {
                let (code, mapped) = self.map(item, now, now);
                let place = match &code {
                    Some(c) => format!("{label}, item {} ({c})", i + 1),
                    None => format!("{label}, item {}", i + 1),
                };
                match mapped {
                    Ok(r) => {
                        newest = Some(newest.unwrap_or(i64::MIN).max(r.source_updated_at.as_millisecond()));
                        records.push((place, r));
                    }
                    Err(problems) => {
                        report.rejected += 1;
                        for p in problems {
                            let at = p.name.as_ref().map_or_else(String::new, |n| format!(" {n:?}"));
                            let line = format!("{place}{at}: {}", p.message);
                            tracing::warn!(source = %self.settings.name, problem = %line, "dossier pull: record not written");
                            report.problems.push(line);
                        }
                    }
                }
            }
            let rejected_here = u32::try_from(list.len() - records.len()).unwrap_or(u32::MAX);
            let (name, save_cursor) = (self.settings.name.clone(), next.clone());
            let (places, recs): (Vec<String>, Vec<DossierRecord>) = records.into_iter().unzip();
            let outcomes = sink
                .exec(move |tx, now| {
                    let results = apply_each(tx, &recs, Ties::ContentHash, now);
                    let mut counts = [0u32; 4];
                    let mut refused = Vec::new();
                    for (r, place) in results.into_iter().zip(places) {
                        match r {
                            Ok(WriteOutcome::Created) => counts[0] += 1,
                            Ok(WriteOutcome::Updated) => counts[1] += 1,
                            Ok(WriteOutcome::Unchanged) => counts[2] += 1,
                            Ok(WriteOutcome::Rejected) => counts[3] += 1,
                            Err(e) => {
                                counts[3] += 1;
                                refused.push(format!("{place}: {}", e.api().map_or_else(|| e.to_string(), |a| a.message.clone())));
                            }
                        }
                    }
                    tx.execute(
                        "UPDATE pull_sources SET created = created + ?2, updated = updated + ?3, unchanged = unchanged + ?4,
                             rejected = rejected + ?5, cursor = coalesce(?6, cursor) WHERE name = ?1",
                        params![name, counts[0], counts[1], counts[2], counts[3] + rejected_here, save_cursor],
                    )?;
                    Ok((counts, refused))
                })
                .await
                .map_err(|e| format!("{label}: writing: {e}"))?;
            let (counts, refused) = outcomes;
            report.created += counts[0];
            report.updated += counts[1];
            report.unchanged += counts[2];
            report.rejected += counts[3];
            for line in refused {
                tracing::warn!(source = %self.settings.name, problem = %line, "dossier pull: record refused");
                report.problems.push(line);
            }
            let short = list.len() < usize::try_from(page_size).unwrap_or(usize::MAX);
            let done = match spec.incremental {
                Incremental::UpdatedSince => short || list.is_empty(),
                Incremental::Cursor => short || list.is_empty() || next.is_none() || next == cursor,
            };
            if done {
                break;
            }
            cursor = next;
            page_no += 1;
        }
        let (name, failed) = (self.settings.name.clone(), report.failed_requests);
        let full_at = (full && spec.incremental == Incremental::UpdatedSince).then_some(started.as_millisecond());
        sink.exec(move |tx, _| {
            tx.execute(
                "UPDATE pull_sources SET since = max(coalesce(since, ?2), ?2), newest_update = max(coalesce(newest_update, ?2), ?2),
                     synced_at = ?3, full_at = coalesce(?4, full_at), passes = passes + 1, failures_in_row = 0,
                     request_failures = request_failures + ?5 WHERE name = ?1",
                params![name, newest, started.as_millisecond(), full_at, failed],
            )?;
            Ok(())
        })
        .await
        .map_err(|e| format!("recording the pass: {e}"))
    }
}

/// How long to wait after `failures` failed passes in a row: `every`, then
/// doubling, at most 15 minutes (or `every`, when that is longer).
pub fn wait_after(every: Duration, failures: u32) -> Duration {
    if failures == 0 {
        return every;
    }
    let doubled = every.saturating_mul(1u32 << failures.saturating_sub(1).min(16));
    doubled.min(every.max(Duration::from_secs(15 * 60)))
}

/// Passes forever: one now, then every `[source] every`, longer after failures.
pub async fn run(source: Arc<Source>, sink: Sink, clock: Arc<dyn Clock>) {
    let mut failures = 0u32;
    loop {
        let report = source.pass(&sink, &*clock).await;
        failures = if report.error.is_some() { failures.saturating_add(1) } else { 0 };
        tokio::time::sleep(wait_after(source.settings.every, failures)).await;
    }
}

/// Starts `serve --pull FILE` sources inside the server, each on its own task.
pub fn spawn_all(state: &crate::state::SharedState, files: &[std::path::PathBuf]) -> Result<Vec<Arc<Source>>, String> {
    let catalogs = state.catalogs.current();
    let mut started = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).map_err(|e| format!("--pull {}: {e}", file.display()))?;
        let source = Source::new(&text, &Overrides::default(), &catalogs, state.id_key.clone())
            .map_err(|e| format!("--pull {}: {e}", file.display()))?;
        let source = Arc::new(source);
        tracing::info!(source = %source.settings.name, every_s = source.settings.every.as_secs(), centers = %source.centers.join(","), "dossier pull: started");
        tokio::spawn(run(source.clone(), Sink::Writer(state.writer.clone()), state.clock.clone()));
        started.push(source);
    }
    Ok(started)
}

/// `/metrics` lines for every source that has pulled into this database.
pub fn metrics(state: &crate::state::SharedState) -> Result<String, AppError> {
    use std::fmt::Write;
    let conn = state.pool.get()?;
    let now = state.clock.now().as_millisecond();
    type Row = (String, Option<i64>, Option<i64>, i64, i64, i64, i64, [i64; 4]);
    let mut stmt = conn.prepare_cached(
        "SELECT name, synced_at, newest_update, passes, failed_passes, failures_in_row, request_failures,
                created, updated, unchanged, rejected FROM pull_sources ORDER BY name",
    )?;
    let rows: Vec<Row> = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, [r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?]))
        })?
        .collect::<Result<_, _>>()?;
    let mut out = String::new();
    if rows.is_empty() {
        return Ok(out);
    }
    let mut family = |name: &str, kind: &str, help: &str, lines: Vec<String>| {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        for l in lines {
            let _ = writeln!(out, "{name}{l}");
        }
    };
    let label = |n: &str| format!("source=\"{n}\"");
    family(
        "motcua_dossier_pull_lag_seconds",
        "gauge",
        "Seconds since the last complete pull pass began: how far behind its source the mirror may be.",
        rows.iter().filter_map(|r| r.1.map(|s| format!("{{{}}} {}", label(&r.0), (now - s).max(0) as f64 / 1000.0))).collect(),
    );
    family(
        "motcua_dossier_pull_source_age_seconds",
        "gauge",
        "Seconds since the newest update time the source sent (quiet sources grow old too).",
        rows.iter().filter_map(|r| r.2.map(|s| format!("{{{}}} {}", label(&r.0), (now - s).max(0) as f64 / 1000.0))).collect(),
    );
    family(
        "motcua_dossier_pull_passes_total",
        "counter",
        "Pull passes, by result.",
        rows.iter()
            .flat_map(|r| [format!("{{{},result=\"ok\"}} {}", label(&r.0), r.3), format!("{{{},result=\"failed\"}} {}", label(&r.0), r.4)])
            .collect(),
    );
    family(
        "motcua_dossier_pull_failures_in_row",
        "gauge",
        "Pull passes failed in a row (0: the last one completed).",
        rows.iter().map(|r| format!("{{{}}} {}", label(&r.0), r.5)).collect(),
    );
    family(
        "motcua_dossier_pull_request_failures_total",
        "counter",
        "Upstream requests that failed (tried again, or ended a pass).",
        rows.iter().map(|r| format!("{{{}}} {}", label(&r.0), r.6)).collect(),
    );
    family(
        "motcua_dossier_pull_records_total",
        "counter",
        "Pulled records by outcome.",
        rows.iter()
            .flat_map(|r| {
                ["created", "updated", "unchanged", "rejected"]
                    .iter()
                    .zip(r.7)
                    .map(|(o, v)| format!("{{{},outcome=\"{o}\"}} {v}", label(&r.0)))
                    .collect::<Vec<_>>()
            })
            .collect(),
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_values_are_named_by_their_path() {
        let v = serde_json::json!({"MaHoSo": "X", "ChuHoSo": {"HoTen": "An", "GiayTo": {"So": "001099012345"}}, "DanhSach": [1]});
        let cells = cells_of_record(&v).unwrap();
        let names: Vec<&str> = cells.iter().map(|c| c.name.as_str()).collect();
        assert!(names.contains(&"ChuHoSo.HoTen") && names.contains(&"ChuHoSo.GiayTo.So") && names.contains(&"DanhSach"), "{names:?}");
        assert_eq!(at_path(&v, "ChuHoSo.GiayTo.So").and_then(text_of).as_deref(), Some("001099012345"));
        assert_eq!(at_path(&v, ""), Some(&v));
        assert!(cells_of_record(&serde_json::json!([1])).is_none());
    }

    #[test]
    fn failed_passes_wait_longer_up_to_a_limit() {
        let m = Duration::from_secs(60);
        assert_eq!(wait_after(m, 0), m);
        assert_eq!(wait_after(m, 1), m);
        assert_eq!(wait_after(m, 2), 2 * m);
        assert_eq!(wait_after(m, 3), 4 * m);
        assert_eq!(wait_after(m, 30), Duration::from_secs(900));
        assert_eq!(wait_after(Duration::from_secs(3600), 5), Duration::from_secs(3600), "never shorter than every");
    }
}
