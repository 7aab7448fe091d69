//! The outbox sync: delivers offline tickets, oldest first, with their
//! original `issued_at` and `Idempotency-Key`, as soon as the server answers.
//! A row the server refuses for good is kept and marked `rejected`, never
//! dropped; a transient failure stops the pass and backs off.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use jiff::Timestamp;
use motcua_domain::ErrorCode;

use super::Inner;
use crate::client::Retry;
use crate::error::EngineError;
use crate::types::SyncReport;

/// Rows read per batch.
const BATCH: u32 = 128;
/// Requests in flight at once (started in outbox order).
const IN_FLIGHT: usize = 8;
const FIRST_PAUSE: Duration = Duration::from_millis(500);
const MAX_PAUSE: Duration = Duration::from_secs(1);
/// Idle check when nothing is waiting.
const IDLE: Duration = Duration::from_secs(30);

/// Whether the failure may go away by itself (retry later, keep the row).
fn is_transient(e: &EngineError) -> bool {
    match e {
        EngineError::ServerUnreachable { .. }
        | EngineError::ServerUntrusted(_)
        | EngineError::NotAuthorised(_)
        | EngineError::Internal(_)
        | EngineError::StoreFault(_) => true,
        EngineError::Api(api) => matches!(api.code, ErrorCode::RateLimited | ErrorCode::Internal | ErrorCode::Unauthorized),
        // A newer server's code: a server fault or a "slow down" passes; any other refusal is for good.
        EngineError::UnknownApi { status, .. } => *status >= 500 || *status == 429,
        _ => false,
    }
}

/// One pass: delivers what it can, stops at the first transient failure.
pub(crate) async fn pass(inner: &Arc<Inner>) -> Result<SyncReport, EngineError> {
    let _one_at_a_time = inner.sync_lock.lock().await;
    let mut report = SyncReport::default();
    loop {
        let rows = inner.store.outbox_pending(BATCH)?;
        if rows.is_empty() {
            break;
        }
        // Requests start in outbox order, a few at a time; after the first
        // transient failure no new one starts (those in flight are dropped:
        // the server may have them, and the next pass's retry, under the same
        // key, gets the same ticket). A lost link or a struggling server is
        // not sent the whole outbox on every pass.
        let mut results = std::pin::pin!(
            futures_util::stream::iter(rows.into_iter().map(|row| {
                let client = inner.client.clone();
                async move {
                    let r = client.issue(&row.body, &row.idempotency_key, Retry::Once).await;
                    (row, r)
                }
            }))
            .buffered(IN_FLIGHT)
        );
        let mut delivered = Vec::new();
        let mut stop: Option<EngineError> = None;
        while let Some((row, result)) = results.next().await {
            match result {
                Ok((view, _)) => delivered.push((row.seq, row.journal_id, view.id.to_string())),
                Err(e) if is_transient(&e) => {
                    stop = Some(e);
                    break;
                }
                Err(e) => {
                    tracing::error!(journal_id = %row.journal_id, error = %e, "offline ticket refused by the server; kept as rejected");
                    inner.store.reject(row.seq, &row.journal_id, &format!("{}: {e}", e.code()))?;
                    inner.record_error(e.code());
                    report.rejected += 1;
                }
            }
        }
        if !delivered.is_empty() {
            let now = Timestamp::now();
            inner.store.acknowledge(&delivered, now)?;
            inner.set_last_sync(now);
            report.sent += delivered.len() as u32;
            inner.note::<()>(&Ok(()));
            inner.fleet_changed();
        }
        if let Some(e) = stop {
            let failed: Result<(), EngineError> = Err(e);
            inner.note(&failed);
            if let Err(e) = failed {
                report.error = Some(e.body());
            }
            break;
        }
    }
    report.remaining = inner.store.counts()?.0;
    Ok(report)
}

/// The background task: a pass whenever woken (new offline ticket, server
/// back) or after a pause; while offline, probes the server. After a failed
/// pass it waits out its pause whatever wakes it: another request answered
/// meanwhile says the server is there, not that it takes tickets again.
pub(crate) async fn run(inner: Arc<Inner>) {
    let mut pause = FIRST_PAUSE;
    loop {
        let mut failed = true;
        let wait = match pass(&inner).await {
            Ok(report) if report.error.is_none() && report.remaining == 0 => {
                failed = false;
                if inner.known_offline() {
                    // Nothing to send, but learn when the server is back
                    // (`refresh_catalog` records the answer; a failure is expected here).
                    if let Err(e) = inner.refresh_catalog(Retry::Once).await {
                        tracing::debug!(error = %e, "server still unreachable");
                    }
                    pause = (pause * 2).min(MAX_PAUSE);
                    if inner.known_offline() { pause } else { IDLE }
                } else {
                    pause = FIRST_PAUSE;
                    IDLE
                }
            }
            Ok(report) if report.error.is_none() => {
                failed = false;
                pause = FIRST_PAUSE;
                Duration::ZERO
            }
            Ok(_) => {
                let p = pause;
                pause = (pause * 2).min(MAX_PAUSE);
                p
            }
            Err(e) => {
                tracing::error!(error = %e, "outbox pass failed");
                let p = pause;
                pause = (pause * 2).min(MAX_PAUSE);
                p
            }
        };
        if wait.is_zero() {
            continue;
        }
        if failed {
            tokio::time::sleep(wait).await;
            continue;
        }
        tokio::select! {
            () = inner.sync_wake.notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }
}
