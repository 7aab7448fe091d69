//! `motcua-central dossiers import`: a nightly export into the mirror, row by
//! row through the same write path as the API. Good rows are applied, every
//! bad row is reported with its row number and column; `--dry-run` writes nothing.

use std::collections::BTreeSet;
use std::path::PathBuf;

use jiff::Timestamp;
use motcua_domain::DossierCodeRules;
use motcua_domain::sources::WriteOutcome;
use rusqlite::TransactionBehavior;

use super::files;
use super::mapping::Mapping;
use super::record::{Context, Resolved, Unknown, map_row, resolve};
use crate::writer::dossier::{SourceKind, Ties, apply_each};

/// What to import, and how.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The database (it must exist and hold the center's catalog).
    pub db: PathBuf,
    /// The center the dossiers belong to.
    pub center: String,
    /// The CSV, XLSX or JSON file.
    pub file: PathBuf,
    /// A mapping file (TOML): column renames and a status table.
    pub mapping: Option<PathBuf>,
    /// Check and count, change nothing.
    pub dry_run: bool,
    /// The update time of rows without one (the time the export was taken); default now.
    pub as_of: Option<Timestamp>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// New dossiers.
    pub created: usize,
    /// Dossiers that changed.
    pub updated: usize,
    /// Rows with the same content, or older than what is stored.
    pub unchanged: usize,
    /// Rows not imported.
    pub rejected: usize,
    /// One line per problem: `row 5, column C "NgayHenTra": …`.
    pub problems: Vec<String>,
    /// Columns that are no field (left out).
    pub ignored_columns: Vec<String>,
    /// Nothing was written.
    pub dry_run: bool,
}

impl ImportReport {
    /// Created and updated.
    pub fn imported(&self) -> usize {
        self.created + self.updated
    }

    /// The summary line: `imported N, unchanged M, rejected K`.
    pub fn summary(&self) -> String {
        let mut s = format!("imported {}, unchanged {}, rejected {}", self.imported(), self.unchanged, self.rejected);
        if self.dry_run {
            s.push_str(" (dry run: nothing was written)");
        }
        s
    }
}

/// Runs an import. An `Err` is a problem with the whole file, the mapping or
/// the database: then nothing was written.
pub fn import(opts: &ImportOptions) -> Result<ImportReport, String> {
    let mapping = match &opts.mapping {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Some(Mapping::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?)
        }
        None => None,
    };
    let is_code = |name: &str| matches!(resolve(name, mapping.as_ref()), Resolved::Field(super::Field::Code));
    let table = files::read(&opts.file, &is_code)?;
    if !opts.db.exists() {
        return Err(format!("no database at {}: import a catalog first (motcua-central catalog import)", opts.db.display()));
    }
    let mut conn = if opts.dry_run {
        // A dry run must not even migrate the file.
        let conn = crate::db::open(&opts.db).map_err(|e| e.to_string())?;
        if !crate::db::schema_is_current(&conn).map_err(|e| e.to_string())? {
            return Err(format!(
                "{} has an older schema; a dry run changes nothing, so run the server or an import without --dry-run once first",
                opts.db.display()
            ));
        }
        conn
    } else {
        crate::db::open_and_migrate(&opts.db).map_err(|e| e.to_string())?
    };
    // ID numbers are hashed on arrival; a dry run hashes under a throwaway key
    // when the database has none yet (nothing it hashes is kept).
    let id_key = if opts.dry_run {
        crate::id_key::IdKey::load(&opts.db)?.unwrap_or_else(|| crate::id_key::IdKey::from_bytes(rand::random()))
    } else {
        let key = crate::id_key::IdKey::load_or_create(&opts.db)?;
        key.reconcile(&conn).map_err(|e| e.to_string())?;
        key
    };
    let catalogs = crate::catalog::load(&conn).map_err(|e| e.to_string())?;
    let cat = catalogs.center(&opts.center).ok_or_else(|| {
        let mut known: Vec<&str> = catalogs.centers.keys().map(String::as_str).collect();
        known.sort_unstable();
        format!("unknown center {:?}; centers in {}: {}", opts.center, opts.db.display(), known.join(", "))
    })?;

    let mut report = ImportReport { dry_run: opts.dry_run, ..Default::default() };
    let mut missing = BTreeSet::new();
    let mut present = BTreeSet::new();
    for name in &table.header {
        match resolve(name, mapping.as_ref()) {
            Resolved::Field(f) => {
                present.insert(f);
            }
            Resolved::Dropped => {}
            Resolved::Unknown if !name.is_empty() => report.ignored_columns.push(name.clone()),
            Resolved::Unknown => {}
        }
    }
    if !table.header.is_empty() {
        for f in super::Field::ALL.into_iter().filter(|f| f.required() && !present.contains(f)) {
            missing.insert(f.names());
        }
        if !missing.is_empty() {
            let missing: Vec<String> = missing.into_iter().collect();
            return Err(format!(
                "{}: no column for {} (columns: {}); rename them in a mapping file's [columns]",
                opts.file.display(),
                missing.join(", "),
                table.header.join(", ")
            ));
        }
    }

    let now = Timestamp::now();
    let actor = opts.file.file_name().map_or_else(|| "import".to_string(), |n| format!("import:{}", n.to_string_lossy()));
    let rules = DossierCodeRules::default();
    let ctx = Context {
        center: &opts.center,
        tz: &cat.tz,
        rules: &rules,
        mapping: mapping.as_ref(),
        unknown: Unknown::Ignore,
        received: opts.as_of.unwrap_or(now),
        now,
        source: SourceKind::Import,
        actor: &actor,
        id_key: Some(&id_key),
    };
    let mut records = Vec::new();
    let mut places = Vec::new();
    for row in &table.rows {
        let cells = match &row.cells {
            Ok(cells) => cells,
            Err(e) => {
                report.rejected += 1;
                report.problems.push(format!("{}: {e}", row.place));
                continue;
            }
        };
        let mapped = map_row(cells, &ctx);
        match mapped.result {
            Ok(record) => {
                records.push(record);
                places.push(row.place.clone());
            }
            Err(mut problems) => {
                report.rejected += 1;
                // Left to right, as the officer reads the row; problems without a column last.
                problems.sort_by_key(|p| p.column.as_ref().map_or((usize::MAX, String::new()), |c| (c.len(), c.clone())));
                for p in problems {
                    let place = p.place();
                    let at = if place.is_empty() { row.place.clone() } else { format!("{}, {place}", row.place) };
                    report.problems.push(format!("{at}: {}", p.message));
                }
            }
        }
    }

    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| e.to_string())?;
    let results = apply_each(&tx, &records, Ties::ContentHash, now);
    for (result, place) in results.into_iter().zip(&places) {
        match result {
            Ok(WriteOutcome::Created) => report.created += 1,
            Ok(WriteOutcome::Updated) => report.updated += 1,
            Ok(WriteOutcome::Unchanged) => report.unchanged += 1,
            Ok(WriteOutcome::Rejected) => report.rejected += 1,
            Err(e) => {
                report.rejected += 1;
                let message = e.api().map_or_else(|| e.to_string(), |a| a.message.clone());
                report.problems.push(format!("{place}: {message}"));
            }
        }
    }
    if opts.dry_run {
        tx.rollback().map_err(|e| e.to_string())?;
    } else {
        tx.commit().map_err(|e| e.to_string())?;
    }
    Ok(report)
}
