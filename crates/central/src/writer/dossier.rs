//! The one write path for dossier data: a staff `PUT`, a pushed batch and a
//! file import all become a [`DossierRecord`] and go through [`apply`].
//!
//! Ordering: every record carries its source's update time. A record older
//! than the stored one never overwrites it (`unchanged`). At the same time,
//! identical content is `unchanged`; different content is settled by
//! [`Ties`]: for sources, the greater content hash (SHA-256 hex, compared as
//! text) wins, so replaying the same records in any order ends in the same
//! state; a staff write at the counter wins its tie. A status change appends
//! one history step, at the source's update time.

use jiff::Timestamp;
use motcua_domain::api::PutDossierRequest;
use motcua_domain::dossier::DossierStatus;
use motcua_domain::sources::WriteOutcome;
use motcua_domain::{DossierCode, ErrorCode};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use super::Outcome;
use crate::error::AppError;
use crate::sources::Field;

/// Who wrote a record; stored in `dossiers.source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A staff `PUT /api/v1/dossiers/{code}`.
    Staff,
    /// `POST /api/v1/dossiers/batch` with an integration token.
    Push,
    /// `motcua-central dossiers import`.
    Import,
    /// The pull connector (`dossiers pull`, `serve --pull`).
    Pull,
}

impl SourceKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Staff => "staff",
            Self::Push => "push",
            Self::Import => "import",
            Self::Pull => "pull",
        }
    }
}

/// How a record with the same update time as the stored one, but different
/// content, is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ties {
    /// The greater content hash wins: deterministic whatever the arrival order.
    ContentHash,
    /// The incoming record wins: a staff change at the counter is the newest word.
    Incoming,
}

/// What the mirror stores of a dossier, and what its content hash covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierContent {
    /// The procedure's code in the national catalog (MaTTHC).
    pub procedure_id: Option<String>,
    /// The procedure's name (TenTTHC).
    pub procedure_name: String,
    /// The applicant (ChuHoSo); masked on every public screen.
    pub applicant_name: String,
    /// One of the ten national codes.
    pub status: DossierStatus,
    /// When it was received (NgayTiepNhan).
    pub received_at: Timestamp,
    /// When the result is due (NgayHenTra).
    pub due_at: Timestamp,
    /// When the result was handed over (NgayTra).
    pub returned_at: Option<Timestamp>,
    /// Where the result is collected.
    pub collect_at: Option<String>,
    /// The unit processing it now (DonViXuLy).
    pub unit: Option<String>,
    /// The keyed hash of the applicant's ID number (never the number): what
    /// an ID card lookup finds it by. A record without one keeps the stored one.
    pub applicant_id_hash: Option<String>,
}

/// A problem with one field: which, and what, in English and Vietnamese.
pub type FieldProblem = (Field, String, String);

impl DossierContent {
    /// What is wrong with it, field by field: lengths of the texts, the order of the dates.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        let mut text = |field: Field, value: Option<&str>, min: usize, max: usize| {
            if let Some(v) = value {
                let n = v.chars().count();
                if n < min || n > max {
                    let name = field.ours();
                    out.push((
                        field,
                        format!("{name} must be {min} to {max} characters"),
                        format!("{name} phải có từ {min} đến {max} ký tự"),
                    ));
                }
            }
        };
        text(Field::ProcedureName, Some(&self.procedure_name), 1, 1000);
        text(Field::ApplicantName, Some(&self.applicant_name), 1, 200);
        text(Field::ProcedureId, self.procedure_id.as_deref(), 1, 100);
        text(Field::CollectAt, self.collect_at.as_deref(), 1, 500);
        text(Field::Unit, self.unit.as_deref(), 1, 500);
        if self.due_at < self.received_at {
            out.push((Field::DueAt, "due_at is before received_at".into(), "Ngày hẹn trả trước ngày tiếp nhận".into()));
        }
        if self.returned_at.is_some_and(|r| r < self.received_at) {
            out.push((Field::ReturnedAt, "returned_at is before received_at".into(), "Ngày trả kết quả trước ngày tiếp nhận".into()));
        }
        out
    }

    /// SHA-256 (hex) of the content: equal content, equal hash. The
    /// applicant ID hash counts only when there is one, so a dossier without
    /// it hashes as it did before the field existed.
    pub fn hash(&self) -> String {
        let mut canonical = serde_json::json!([
            self.procedure_id,
            self.procedure_name,
            self.applicant_name,
            self.status.code(),
            self.received_at.as_millisecond(),
            self.due_at.as_millisecond(),
            self.returned_at.map(Timestamp::as_millisecond),
            self.collect_at,
            self.unit,
        ]);
        if let (Some(id), Some(list)) = (&self.applicant_id_hash, canonical.as_array_mut()) {
            list.push(serde_json::Value::String(id.clone()));
        }
        crate::catalog::hex(&Sha256::digest(canonical.to_string().as_bytes()))
    }
}

/// One dossier as any source gives it, normalised and checked: what [`apply`] writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierRecord {
    /// The dossier code, parsed.
    pub code: DossierCode,
    /// The center that holds it (the token's or the import's).
    pub center: String,
    /// What is stored.
    pub content: DossierContent,
    /// Kept with the history step a status change adds.
    pub note: Option<String>,
    /// Who wrote it.
    pub source: SourceKind,
    /// The token or file name, recorded as the history step's actor.
    pub actor: String,
    /// The source's update time, which orders writes.
    pub source_updated_at: Timestamp,
}

/// Trims and NFC-normalises a text (sources send Vietnamese decomposed as often as composed).
pub fn clean(s: &str) -> String {
    s.trim().nfc().collect()
}

fn clean_opt(s: Option<&str>) -> Option<String> {
    s.map(clean).filter(|s| !s.is_empty())
}

/// Longest history note.
pub const MAX_NOTE: usize = 2000;

/// The note's problem, if it is too long.
pub fn note_problem(note: Option<&str>) -> Option<FieldProblem> {
    note.filter(|n| n.chars().count() > MAX_NOTE)
        .map(|_| (Field::Note, format!("note must be at most {MAX_NOTE} characters"), format!("Ghi chú tối đa {MAX_NOTE} ký tự")))
}

fn content_of(req: &PutDossierRequest, status: DossierStatus) -> DossierContent {
    DossierContent {
        procedure_id: clean_opt(req.procedure_id.as_deref()),
        procedure_name: clean(&req.procedure_name),
        applicant_name: clean(&req.applicant_name),
        status,
        received_at: req.received_at,
        due_at: req.due_at,
        returned_at: None,
        collect_at: clean_opt(req.collect_at.as_deref()),
        unit: clean_opt(req.unit.as_deref()),
        applicant_id_hash: None,
    }
}

/// Checks a staff dossier write without the database: the status code, the
/// lengths of the texts, the order of the dates. Returns the status.
pub fn validate(req: &PutDossierRequest) -> Result<DossierStatus, AppError> {
    let status = DossierStatus::from_code(req.status)
        .ok_or_else(|| AppError::invalid("status must be a national status code 1..10", "Trạng thái phải là mã từ 1 đến 10"))?;
    raw_texts(req)?;
    let content = content_of(req, status);
    if let Some((field, en, vi)) = content.problems().into_iter().next().or_else(|| note_problem(req.note.as_deref())) {
        let code = if matches!(field, Field::DueAt | Field::ReturnedAt) { ErrorCode::DatesOutOfOrder } else { ErrorCode::InvalidRequest };
        return Err(AppError::msg(code, en, vi));
    }
    Ok(status)
}

/// The texts of a staff write as they were sent, measured before trimming
/// (as the OpenAPI document's `maxLength` measures them): required ones not
/// blank, none too long.
fn raw_texts(req: &PutDossierRequest) -> Result<(), AppError> {
    use motcua_domain::text::{chars, is_blank};
    let texts = [
        ("procedure_name", Some(req.procedure_name.as_str()), true, 1000),
        ("applicant_name", Some(req.applicant_name.as_str()), true, 200),
        ("procedure_id", req.procedure_id.as_deref(), false, 100),
        ("collect_at", req.collect_at.as_deref(), false, 500),
        ("unit", req.unit.as_deref(), false, 500),
        ("note", req.note.as_deref(), false, MAX_NOTE),
    ];
    for (name, value, required, max) in texts {
        let Some(v) = value else { continue };
        if (required && is_blank(v)) || chars(v) > max {
            let min = usize::from(required);
            return Err(AppError::invalid(
                format!("{name} must be {min} to {max} characters"),
                format!("{name} phải có từ {min} đến {max} ký tự"),
            ));
        }
    }
    Ok(())
}

/// A staff `PUT`: the record's update time is now, and it wins a tie.
pub(super) fn put_dossier(
    tx: &Connection,
    center: &str,
    code: &DossierCode,
    req: &PutDossierRequest,
    actor: &str,
    now: Timestamp,
) -> Result<Outcome, AppError> {
    let status = validate(req)?;
    let record = DossierRecord {
        code: code.clone(),
        center: center.to_string(),
        content: content_of(req, status),
        note: clean_opt(req.note.as_deref()),
        source: SourceKind::Staff,
        actor: actor.to_string(),
        source_updated_at: now,
    };
    let outcome = apply(tx, &record, Ties::Incoming, now)?;
    Ok(Outcome::Dossier { created: outcome == WriteOutcome::Created })
}

/// What is stored of a dossier, as far as ordering needs it.
struct Stored {
    center: String,
    content: DossierContent,
    ordered_at: i64,
    done_at: Option<i64>,
}

fn stored(tx: &Connection, code: &str) -> Result<Option<Stored>, AppError> {
    type Row = (
        String,
        Option<String>,
        String,
        String,
        u8,
        i64,
        i64,
        Option<i64>,
        Option<String>,
        Option<String>,
        i64,
        Option<i64>,
        Option<String>,
    );
    let row: Option<Row> = tx
        .prepare_cached(
            "SELECT center, procedure_id, procedure_name, applicant_name, status, received_at, due_at, returned_at,
                    collect_at, unit, coalesce(source_updated_at, updated_at), done_at, applicant_id_hash
             FROM dossiers WHERE code = ?1",
        )?
        .query_row([code], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
                r.get(12)?,
            ))
        })
        .optional()?;
    let Some((
        center,
        procedure_id,
        procedure_name,
        applicant_name,
        status,
        received,
        due,
        returned,
        collect_at,
        unit,
        ordered_at,
        done_at,
        applicant_id_hash,
    )) = row
    else {
        return Ok(None);
    };
    let status = DossierStatus::from_code(status).ok_or_else(|| AppError::Internal(format!("stored dossier status {status}")))?;
    let ts = crate::tickets::ts;
    let content = DossierContent {
        procedure_id,
        procedure_name,
        applicant_name,
        status,
        received_at: ts(received),
        due_at: ts(due),
        returned_at: returned.map(ts),
        collect_at,
        unit,
        applicant_id_hash,
    };
    Ok(Some(Stored { center, content, ordered_at, done_at }))
}

/// Writes one record idempotently, in order: created, updated, or unchanged
/// (same content, or older than what is stored). A dossier of another center
/// is refused (`forbidden`). `now` is the server's time, kept as the row's
/// `updated_at` and `heard_at`.
pub fn apply(tx: &Connection, rec: &DossierRecord, ties: Ties, now: Timestamp) -> Result<WriteOutcome, AppError> {
    let code = rec.code.as_str();
    let existing = stored(tx, code)?;
    if let Some(s) = &existing
        && s.center != rec.center
    {
        return Err(AppError::msg(
            ErrorCode::Forbidden,
            format!("dossier {code} belongs to another center ({})", s.center),
            format!("Hồ sơ {code} thuộc trung tâm khác ({})", s.center),
        ));
    }
    // The ID hash is learnt: a record that does not carry one keeps the stored one.
    let mut content = rec.content.clone();
    if content.applicant_id_hash.is_none() {
        content.applicant_id_hash = existing.as_ref().and_then(|s| s.content.applicant_id_hash.clone());
    }
    let c = &content;
    let t = rec.source_updated_at.as_millisecond();
    let now_ms = now.as_millisecond();
    let incoming = c.hash();
    if let Some(s) = &existing {
        let stored_hash = s.content.hash();
        let wins = match t.cmp(&s.ordered_at) {
            std::cmp::Ordering::Less => false,
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Equal => ties == Ties::Incoming || incoming > stored_hash,
        };
        if !wins || incoming == stored_hash {
            // The source spoke: remember when, and a newer time for the same content.
            tx.prepare_cached(
                "UPDATE dossiers SET heard_at = ?2, source_updated_at = max(coalesce(source_updated_at, updated_at), ?3) WHERE code = ?1",
            )?
            .execute(params![code, now_ms, t])?;
            return Ok(WriteOutcome::Unchanged);
        }
    }
    let done = matches!(c.status, DossierStatus::ReadyToCollect | DossierStatus::HandedOver);
    // When it first became ready or was handed over: the earliest evidence.
    let done_at =
        existing.as_ref().and_then(|s| s.done_at).or_else(|| done.then(|| c.returned_at.map_or(t, |r| r.as_millisecond().min(t))));
    tx.prepare_cached(
        "INSERT INTO dossiers (code, center, procedure_id, procedure_name, applicant_name, status, received_at, due_at,
                               done_at, collect_at, updated_at, source, source_updated_at, heard_at, returned_at, unit,
                               applicant_id_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?11, ?14, ?15, ?16)
         ON CONFLICT (code) DO UPDATE SET procedure_id = excluded.procedure_id, procedure_name = excluded.procedure_name,
             applicant_name = excluded.applicant_name, status = excluded.status, received_at = excluded.received_at,
             due_at = excluded.due_at, done_at = excluded.done_at, collect_at = excluded.collect_at,
             updated_at = excluded.updated_at, source = excluded.source, source_updated_at = excluded.source_updated_at,
             heard_at = excluded.heard_at, returned_at = excluded.returned_at, unit = excluded.unit,
             applicant_id_hash = excluded.applicant_id_hash",
    )?
    .execute(params![
        code,
        rec.center,
        c.procedure_id,
        c.procedure_name,
        c.applicant_name,
        c.status.code(),
        c.received_at.as_millisecond(),
        c.due_at.as_millisecond(),
        done_at,
        c.collect_at,
        now_ms,
        rec.source.as_str(),
        t,
        c.returned_at.map(Timestamp::as_millisecond),
        c.unit,
        c.applicant_id_hash,
    ])?;
    if existing.as_ref().is_none_or(|s| s.content.status != c.status) {
        tx.prepare_cached("INSERT INTO dossier_history (code, at, status, unit, actor, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
            .execute(params![code, t, c.status.code(), c.unit.as_deref().unwrap_or(&rec.actor), rec.actor, rec.note])?;
    }
    Ok(if existing.is_some() { WriteOutcome::Updated } else { WriteOutcome::Created })
}

/// Writes records in order, each in its own savepoint: one that fails is
/// rolled back alone and its error returned at its place.
pub fn apply_each(tx: &Connection, records: &[DossierRecord], ties: Ties, now: Timestamp) -> Vec<Result<WriteOutcome, AppError>> {
    records
        .iter()
        .map(|rec| {
            tx.prepare_cached("SAVEPOINT dossier")?.execute([])?;
            let result = apply(tx, rec, ties, now);
            if result.is_err() {
                tx.prepare_cached("ROLLBACK TO dossier")?.execute([])?;
            }
            tx.prepare_cached("RELEASE dossier")?.execute([])?;
            result
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_domain::DossierCodeRules;

    use crate::db::temp_db as db;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn record(status: u8, updated: &str) -> DossierRecord {
        DossierRecord {
            code: DossierCodeRules::default().parse("000.00.12.H62-261130-0101").unwrap(),
            center: "c".into(),
            content: DossierContent {
                procedure_id: None,
                procedure_name: "Đăng ký khai sinh".into(),
                applicant_name: "Phạm Văn Hùng".into(),
                status: DossierStatus::from_code(status).unwrap(),
                received_at: ts("2026-11-30T01:00:00Z"),
                due_at: ts("2026-12-02T09:00:00Z"),
                returned_at: None,
                collect_at: None,
                unit: None,
                applicant_id_hash: None,
            },
            note: None,
            source: SourceKind::Push,
            actor: "sync".into(),
            source_updated_at: ts(updated),
        }
    }

    fn status(conn: &Connection) -> (u8, i64) {
        conn.query_row("SELECT status, (SELECT count(*) FROM dossier_history) FROM dossiers", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap()
    }

    #[test]
    fn newer_wins_older_never_does_and_history_grows_only_on_a_status_change() {
        let (_d, conn) = db();
        let now = ts("2026-11-30T05:00:00Z");
        let put = |r: &DossierRecord| apply(&conn, r, Ties::ContentHash, now).unwrap();
        assert_eq!(put(&record(2, "2026-11-30T02:00:00Z")), WriteOutcome::Created);
        assert_eq!(put(&record(2, "2026-11-30T02:00:00Z")), WriteOutcome::Unchanged);
        assert_eq!(put(&record(4, "2026-11-30T03:00:00Z")), WriteOutcome::Updated);
        assert_eq!(put(&record(9, "2026-11-30T02:30:00Z")), WriteOutcome::Unchanged, "older");
        assert_eq!(status(&conn), (4, 2));
        let mut renamed = record(4, "2026-11-30T04:00:00Z");
        renamed.content.unit = Some("Phòng Tư pháp".into());
        assert_eq!(put(&renamed), WriteOutcome::Updated);
        assert_eq!(status(&conn), (4, 2), "same status: no new step");
        // Same content at a newer time: unchanged, but the newer time is kept,
        // so a record between the two times no longer wins.
        assert_eq!(
            put(&{
                let mut r = renamed.clone();
                r.source_updated_at = ts("2026-11-30T04:30:00Z");
                r
            }),
            WriteOutcome::Unchanged
        );
        assert_eq!(put(&record(9, "2026-11-30T04:15:00Z")), WriteOutcome::Unchanged);
    }

    #[test]
    fn a_tie_goes_to_the_greater_content_hash_whatever_the_order() {
        let at = "2026-11-30T02:00:00Z";
        let (a, b) = (record(4, at), record(9, at));
        let winner = if a.content.hash() > b.content.hash() { 4 } else { 9 };
        for order in [[&a, &b], [&b, &a]] {
            let (_d, conn) = db();
            for r in order {
                apply(&conn, r, Ties::ContentHash, ts(at)).unwrap();
            }
            assert_eq!(status(&conn).0, winner);
        }
        let (_d, conn) = db();
        apply(&conn, &a, Ties::ContentHash, ts(at)).unwrap();
        assert_eq!(apply(&conn, &b, Ties::Incoming, ts(at)).unwrap(), WriteOutcome::Updated, "a staff write wins its tie");
    }

    #[test]
    fn another_centers_dossier_is_refused_and_a_savepoint_keeps_the_others() {
        let (_d, conn) = db();
        let now = ts("2026-11-30T05:00:00Z");
        let mine = record(2, "2026-11-30T02:00:00Z");
        let mut theirs = record(4, "2026-11-30T03:00:00Z");
        theirs.center = "other".into();
        let results = apply_each(&conn, &[mine, theirs], Ties::ContentHash, now);
        assert_eq!(results[0].as_ref().unwrap(), &WriteOutcome::Created);
        let e = results[1].as_ref().unwrap_err();
        assert_eq!(e.api().map(|e| e.code), Some(ErrorCode::Forbidden));
        assert_eq!(status(&conn), (2, 1));
    }

    #[test]
    fn done_at_is_the_earliest_evidence_and_stays() {
        let (_d, conn) = db();
        let now = ts("2026-12-05T05:00:00Z");
        let mut r = record(10, "2026-12-04T05:00:00Z");
        r.content.returned_at = Some(ts("2026-12-01T08:00:00Z"));
        apply(&conn, &r, Ties::ContentHash, now).unwrap();
        let done: i64 = conn.query_row("SELECT done_at FROM dossiers", [], |r| r.get(0)).unwrap();
        assert_eq!(done, ts("2026-12-01T08:00:00Z").as_millisecond());
    }

    #[test]
    fn the_id_hash_is_learnt_and_kept_by_records_without_one() {
        let (_d, conn) = db();
        let now = ts("2026-11-30T05:00:00Z");
        let put = |r: &DossierRecord| apply(&conn, r, Ties::ContentHash, now).unwrap();
        let stored = || -> Option<String> { conn.query_row("SELECT applicant_id_hash FROM dossiers", [], |r| r.get(0)).unwrap() };
        put(&record(2, "2026-11-30T01:00:00Z"));
        let mut with_id = record(2, "2026-11-30T02:00:00Z");
        with_id.content.applicant_id_hash = Some("a".repeat(64));
        assert_eq!(put(&with_id), WriteOutcome::Updated, "the source taught the ID");
        assert_eq!(stored(), Some("a".repeat(64)));
        assert_eq!(put(&record(2, "2026-11-30T03:00:00Z")), WriteOutcome::Unchanged, "a record without the ID keeps it");
        assert_eq!(put(&record(4, "2026-11-30T04:00:00Z")), WriteOutcome::Updated);
        assert_eq!(stored(), Some("a".repeat(64)));
        assert_eq!(record(2, "2026-11-30T01:00:00Z").content.hash().len(), 64);
    }

    #[test]
    fn text_is_trimmed_and_composed() {
        assert_eq!(clean("  Nguye\u{302}\u{303}n "), "Nguyễn");
    }
}
