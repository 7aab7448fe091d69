//! Engine data → the receipt crate's slip inputs, in the center's local time.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use motcua_domain::api::DossierView;
use motcua_domain::catalog::DocumentForm as DomainForm;
use motcua_domain::{Catalog, Procedure};
use motcua_receipt::{ChecklistDocument, ChecklistSlip, DocumentForm, DossierSlip, Fee, Lang, TicketSlip};

/// The center's time zone. A zone the bundled database does not know (a typo
/// in the catalog) falls back to UTC+7, Vietnam's only offset, so a slip still
/// prints the right local time; the catalog install logs a warning.
pub fn center_tz(catalog: &Catalog) -> TimeZone {
    zone(&catalog.center.time_zone)
}

fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or_else(|_| TimeZone::fixed(jiff::tz::offset(7)))
}

/// A timestamp in the center's local time.
pub fn local(at: Timestamp, tz: &TimeZone) -> DateTime {
    at.to_zoned(tz.clone()).datetime()
}

/// `english` when the slip is in English and there is one, else the Vietnamese name.
fn in_lang(lang: Lang, name: &str, english: Option<&str>) -> String {
    match (lang, english.map(str::trim)) {
        (Lang::En, Some(en)) if !en.is_empty() => en.to_owned(),
        _ => name.to_owned(),
    }
}

/// The center's name in the slip's language.
fn center_name(catalog: &Catalog, lang: Lang) -> String {
    in_lang(lang, &catalog.center.name, catalog.center.name_en.as_deref())
}

/// The queue ticket slip, names in `lang` where the catalog has them.
pub fn ticket(catalog: &Catalog, t: &crate::types::KioskTicket, lang: Lang) -> TicketSlip {
    let tz = center_tz(catalog);
    let category = t.priority.as_ref().and_then(|id| catalog.priority_categories.iter().find(|c| &c.id == id));
    let priority = match category {
        Some(c) => Some(in_lang(lang, &c.name, c.name_en.as_deref())),
        // A category gone from the catalog since: the name journalled with the ticket.
        None => t.priority_name.clone(),
    };
    TicketSlip {
        center_name: center_name(catalog, lang),
        logo: None,
        number: t.number.clone(),
        service_name: in_lang(lang, &t.service_name, t.service_name_en.as_deref()),
        counter_area: t.area.clone(),
        priority,
        issued_at: local(t.issued_at, &tz),
        people_ahead: t.ahead,
        estimated_wait_minutes: t.estimated_wait_s.map(|s| s.div_ceil(60)),
        lookup_url: t.lookup_url.clone(),
        offline: t.offline,
        appointment: t.appointment.as_ref().map(|a| local(a.slot_start, &tz).time()),
    }
}

/// The dossier status slip.
pub fn dossier(catalog: &Catalog, d: &DossierView, lang: Lang, now: Timestamp) -> DossierSlip {
    let tz = center_tz(catalog);
    let (status, next_step) = match lang {
        Lang::Vi => (d.status.label_vi.clone(), d.status.next_step_vi.clone()),
        Lang::En => (d.status.label_en.clone(), d.status.next_step_en.clone()),
    };
    DossierSlip {
        center_name: center_name(catalog, lang),
        dossier_code: d.code.clone(),
        procedure_name: d.procedure_name.clone(),
        applicant_masked: d.applicant.clone(),
        status,
        next_step,
        received_at: local(d.received_at, &tz),
        due_at: local(d.due_at, &tz).date(),
        overdue: d.overdue,
        collect_at: d.collect_at.clone(),
        printed_at: local(now, &tz),
    }
}

/// The procedure checklist slip, names in `lang` where the catalog has them.
pub fn checklist(catalog: &Catalog, p: &Procedure, now: Timestamp, lang: Lang) -> ChecklistSlip {
    let tz = center_tz(catalog);
    let fee = match p.fee_vnd {
        Some(0) => Fee::Free,
        Some(v) => Fee::Vnd(v),
        None => Fee::Text(p.fee.clone()),
    };
    ChecklistSlip {
        center_name: center_name(catalog, lang),
        procedure_name: in_lang(lang, &p.name, p.name_en.as_deref()),
        documents: p
            .documents
            .iter()
            .map(|d| ChecklistDocument {
                name: d.name.clone(),
                form: match d.form {
                    DomainForm::Copy => DocumentForm::Copy,
                    DomainForm::CertifiedCopy => DocumentForm::CertifiedCopy,
                    // Bringing the original always satisfies "original or copy".
                    DomainForm::Original | DomainForm::OriginalOrCopy => DocumentForm::Original,
                },
                count: d.count,
            })
            .collect(),
        fee,
        processing_days: p.processing_days,
        submit_at: p.submit_at.clone(),
        legal_basis: p.legal_basis.split([';', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        printed_at: local(now, &tz),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_center_zone_prints_vietnam_time() {
        let at: Timestamp = "2026-11-28T01:15:00Z".parse().unwrap();
        assert_eq!(local(at, &zone("Asia/Ho_Chi_Minh")).to_string(), "2026-11-28T08:15:00");
        assert_eq!(local(at, &zone("Asia/Hanoi_Typo")).to_string(), "2026-11-28T08:15:00");
    }
}
