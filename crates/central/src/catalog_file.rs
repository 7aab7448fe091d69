//! The human-editable catalog file (docs/catalog-format.md): parsing,
//! validation with the place of every error, and applying it in one transaction.

use std::collections::{HashMap, HashSet};

use motcua_domain::DossierCodeRules;
use motcua_domain::catalog::{Agency, Center, Counter, Field, KioskInfo, PriorityCategory, Procedure, Service};
use motcua_domain::dossier::DossierStatus;
use rusqlite::{Connection, params};
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

/// The file format this server reads.
pub const FORMAT: u32 = 1;

/// A catalog file as written by a center's IT officer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    /// The format the file was written for; only [`FORMAT`] is accepted.
    pub format: u32,
    /// The centers whose catalogs this file replaces.
    #[serde(default)]
    pub centers: Vec<Center>,
    /// Who is called ahead of ordinary tickets (elderly, disabled, …), per center.
    #[serde(default)]
    pub priority_categories: Vec<PriorityCategory>,
    /// The agencies that receive dossiers at each center.
    #[serde(default)]
    pub agencies: Vec<Agency>,
    /// The fields that group each agency's procedures.
    #[serde(default)]
    pub fields: Vec<Field>,
    /// The procedures citizens apply for, with documents, fees and processing times.
    #[serde(default)]
    pub procedures: Vec<Procedure>,
    /// The queues a kiosk issues tickets for, each with its letter and hours.
    #[serde(default)]
    pub services: Vec<Service>,
    /// The counters that call tickets, and the services each one serves.
    #[serde(default)]
    pub counters: Vec<Counter>,
    /// Lobby kiosks by name, for staff alerts ("Ki-ốt sảnh 1 sắp hết giấy"); optional.
    #[serde(default)]
    pub kiosks: Vec<KioskInfo>,
    /// Days without appointments (public holidays), per center or for every center of the file.
    #[serde(default)]
    pub closed_days: Vec<ClosedDay>,
    /// Demo dossiers, loaded only by `--demo`.
    #[serde(default)]
    pub dossiers: Vec<DemoDossier>,
    /// Demo bookings for the seeding day, loaded only by `--demo`.
    #[serde(default)]
    pub demo_bookings: Vec<DemoBooking>,
}

/// A day (or run of days) a center takes no appointments: a public holiday.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClosedDay {
    /// The center; none: every center of the file.
    #[serde(default)]
    pub center: Option<String>,
    /// The first day, `YYYY-MM-DD`.
    pub date: String,
    /// The last day of a run (inclusive), `YYYY-MM-DD`; none: one day.
    #[serde(default)]
    pub until: Option<String>,
    /// Why, in Vietnamese (shown on the booking page).
    pub reason: String,
    /// Why, in English.
    #[serde(default)]
    pub reason_en: Option<String>,
}

impl ClosedDay {
    /// The first and last day, when both parse and are in order.
    pub fn range(&self) -> Option<(jiff::civil::Date, jiff::civil::Date)> {
        let from: jiff::civil::Date = self.date.parse().ok()?;
        let to: jiff::civil::Date = match &self.until {
            Some(u) => u.parse().ok()?,
            None => from,
        };
        (from <= to).then_some((from, to))
    }

    /// Whether it covers `day`.
    pub fn covers(&self, day: jiff::civil::Date) -> bool {
        self.range().is_some_and(|(from, to)| from <= day && day <= to)
    }
}

/// A demo booking for the day the demo is seeded: its slot is placed
/// relative to the seeding time (README, "Appointments").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoBooking {
    /// The fixed code, `XXX-XXX`.
    pub code: String,
    /// The service (it must take appointments).
    pub service: String,
    /// Which slot of the seeding day: 0 = the slot holding the seeding time
    /// (or the first one still to come), 1 = the next one, and so on.
    pub slot: u32,
    /// The citizen's name.
    pub name: String,
    /// The citizen's phone number.
    pub phone: String,
}

/// A demo dossier with dates relative to the day it is seeded.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoDossier {
    /// The center that received the dossier.
    pub center: String,
    /// The dossier code printed on the receipt, as a citizen types or scans it.
    pub code: String,
    /// The procedure's id in the same file.
    pub procedure: String,
    /// The citizen who applied, as printed on the receipt.
    pub applicant_name: String,
    /// The national status code now (1..10).
    pub status: u8,
    /// How many days before seeding it was received.
    pub received_days_ago: i64,
    /// Days from seeding to its due date; negative when already overdue.
    pub due_in_days: i64,
    /// Where the citizen collects the result, when the status says so.
    #[serde(default)]
    pub collect_at: Option<String>,
    /// The steps it went through, oldest first.
    #[serde(default)]
    pub history: Vec<DemoHistory>,
}

/// One step of a demo dossier's history.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoHistory {
    /// How many days before seeding the step happened.
    pub days_ago: i64,
    /// The national status code the step moved the dossier to (1..10).
    pub status: u8,
    /// The office that took the step.
    pub unit: String,
    /// The officer who took it, if the history names one.
    #[serde(default)]
    pub actor: Option<String>,
    /// What the officer wrote, shown to the citizen.
    #[serde(default)]
    pub note: Option<String>,
}

/// Why a catalog file was refused.
#[derive(Debug, thiserror::Error)]
pub enum CatalogFileError {
    /// The text is not TOML, or not shaped like a catalog.
    #[error("the file is not valid TOML for a catalog: {0}")]
    Parse(String),
    /// Every validation error, each with its place in the file.
    #[error("the catalog has {} error(s):\n  {}", .0.len(), .0.join("\n  "))]
    Invalid(Vec<String>),
    /// The database refused the import; nothing of it was kept.
    #[error(transparent)]
    Db(#[from] rusqlite::Error),
    /// An entry could not be stored as JSON.
    #[error("cannot encode the catalog: {0}")]
    Encode(#[from] serde_json::Error),
}

/// Reads a catalog file's text. Text is normalised to NFC first, so a file
/// saved by an editor that decomposes diacritics prints the same.
pub fn parse(text: &str) -> Result<CatalogFile, CatalogFileError> {
    let text: String = text.nfc().collect();
    toml::from_str(&text).map_err(|e| CatalogFileError::Parse(e.to_string()))
}

fn valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// Collects every problem of a file, each with its place.
struct Check {
    errors: Vec<String>,
}

impl Check {
    fn err(&mut self, place: impl std::fmt::Display, msg: impl std::fmt::Display) {
        self.errors.push(format!("{place}: {msg}"));
    }

    fn ids<'a>(&mut self, kind: &str, ids: impl Iterator<Item = &'a str>) -> HashSet<&'a str> {
        let mut seen = HashSet::new();
        for (i, id) in ids.enumerate() {
            if !valid_id(id) {
                self.err(format!("{kind}[{i}].id"), format!("{id:?} is not a valid id (lower-case letters, digits and '-', at most 64)"));
            }
            if !seen.insert(id) {
                self.err(format!("{kind}[{i}].id"), format!("{id:?} is used twice"));
            }
        }
        seen
    }

    fn text(&mut self, place: impl std::fmt::Display, value: &str) {
        if value.trim().is_empty() {
            self.err(place, "must not be empty");
        }
    }
}

/// Validates a file. `existing_centers` are centers already in the database
/// (a district file may name a province center loaded earlier as its parent).
pub fn validate(file: &CatalogFile, existing_centers: &HashSet<String>) -> Result<(), CatalogFileError> {
    let mut c = Check { errors: Vec::new() };
    if file.format != FORMAT {
        c.err("format", format!("{} is not supported (this server reads format {FORMAT})", file.format));
    }
    let centers = c.ids("centers", file.centers.iter().map(|x| x.id.as_str()));
    c.ids("priority_categories", file.priority_categories.iter().map(|x| x.id.as_str()));
    c.ids("agencies", file.agencies.iter().map(|x| x.id.as_str()));
    c.ids("fields", file.fields.iter().map(|x| x.id.as_str()));
    c.ids("procedures", file.procedures.iter().map(|x| x.id.as_str()));
    c.ids("services", file.services.iter().map(|x| x.id.as_str()));
    c.ids("counters", file.counters.iter().map(|x| x.id.as_str()));
    c.ids("kiosks", file.kiosks.iter().map(|x| x.id.as_str()));

    for (i, x) in file.centers.iter().enumerate() {
        c.text(format!("centers[{i}].name"), &x.name);
        if jiff::tz::TimeZone::get(&x.time_zone).is_err() {
            c.err(format!("centers[{i}].time_zone"), format!("{:?} is not a known time zone (e.g. \"Asia/Ho_Chi_Minh\")", x.time_zone));
        }
        if let Some(p) = &x.parent
            && !centers.contains(p.as_str())
            && !existing_centers.contains(p)
        {
            c.err(format!("centers[{i}].parent"), format!("unknown center {p:?}"));
        }
    }
    let in_center = |place: String, center: &str, c: &mut Check| {
        if !centers.contains(center) {
            c.err(place, format!("unknown center {center:?} (centers must be in the same file)"));
        }
    };
    for (i, x) in file.priority_categories.iter().enumerate() {
        in_center(format!("priority_categories[{i}].center"), &x.center, &mut c);
        c.text(format!("priority_categories[{i}].name"), &x.name);
    }
    let agency_center: HashMap<&str, &str> = file.agencies.iter().map(|a| (a.id.as_str(), a.center.as_str())).collect();
    for (i, x) in file.agencies.iter().enumerate() {
        in_center(format!("agencies[{i}].center"), &x.center, &mut c);
        c.text(format!("agencies[{i}].name"), &x.name);
        for (j, other) in x.on_behalf_of.iter().enumerate() {
            if agency_center.get(other.as_str()) != Some(&x.center.as_str()) {
                c.err(format!("agencies[{i}].on_behalf_of[{j}]"), format!("unknown agency {other:?} of center {:?}", x.center));
            }
        }
    }
    let field_center: HashMap<&str, &str> =
        file.fields.iter().filter_map(|f| agency_center.get(f.agency.as_str()).map(|center| (f.id.as_str(), *center))).collect();
    for (i, x) in file.fields.iter().enumerate() {
        if !agency_center.contains_key(x.agency.as_str()) {
            c.err(format!("fields[{i}].agency"), format!("unknown agency {:?}", x.agency));
        }
        c.text(format!("fields[{i}].name"), &x.name);
    }
    let mut procedure_center: HashMap<&str, &str> = HashMap::new();
    for (i, x) in file.procedures.iter().enumerate() {
        match field_center.get(x.field.as_str()) {
            Some(center) => {
                procedure_center.insert(x.id.as_str(), center);
            }
            None => c.err(format!("procedures[{i}].field"), format!("unknown field {:?}", x.field)),
        }
        c.text(format!("procedures[{i}].name"), &x.name);
        c.text(format!("procedures[{i}].submit_at"), &x.submit_at);
        if x.processing_days == 0 {
            c.err(format!("procedures[{i}].processing_days"), "must be at least 1 working day");
        }
        if x.documents.is_empty() {
            c.err(format!("procedures[{i}].documents"), "list at least one document");
        }
        for (j, d) in x.documents.iter().enumerate() {
            c.text(format!("procedures[{i}].documents[{j}].name"), &d.name);
            if d.count == 0 {
                c.err(format!("procedures[{i}].documents[{j}].count"), "must be at least 1");
            }
        }
    }
    let mut letters: HashSet<(&str, &str)> = HashSet::new();
    let service_center: HashMap<&str, &str> = file.services.iter().map(|s| (s.id.as_str(), s.center.as_str())).collect();
    for (i, x) in file.services.iter().enumerate() {
        in_center(format!("services[{i}].center"), &x.center, &mut c);
        c.text(format!("services[{i}].name"), &x.name);
        let l = x.letter.as_bytes();
        if l.is_empty() || l.len() > 2 || !l.iter().all(u8::is_ascii_uppercase) {
            c.err(format!("services[{i}].letter"), format!("{:?} must be 1 or 2 capital letters", x.letter));
        } else if !letters.insert((x.center.as_str(), x.letter.as_str())) {
            c.err(format!("services[{i}].letter"), format!("{:?} is already used by another service of {:?}", x.letter, x.center));
        }
        for (j, f) in x.fields.iter().enumerate() {
            if field_center.get(f.as_str()) != Some(&x.center.as_str()) {
                c.err(format!("services[{i}].fields[{j}]"), format!("unknown field {f:?} of center {:?}", x.center));
            }
        }
        for (j, p) in x.procedures.iter().enumerate() {
            if procedure_center.get(p.as_str()) != Some(&x.center.as_str()) {
                c.err(format!("services[{i}].procedures[{j}]"), format!("unknown procedure {p:?} of center {:?}", x.center));
            }
        }
        if x.daily_cap == Some(0) {
            c.err(format!("services[{i}].daily_cap"), "must be at least 1 (leave it out for no cap)");
        }
        if x.avg_service_s == 0 {
            c.err(format!("services[{i}].avg_service_s"), "must be at least 1 second");
        }
        for (j, h) in x.hours.iter().enumerate() {
            if let Err(e) = h.validate() {
                c.err(format!("services[{i}].hours[{j}]"), e);
            }
        }
    }
    let mut numbers: HashSet<(&str, u32)> = HashSet::new();
    for (i, x) in file.counters.iter().enumerate() {
        in_center(format!("counters[{i}].center"), &x.center, &mut c);
        if !numbers.insert((x.center.as_str(), x.number)) {
            c.err(format!("counters[{i}].number"), format!("counter number {} is used twice in {:?}", x.number, x.center));
        }
        if x.services.is_empty() {
            c.err(format!("counters[{i}].services"), "a counter calls from at least one service");
        }
        for (j, s) in x.services.iter().enumerate() {
            if service_center.get(s.as_str()) != Some(&x.center.as_str()) {
                c.err(format!("counters[{i}].services[{j}]"), format!("unknown service {s:?} of center {:?}", x.center));
            }
        }
    }
    for (i, x) in file.centers.iter().enumerate() {
        let a = &x.appointments;
        if a.check_in_before_min > 240 {
            c.err(format!("centers[{i}].appointments.check_in_before_min"), "must be at most 240 minutes");
        }
        if a.check_in_after_min > 240 {
            c.err(format!("centers[{i}].appointments.check_in_after_min"), "must be at most 240 minutes");
        }
        if a.streak_limit == 0 {
            c.err(format!("centers[{i}].appointments.streak_limit"), "must be at least 1");
        }
    }
    for (i, x) in file.services.iter().enumerate() {
        let Some(a) = &x.appointments else { continue };
        let place = |f: &str| format!("services[{i}].appointments.{f}");
        if !(5..=480).contains(&a.slot_minutes) {
            c.err(place("slot_minutes"), format!("{} must be 5 to 480 minutes", a.slot_minutes));
        }
        if a.places_per_slot == 0 || a.places_per_slot > 1000 {
            c.err(place("places_per_slot"), format!("{} must be 1 to 1000", a.places_per_slot));
        }
        if a.walk_in_percent > 100 {
            c.err(place("walk_in_percent"), format!("{} must be 0 to 100", a.walk_in_percent));
        }
        if a.days_ahead > 366 {
            c.err(place("days_ahead"), format!("{} must be at most 366 days", a.days_ahead));
        }
        if x.kind != motcua_domain::ServiceKind::Submit {
            c.err(place("enabled"), "only a submit service takes appointments (a collect-result ticket needs a ready dossier)");
        }
    }
    let mut closed: HashSet<(&str, String)> = HashSet::new();
    for (i, d) in file.closed_days.iter().enumerate() {
        if let Some(center) = &d.center {
            in_center(format!("closed_days[{i}].center"), center, &mut c);
        }
        c.text(format!("closed_days[{i}].reason"), &d.reason);
        if d.date.parse::<jiff::civil::Date>().is_err() {
            c.err(format!("closed_days[{i}].date"), format!("{:?} is not a date YYYY-MM-DD", d.date));
        } else if let Some(u) = &d.until {
            match u.parse::<jiff::civil::Date>() {
                Err(_) => c.err(format!("closed_days[{i}].until"), format!("{u:?} is not a date YYYY-MM-DD")),
                Ok(_) if d.range().is_none() => c.err(format!("closed_days[{i}].until"), format!("{u:?} is before {:?}", d.date)),
                Ok(_) => {}
            }
        }
        if !closed.insert((d.center.as_deref().unwrap_or("*"), d.date.clone())) {
            c.err(format!("closed_days[{i}].date"), format!("{:?} is listed twice", d.date));
        }
    }
    let service_of = |id: &str| file.services.iter().find(|s| s.id == id);
    let mut booking_codes = HashSet::new();
    for (i, b) in file.demo_bookings.iter().enumerate() {
        match motcua_domain::booking::parse_code(&b.code) {
            Some(code) if !booking_codes.insert(code.clone()) => c.err(format!("demo_bookings[{i}].code"), "used twice"),
            Some(_) => {}
            None => c.err(format!("demo_bookings[{i}].code"), format!("{:?} is not a booking code (XXX-XXX)", b.code)),
        }
        if service_of(&b.service).is_none_or(|s| s.appointments.is_none()) {
            c.err(format!("demo_bookings[{i}].service"), format!("unknown service {:?}, or it takes no appointments", b.service));
        }
    }
    for (i, x) in file.kiosks.iter().enumerate() {
        in_center(format!("kiosks[{i}].center"), &x.center, &mut c);
        c.text(format!("kiosks[{i}].name"), &x.name);
    }
    let rules = DossierCodeRules::default();
    let mut codes = HashSet::new();
    for (i, d) in file.dossiers.iter().enumerate() {
        in_center(format!("dossiers[{i}].center"), &d.center, &mut c);
        match rules.parse(&d.code) {
            Ok(code) if !codes.insert(code.to_string()) => c.err(format!("dossiers[{i}].code"), "used twice"),
            Ok(_) => {}
            Err(e) => c.err(format!("dossiers[{i}].code"), format!("{:?}: {e}", d.code)),
        }
        if procedure_center.get(d.procedure.as_str()) != Some(&d.center.as_str()) {
            c.err(format!("dossiers[{i}].procedure"), format!("unknown procedure {:?} of center {:?}", d.procedure, d.center));
        }
        if DossierStatus::from_code(d.status).is_none() {
            c.err(format!("dossiers[{i}].status"), format!("{} is not a status code (1..10)", d.status));
        }
        for (j, h) in d.history.iter().enumerate() {
            if DossierStatus::from_code(h.status).is_none() {
                c.err(format!("dossiers[{i}].history[{j}].status"), format!("{} is not a status code (1..10)", h.status));
            }
        }
    }
    if c.errors.is_empty() { Ok(()) } else { Err(CatalogFileError::Invalid(c.errors)) }
}

/// Centers already in the database.
pub fn existing_centers(conn: &Connection) -> Result<HashSet<String>, rusqlite::Error> {
    let mut stmt = conn.prepare("SELECT id FROM catalog_entries WHERE kind = 'center'")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.collect()
}

/// What an import changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// Centers whose catalog was replaced.
    pub centers: usize,
    /// Agencies written.
    pub agencies: usize,
    /// Fields written.
    pub fields: usize,
    /// Procedures written.
    pub procedures: usize,
    /// Services (queues) written.
    pub services: usize,
    /// Counters written.
    pub counters: usize,
}

/// Validates and applies a file in one transaction: the catalog of every
/// center in the file is replaced; tickets, dossiers, ratings and tokens stay.
pub fn import(conn: &mut Connection, file: &CatalogFile) -> Result<ImportSummary, CatalogFileError> {
    let existing = existing_centers(conn)?;
    validate(file, &existing)?;
    let agency_center: HashMap<&str, &str> = file.agencies.iter().map(|a| (a.id.as_str(), a.center.as_str())).collect();
    let field_center: HashMap<&str, &str> =
        file.fields.iter().filter_map(|f| Some((f.id.as_str(), *agency_center.get(f.agency.as_str())?))).collect();

    let tx = conn.transaction()?;
    {
        let mut delete = tx.prepare("DELETE FROM catalog_entries WHERE center = ?1")?;
        for center in &file.centers {
            delete.execute([&center.id])?;
        }
        let mut insert =
            tx.prepare("INSERT OR REPLACE INTO catalog_entries (kind, id, center, position, body) VALUES (?1, ?2, ?3, ?4, ?5)")?;
        let mut put = |kind: &str, id: &str, center: &str, pos: usize, body: String| {
            insert.execute(params![kind, id, center, pos as i64, body]).map(|_| ())
        };
        for (i, x) in file.centers.iter().enumerate() {
            put("center", &x.id, &x.id, i, serde_json::to_string(x)?)?;
        }
        for (i, x) in file.priority_categories.iter().enumerate() {
            put("priority", &x.id, &x.center, i, serde_json::to_string(x)?)?;
        }
        for (i, x) in file.agencies.iter().enumerate() {
            put("agency", &x.id, &x.center, i, serde_json::to_string(x)?)?;
        }
        for (i, x) in file.fields.iter().enumerate() {
            let center = agency_center.get(x.agency.as_str()).copied().unwrap_or_default();
            put("field", &x.id, center, i, serde_json::to_string(x)?)?;
        }
        for (i, x) in file.procedures.iter().enumerate() {
            let center = field_center.get(x.field.as_str()).copied().unwrap_or_default();
            put("procedure", &x.id, center, i, serde_json::to_string(x)?)?;
        }
        for (i, x) in file.services.iter().enumerate() {
            put("service", &x.id, &x.center, i, serde_json::to_string(x)?)?;
        }
        for (i, x) in file.counters.iter().enumerate() {
            put("counter", &x.id, &x.center, i, serde_json::to_string(x)?)?;
        }
        for (i, x) in file.kiosks.iter().enumerate() {
            put("kiosk", &x.id, &x.center, i, serde_json::to_string(x)?)?;
        }
        for (i, x) in file.closed_days.iter().enumerate() {
            let centers: Vec<&str> = match &x.center {
                Some(c) => vec![c.as_str()],
                None => file.centers.iter().map(|c| c.id.as_str()).collect(),
            };
            for center in centers {
                let day = ClosedDay { center: Some(center.to_string()), ..x.clone() };
                put("closed_day", &format!("{center}:{}", x.date), center, i, serde_json::to_string(&day)?)?;
            }
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('catalog_version', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [uuid::Uuid::now_v7().to_string()],
        )?;
    }
    tx.commit()?;
    Ok(ImportSummary {
        centers: file.centers.len(),
        agencies: file.agencies.len(),
        fields: file.fields.len(),
        procedures: file.procedures.len(),
        services: file.services.len(),
        counters: file.counters.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = include_str!("../tests/fixtures/district.toml");

    #[test]
    fn a_small_valid_file_imports_and_reimports() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut conn = crate::db::open_and_migrate(&dir.path().join("c.db")).expect("db");
        let file = parse(SMALL).expect("parse");
        let summary = import(&mut conn, &file).expect("import");
        assert_eq!(summary.services, 1);
        import(&mut conn, &file).expect("second import replaces");
        let n: i64 = conn.query_row("SELECT count(*) FROM catalog_entries", [], |r| r.get(0)).expect("count");
        assert_eq!(n, 6);
    }

    #[test]
    fn every_error_names_its_place_and_nothing_is_written() {
        let bad = SMALL
            .replace("fields = [\"yl-ho-tich\"]", "fields = [\"yl-ho-tich\", \"yl-dat-dai\"]")
            .replace("letter = \"A\"", "letter = \"a1\"")
            .replace("time_zone = \"Asia/Ho_Chi_Minh\"", "time_zone = \"Mars/Olympus\"")
            .replace("services = [\"yl-tiep-nhan\"]", "services = [\"yl-tiep-nhan\", \"nope\"]");
        let file = parse(&bad).expect("parse");
        let dir = tempfile::tempdir().expect("tempdir");
        let mut conn = crate::db::open_and_migrate(&dir.path().join("c.db")).expect("db");
        let Err(CatalogFileError::Invalid(errors)) = import(&mut conn, &file) else { panic!("must be refused") };
        let all = errors.join("\n");
        assert!(all.contains("services[0].fields[1]: unknown field \"yl-dat-dai\""), "{all}");
        assert!(all.contains("services[0].letter"), "{all}");
        assert!(all.contains("centers[0].time_zone"), "{all}");
        assert!(all.contains("counters[0].services[1]"), "{all}");
        let n: i64 = conn.query_row("SELECT count(*) FROM catalog_entries", [], |r| r.get(0)).expect("count");
        assert_eq!(n, 0);
    }

    #[test]
    fn appointment_settings_and_closed_days_are_checked_with_their_place() {
        let bad = SMALL.replace(
            "avg_service_s = 300\n",
            "avg_service_s = 300\nappointments = { slot_minutes = 3, places_per_slot = 0, walk_in_percent = 120, days_ahead = 14 }\n",
        ) + "\n[[closed_days]]\ndate = \"2026-02-30\"\nreason = \"Tết\"\n\n[[closed_days]]\ndate = \"2026-02-20\"\nuntil = \"2026-02-14\"\nreason = \"Tết\"\n";
        let file = parse(&bad).expect("parse");
        let Err(CatalogFileError::Invalid(errors)) = validate(&file, &HashSet::new()) else { panic!("must be refused") };
        let all = errors.join("\n");
        for place in [
            "services[0].appointments.slot_minutes",
            "services[0].appointments.places_per_slot",
            "services[0].appointments.walk_in_percent",
            "closed_days[0].date",
            "closed_days[1].until",
        ] {
            assert!(all.contains(place), "{place} in {all}");
        }
        // A file without appointment settings (every file before them) still loads.
        assert!(parse(SMALL).expect("parse").services[0].appointments.is_none());
        let good = SMALL.replace(
            "avg_service_s = 300\n",
            "avg_service_s = 300\nappointments = { slot_minutes = 30, places_per_slot = 2, days_ahead = 7 }\n",
        ) + "\n[[closed_days]]\ndate = \"2026-02-14\"\nuntil = \"2026-02-22\"\nreason = \"Tết\"\n";
        let dir = tempfile::tempdir().expect("tempdir");
        let mut conn = crate::db::open_and_migrate(&dir.path().join("c.db")).expect("db");
        import(&mut conn, &parse(&good).expect("parse")).expect("import");
        let cats = crate::catalog::load(&conn).expect("load");
        let cat = cats.centers.values().next().expect("a center");
        assert!(cat.closed_on(jiff::civil::date(2026, 2, 18)).is_some());
        assert!(cat.closed_on(jiff::civil::date(2026, 2, 23)).is_none());
    }

    #[test]
    fn toml_syntax_errors_carry_the_line() {
        let err = parse("format = 1\n[[centers]]\nid = \n").expect_err("bad toml");
        assert!(err.to_string().contains("line 3"), "{err}");
    }

    #[test]
    fn decomposed_text_is_normalised_to_nfc() {
        let decomposed: String = SMALL.nfd().collect();
        let file = parse(&decomposed).expect("parse");
        assert_eq!(file.agencies[0].name, "Phòng Tư pháp");
    }
}
