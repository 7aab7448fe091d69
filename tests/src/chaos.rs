//! The network fault run: kiosks (separate engines, separate stores and
//! printers) tap against the real server behind the fault-injecting proxy
//! through a series of phases (resets, delay, a blackhole, lost answers, a
//! lost ticket answer, `kill -9` restarts), then the network heals and the
//! outboxes drain. Afterwards every slip printed must resolve on the server
//! to a ticket with its number, and the server must hold exactly one ticket
//! per tap: none duplicated, none lost.
//!
//! `tests/tests/chaos.rs` runs a short plan in `cargo test`; `cargo xtask
//! chaos` runs the long one and prints the figures the README quotes.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use motcua_engine::{Config, Kiosk};
use motcua_testkit::{Central, FakePrinter, Fault, Stats, spawn_central};

use crate::{BUILDING, BUSINESS, LAND, READY, qr_of_job};

/// What the network does during a phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trouble {
    /// Nothing: a clean network.
    Clean,
    /// A proxy fault for the whole phase.
    Fault(Fault),
    /// [`Fault::LoseTicketAnswer`], aimed again as soon as it has hit a ticket request.
    LoseTicketAnswers,
    /// The server is killed (`kill -9`) at the start and restarted after `down`.
    Restart {
        /// How long it stays down.
        down: Duration,
    },
}

/// One phase: what goes wrong, how many taps it gets, how long it lasts at least.
#[derive(Clone, Debug)]
pub struct Phase {
    /// Its name in the report.
    pub name: &'static str,
    /// What the network does.
    pub trouble: Trouble,
    /// Taps made during it, all kiosks together.
    pub taps: usize,
    /// It lasts at least this long (a blackhole of 60 s lasts 60 s).
    pub min: Duration,
}

/// A whole run.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Separate kiosks (engines, stores, printers).
    pub kiosks: usize,
    /// Each kiosk's wait between two taps (a citizen takes a moment).
    pub pace: Duration,
    /// The kiosks' `online_budget_ms`.
    pub online_budget_ms: u64,
    /// The phases, in order.
    pub phases: Vec<Phase>,
    /// How long the outboxes may take to drain once the network heals.
    pub recovery: Duration,
}

fn phase(name: &'static str, trouble: Trouble, taps: usize, min_ms: u64) -> Phase {
    Phase { name, trouble, taps, min: Duration::from_millis(min_ms) }
}

impl Plan {
    /// Every fault of the issue, with `scale` × 100 taps and a blackhole of
    /// `blackhole`: `Plan::with(2, …)` is 200 taps, `Plan::with(20, …)` 2,000.
    pub fn with(scale: usize, blackhole: Duration, online_budget_ms: u64) -> Plan {
        let n = |taps: usize| taps * scale;
        let restart = Trouble::Restart { down: Duration::from_millis(1500) };
        Plan {
            kiosks: 4,
            pace: Duration::from_millis(20),
            online_budget_ms,
            phases: vec![
                phase("clean", Trouble::Clean, n(6), 0),
                phase("reset 20 %", Trouble::Fault(Fault::Reset(20)), n(14), 0),
                phase(
                    "delay 300 ± 200 ms",
                    Trouble::Fault(Fault::Jitter { base: Duration::from_millis(300), spread: Duration::from_millis(200) }),
                    n(10),
                    0,
                ),
                phase("server killed, restarted", restart, n(6), 0),
                phase("blackhole", Trouble::Fault(Fault::Blackhole), n(10), blackhole.as_millis() as u64),
                phase("clean", Trouble::Clean, n(6), 0),
                phase("every answer dropped", Trouble::Fault(Fault::DropResponse), n(10), 0),
                phase("ticket answers lost", Trouble::LoseTicketAnswers, n(14), 0),
                phase("server killed, restarted", restart, n(6), 0),
                phase("reset 20 %", Trouble::Fault(Fault::Reset(20)), n(8), 0),
                phase("clean", Trouble::Clean, n(10), 0),
            ],
            recovery: Duration::from_secs(120),
        }
    }

    /// Taps in all.
    pub fn taps(&self) -> usize {
        self.phases.iter().map(|p| p.taps).sum()
    }
}

/// A slip a kiosk printed: what the citizen holds.
#[derive(Clone, Debug)]
pub struct Slip {
    /// Which kiosk.
    pub kiosk: usize,
    /// During which phase.
    pub phase: usize,
    /// The number printed.
    pub number: String,
    /// The QR's token.
    pub token: String,
    /// The QR's URL.
    pub lookup_url: String,
    /// Printed with the offline mark.
    pub offline: bool,
}

/// What one phase saw.
#[derive(Clone, Debug, Default)]
pub struct PhaseReport {
    /// Its name.
    pub name: &'static str,
    /// How long it lasted.
    pub took: Duration,
    /// Taps.
    pub taps: usize,
    /// Slips with a server number.
    pub online: usize,
    /// Slips with an offline number.
    pub offline: usize,
    /// Taps refused with an error (no slip).
    pub refused: usize,
    /// What the proxy did meanwhile.
    pub proxy: Stats,
}

/// The outcome of a run.
#[derive(Debug)]
pub struct Report {
    /// Taps made.
    pub taps: usize,
    /// Slips printed.
    pub slips: usize,
    /// Tickets the server holds from these kiosks.
    pub tickets: usize,
    /// Slips whose number or QR does not resolve to a ticket with that number.
    pub lost: usize,
    /// Server tickets no slip points at, or slips sharing a ticket.
    pub duplicated: usize,
    /// Offline slips.
    pub offline: usize,
    /// Online attempts the server committed, whose ticket took the offline slip's number.
    pub reconciled: usize,
    /// Slips whose printed QR was read back (zbar) and checked.
    pub qr_checked: usize,
    /// From the first tap to the last outbox delivered.
    pub took: Duration,
    /// Of which recovery (outboxes draining after the network healed).
    pub recovery: Duration,
    /// Per phase.
    pub phases: Vec<PhaseReport>,
    /// Refusals, by error code.
    pub refusals: HashMap<String, usize>,
}

impl Report {
    /// The figures as the README shows them.
    pub fn table(&self) -> String {
        let mut out = format!(
            "taps {}, slips {}, tickets on the server {}, duplicated {}, lost {}, offline slips {}, \
             online taps the server had committed and renumbered to their slip {}, QR read back {}, \
             time {:.1} s (recovery {:.1} s)\n\n",
            self.taps,
            self.slips,
            self.tickets,
            self.duplicated,
            self.lost,
            self.offline,
            self.reconciled,
            self.qr_checked,
            self.took.as_secs_f64(),
            self.recovery.as_secs_f64()
        );
        out.push_str("| phase | time | taps | online | offline | proxy |\n|---|---|---|---|---|---|\n");
        for p in &self.phases {
            let s = p.proxy;
            let mut proxy = Vec::new();
            for (n, what) in [
                (s.resets, "resets"),
                (s.resets_after_request, "of which after the request"),
                (s.blackholed, "chunks swallowed"),
                (s.responses_dropped, "answers dropped"),
                (s.tickets_aimed, "ticket requests aimed"),
                (s.ticket_answers_dropped, "ticket answers lost"),
            ] {
                if n > 0 {
                    proxy.push(format!("{n} {what}"));
                }
            }
            out.push_str(&format!(
                "| {} | {:.1} s | {} | {} | {} | {} |\n",
                p.name,
                p.took.as_secs_f64(),
                p.taps,
                p.online,
                p.offline,
                proxy.join(", ")
            ));
        }
        out
    }
}

fn diff(a: Stats, b: Stats) -> Stats {
    Stats {
        accepted: a.accepted - b.accepted,
        dropped: a.dropped - b.dropped,
        responses_dropped: a.responses_dropped - b.responses_dropped,
        resets: a.resets - b.resets,
        resets_after_request: a.resets_after_request - b.resets_after_request,
        blackholed: a.blackholed - b.blackholed,
        tickets_aimed: a.tickets_aimed - b.tickets_aimed,
        ticket_answers_dropped: a.ticket_answers_dropped - b.ticket_answers_dropped,
    }
}

fn kiosk_config(url: &str, printer: &str, data: &Path, i: usize, budget_ms: u64) -> Config {
    let text = format!(
        r#"kiosk_id = "kiosk-chaos-{i}"
kiosk_code = "K{i}"
center_id = "vp-tinh"
central_url = "{url}"
token = "demo-kiosk"
printer = "{printer}"
paper_mm = 80
language = "vi"
idle_timeout_s = 60
admin_pin_hash = "sha256:03ac674216f3e15c761ee1a5e255f067953623c8b388b4459e13f978d7c846f4"
offline = "issue"
printer_unavailable = "screen"
data_dir = "{}"
online_budget_ms = {budget_ms}
heartbeat_s = 5
"#,
        data.display()
    );
    Config::parse(&text, |_| None).expect("chaos kiosk config")
}

/// Taps handed out by the conductor, taken by the kiosks.
struct Permits {
    given: AtomicUsize,
    taken: AtomicUsize,
    done: AtomicUsize,
    phase: AtomicUsize,
}

/// Runs `plan` against `central_bin` in `dir`; panics with the report when
/// a tap was lost or duplicated.
pub async fn run(central_bin: &str, dir: &Path, plan: &Plan) -> Report {
    let mut central = spawn_central(central_bin, &dir.join("central.db"));
    central.proxy().seed(2026);
    let printers: Vec<FakePrinter> = (0..plan.kiosks).map(|_| FakePrinter::start(READY)).collect();
    let mut kiosks = Vec::new();
    for (i, printer) in printers.iter().enumerate() {
        let config = kiosk_config(&central.url, &printer.spec(), &dir.join(format!("kiosk-{i}")), i + 1, plan.online_budget_ms);
        kiosks.push(Arc::new(Kiosk::start(config).await.expect("kiosk starts")));
    }
    let permits =
        Arc::new(Permits { given: AtomicUsize::new(0), taken: AtomicUsize::new(0), done: AtomicUsize::new(0), phase: AtomicUsize::new(0) });
    let total = plan.taps();
    let start = Instant::now();
    let mut workers = Vec::new();
    for (i, kiosk) in kiosks.iter().enumerate() {
        let (kiosk, permits, pace) = (kiosk.clone(), permits.clone(), plan.pace);
        workers.push(tokio::spawn(async move {
            let services = [LAND, BUSINESS, BUILDING];
            let mut slips = Vec::new();
            let mut refusals = Vec::new();
            let mut n = 0usize;
            loop {
                let taken = permits.taken.load(Ordering::SeqCst);
                if taken >= total {
                    break;
                }
                if taken >= permits.given.load(Ordering::SeqCst)
                    || permits.taken.compare_exchange(taken, taken + 1, Ordering::SeqCst, Ordering::SeqCst).is_err()
                {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    continue;
                }
                let phase = permits.phase.load(Ordering::SeqCst);
                let service = services[(n + i) % services.len()];
                let priority = (n % 7 == 3).then_some("vp-tinh-nguoi-cao-tuoi");
                n += 1;
                match kiosk.take_ticket(service, priority).await {
                    Ok(out) => slips.push(Slip {
                        kiosk: i,
                        phase,
                        number: out.ticket.number.clone(),
                        token: out.ticket.token.clone(),
                        lookup_url: out.ticket.lookup_url.clone(),
                        offline: out.ticket.offline,
                    }),
                    Err(e) => refusals.push((phase, e.code().to_owned())),
                }
                permits.done.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(pace).await;
            }
            (slips, refusals)
        }));
    }

    // The conductor: one phase after the other.
    let mut reports = Vec::new();
    for (index, p) in plan.phases.iter().enumerate() {
        let began = Instant::now();
        let before = central.proxy().stats();
        permits.phase.store(index, Ordering::SeqCst);
        let mut restart_at = None;
        match p.trouble {
            Trouble::Clean => central.proxy().set_fault(Fault::None),
            Trouble::Fault(f) => central.proxy().set_fault(f),
            Trouble::LoseTicketAnswers => central.proxy().set_fault(Fault::LoseTicketAnswer),
            Trouble::Restart { down } => {
                central.proxy().set_fault(Fault::None);
                central.stop();
                restart_at = Some(began + down);
            }
        }
        let target = permits.given.load(Ordering::SeqCst) + p.taps;
        permits.given.store(target, Ordering::SeqCst);
        let mut aimed = central.proxy().stats().tickets_aimed;
        loop {
            if let Some(at) = restart_at
                && Instant::now() >= at
            {
                central.restart();
                restart_at = None;
            }
            if p.trouble == Trouble::LoseTicketAnswers {
                // Aim again once the last aim has hit a ticket request.
                let now = central.proxy().stats().tickets_aimed;
                if now > aimed {
                    aimed = now;
                    central.proxy().set_fault(Fault::LoseTicketAnswer);
                }
            }
            let finished = permits.done.load(Ordering::SeqCst) >= target;
            if finished && began.elapsed() >= p.min && restart_at.is_none() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        reports.push(PhaseReport {
            name: p.name,
            took: began.elapsed(),
            taps: p.taps,
            proxy: diff(central.proxy().stats(), before),
            ..PhaseReport::default()
        });
    }
    let mut slips = Vec::new();
    let mut refusals: HashMap<String, usize> = HashMap::new();
    for w in workers {
        let (s, r) = w.await.expect("kiosk task");
        slips.extend(s);
        for (phase, code) in r {
            reports[phase].refused += 1;
            *refusals.entry(code).or_default() += 1;
        }
    }

    // The network heals: every outbox drains.
    central.proxy().set_fault(Fault::None);
    if !central.is_running() {
        central.restart();
    }
    let healed = Instant::now();
    loop {
        let mut left = 0;
        for k in &kiosks {
            let _ = k.sync_now().await;
            let status = k.status().await.expect("status");
            assert_eq!(status.outbox_rejected, 0, "the server refused an offline ticket for good");
            left += status.outbox;
        }
        if left == 0 {
            break;
        }
        assert!(healed.elapsed() < plan.recovery, "{left} offline tickets still undelivered after {:?}", plan.recovery);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let recovery = healed.elapsed();
    let took = start.elapsed();
    drop(kiosks);

    for s in &slips {
        let r = &mut reports[s.phase];
        if s.offline {
            r.offline += 1;
        } else {
            r.online += 1;
        }
    }
    let qr_checked = check_printed_qr(&printers, &slips);
    let report = verify(&central, slips, refusals, reports, plan, took, recovery, qr_checked).await;
    drop(central);
    report
}

/// Reads back every 50th slip's QR from what its printer received.
fn check_printed_qr(printers: &[FakePrinter], slips: &[Slip]) -> usize {
    let mut checked = 0;
    for (i, printer) in printers.iter().enumerate() {
        let jobs = printer.jobs();
        let mine: Vec<&Slip> = slips.iter().filter(|s| s.kiosk == i).collect();
        assert_eq!(jobs.len(), mine.len(), "kiosk {i}: one print job per slip");
        for (job, slip) in jobs.iter().zip(&mine).step_by(50) {
            assert_eq!(qr_of_job(job), slip.lookup_url, "kiosk {i}: the printed QR of {}", slip.number);
            checked += 1;
        }
    }
    checked
}

#[allow(clippy::too_many_arguments)]
async fn verify(
    central: &Central,
    slips: Vec<Slip>,
    refusals: HashMap<String, usize>,
    phases: Vec<PhaseReport>,
    plan: &Plan,
    took: Duration,
    recovery: Duration,
    qr_checked: usize,
) -> Report {
    let http = reqwest::Client::new();
    let mut lost = Vec::new();
    let mut ids = HashSet::new();
    let mut shared = 0;
    for s in &slips {
        let resp =
            http.get(format!("{}/api/v1/tickets/{}", central.url, s.token)).bearer_auth("demo-kiosk").send().await.expect("ticket lookup");
        let ok = resp.status().is_success();
        let body: serde_json::Value = resp.json().await.unwrap_or_default();
        if !ok || body["ticket"]["number"] != s.number.as_str() || !s.lookup_url.ends_with(&format!("/t/{}", s.token)) {
            lost.push(format!("{} (kiosk {}, phase {}): {body}", s.number, s.kiosk, s.phase));
            continue;
        }
        if !ids.insert(body["ticket"]["id"].as_str().unwrap_or_default().to_owned()) {
            shared += 1;
        }
    }
    let db = rusqlite::Connection::open(&central.db).expect("open the server's database");
    let count = |sql: &str| -> usize { db.query_row(sql, [], |r| r.get::<_, i64>(0)).expect(sql) as usize };
    let tickets = count("SELECT count(*) FROM tickets WHERE kiosk_id LIKE 'kiosk-chaos-%'");
    let reconciled = count("SELECT count(*) FROM tickets WHERE kiosk_id LIKE 'kiosk-chaos-%' AND online_number IS NOT NULL");
    let offline = slips.iter().filter(|s| s.offline).count();
    let report = Report {
        taps: plan.taps(),
        slips: slips.len(),
        tickets,
        lost: lost.len(),
        duplicated: tickets.saturating_sub(ids.len()) + shared,
        offline,
        reconciled,
        qr_checked,
        took,
        recovery,
        phases,
        refusals,
    };
    assert!(
        lost.is_empty(),
        "{} slips do not resolve to their ticket, e.g. {:?}\n{}",
        lost.len(),
        &lost[..lost.len().min(5)],
        report.table()
    );
    report
}
