//! Lookup by chip ID card through the kiosk engine against the real demo
//! server (whose stand-in one-stop system taught it the card holder's ID
//! hash): the holder's dossiers, newest first and masked; and the number and
//! the name on the card in no line the kiosk logs (at trace level) and in no
//! file of its store, nor in the server's log or database files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use motcua_central::sources::upstream::{DEMO_CARD_DOSSIERS, DEMO_ID_CARD};
use motcua_engine::{Kiosk, Lookup};
use motcua_tests::*;

const NUMBER: &str = "001099012345";
const NAME: &str = "Nguyễn Văn An";

/// Every log line of this test binary, into a file.
#[derive(Clone)]
struct LogFile(Arc<Mutex<std::fs::File>>);

impl std::io::Write for LogFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.lock().unwrap().flush()
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn holding(paths: &[PathBuf], needle: &str) -> Vec<String> {
    paths
        .iter()
        .filter(|p| std::fs::read(p).unwrap_or_default().windows(needle.len()).any(|w| w == needle.as_bytes()))
        .map(|p| p.display().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_lists_its_holders_dossiers_and_its_number_stays_out_of_every_log_and_store() {
    let lobby = Lobby::open(central_bin!(), READY);
    let log_path = lobby.dir.path().join("engine-trace.log");
    let file = LogFile(Arc::new(Mutex::new(std::fs::File::create(&log_path).unwrap())));
    tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::TRACE)
        .with_ansi(false)
        .with_writer(move || file.clone())
        .try_init()
        .unwrap();
    let kiosk = Kiosk::open(lobby.config("")).await.unwrap();

    let Lookup::IdCard { dossiers, more } = kiosk.lookup(DEMO_ID_CARD).await.unwrap() else { panic!("not read as a card") };
    let codes: Vec<&str> = dossiers.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, [DEMO_CARD_DOSSIERS[1], DEMO_CARD_DOSSIERS[0]], "newest received first");
    assert!(!more);
    assert!(dossiers.iter().all(|d| d.applicant == "Nguyễn V** A*"), "masked: {dossiers:?}");
    assert_eq!(dossiers[1].center.id, "vp-phuong-vinh-phuc", "a commune center's dossier, found from the province's kiosk");
    assert!(dossiers.iter().all(|d| d.heard_at.is_some()), "the demo's source spoke about them");

    // A scanner typing the card with a carriage return; a card nobody knows; a near miss.
    let Lookup::IdCard { dossiers, .. } = kiosk.lookup(&format!("{DEMO_ID_CARD}\r")).await.unwrap() else { panic!("a card") };
    assert_eq!(dossiers.len(), 2);
    let stranger = DEMO_ID_CARD.replace(NUMBER, "079203000111");
    let Lookup::IdCard { dossiers, more } = kiosk.lookup(&stranger).await.unwrap() else { panic!("a card") };
    assert!(dossiers.is_empty() && !more, "a card that matches nothing: an empty list");
    let err = kiosk.lookup(&DEMO_ID_CARD.replace("|Nam|", "|Male|")).await.unwrap_err();
    assert_eq!(err.code(), "not_a_code");
    assert!(!err.message_vi().contains(NUMBER) && !err.to_string().contains(NUMBER));

    // Choosing a dossier opens it.
    let Lookup::Dossier { dossier } = kiosk.lookup(DEMO_CARD_DOSSIERS[0]).await.unwrap() else { panic!("a dossier") };
    assert_eq!(dossier.center.as_ref().map(|c| c.id.as_str()), Some("vp-phuong-vinh-phuc"));
    drop(kiosk);

    let logged = std::fs::read_to_string(&log_path).unwrap();
    assert!(logged.contains("TRACE"), "the log is at trace level:\n{logged}");
    let kiosk_files = files_under(&lobby.data());
    assert!(kiosk_files.iter().any(|p| p.to_string_lossy().contains("kiosk.db")), "{kiosk_files:?}");
    let mut mine = kiosk_files.clone();
    mine.push(log_path);
    for needle in [NUMBER, NAME, "01011990", "Số 1 Hùng Vương"] {
        assert_eq!(holding(&mine, needle), Vec::<String>::new(), "{needle:?} in the kiosk's log or store");
    }
    // The server: the number in no file of its (log, database, WAL); the
    // name is there only as the source sent it, for masking.
    let server_files: Vec<PathBuf> =
        files_under(lobby.dir.path()).into_iter().filter(|p| p.to_string_lossy().contains("central")).collect();
    assert!(server_files.len() >= 3, "{server_files:?}");
    assert_eq!(holding(&server_files, NUMBER), Vec::<String>::new(), "the number in the server's files");
}

/// docs/demo-id-card.png is the demo card: scanning it on a demo kiosk lists its two dossiers.
#[test]
fn the_demo_card_picture_in_the_docs_holds_the_demo_card() {
    let png = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/demo-id-card.png");
    assert_eq!(zbar(&png), DEMO_ID_CARD, "regenerate it: qrencode -o docs/demo-id-card.png -s 8 -m 4 \"$DEMO_ID_CARD\"");
}
