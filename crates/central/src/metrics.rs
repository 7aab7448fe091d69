//! Prometheus text metrics, counted with atomics (no registry needed).

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 12] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

/// The server's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Requests answered, on every path (`motcua_http_requests_total`).
    pub http_requests: AtomicU64,
    /// Requests answered with a 4xx status (`motcua_http_client_errors_total`).
    pub http_errors_4xx: AtomicU64,
    /// Requests answered with a 5xx status (`motcua_http_server_errors_total`).
    pub http_errors_5xx: AtomicU64,
    /// Tickets created and on disk (`motcua_tickets_issued_total`).
    pub tickets_issued: AtomicU64,
    /// Tickets a kiosk issued while offline and delivered later (`motcua_tickets_issued_offline_total`).
    pub tickets_issued_offline: AtomicU64,
    /// Idempotent retries answered with the ticket already issued (`motcua_ticket_retries_total`).
    pub ticket_retries: AtomicU64,
    /// Ticket status lookups, from the API and the phone page (`motcua_ticket_lookups_total`).
    pub ticket_lookups: AtomicU64,
    /// Dossier status lookups (`motcua_dossier_lookups_total`).
    pub dossier_lookups: AtomicU64,
    /// Dossier lookups for a code that does not exist (`motcua_dossier_lookup_misses_total`).
    pub dossier_lookup_misses: AtomicU64,
    /// Dossier lookups refused because the text is not a dossier code (`motcua_dossier_lookup_invalid_total`).
    pub dossier_lookup_invalid: AtomicU64,
    /// Dossier lookups refused by the rate limit (`motcua_dossier_lookup_limited_total`).
    pub dossier_lookup_limited: AtomicU64,
    /// Lookups by chip ID card (`motcua_dossier_id_card_lookups_total`).
    pub dossier_id_lookups: AtomicU64,
    /// ID card lookups that found no dossier (`motcua_dossier_id_card_lookup_misses_total`).
    pub dossier_id_lookup_misses: AtomicU64,
    /// Tickets called to counters, recalls included (`motcua_calls_total`).
    pub calls: AtomicU64,
    /// Requests refused with 503 server_busy (`motcua_http_requests_shed_total`).
    pub requests_shed: AtomicU64,
    /// Requests cut off with 408 request_timeout (`motcua_http_requests_timed_out_total`).
    pub requests_timed_out: AtomicU64,
    /// Dossier batches answered 200 (`motcua_dossier_batches_total`).
    pub dossier_batches: AtomicU64,
    /// Pushed dossiers by outcome: created, updated, unchanged, rejected
    /// (`motcua_dossier_batch_items_total{outcome}`).
    pub dossier_batch_items: [AtomicU64; 4],
    latency_buckets: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_us: AtomicU64,
}

impl Metrics {
    /// Adds one.
    pub fn inc(counter: &AtomicU64) {
        counter.fetch_add(1, Relaxed);
    }

    /// Records one request's latency and status.
    pub fn observe(&self, seconds: f64, status: u16) {
        Self::inc(&self.http_requests);
        match status {
            400..=499 => Self::inc(&self.http_errors_4xx),
            500..=599 => Self::inc(&self.http_errors_5xx),
            _ => {}
        }
        for (i, le) in BUCKETS.iter().enumerate() {
            if seconds <= *le {
                self.latency_buckets[i].fetch_add(1, Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Relaxed);
        self.latency_sum_us.fetch_add((seconds * 1e6) as u64, Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut counter = |name: &str, help: &str, v: &AtomicU64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}", v.load(Relaxed));
        };
        counter("motcua_http_requests_total", "HTTP requests answered (all paths).", &self.http_requests);
        counter("motcua_http_client_errors_total", "Requests answered with a 4xx status.", &self.http_errors_4xx);
        counter("motcua_http_server_errors_total", "Requests answered with a 5xx status.", &self.http_errors_5xx);
        counter("motcua_tickets_issued_total", "Tickets created (durable).", &self.tickets_issued);
        counter("motcua_tickets_issued_offline_total", "Offline tickets delivered by kiosks.", &self.tickets_issued_offline);
        counter("motcua_ticket_retries_total", "Idempotent retries answered with an existing ticket.", &self.ticket_retries);
        counter("motcua_http_requests_shed_total", "Requests refused with 503 server_busy (overload).", &self.requests_shed);
        counter("motcua_http_requests_timed_out_total", "Requests cut off with 408 request_timeout.", &self.requests_timed_out);
        counter("motcua_ticket_lookups_total", "Ticket status lookups (API and phone page).", &self.ticket_lookups);
        counter("motcua_dossier_lookups_total", "Dossier status lookups.", &self.dossier_lookups);
        counter("motcua_dossier_lookup_misses_total", "Dossier lookups for a code that does not exist.", &self.dossier_lookup_misses);
        counter("motcua_dossier_lookup_invalid_total", "Dossier lookups refused: not a dossier code.", &self.dossier_lookup_invalid);
        counter("motcua_dossier_lookup_limited_total", "Dossier lookups refused by the rate limit.", &self.dossier_lookup_limited);
        counter("motcua_dossier_id_card_lookups_total", "Dossier lookups by chip ID card (keyed hash).", &self.dossier_id_lookups);
        counter("motcua_dossier_id_card_lookup_misses_total", "ID card lookups that found no dossier.", &self.dossier_id_lookup_misses);
        counter("motcua_calls_total", "Tickets called to counters.", &self.calls);
        counter("motcua_dossier_batches_total", "Dossier batches pushed and answered.", &self.dossier_batches);
        let name = "motcua_dossier_batch_items_total";
        let _ = writeln!(out, "# HELP {name} Pushed dossiers by outcome.\n# TYPE {name} counter");
        for (outcome, v) in ["created", "updated", "unchanged", "rejected"].iter().zip(&self.dossier_batch_items) {
            let _ = writeln!(out, "{name}{{outcome=\"{outcome}\"}} {}", v.load(Relaxed));
        }
        let name = "motcua_http_request_duration_seconds";
        let _ = writeln!(out, "# HELP {name} Request latency.\n# TYPE {name} histogram");
        for (i, le) in BUCKETS.iter().enumerate() {
            let _ = writeln!(out, "{name}_bucket{{le=\"{le}\"}} {}", self.latency_buckets[i].load(Relaxed));
        }
        let count = self.latency_count.load(Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "{name}_sum {}", self.latency_sum_us.load(Relaxed) as f64 / 1e6);
        let _ = writeln!(out, "{name}_count {count}");
        out
    }
}
