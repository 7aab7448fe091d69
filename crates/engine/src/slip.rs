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

/// The queue ticket slip.
pub fn ticket(catalog: &Catalog, t: &crate::types::KioskTicket) -> TicketSlip {
    let tz = center_tz(catalog);
    TicketSlip {
        center_name: catalog.center.name.clone(),
        logo: None,
        number: t.number.clone(),
        service_name: t.service_name.clone(),
        counter_area: t.area.clone(),
        priority: t.priority_name.clone(),
        issued_at: local(t.issued_at, &tz),
        people_ahead: t.ahead,
        estimated_wait_minutes: t.estimated_wait_s.map(|s| s.div_ceil(60)),
        lookup_url: t.lookup_url.clone(),
        offline: t.offline,
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
        center_name: catalog.center.name.clone(),
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

/// The procedure checklist slip.
pub fn checklist(catalog: &Catalog, p: &Procedure, now: Timestamp) -> ChecklistSlip {
    let tz = center_tz(catalog);
    let fee = match p.fee_vnd {
        Some(0) => Fee::Free,
        Some(v) => Fee::Vnd(v),
        None => Fee::Text(p.fee.clone()),
    };
    ChecklistSlip {
        center_name: catalog.center.name.clone(),
        procedure_name: p.name.clone(),
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
