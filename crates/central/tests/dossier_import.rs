//! `motcua-central dossiers import` as an IT officer runs it on the nightly
//! export: real CSV, XLSX (written by a real spreadsheet writer) and JSON
//! files; bad rows reported with their row and column, good rows applied;
//! `--dry-run` leaves the database file as it was.
// clippy.toml lets #[test] functions panic; their helpers here may too: a failed unwrap is the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use sha2::{Digest, Sha256};

const BIN: &str = env!("CARGO_BIN_EXE_motcua-central");

struct Env {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Env {
    /// A database with the demo catalog (center vp-tinh, Asia/Ho_Chi_Minh) and its dossiers.
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("central.db");
        let mut conn = motcua_central::db::open_and_migrate(&db).unwrap();
        motcua_central::demo::seed_if_empty(&mut conn, "2026-11-30T02:00:00Z".parse().unwrap()).unwrap();
        Self { dir, db }
    }

    fn file(&self, name: &str, content: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    /// Runs `dossiers import --db … --center vp-tinh FILE ARGS…`: exit code, stdout, stderr.
    fn import(&self, file: &Path, args: &[&str]) -> (i32, String, String) {
        let out = Command::new(BIN)
            .args(["dossiers", "import", "--db"])
            .arg(&self.db)
            .args(["--center", "vp-tinh"])
            .arg(file)
            .args(args)
            .output()
            .unwrap();
        (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
    }

    fn query<T: rusqlite::types::FromSql>(&self, sql: &str) -> T {
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    fn dossier(&self, code: &str) -> (u8, String, i64, i64, String) {
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        conn.query_row("SELECT status, applicant_name, received_at, due_at, source FROM dossiers WHERE code = ?1", [code], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
    }

    /// SHA-256 of every file of the database (the main file, and a WAL if one is left).
    fn fingerprint(&self) -> Vec<(String, String)> {
        let mut out: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("central.db"))
            .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), format!("{:x}", Sha256::digest(std::fs::read(&p).unwrap()))))
            .collect();
        out.sort();
        out
    }
}

fn ms(t: &str) -> i64 {
    t.parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

const NATIONAL_CSV: &str = "\
STT,MaHoSo,MaTTHC,TenTTHC,ChuHoSo,SoDienThoai,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayCapNhat
1,000.00.12.H62-261125-0011,1.001193,Đăng ký khai sinh,Phạm Văn Hùng,0912345678,2,20261125083000,20261127163000,20261125083000
2,000.00.12.H62-261125-0012,1.001193,Đăng ký khai sinh,Lê Thị Thu,0912345679,4,20261125090000,31/02/2026,20261125090000
3,000.00.12.H62-261125-0013,,\"Cấp bản sao trích lục, hộ tịch\",Trần Văn Nam,,9,20261125093000,20261126163000,20261126150000
4,KHONG-PHAI-MA,1.001193,,Ngô Văn Bình,,15,20261125100000,20261127163000,20261125100000
5,000.00.12.H62-261125-0015,1.001193,Đăng ký kết hôn,Vũ Thị Hạnh,,Đang xử lý,20261125103000,20261127163000,20261125103000
";

#[test]
fn a_national_csv_applies_the_good_rows_and_names_each_bad_one_by_row_and_column() {
    let env = Env::new();
    let csv = env.file("hoso.csv", NATIONAL_CSV);
    let (code, out, err) = env.import(&csv, &[]);
    assert_eq!(code, 2, "some rows rejected: {out}{err}");
    assert!(out.contains("ignored columns (no such field): STT"), "{out}");
    assert!(out.contains("row 3, column I \"NgayHenTra\": not a time: \"31/02/2026\""), "{out}");
    assert!(out.contains("row 5, column B \"MaHoSo\": the text does not have the shape of a dossier code: \"KHONG-PHAI-MA\""), "{out}");
    assert!(out.contains("row 5, column D \"TenTTHC\": procedure_name is required and empty"), "{out}");
    assert!(out.contains("row 5, column G \"TrangThaiHoSo\": status must be a national status code 1..10, got 15"), "{out}");
    assert!(out.contains("imported 3, unchanged 0, rejected 2"), "{out}");

    let (status, name, received, due, source) = env.dossier("000.00.12.H62-261125-0011");
    assert_eq!((status, name.as_str(), source.as_str()), (2, "Phạm Văn Hùng", "import"));
    assert_eq!(received, ms("2026-11-25T01:30:00Z"), "08:30 in the center's time zone");
    assert_eq!(due, ms("2026-11-27T09:30:00Z"));
    assert_eq!(env.dossier("000.00.12.H62-261125-0015").0, 4, "the official label read as its code");
    assert_eq!(env.query::<String>("SELECT actor FROM dossier_history WHERE code = '000.00.12.H62-261125-0013'"), "import:hoso.csv");
    assert_eq!(env.query::<i64>("SELECT count(*) FROM dossiers WHERE code LIKE '%-261125-0012' OR code LIKE 'KHONG%'"), 0);

    // The same export again: nothing changes, the same rows are reported.
    let history = env.query::<i64>("SELECT count(*) FROM dossier_history");
    let (code, out, _) = env.import(&csv, &[]);
    assert_eq!(code, 2);
    assert!(out.contains("imported 0, unchanged 3, rejected 2"), "{out}");
    assert_eq!(env.query::<i64>("SELECT count(*) FROM dossier_history"), history);
}

#[test]
fn an_xlsx_with_its_own_column_names_and_statuses_goes_through_a_mapping_file() {
    let env = Env::new();
    let path = env.dir.path().join("export.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    // A title above the header, as exports have: the header is the row with the code's column.
    sheet.write_string(0, 0, "DANH SÁCH HỒ SƠ TIẾP NHẬN TỪ 24/11/2026").unwrap();
    for (col, title) in ["Mã hồ sơ", "Thủ tục", "Người nộp", "Tình trạng", "Ngày nhận", "Hạn trả", "Cập nhật", "Ghi chú"].iter().enumerate()
    {
        sheet.write_string(2, col as u16, *title).unwrap();
    }
    // Code, procedure, applicant, status label, received (a date cell), due (text), updated (a number).
    type Row<'a> = (&'a str, &'a str, &'a str, &'a str, (u16, u8, u8, u16, u8), &'a str, f64);
    let rows: [Row; 3] = [
        (
            "000.00.14.H62-261124-0021",
            "Cấp giấy phép xây dựng",
            "Hoàng Văn Sơn",
            "Đang giải quyết",
            (2026, 11, 24, 8, 15),
            "01/12/2026 16:30",
            20261126100000.0,
        ),
        (
            "000.00.14.H62-261124-0022",
            "Cấp giấy phép xây dựng",
            "Đinh Thị Yến",
            "Chờ bổ sung",
            (2026, 11, 24, 9, 0),
            "01/12/2026 16:30",
            20261126100000.0,
        ),
        (
            "000.00.14.H62-261124-0023",
            "Cấp giấy phép xây dựng",
            "Bùi Văn Tùng",
            "DA_TRA",
            (2026, 11, 24, 9, 30),
            "01/12/2026 16:30",
            20261128143000.0,
        ),
    ];
    for (i, (code, proc_name, who, status, (y, mo, d, h, mi), due, updated)) in rows.into_iter().enumerate() {
        let r = i as u32 + 3;
        sheet.write_string(r, 0, code).unwrap();
        sheet.write_string(r, 1, proc_name).unwrap();
        sheet.write_string(r, 2, who).unwrap();
        sheet.write_string(r, 3, status).unwrap();
        let received = ExcelDateTime::from_ymd(y, mo, d).unwrap().and_hms(h, mi, 0).unwrap();
        sheet.write_datetime_with_format(r, 4, &received, &date).unwrap();
        sheet.write_string(r, 5, due).unwrap();
        sheet.write_number(r, 6, updated).unwrap();
    }
    book.save(&path).unwrap();
    let mapping = env.file(
        "mapping.toml",
        r#"
[columns]
"Mã hồ sơ" = "MaHoSo"
"Thủ tục" = "procedure_name"
"Người nộp" = "ChuHoSo"
"Tình trạng" = "status"
"Ngày nhận" = "received_at"
"Hạn trả" = "due_at"
"Cập nhật" = "NgayCapNhat"
"Ghi chú" = "note"

[status]
"Đang giải quyết" = 4
"DA_TRA" = 10
"#,
    );
    let (code, out, err) = env.import(&path, &["--mapping", mapping.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        out.contains("row 5, column D \"Tình trạng\": status \"Chờ bổ sung\" is not in the mapping file's [status] table"),
        "not guessed: {out}"
    );
    assert!(out.contains("imported 2, unchanged 0, rejected 1"), "{out}");
    assert!(!out.contains("ignored columns"), "every column is mapped: {out}");
    let (status, _, received, due, _) = env.dossier("000.00.14.H62-261124-0021");
    assert_eq!(status, 4);
    assert_eq!(received, ms("2026-11-24T01:15:00Z"), "a spreadsheet date cell, local time");
    assert_eq!(due, ms("2026-12-01T09:30:00Z"), "dd/MM/yyyy HH:mm text, local time");
    assert_eq!(env.dossier("000.00.14.H62-261124-0023").0, 10);
    assert_eq!(
        env.query::<i64>("SELECT done_at FROM dossiers WHERE code = '000.00.14.H62-261124-0023'"),
        ms("2026-11-28T07:30:00Z"),
        "handed over as of its update time"
    );
}

#[test]
fn a_json_export_in_our_shape_is_imported_and_a_bad_item_is_named() {
    let env = Env::new();
    let json = env.file(
        "dossiers.json",
        r#"{"dossiers": [
          {"code": "000.00.12.H62-261126-0031", "procedure_name": "Chứng thực bản sao", "applicant_name": "Lý Thị Hoa",
           "status": 9, "received_at": "2026-11-26T01:00:00Z", "due_at": "2026-11-26T09:00:00Z", "updated_at": "2026-11-26T08:00:00Z",
           "collect_at": "Quầy 20"},
          {"code": "000.00.12.H62-261126-0032", "procedure_name": "Chứng thực bản sao", "applicant_name": "Mai Văn Lộc",
           "status": 2, "received_at": "2026-11-26T01:00:00Z", "due_at": "2026-11-25T09:00:00Z"},
          {"MaHoSo": "000.00.12.H62-261126-0033", "TenTTHC": "Chứng thực chữ ký", "ChuHoSo": "Tạ Văn Khoa",
           "TrangThaiHoSo": 4, "NgayTiepNhan": 20261126090000, "NgayHenTra": "20261127163000"}
        ]}"#,
    );
    let (code, out, err) = env.import(&json, &[]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.contains("item 2, \"due_at\": due_at is before received_at"), "{out}");
    assert!(out.contains("imported 2, unchanged 0, rejected 1"), "{out}");
    assert_eq!(env.dossier("000.00.12.H62-261126-0033").2, ms("2026-11-26T02:00:00Z"));
    // All good: exit 0.
    let good = env.file("good.json", r#"[{"code": "000.00.12.H62-261126-0034", "procedure_name": "X", "applicant_name": "Y", "status": 2, "received_at": "2026-11-26T01:00:00Z", "due_at": "2026-11-27T09:00:00Z"}]"#);
    let (code, out, _) = env.import(&good, &["--as-of", "20261126170000"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("imported 1, unchanged 0, rejected 0"), "{out}");
    assert_eq!(
        env.query::<i64>("SELECT source_updated_at FROM dossiers WHERE code = '000.00.12.H62-261126-0034'"),
        ms("2026-11-26T10:00:00Z"),
        "a row without an update time takes --as-of"
    );
}

#[test]
fn a_dry_run_reports_the_same_and_leaves_the_database_file_as_it_was() {
    let env = Env::new();
    let csv = env.file("hoso.csv", NATIONAL_CSV);
    let before = env.fingerprint();
    let rows = env.query::<i64>("SELECT count(*) FROM dossiers");
    let (code, out, err) = env.import(&csv, &["--dry-run"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.contains("row 3, column I \"NgayHenTra\""), "{out}");
    assert!(out.contains("imported 3, unchanged 0, rejected 2 (dry run: nothing was written)"), "{out}");
    assert_eq!(env.fingerprint(), before, "the database files are byte for byte the same");
    assert_eq!(env.query::<i64>("SELECT count(*) FROM dossiers"), rows);
}

#[test]
fn whole_file_problems_stop_the_import_before_any_row() {
    let env = Env::new();
    let rows = env.query::<i64>("SELECT count(*) FROM dossiers");
    let no_due = env.file("thieu.csv", "MaHoSo,TenTTHC,ChuHoSo,TrangThaiHoSo,NgayTiepNhan\nA,B,C,2,20261125083000\n");
    let (code, _, err) = env.import(&no_due, &[]);
    assert_eq!(code, 1);
    assert!(err.contains("no column for due_at (NgayHenTra)") && err.contains("nothing was imported"), "{err}");
    let csv = env.file("hoso.csv", NATIONAL_CSV);
    let bad_mapping = env.file("m.toml", "[status]\n\"Xong\" = 12\n");
    let (code, _, err) = env.import(&csv, &["--mapping", bad_mapping.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("1..10"), "{err}");
    let out = Command::new(BIN).args(["dossiers", "import", "--db"]).arg(&env.db).args(["--center", "nowhere"]).arg(&csv).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown center \"nowhere\""));
    let txt = env.file("hoso.txt", "x");
    assert_eq!(env.import(&txt, &[]).0, 1);
    assert_eq!(env.query::<i64>("SELECT count(*) FROM dossiers"), rows);
}

#[test]
fn token_create_knows_the_integration_role() {
    let env = Env::new();
    let out = Command::new(BIN)
        .args(["token", "create", "--db"])
        .arg(&env.db)
        .args(["--role", "integration", "--center", "vp-tinh", "--name", "motcua-sync"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(env.query::<String>("SELECT role FROM tokens WHERE name = 'motcua-sync'"), "integration");
}
