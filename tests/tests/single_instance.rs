//! One kiosk per data folder, with and without a D-Bus session bus: a second
//! `motcua-kiosk` on the same config says so and exits, the first keeps
//! running. (Before, without a session bus, the second opened a second full
//! kiosk on the same store.) Needs the app binary and a display (xvfb-run -a).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code)] // the slip and driver helpers serve the other app tests
#[path = "app_e2e/harness.rs"]
mod harness;

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use harness::{kiosk_bin, write_config};
use motcua_tests::RefusingPort;
use motcua_tests::webdriver::kill_group;

/// A D-Bus session bus of its own (`dbus-daemon --session --fork`); stopped on drop.
struct SessionBus {
    address: String,
    pid: u32,
}

impl SessionBus {
    fn start() -> SessionBus {
        let out = Command::new("dbus-daemon")
            .args(["--session", "--fork", "--print-address=1", "--print-pid=1"])
            .output()
            .expect("dbus-daemon (Debian package dbus-daemon)");
        assert!(out.status.success(), "dbus-daemon: {}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines = text.lines();
        let address = lines.next().expect("address").trim().to_string();
        let pid = lines.next().expect("pid").trim().parse().expect("pid number");
        SessionBus { address, pid }
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.pid.to_string()).status();
    }
}

fn kiosk(config: &std::path::Path, bus: Option<&SessionBus>) -> Command {
    let mut cmd = Command::new(kiosk_bin());
    cmd.args(["--config", &config.display().to_string(), "--windowed"]).stdout(Stdio::piped()).stderr(Stdio::piped()).process_group(0);
    match bus {
        Some(b) => cmd.env("DBUS_SESSION_BUS_ADDRESS", &b.address),
        None => cmd.env_remove("DBUS_SESSION_BUS_ADDRESS"),
    };
    cmd
}

/// Starts the first kiosk and waits for its home screen (`ui-ready-ms`).
fn first(config: &std::path::Path, bus: Option<&SessionBus>) -> Child {
    let mut child = kiosk(config, bus).spawn().expect("start the kiosk");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with("ui-ready-ms") {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(60)).expect("the first kiosk shows its home screen");
    child
}

fn second_refused(config: &std::path::Path, bus: Option<&SessionBus>, what: &str) {
    let started = Instant::now();
    let mut second = kiosk(config, bus).spawn().expect("start a second kiosk");
    let status = loop {
        if let Some(s) = second.try_wait().expect("wait") {
            break s;
        }
        if started.elapsed() > Duration::from_secs(20) {
            kill_group(&mut second);
            panic!("{what}: a second kiosk on the same data folder is still running after 20 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut second.stderr.take().expect("stderr"), &mut err).expect("stderr");
    assert!(status.success(), "{what}: the second kiosk exits quietly, got {status}: {err}");
    assert!(err.contains("already running"), "{what}: it says why: {err}");
    eprintln!("single_instance: {what}: second instance gone after {:?}", started.elapsed());
}

#[test]
fn a_second_kiosk_on_the_same_data_folder_does_not_start_with_or_without_a_session_bus() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let central = RefusingPort::hold();
    let url = format!("http://127.0.0.1:{}", central.port());
    let slips = tmp.path().join("slips");
    let bus = SessionBus::start();
    for (what, bus) in [("without a session bus", None), ("with a session bus", Some(&bus))] {
        let config = write_config(tmp.path(), if bus.is_some() { "bus" } else { "nobus" }, &url, &slips, 60);
        let mut running = first(&config, bus);
        second_refused(&config, bus, what);
        assert!(running.try_wait().expect("wait").is_none(), "{what}: the first kiosk keeps running");
        kill_group(&mut running);
        // Once it is gone, the data folder is free again.
        let mut again = first(&config, bus);
        kill_group(&mut again);
    }
}
