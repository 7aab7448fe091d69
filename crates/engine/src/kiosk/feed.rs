//! The now-serving feed: the server's event stream (SSE) turned into
//! `KioskEvent`s, with polling of `GET /api/v1/queues` as the fallback. The
//! same stream brings maintenance and the center's notice as staff set them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use motcua_domain::api::QueueEvent;

use super::Inner;
use crate::client::Retry;
use crate::types::KioskEvent;

/// Queues are polled this often even while the stream works.
const POLL: Duration = Duration::from_secs(10);
/// The catalog is re-checked (ETag) this often.
const CATALOG_REFRESH: Duration = Duration::from_secs(300);
const MAX_RECONNECT: Duration = Duration::from_secs(10);

/// One server-sent event: its name and data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// `event:` (empty when absent).
    pub event: String,
    /// `data:` lines joined with `\n`.
    pub data: String,
}

/// Splits a growing SSE buffer into complete events; the incomplete tail
/// stays in `buf`.
pub fn drain_events(buf: &mut String) -> Vec<SseEvent> {
    let mut out = Vec::new();
    loop {
        let normalised_end = buf.find("\n\n").map(|i| (i, 2)).or_else(|| buf.find("\r\n\r\n").map(|i| (i, 4)));
        let Some((end, sep)) = normalised_end else { break };
        let block: String = buf.drain(..end + sep).collect();
        let mut ev = SseEvent { event: String::new(), data: String::new() };
        for line in block.lines() {
            if let Some(v) = line.strip_prefix("event:") {
                ev.event = v.trim().to_owned();
            } else if let Some(v) = line.strip_prefix("data:") {
                if !ev.data.is_empty() {
                    ev.data.push('\n');
                }
                ev.data.push_str(v.strip_prefix(' ').unwrap_or(v));
            }
        }
        if !ev.data.is_empty() {
            out.push(ev);
        }
    }
    out
}

async fn refresh_queues(inner: &Arc<Inner>) {
    let r = inner.client.queues(Retry::Once).await;
    inner.note(&r);
    if let Ok(q) = r {
        inner.set_queues(q);
    }
}

fn handle(inner: &Inner, ev: &SseEvent) -> bool {
    match serde_json::from_str::<QueueEvent>(&ev.data) {
        Ok(QueueEvent::TicketCalled { service_id, number, counter, .. }) => {
            inner.publish(KioskEvent::TicketCalled { number, counter, service_id });
            true
        }
        Ok(QueueEvent::QueueChanged { .. } | QueueEvent::CounterChanged { .. }) => true,
        Ok(QueueEvent::MaintenanceChanged { kiosk_id, maintenance, .. }) => {
            if kiosk_id == inner.config.kiosk_id {
                inner.apply_fleet(Some(maintenance), None);
            }
            false
        }
        Ok(QueueEvent::NoticeChanged { notice, .. }) => {
            inner.apply_fleet(None, Some(notice));
            false
        }
        Ok(QueueEvent::KiosksChanged { .. }) => false,
        Err(e) => {
            tracing::debug!(error = %e, event = %ev.event, "unknown server event ignored");
            false
        }
    }
}

/// Follows the event stream; reconnects with backoff.
pub(crate) async fn run_events(inner: Arc<Inner>) {
    let mut pause = Duration::from_millis(500);
    loop {
        match inner.client.events().await {
            Ok(resp) => {
                inner.note::<()>(&Ok(()));
                // Staff may have set maintenance or a notice while the stream was down.
                inner.force_heartbeat();
                pause = Duration::from_millis(500);
                let mut stream = resp.bytes_stream();
                let mut buf = String::new();
                while let Some(chunk) = stream.next().await {
                    let Ok(chunk) = chunk else { break };
                    buf.push_str(&String::from_utf8_lossy(&chunk));
                    let mut changed = false;
                    for ev in drain_events(&mut buf) {
                        changed |= handle(&inner, &ev);
                    }
                    if changed {
                        refresh_queues(&inner).await;
                    }
                }
            }
            Err(e) => {
                let failed: Result<(), _> = Err(e);
                inner.note(&failed);
            }
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(MAX_RECONNECT);
    }
}

/// Polls the queues (and now and then the catalog).
pub(crate) async fn run_polling(inner: Arc<Inner>) {
    let mut last_catalog = Instant::now();
    loop {
        refresh_queues(&inner).await;
        if last_catalog.elapsed() >= CATALOG_REFRESH {
            last_catalog = Instant::now();
            if let Err(e) = inner.refresh_catalog(Retry::Once).await {
                tracing::debug!(error = %e, "catalog refresh failed");
            }
        }
        tokio::time::sleep(POLL).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_split_on_blank_lines_and_the_tail_is_kept() {
        let mut buf = String::from("event: ticket_called\ndata: {\"a\":1}\n\n: keep-alive\n\nevent: queue_changed\ndata: {\"b\"");
        let evs = drain_events(&mut buf);
        assert_eq!(evs, vec![SseEvent { event: "ticket_called".into(), data: "{\"a\":1}".into() }]);
        assert_eq!(buf, "event: queue_changed\ndata: {\"b\"");
        buf.push_str(":2}\n\n");
        assert_eq!(drain_events(&mut buf)[0].data, "{\"b\":2}");
        assert!(buf.is_empty());
    }
}
