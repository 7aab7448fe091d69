//! Realistic Vietnamese sample inputs (demo, previews, tests, benches).

use jiff::civil::date;

use crate::slips::{ChecklistDocument, ChecklistSlip, DocumentForm, DossierSlip, Fee, TicketSlip};

/// The lookup URL sample tickets carry unless told otherwise.
pub const SAMPLE_URL: &str = "https://motcua.example/t/SAMPLE";
/// The sample center.
pub const CENTER: &str = "Trung tâm Phục vụ hành chính công tỉnh Vĩnh Phúc";

/// A sample ticket; its QR carries `lookup_url` or [`SAMPLE_URL`].
pub fn ticket(lookup_url: Option<&str>) -> TicketSlip {
    TicketSlip {
        center_name: CENTER.to_owned(),
        logo: None,
        number: "A012".to_owned(),
        service_name: "Đăng ký kinh doanh và đầu tư".to_owned(),
        counter_area: "Khu A, tầng 1".to_owned(),
        priority: None,
        issued_at: date(2026, 11, 28).at(8, 15, 12, 0),
        people_ahead: Some(7),
        estimated_wait_minutes: Some(25),
        lookup_url: lookup_url.unwrap_or(SAMPLE_URL).to_owned(),
        offline: false,
        appointment: None,
    }
}

/// A sample appointment ticket (slot 09:00) of a priority category.
pub fn ticket_appointment(lookup_url: Option<&str>) -> TicketSlip {
    TicketSlip {
        number: "A013".to_owned(),
        priority: Some("Người cao tuổi".to_owned()),
        issued_at: date(2026, 11, 28).at(8, 52, 40, 0),
        appointment: Some(jiff::civil::time(9, 0, 0, 0)),
        ..ticket(lookup_url)
    }
}

/// A sample priority ticket issued while offline.
pub fn ticket_offline_priority(lookup_url: Option<&str>) -> TicketSlip {
    TicketSlip {
        number: "A-K1-003".to_owned(),
        service_name: "Hộ tịch – Chứng thực".to_owned(),
        counter_area: "Khu B, tầng 1".to_owned(),
        priority: Some("Người cao tuổi".to_owned()),
        people_ahead: Some(3),
        estimated_wait_minutes: Some(12),
        offline: true,
        ..ticket(lookup_url)
    }
}

/// A sample overdue dossier.
pub fn dossier() -> DossierSlip {
    DossierSlip {
        center_name: CENTER.to_owned(),
        dossier_code: "000.00.12.H62-261118-0004".to_owned(),
        procedure_name: "Cấp giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản \
                         khác gắn liền với đất lần đầu"
            .to_owned(),
        applicant_masked: "Nguyễn T** L***".to_owned(),
        status: "Đang xử lý".to_owned(),
        next_step: "Hồ sơ đang được Sở Tài nguyên và Môi trường thẩm định; ông/bà chưa cần làm gì thêm.".to_owned(),
        received_at: date(2026, 11, 18).at(9, 40, 0, 0),
        due_at: date(2026, 11, 27),
        overdue: true,
        collect_at: Some("Quầy số 5, Khu A, tầng 1".to_owned()),
        printed_at: date(2026, 11, 28).at(8, 15, 12, 0),
    }
}

/// A sample checklist.
pub fn checklist() -> ChecklistSlip {
    ChecklistSlip {
        center_name: CENTER.to_owned(),
        procedure_name: "Đăng ký thành lập hộ kinh doanh".to_owned(),
        documents: vec![
            ChecklistDocument {
                name: "Giấy đề nghị đăng ký hộ kinh doanh (Mẫu số 01, Phụ lục III)".to_owned(),
                form: DocumentForm::Original,
                count: 1,
            },
            ChecklistDocument {
                name: "Căn cước công dân của chủ hộ kinh doanh".to_owned(), form: DocumentForm::CertifiedCopy, count: 1
            },
            ChecklistDocument {
                name: "Biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh".to_owned(),
                form: DocumentForm::Copy,
                count: 1,
            },
            ChecklistDocument {
                name: "Văn bản ủy quyền cho thành viên hộ gia đình làm chủ hộ kinh doanh".to_owned(),
                form: DocumentForm::Original,
                count: 1,
            },
        ],
        fee: Fee::Vnd(100_000),
        processing_days: 3,
        submit_at: "Quầy số 3, Khu A, tầng 1 – Trung tâm Phục vụ hành chính công".to_owned(),
        legal_basis: vec![
            "Nghị định số 01/2021/NĐ-CP ngày 04/01/2021 về đăng ký doanh nghiệp".to_owned(),
            "Thông tư số 02/2023/TT-BKHĐT ngày 18/4/2023".to_owned(),
        ],
        printed_at: date(2026, 11, 28).at(8, 15, 12, 0),
    }
}

/// A 200-character procedure name, for wrapping tests.
pub fn long_procedure_name() -> String {
    let mut name = String::from(
        "Thủ tục cấp đổi, cấp lại giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài \
         sản khác gắn liền với đất do bị mất, bị hư hỏng hoặc đo đạc lại diện tích thửa đất \
         theo bản đồ địa chính mới",
    );
    while name.chars().count() < 200 {
        name.push_str(" tỉnh Vĩnh Phúc");
    }
    name.chars().take(200).collect()
}
