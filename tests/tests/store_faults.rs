//! The kiosk's store at start: damaged, on a read-only folder, on a full
//! disk. The kiosk starts degraded: online tickets go on, offline tickets
//! stop (their journal is the only record), the status says why and where,
//! and nothing of the old journal is deleted.
//!
//! The read-only and full cases mount a small tmpfs on the data folder
//! (tests run as root, which ignores file permissions).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use motcua_engine::{Journal, Kiosk, KioskStatus, StoreFault};
use motcua_tests::*;

const GARBAGE: &[u8] = b"\x00\x13 this is no SQLite file: a power cut in the middle of a write, a bad sector \xff\xfe";

/// A tmpfs mounted on a folder for the test's life.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(dir: &Path, size: &str) -> Mount {
        std::fs::create_dir_all(dir).unwrap();
        let out = Command::new("mount").args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"]).arg(dir).output().unwrap();
        assert!(out.status.success(), "mount tmpfs on {} (the test runs as root): {}", dir.display(), String::from_utf8_lossy(&out.stderr));
        Mount(dir.to_path_buf())
    }

    fn read_only(&self) {
        let out = Command::new("mount").args(["-o", "remount,ro"]).arg(&self.0).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// The kiosk's last error as the console sees it (`GET /api/v1/kiosks`, staff token).
async fn console_last_error(lobby: &Lobby) -> Option<String> {
    let list: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/v1/kiosks", lobby.central.url))
        .bearer_auth("demo-staff")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kiosk = list["kiosks"].as_array()?.iter().find(|k| k["kiosk_id"] == "kiosk-test-1")?.clone();
    kiosk["last_error"].as_str().map(str::to_owned)
}

fn store_of(status: &KioskStatus) -> &StoreFault {
    status.store.as_deref().unwrap_or_else(|| panic!("no store fault in {status:?}"))
}

/// A healthy store with one offline ticket waiting in its outbox.
async fn store_with_a_waiting_ticket(lobby: &mut Lobby) {
    let kiosk = Kiosk::open(lobby.config("")).await.unwrap();
    assert!(!kiosk.take_ticket(LAND, None).await.unwrap().ticket.offline);
    lobby.central.stop();
    let offline = kiosk.take_ticket(LAND, None).await.unwrap();
    assert!(offline.ticket.offline);
    assert_eq!(kiosk.status().await.unwrap().outbox, 1);
    drop(kiosk);
    lobby.central.restart();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_store_is_kept_aside_and_the_kiosk_issues_online_tickets_only() {
    let mut lobby = Lobby::open(central_bin!(), READY);
    std::fs::create_dir_all(lobby.data()).unwrap();
    std::fs::write(lobby.data().join("kiosk.db"), GARBAGE).unwrap();

    let kiosk = Kiosk::open(lobby.config("")).await.unwrap();
    let status = kiosk.status().await.unwrap();
    let fault = store_of(&status);
    assert_eq!((fault.code.as_str(), fault.journal), ("store_corrupt", Journal::Disk));
    let aside = fault.kept_aside.clone().unwrap();
    assert!(aside.file_name().unwrap().to_string_lossy().starts_with("kiosk.db.corrupt-"), "{}", aside.display());
    assert_eq!(std::fs::read(&aside).unwrap(), GARBAGE, "the damaged file is kept as it was");
    assert!(fault.offline_until.is_some());

    // Online: issued, printed, journalled in the new store.
    let online = kiosk.take_ticket(LAND, None).await.unwrap();
    assert!(!online.ticket.offline && online.printed);
    assert_eq!(online.ticket.number, "B001");
    let jobs = lobby.printer.jobs().len();
    // The console hears of it with the heartbeat, a printed slip or not.
    kiosk.heartbeat().await.unwrap();
    assert_eq!(console_last_error(&lobby).await.as_deref(), Some("store_corrupt"));

    // Offline: refused with the store's code, nothing printed.
    lobby.central.stop();
    let err = kiosk.take_ticket(LAND, None).await.unwrap_err();
    assert_eq!(err.code(), "store_corrupt", "{err}");
    assert!(err.message_vi().contains("không lưu được phiếu"), "{}", err.message_vi());
    assert_eq!(lobby.printer.jobs().len(), jobs, "no slip without a journal");
    assert_eq!(kiosk.status().await.unwrap().outbox, 0);

    // A restart the same day remembers it: the day's offline numbers are unknown.
    drop(kiosk);
    let kiosk = Kiosk::open(lobby.config("")).await.unwrap();
    let status = kiosk.status().await.unwrap();
    assert_eq!(store_of(&status).kept_aside.as_deref(), Some(aside.as_path()));
    assert_eq!(kiosk.take_ticket(LAND, None).await.unwrap_err().code(), "store_corrupt");
    // The reprint of the online ticket works from the new store.
    lobby.central.restart();
    assert_eq!(kiosk.reprint(&online.ticket.number).await.unwrap().ticket.number, "B001");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_data_folder_leaves_the_journal_untouched_and_online_tickets_go_on() {
    let mut lobby = Lobby::open(central_bin!(), READY);
    let mount = Mount::tmpfs(&lobby.data(), "4m");
    store_with_a_waiting_ticket(&mut lobby).await;
    let before = std::fs::read(lobby.data().join("kiosk.db")).unwrap();
    mount.read_only();

    let kiosk = Kiosk::open(lobby.config("")).await.unwrap();
    let status = kiosk.status().await.unwrap();
    let fault = store_of(&status);
    assert_eq!((fault.code.as_str(), fault.journal), ("store_read_only", Journal::Memory), "{fault}");
    assert_eq!(fault.waiting_in_file, Some(1), "the offline ticket waiting in the file is counted, not lost");
    assert!(fault.to_string().contains("writable"), "{fault}");

    let online = kiosk.take_ticket(LAND, None).await.unwrap();
    assert!(!online.ticket.offline && online.printed, "{online:?}");
    lobby.central.stop();
    assert_eq!(kiosk.take_ticket(LAND, None).await.unwrap_err().code(), "store_read_only");
    assert_eq!(std::fs::read(lobby.data().join("kiosk.db")).unwrap(), before, "the journal is not written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_at_start_gives_online_tickets_only_and_a_clear_status() {
    let mut lobby = Lobby::open(central_bin!(), READY);
    let _mount = Mount::tmpfs(&lobby.data(), "2m");
    store_with_a_waiting_ticket(&mut lobby).await;
    // Fill the disk to the last byte.
    let mut filler = std::fs::File::create(lobby.data().join("filler")).unwrap();
    let block = vec![0u8; 64 * 1024];
    while std::io::Write::write_all(&mut filler, &block).is_ok() {}
    let mut small = vec![0u8; 1024];
    while !small.is_empty() {
        if std::io::Write::write_all(&mut filler, &small).is_err() {
            small.truncate(small.len() / 2);
        }
    }
    drop(filler);

    let kiosk = Kiosk::open(lobby.config("")).await.unwrap();
    let status = kiosk.status().await.unwrap();
    let fault = store_of(&status);
    assert_eq!(fault.code, "store_full", "{fault}");
    assert_eq!(fault.waiting_in_file, Some(1));
    let online = kiosk.take_ticket(LAND, None).await.unwrap();
    assert!(!online.ticket.offline && online.printed);
    lobby.central.stop();
    assert_eq!(kiosk.take_ticket(LAND, None).await.unwrap_err().code(), "store_full");
    // Space again, and a restart: the waiting ticket is still there to send.
    std::fs::remove_file(lobby.data().join("filler")).unwrap();
    drop(kiosk);
    lobby.central.restart();
    let kiosk = Kiosk::open(lobby.config("")).await.unwrap();
    let status = kiosk.status().await.unwrap();
    assert!(status.store.is_none(), "{status:?}");
    assert_eq!(status.outbox, 1);
    let report = kiosk.sync_now().await.unwrap();
    assert_eq!((report.sent, report.remaining), (1, 0));
}
