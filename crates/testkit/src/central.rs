//! The central server under test: the real binary, started on port 0 with a
//! database of the test's, behind a loopback front that keeps its address.
//!
//! Why a front: the crash and offline tests stop the server and start it
//! again on the same database, and the kiosk must find it at the same URL.
//! Restarting on the old port would mean releasing it and hoping nobody took
//! it meanwhile (on a busy CI machine somebody does). Instead the front
//! ([`FaultProxy`]) holds its port for the whole test; while the server is
//! stopped it closes every connection, and it forwards to whichever port the
//! server has now. Tests of the network itself use the same front to inject
//! faults ([`Central::proxy`]).

use std::ffi::OsString;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::proxy::FaultProxy;

/// How long the server may take to print its address.
const STARTUP: Duration = Duration::from_secs(30);

/// A running `motcua-central serve` (killed on drop) behind its front.
pub struct Central {
    /// Where clients reach it: the front's `http://127.0.0.1:PORT`, the same
    /// across [`Central::stop`] and [`Central::restart`].
    pub url: String,
    /// Its SQLite database.
    pub db: PathBuf,
    bin: PathBuf,
    args: Vec<OsString>,
    front: FaultProxy,
    server: Option<(Child, SocketAddr)>,
}

/// Starts `bin serve --demo` on `db`: the demo center, its tokens
/// `demo-kiosk` and `demo-staff`.
pub fn spawn_central(bin: impl AsRef<Path>, db: &Path) -> Central {
    Central::spawn(bin, db, ["--demo"])
}

impl Central {
    /// Starts `bin serve` on `db` with `args` (e.g. `--demo`,
    /// `--lookup-limit 5`) on a free port, and waits until it listens.
    pub fn spawn<I, S>(bin: impl AsRef<Path>, db: &Path, args: I) -> Central
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        let front = FaultProxy::detached();
        let mut central = Central {
            url: front.url(),
            db: db.to_path_buf(),
            bin: bin.as_ref().to_path_buf(),
            args: args.into_iter().map(Into::into).collect(),
            front,
            server: None,
        };
        central.restart();
        central
    }

    /// Kills the server (`kill -9`, like a power cut); the front then closes
    /// every connection, open ones included.
    pub fn stop(&mut self) {
        self.front.set_upstream(None);
        if let Some((mut child, _)) = self.server.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.front.sever_all();
    }

    /// Starts the server again on the same database (stopping it first if it
    /// runs); it is reachable at the same [`Central::url`].
    pub fn restart(&mut self) {
        self.stop();
        let log = self.db.with_extension("log");
        let stderr = File::create(&log).unwrap_or_else(|e| panic!("create {}: {e}", log.display()));
        let mut child = Command::new(&self.bin)
            .args(["serve", "--listen", "127.0.0.1:0", "--public-url", &self.url, "--db"])
            .arg(&self.db)
            .args(&self.args)
            .env("RUST_LOG", "warn")
            // No made-up report history unless a test asks with
            // `--demo-history-days N`: it takes seconds to seed, and tests count their own tickets.
            .env("MOTCUA_CENTRAL_DEMO_HISTORY_DAYS", "0")
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", self.bin.display()));
        let addr = listening_address(&mut child).unwrap_or_else(|| {
            let _ = child.kill();
            let status = child.wait().map(|s| s.to_string()).unwrap_or_default();
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            panic!("{} did not say where it listens ({status}); its log:\n{log}", self.bin.display())
        });
        self.server = Some((child, addr));
        self.front.set_upstream(Some(addr));
    }

    /// Whether the server process runs.
    pub fn is_running(&self) -> bool {
        self.server.is_some()
    }

    /// The server's own address (it changes on restart); most tests want [`Central::url`].
    pub fn server_addr(&self) -> Option<SocketAddr> {
        self.server.as_ref().map(|(_, addr)| *addr)
    }

    /// The front between clients and the server, to inject faults.
    pub fn proxy(&self) -> &FaultProxy {
        &self.front
    }

    /// Runs another command of the same binary on the same database
    /// (`token create …`, `catalog import …`): `bin ARGS --db DB`.
    pub fn command(&self, args: &[&str]) -> Output {
        central_command(&self.bin, args, &self.db)
    }
}

impl Drop for Central {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Runs `bin ARGS --db DB` and returns what it printed.
pub fn central_command(bin: impl AsRef<Path>, args: &[&str], db: &Path) -> Output {
    let bin = bin.as_ref();
    Command::new(bin).args(args).arg("--db").arg(db).output().unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()))
}

/// Reads the server's `listening on http://ADDR` line; the rest of its
/// output is drained so that it never blocks on a full pipe.
fn listening_address(child: &mut Child) -> Option<SocketAddr> {
    let stdout = child.stdout.take()?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(addr) = line.trim().strip_prefix("listening on http://").and_then(|a| a.parse::<SocketAddr>().ok()) {
                let _ = tx.send(addr);
            }
        }
    });
    rx.recv_timeout(STARTUP).ok()
}
