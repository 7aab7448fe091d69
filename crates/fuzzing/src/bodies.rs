//! The central server's JSON bodies: deserialized as the handlers do, then
//! checked by the same pure `validate_*` functions the handlers call before
//! anything is queued for the writer.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use motcua_central::error::AppError;
use motcua_central::fleet::check;
use motcua_central::http::batch::{MappedBatch, map_batch};
use motcua_central::sources::{Context, Unknown};
use motcua_central::writer::{self, SourceKind};
use motcua_domain::api::{IssueTicketRequest, PutDossierRequest, RatingRequest};
use motcua_domain::fleet::{HeartbeatRequest, MaintenanceRequest, NoticeRequest};
use motcua_domain::scan::is_ticket_token;
use motcua_domain::sources::WriteOutcome;
use motcua_domain::staff::{CallNumberRequest, TransferRequest};
use motcua_domain::{DossierCodeRules, DossierStatus};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Outcome, Violation, check_message, ensure};

/// The bodies, in the order of an input's first byte (modulo their number).
pub const BODIES: [&str; 9] = [
    "POST /api/v1/tickets",
    "POST /api/v1/ratings",
    "PUT /api/v1/dossiers/{code}",
    "POST /api/v1/dossiers/batch",
    "POST /api/v1/counters/{id}/call-number",
    "POST /api/v1/tickets/{token}/transfer",
    "POST /api/v1/kiosks/heartbeat",
    "PUT /api/v1/kiosks/{id}/maintenance",
    "PUT /api/v1/notice",
];

/// The server's clock in these checks: 2026-11-30 09:00 in Vĩnh Phúc.
fn now() -> Result<Timestamp, Violation> {
    Timestamp::from_second(1_796_004_000).map_err(|e| Violation(e.to_string()))
}

/// A refusal is a 4xx API error with both messages, never an internal error (a 500).
fn check_refusal(e: &AppError) -> Outcome {
    let Some(api) = e.api() else {
        return Err(Violation(format!("bad input answered as an internal error: {e}")));
    };
    let status = api.code.http_status();
    ensure!((400..500).contains(&status), "bad input answered {status} ({})", api.code.as_str());
    check_message("refusal (en)", &api.message)?;
    check_message("refusal (vi)", &api.message_vi)
}

/// Deserializes `json` as `T` (a body that does not is refused by the
/// extractor, which is not ours to fuzz); checks that what deserialized
/// serializes back to the same value, then runs `check` and, when it
/// accepts, `accepted`.
fn typed<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(
    json: &[u8],
    check: impl FnOnce(&T) -> Result<(), AppError>,
    accepted: impl FnOnce(&T) -> Outcome,
) -> Outcome {
    let Ok(req) = serde_json::from_slice::<T>(json) else { return Ok(()) };
    let back = serde_json::to_vec(&req).map_err(|e| Violation(format!("{req:?} does not serialize: {e}")))?;
    let again: Result<T, _> = serde_json::from_slice(&back);
    ensure!(again.as_ref().ok() == Some(&req), "{req:?} does not survive a round trip: {again:?}");
    match check(&req) {
        Ok(()) => accepted(&req),
        Err(e) => check_refusal(&e),
    }
}

fn ok(_: &impl Sized) -> Outcome {
    Ok(())
}

fn batch(json: &[u8]) -> Outcome {
    let tz = TimeZone::get("Asia/Ho_Chi_Minh").map_err(|e| Violation(e.to_string()))?;
    let rules = DossierCodeRules::default();
    let now = now()?;
    let key = motcua_central::id_key::IdKey::from_bytes([7; motcua_domain::id_card::ID_KEY_BYTES]);
    let ctx = Context {
        center: "vp-tinh",
        tz: &tz,
        rules: &rules,
        mapping: None,
        unknown: Unknown::Reject,
        received: now,
        now,
        source: SourceKind::Push,
        actor: "fuzz",
        id_key: Some(&key),
    };
    let MappedBatch { results, records, codes } = match map_batch(json, &ctx) {
        Ok(m) => m,
        Err(e) => return check_refusal(&e),
    };
    ensure!(results.len() == codes.len(), "{} results for {} codes", results.len(), codes.len());
    let mut next = 0;
    for result in &results {
        match result {
            Ok(i) => {
                ensure!(*i == next, "record {i} out of order (expected {next})");
                next += 1;
            }
            Err(item) => {
                ensure!(item.outcome == WriteOutcome::Rejected, "a refused item that is {:?}", item.outcome);
                let message = item.error.as_ref().map(|e| e.message.as_str()).unwrap_or_default();
                ensure!(!message.trim().is_empty(), "a refused item without a reason");
            }
        }
    }
    ensure!(next == records.len(), "{} records for {next} accepted items", records.len());
    for r in &records {
        ensure!(rules.parse(r.code.as_str()).as_ref() == Ok(&r.code), "record code {} does not parse to itself", r.code);
        ensure!(r.content.problems().is_empty(), "record {} accepted with problems {:?}", r.code, r.content.problems());
        ensure!(writer::dossier::note_problem(r.note.as_deref()).is_none(), "record {} accepted with a note too long", r.code);
        ensure!(
            r.source_updated_at <= now.saturating_add(jiff::SignedDuration::from_mins(10)).unwrap_or(now),
            "an update time far ahead accepted"
        );
    }
    Ok(())
}

/// The first byte picks a body of [`BODIES`]; the rest is its JSON.
pub fn json_bodies(data: &[u8]) -> Outcome {
    let Some((selector, json)) = data.split_first() else { return Ok(()) };
    let now = now()?;
    match selector % BODIES.len() as u8 {
        0 => typed(
            json,
            |r: &IssueTicketRequest| writer::validate_issue(r, now),
            |r| {
                ensure!(!r.kiosk_id.trim().is_empty() && r.kiosk_id.len() <= 64, "kiosk_id {:?} accepted", r.kiosk_id);
                if let Some(off) = &r.offline {
                    ensure!(is_ticket_token(&off.token), "offline token {:?} accepted", off.token);
                    ensure!((3..=20).contains(&off.number.len()) && off.number.contains('-'), "offline number {:?} accepted", off.number);
                }
                if let Some(code) = &r.dossier_code {
                    ensure!(DossierCodeRules::default().parse(code).is_ok(), "dossier code {code:?} accepted");
                }
                Ok(())
            },
        ),
        1 => typed(json, writer::validate_rating, |r: &RatingRequest| {
            ensure!((1..=3).contains(&r.score), "score {} accepted", r.score);
            ensure!(r.ticket_token.is_some() != r.dossier_code.is_some(), "not exactly one of ticket and dossier accepted");
            Ok(())
        }),
        2 => typed(
            json,
            |r: &PutDossierRequest| writer::validate_dossier(r).map(|_| ()),
            |r| {
                ensure!(DossierStatus::from_code(r.status).is_some(), "status {} accepted", r.status);
                ensure!(r.due_at >= r.received_at, "due before received accepted");
                ensure!(!writer::dossier::clean(&r.applicant_name).is_empty(), "a blank applicant accepted");
                Ok(())
            },
        ),
        3 => batch(json),
        4 => typed(
            json,
            |r: &CallNumberRequest| writer::validate_call_number(r).map(|_| ()),
            |r| {
                let reason = writer::validate_call_number(r).map_err(|e| Violation(e.to_string()))?;
                ensure!(!reason.is_empty() && reason.chars().count() <= 200 && reason == reason.trim(), "reason {reason:?} accepted");
                ensure!(!r.number.trim().is_empty() && r.number.len() <= 20, "number {:?} accepted", r.number);
                Ok(())
            },
        ),
        5 => typed(json, writer::validate_transfer, |r: &TransferRequest| {
            ensure!(r.service_id.is_some() || r.counter_id.is_some(), "a transfer to nowhere accepted");
            Ok(())
        }),
        6 => typed(json, check::heartbeat, |r: &HeartbeatRequest| {
            ensure!(check::valid_kiosk_id(&r.kiosk_id), "kiosk_id {:?} accepted", r.kiosk_id);
            ensure!(!r.version.trim().is_empty() && r.version.len() <= 64, "version {:?} accepted", r.version);
            Ok(())
        }),
        7 => typed(json, |_: &MaintenanceRequest| Ok(()), ok),
        _ => typed(
            json,
            |r: &NoticeRequest| check::notice(r.clone(), now).map(|_| ()),
            |r| {
                let notice = check::notice(r.clone(), now).map_err(|e| Violation(e.to_string()))?;
                let n = notice.text_vi.chars().count();
                ensure!((1..=check::NOTICE_MAX_CHARS).contains(&n), "a notice of {n} characters accepted");
                ensure!(!notice.text_vi.chars().any(char::is_control), "a notice with control characters accepted");
                ensure!(notice.until.is_none_or(|u| u > now), "a notice that has already ended accepted");
                Ok(())
            },
        ),
    }
}
