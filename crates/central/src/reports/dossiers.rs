//! Dossier figures of a period, by agency and by procedure.
//!
//! - **Received**: received in the period.
//! - **Resolved** (đã giải quyết): its result became ready or was handed over
//!   in the period (`done_at`); **on time** if that was no later than the due
//!   date, **late** otherwise.
//! - **Returned** (đã trả kết quả): status 10, handed over in the period (the
//!   source's return date, else the day it was done).
//! - **Overdue** (trễ hạn, still open): received before the period's end,
//!   not resolved by then, and due before then (or before now, for a period
//!   that has not ended); withdrawn, refused and stopped dossiers are not
//!   pending and never overdue.
//!
//! The agency of a dossier is the agency of its procedure's field in the
//! catalog; a dossier whose procedure the catalog does not know is counted
//! under "other".

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::{Connection, params};

use crate::catalog::CenterCatalog;
use crate::error::AppError;

/// Dossier figures of a set of dossiers; they add up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DossierFigures {
    /// Received in the period.
    pub received: u64,
    /// Resolved in the period.
    pub resolved: u64,
    /// Of the resolved, by their due date.
    pub on_time: u64,
    /// Of the resolved, after their due date.
    pub late: u64,
    /// Handed over in the period.
    pub returned: u64,
    /// Still open at the period's end and past due.
    pub overdue_open: u64,
}

impl DossierFigures {
    /// Adds another set.
    pub fn merge(&mut self, o: &DossierFigures) {
        self.received += o.received;
        self.resolved += o.resolved;
        self.on_time += o.on_time;
        self.late += o.late;
        self.returned += o.returned;
        self.overdue_open += o.overdue_open;
    }

    /// On time ÷ resolved.
    pub fn on_time_rate(&self) -> Option<f64> {
        (self.resolved > 0).then(|| self.on_time as f64 / self.resolved as f64)
    }
}

/// One line of a dossier table.
#[derive(Debug, Clone, PartialEq)]
pub struct DossierLine {
    /// Agency or procedure id ('' for "other").
    pub id: String,
    /// Vietnamese name.
    pub name: String,
    /// English name, if the catalog has one.
    pub name_en: Option<String>,
    /// The agency's name (procedure lines).
    pub agency: String,
    /// The figures.
    pub figures: DossierFigures,
}

/// The dossier part of a report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DossierReport {
    /// All dossiers in scope.
    pub total: DossierFigures,
    /// By agency, most received first.
    pub by_agency: Vec<DossierLine>,
    /// By procedure, most received first.
    pub by_procedure: Vec<DossierLine>,
}

/// The procedures a service takes (its own list and every procedure of its fields).
pub fn procedures_of_service(cat: &CenterCatalog, service_id: &str) -> HashSet<String> {
    let Some(s) = cat.service(service_id) else { return HashSet::new() };
    cat.catalog.procedures.iter().filter(|p| s.procedures.contains(&p.id) || s.fields.contains(&p.field)).map(|p| p.id.clone()).collect()
}

type Groups = HashMap<(Option<String>, String), DossierFigures>;

/// Adds up one figure from rows of `(procedure_id, procedure_name, a, b)`,
/// one row per dossier. Counted here rather than by `GROUP BY`: a year of
/// dossiers read in index order and hashed costs a fraction of SQLite
/// sorting them by procedure first.
fn group_into(
    conn: &Connection,
    sql: &str,
    args: &[&dyn rusqlite::ToSql],
    out: &mut Groups,
    apply: fn(&mut DossierFigures, i64, i64),
) -> Result<(), AppError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(args)?;
    // By procedure id, and by name for a dossier without one: (a, b).
    let mut by_id: HashMap<String, (i64, i64)> = HashMap::new();
    let mut by_name: HashMap<String, (i64, i64)> = HashMap::new();
    while let Some(r) = rows.next()? {
        let (a, b): (i64, i64) = (r.get(2)?, r.get::<_, Option<i64>>(3)?.unwrap_or(0));
        let (sums, key) = match r.get_ref(0)?.as_str_or_null().map_err(rusqlite::Error::from)? {
            Some(id) => (&mut by_id, id),
            None => (&mut by_name, r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?),
        };
        match sums.get_mut(key) {
            Some(s) => {
                s.0 += a;
                s.1 += b;
            }
            None => {
                sums.insert(key.to_string(), (a, b));
            }
        }
    }
    let keyed = by_id.into_iter().map(|(id, v)| ((Some(id), String::new()), v));
    for (key, (a, b)) in keyed.chain(by_name.into_iter().map(|(name, v)| ((None, name), v))) {
        apply(out.entry(key).or_default(), a, b);
    }
    Ok(())
}

fn n(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// The dossier figures of `[start_ms, end_ms)` at `now_ms`; `procedures`
/// limits them to those procedures (a service filter).
pub fn build(
    conn: &Connection,
    cat: &CenterCatalog,
    procedures: Option<&HashSet<String>>,
    start_ms: i64,
    end_ms: i64,
    now_ms: i64,
) -> Result<DossierReport, AppError> {
    let center = &cat.center().id;
    let cap = end_ms.min(now_ms);
    let mut g = Groups::new();
    // Each figure twice: by procedure id (read from its covering index
    // alone), and by name for the few dossiers whose source gave no id.
    // The few without an id come from their own partial index: scanning a
    // year of the others for them would cost as much as counting them.
    let by_id = ("procedure_id, '' AS name, 1", "dossiers", "procedure_id IS NOT NULL");
    let by_name = ("NULL, procedure_name, 1", "dossiers INDEXED BY report_dossiers_unnamed", "procedure_id IS NULL");
    for (cols, table, known) in [by_id, by_name] {
        group_into(
            conn,
            &format!("SELECT {cols}, 0 FROM {table} WHERE center = ?1 AND received_at >= ?2 AND received_at < ?3 AND {known}"),
            params![center, start_ms, end_ms],
            &mut g,
            |f, a, _| f.received += n(a),
        )?;
        group_into(
            conn,
            &format!(
                "SELECT {cols}, done_at <= due_at FROM {table}
                 WHERE center = ?1 AND done_at >= ?2 AND done_at < ?3 AND {known}"
            ),
            params![center, start_ms, end_ms],
            &mut g,
            |f, a, b| {
                f.resolved += n(a);
                f.on_time += n(b);
                f.late += n(a - b);
            },
        )?;
        group_into(
            conn,
            &format!(
                "SELECT {cols}, 0 FROM {table}
                 WHERE center = ?1 AND status = 10 AND coalesce(returned_at, done_at) >= ?2 AND coalesce(returned_at, done_at) < ?3
                   AND {known}"
            ),
            params![center, start_ms, end_ms],
            &mut g,
            |f, a, _| f.returned += n(a),
        )?;
        // Open now (pending statuses only) …
        group_into(
            conn,
            &format!(
                "SELECT {cols}, 0 FROM {table}
                 WHERE center = ?1 AND done_at IS NULL AND due_at < ?2 AND received_at < ?3 AND status IN (1, 2, 4, 5, 6)
                   AND {known}"
            ),
            params![center, cap, end_ms],
            &mut g,
            |f, a, _| f.overdue_open += n(a),
        )?;
        // … and resolved only after the period's end.
        group_into(
            conn,
            &format!(
                "SELECT {cols}, 0 FROM {table}
                 WHERE center = ?1 AND done_at >= ?3 AND due_at < ?2 AND received_at < ?3 AND {known}"
            ),
            params![center, cap, end_ms],
            &mut g,
            |f, a, _| f.overdue_open += n(a),
        )?;
    }

    let field_agency: HashMap<&str, &str> = cat.catalog.fields.iter().map(|f| (f.id.as_str(), f.agency.as_str())).collect();
    let procedure = |id: &str| cat.catalog.procedures.iter().find(|p| p.id == id);
    let mut report = DossierReport::default();
    let mut by_agency: BTreeMap<String, DossierFigures> = BTreeMap::new();
    let mut by_procedure: BTreeMap<String, DossierLine> = BTreeMap::new();
    for ((pid, pname), f) in g {
        let known = pid.as_deref().and_then(procedure);
        if let Some(filter) = procedures
            && !pid.as_ref().is_some_and(|p| filter.contains(p))
        {
            continue;
        }
        let agency_id = known.and_then(|p| field_agency.get(p.field.as_str())).map(|a| (*a).to_string()).unwrap_or_default();
        report.total.merge(&f);
        by_agency.entry(agency_id.clone()).or_default().merge(&f);
        let key = pid.clone().unwrap_or_else(|| format!("~{pname}"));
        let line = by_procedure.entry(key).or_insert_with(|| DossierLine {
            id: pid.clone().unwrap_or_default(),
            name: known
                .map(|p| p.name.clone())
                .unwrap_or_else(|| if pname.is_empty() { pid.clone().unwrap_or_default() } else { pname.clone() }),
            name_en: known.and_then(|p| p.name_en.clone()),
            agency: agency_name(cat, &agency_id).0,
            figures: DossierFigures::default(),
        });
        line.figures.merge(&f);
    }
    report.by_agency = by_agency
        .into_iter()
        .map(|(id, figures)| {
            let (name, name_en) = agency_name(cat, &id);
            DossierLine { agency: name.clone(), id, name, name_en, figures }
        })
        .collect();
    report.by_agency.sort_by(|a, b| b.figures.received.cmp(&a.figures.received).then_with(|| a.name.cmp(&b.name)));
    report.by_procedure = by_procedure.into_values().collect();
    report.by_procedure.sort_by(|a, b| b.figures.received.cmp(&a.figures.received).then_with(|| a.name.cmp(&b.name)));
    Ok(report)
}

fn agency_name(cat: &CenterCatalog, id: &str) -> (String, Option<String>) {
    match cat.catalog.agencies.iter().find(|a| a.id == id) {
        Some(a) => (a.name.clone(), a.name_en.clone()),
        None => ("Khác (thủ tục ngoài danh mục)".into(), Some("Other (procedure not in the catalog)".into())),
    }
}
