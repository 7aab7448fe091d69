//! The three slips the kiosk prints, built from plain input structs.

use jiff::civil::{Date, DateTime, Time};

use crate::ReceiptError;
use crate::labels::{Label, Lang, people, wait_in_words};
use crate::layout::{Align, Bitmap, Block, Layout, NoticeStyle, Rule, TextBlock, TextSize, Weight};
use crate::qr::QrMatrix;

/// A queue ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketSlip {
    /// Center name, e.g. "Trung tâm Phục vụ hành chính công tỉnh Vĩnh Phúc".
    pub center_name: String,
    /// Optional 1-bit logo printed above the center name.
    pub logo: Option<Bitmap>,
    /// Ticket number, e.g. "A012" or an offline "A-K1-003".
    pub number: String,
    /// Service (queue) name.
    pub service_name: String,
    /// Where the counters are, e.g. "Khu A, tầng 1".
    pub counter_area: String,
    /// Priority category name, when the ticket has one.
    pub priority: Option<String>,
    /// Issue time in the center's local time.
    pub issued_at: DateTime,
    /// People waiting ahead, when known (an offline kiosk may not know the queue).
    pub people_ahead: Option<u32>,
    /// Estimated wait in minutes, when one is known.
    pub estimated_wait_minutes: Option<u32>,
    /// Lookup URL carried by the QR code.
    pub lookup_url: String,
    /// Issued while the central server was unreachable.
    pub offline: bool,
    /// An appointment ticket: its slot's start in the center's local time
    /// ("Đặt lịch 09:00" / "Appointment 09:00").
    pub appointment: Option<Time>,
}

/// A dossier status slip.
#[derive(Debug, Clone, PartialEq)]
pub struct DossierSlip {
    /// Center name.
    pub center_name: String,
    /// Dossier code, e.g. "000.00.12.H62-201105-0004".
    pub dossier_code: String,
    /// Procedure name.
    pub procedure_name: String,
    /// Applicant name, already masked by the caller ("Nguyễn T** L***").
    pub applicant_masked: String,
    /// Status in plain words, e.g. "Đang xử lý".
    pub status: String,
    /// What happens next / what the citizen should do.
    pub next_step: String,
    /// Received at.
    pub received_at: DateTime,
    /// Result due date.
    pub due_at: Date,
    /// Past its due date.
    pub overdue: bool,
    /// Where to collect the result, when known.
    pub collect_at: Option<String>,
    /// Print time.
    pub printed_at: DateTime,
}

/// Whether a document is an original or a copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentForm {
    /// Bản chính.
    Original,
    /// Bản sao.
    Copy,
    /// Bản sao chứng thực.
    CertifiedCopy,
}

/// One document of a checklist.
#[derive(Debug, Clone, PartialEq)]
pub struct ChecklistDocument {
    /// Document name.
    pub name: String,
    /// Original or copy.
    pub form: DocumentForm,
    /// Number of copies.
    pub count: u32,
}

/// A procedure's fee.
#[derive(Debug, Clone, PartialEq)]
pub enum Fee {
    /// No fee.
    Free,
    /// An amount in đồng.
    Vnd(u64),
    /// Anything else, as written in the procedure ("50.000 đồng/lần").
    Text(String),
}

/// A procedure checklist.
#[derive(Debug, Clone, PartialEq)]
pub struct ChecklistSlip {
    /// Center name.
    pub center_name: String,
    /// Procedure name.
    pub procedure_name: String,
    /// Documents to bring.
    pub documents: Vec<ChecklistDocument>,
    /// Fee.
    pub fee: Fee,
    /// Statutory processing time in working days.
    pub processing_days: u32,
    /// Where to submit.
    pub submit_at: String,
    /// Legal basis, one entry per document.
    pub legal_basis: Vec<String>,
    /// Print time.
    pub printed_at: DateTime,
}

/// "08:15 28/11/2026".
pub fn format_time(at: DateTime) -> String {
    at.strftime("%H:%M %d/%m/%Y").to_string()
}

/// "28/11/2026".
pub fn format_date(d: Date) -> String {
    d.strftime("%d/%m/%Y").to_string()
}

/// "50.000 đồng" / "50,000 VND".
pub fn format_vnd(amount: u64, lang: Lang) -> String {
    let digits = amount.to_string();
    let sep = if lang == Lang::Vi { '.' } else { ',' };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    match lang {
        Lang::Vi => format!("{out} đồng"),
        Lang::En => format!("{out} VND"),
    }
}

fn header(l: &mut Layout, center: &str, logo: Option<&Bitmap>) {
    if let Some(logo) = logo {
        l.push(Block::Image(logo.clone())).space(10);
    }
    l.text(center.to_uppercase(), TextSize::Normal, Weight::Bold, Align::Center);
}

/// The most lines a text takes on a ticket: a name however long (the
/// catalog does not limit them) never makes the ticket run long.
pub const TICKET_MAX_LINES: usize = 3;

/// A catalog name as one line: line breaks, tabs and control characters in
/// it print as single spaces, not as blank lines.
fn one_line(name: &str) -> String {
    name.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// The queue ticket, kept short: thousands print every day. The number
/// stays large; the fields sit beside the QR instead of above it. Every
/// name is one line of text, at most [`TICKET_MAX_LINES`] lines once wrapped.
pub fn ticket(t: &TicketSlip, lang: Lang) -> Result<Layout, ReceiptError> {
    let s = |label: Label| label.text(lang);
    let mut l = Layout { max_lines: Some(TICKET_MAX_LINES), ..Layout::new() };
    if let Some(logo) = &t.logo {
        l.push(Block::Image(logo.clone())).space(6);
    }
    l.push(Block::FitLine(TextBlock {
        text: one_line(&t.center_name),
        size: TextSize::Fine,
        weight: Weight::Regular,
        align: Align::Center,
    }));
    l.space(4);
    l.text(s(Label::YourNumber), TextSize::Fine, Weight::Regular, Align::Center).space(4);
    l.push(Block::BigNumber(t.number.clone())).space(8);
    l.text(one_line(&t.service_name), TextSize::Large, Weight::Bold, Align::Center);
    if let Some(slot) = t.appointment {
        l.space(4).push(Block::Notice {
            title: format!("{} {}", s(Label::Appointment), slot.strftime("%H:%M")),
            detail: None,
            style: NoticeStyle::Framed,
        });
    }
    if let Some(category) = &t.priority {
        l.space(4).push(Block::Notice {
            title: format!("{}: {}", s(Label::Priority).to_uppercase(), one_line(category)),
            detail: None,
            style: NoticeStyle::Framed,
        });
    }
    if t.offline {
        l.space(4).push(Block::Notice {
            title: s(Label::OfflineTitle).to_owned(),
            detail: Some(s(Label::OfflineDetail).to_owned()),
            style: NoticeStyle::Inverted,
        });
    }
    l.rule(Rule::Dashed);
    // Unknown is printed as such: "0 people ahead" would send the citizen away from the lobby.
    let ahead = t.people_ahead.map_or_else(|| s(Label::Unknown).to_owned(), |n| people(n, lang));
    let wait = t.estimated_wait_minutes.map_or_else(|| s(Label::Unknown).to_owned(), |m| wait_in_words(m, lang));
    let field = |label: Label, value: String| Block::CompactField { label: s(label).to_owned(), value };
    // A counter area left blank in the catalog: no label with nothing after it.
    let area = one_line(&t.counter_area);
    let beside = [
        (!area.is_empty()).then(|| field(Label::CounterArea, area)),
        Some(field(Label::PeopleAhead, ahead)),
        Some(field(Label::EstimatedWait, wait)),
        Some(field(Label::IssuedAt, format_time(t.issued_at))),
    ]
    .into_iter()
    .flatten()
    .collect();
    let note = |label: Label, weight: Weight| {
        Block::Text(TextBlock { text: s(label).to_owned(), size: TextSize::Fine, weight, align: Align::Center })
    };
    let then = vec![Block::Space(2), note(Label::ScanToFollow, Weight::Bold), note(Label::KeepSlip, Weight::Regular)];
    l.push(Block::QrBeside { qr: QrMatrix::encode(&t.lookup_url)?, beside, then });
    Ok(l)
}

/// The dossier status slip.
pub fn dossier(d: &DossierSlip, lang: Lang) -> Layout {
    let s = |label: Label| label.text(lang);
    let mut l = Layout::new();
    header(&mut l, &d.center_name, None);
    l.space(6).text(s(Label::DossierTitle), TextSize::Title, Weight::Bold, Align::Center);
    l.rule(Rule::Solid);
    l.text(s(Label::DossierCode), TextSize::Small, Weight::Regular, Align::Center).space(2);
    l.text(d.dossier_code.clone(), TextSize::Large, Weight::Bold, Align::Center).space(10);
    if d.overdue {
        l.push(Block::Notice {
            title: s(Label::OverdueTitle).to_owned(),
            detail: Some(s(Label::OverdueDetail).to_owned()),
            style: NoticeStyle::Inverted,
        })
        .space(10);
    }
    l.text(s(Label::Procedure), TextSize::Small, Weight::Regular, Align::Left);
    l.text(d.procedure_name.clone(), TextSize::Normal, Weight::Bold, Align::Left).space(8);
    l.field(s(Label::Applicant), d.applicant_masked.clone());
    l.rule(Rule::Dashed);
    l.text(s(Label::Status), TextSize::Small, Weight::Regular, Align::Center);
    l.text(d.status.clone(), TextSize::Title, Weight::Bold, Align::Center).space(6);
    l.text(format!("{}: {}", s(Label::NextStep), d.next_step), TextSize::Normal, Weight::Regular, Align::Center);
    l.rule(Rule::Dashed);
    l.field(s(Label::ReceivedAt), format_time(d.received_at)).space(4);
    l.field(s(Label::DueAt), format_date(d.due_at)).space(4);
    l.field(s(Label::CollectAt), d.collect_at.clone().unwrap_or_else(|| s(Label::Unknown).to_owned()));
    l.rule(Rule::Solid);
    l.text(format!("{} {}", s(Label::PrintedAt), format_time(d.printed_at)), TextSize::Small, Weight::Regular, Align::Center);
    l
}

/// The procedure checklist.
pub fn checklist(c: &ChecklistSlip, lang: Lang) -> Layout {
    let s = |label: Label| label.text(lang);
    let mut l = Layout::new();
    header(&mut l, &c.center_name, None);
    l.space(6).text(s(Label::ChecklistTitle), TextSize::Title, Weight::Bold, Align::Center);
    l.rule(Rule::Solid);
    l.text(s(Label::Procedure), TextSize::Small, Weight::Regular, Align::Center).space(2);
    l.text(c.procedure_name.clone(), TextSize::Large, Weight::Bold, Align::Center);
    l.rule(Rule::Dashed);
    l.text(s(Label::Documents), TextSize::Normal, Weight::Bold, Align::Left).space(8);
    for (i, doc) in c.documents.iter().enumerate() {
        let form = match doc.form {
            DocumentForm::Original => s(Label::Original),
            DocumentForm::Copy => s(Label::Copy),
            DocumentForm::CertifiedCopy => s(Label::CertifiedCopy),
        };
        l.text(format!("{}. {}", i + 1, doc.name), TextSize::Normal, Weight::Regular, Align::Left);
        l.text(format!("{form} · {}: {:02}", s(Label::Count), doc.count), TextSize::Small, Weight::Bold, Align::Right).space(8);
    }
    l.rule(Rule::Dashed);
    let fee = match &c.fee {
        Fee::Free => s(Label::Free).to_owned(),
        Fee::Vnd(amount) => format_vnd(*amount, lang),
        Fee::Text(text) => text.clone(),
    };
    l.field(s(Label::Fee), fee).space(4);
    l.field(s(Label::ProcessingTime), format!("{} {}", c.processing_days, s(Label::WorkingDays))).space(4);
    l.field(s(Label::SubmitAt), c.submit_at.clone());
    if !c.legal_basis.is_empty() {
        l.rule(Rule::Dashed);
        l.text(s(Label::LegalBasis), TextSize::Small, Weight::Bold, Align::Left).space(2);
        for basis in &c.legal_basis {
            l.text(format!("– {basis}"), TextSize::Small, Weight::Regular, Align::Left);
        }
    }
    l.rule(Rule::Solid);
    l.text(format!("{} {}", s(Label::PrintedAt), format_time(c.printed_at)), TextSize::Small, Weight::Regular, Align::Center);
    l
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn times_print_in_the_agreed_format() {
        assert_eq!(format_time(date(2026, 11, 28).at(8, 15, 12, 0)), "08:15 28/11/2026");
        assert_eq!(format_date(date(2026, 12, 5)), "05/12/2026");
    }

    #[test]
    fn fees_group_thousands() {
        assert_eq!(format_vnd(1_500_000, Lang::Vi), "1.500.000 đồng");
        assert_eq!(format_vnd(50_000, Lang::En), "50,000 VND");
        assert_eq!(format_vnd(500, Lang::Vi), "500 đồng");
    }

    #[test]
    fn ticket_has_one_big_number_and_the_qr() {
        let layout = ticket(&crate::samples::ticket(None), Lang::Vi).unwrap();
        let big = layout.all_blocks().into_iter().filter(|b| matches!(b, Block::BigNumber(_))).count();
        assert_eq!(big, 1);
        assert!(layout.blocks.iter().any(|b| matches!(b, Block::QrBeside { qr, .. } if qr.data() == crate::samples::SAMPLE_URL)));
    }

    #[test]
    fn an_appointment_ticket_is_marked_with_its_slot_time() {
        let notices = |slip: &TicketSlip, lang| {
            let layout = ticket(slip, lang).unwrap();
            layout
                .all_blocks()
                .into_iter()
                .filter_map(|b| match b {
                    Block::Notice { title, .. } => Some(title.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        let slip = crate::samples::ticket_appointment(None);
        assert_eq!(notices(&slip, Lang::Vi), ["Đặt lịch 09:00", "ƯU TIÊN: Người cao tuổi"]);
        assert_eq!(notices(&slip, Lang::En)[0], "Appointment 09:00");
        assert!(notices(&crate::samples::ticket(None), Lang::Vi).is_empty(), "a walk-in ticket has no mark");
    }

    #[test]
    fn an_unknown_queue_length_is_printed_as_unknown_not_zero() {
        let field = |slip: &TicketSlip| {
            let layout = ticket(slip, Lang::En).unwrap();
            layout.all_blocks().into_iter().find_map(|b| match b {
                Block::CompactField { label, value } if label == Label::PeopleAhead.text(Lang::En) => Some(value.clone()),
                _ => None,
            })
        };
        let known = crate::samples::ticket(None);
        assert_eq!(field(&known).as_deref(), Some("7 people"));
        let unknown = TicketSlip { people_ahead: None, ..known };
        assert_eq!(field(&unknown).as_deref(), Some(Label::Unknown.text(Lang::En)));
    }
}
