//! The now-serving feed: the server's event stream (SSE) turned into
//! `KioskEvent`s, with polling of `GET /api/v1/queues` as the fallback. The
//! same stream brings maintenance and the center's notice as staff set them.

use std::pin::pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use eventsource_stream::{Event, EventStreamError, Eventsource};
use futures_util::{Stream, StreamExt};
use motcua_domain::api::QueueEvent;

use super::Inner;
use crate::client::Retry;
use crate::error::EngineError;
use crate::types::KioskEvent;

/// Queues are polled this often even while the stream works.
const POLL: Duration = Duration::from_secs(10);
/// The catalog is re-checked (ETag) this often.
const CATALOG_REFRESH: Duration = Duration::from_secs(300);
const MAX_RECONNECT: Duration = Duration::from_secs(10);

/// The server sends a keep-alive every 15 s: a stream silent for this long is
/// dead (a blackholed link never closes), and is opened again.
const STREAM_IDLE: Duration = Duration::from_secs(45);
/// How long opening the stream may take.
const STREAM_OPEN: Duration = Duration::from_secs(10);

/// Events read at once before the queues are asked again: a burst of
/// `queue_changed` costs one `GET /api/v1/queues`, not one each.
const BURST: usize = 64;

/// The server-sent events of a byte stream, decoded by `eventsource-stream`:
/// lines are split on bytes and decoded as UTF-8 only once whole, so a
/// Vietnamese letter cut between two network chunks stays one letter.
pub(crate) fn sse_events<S, B, E>(bytes: S) -> impl Stream<Item = Result<Event, EventStreamError<E>>>
where
    S: Stream<Item = Result<B, E>>,
    B: AsRef<[u8]>,
{
    bytes.eventsource()
}

/// The body's chunks; it ends with an error when nothing came for `idle`,
/// not even the server's keep-alive.
pub(crate) fn idle_limited<S, B, E>(bytes: S, idle: Duration) -> impl Stream<Item = Result<B, String>>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    E: std::fmt::Display,
{
    futures_util::stream::unfold(Some(bytes), move |state| async move {
        let mut bytes = state?;
        match tokio::time::timeout(idle, bytes.next()).await {
            Ok(Some(Ok(b))) => Some((Ok(b), Some(bytes))),
            Ok(Some(Err(e))) => Some((Err(e.to_string()), None)),
            Ok(None) => None,
            Err(_) => Some((Err(format!("nothing from the server for {} s", idle.as_secs())), None)),
        }
    })
}

async fn refresh_queues(inner: &Arc<Inner>) {
    let r = inner.client.queues(Retry::Once).await;
    inner.note(&r);
    if let Ok(q) = r {
        inner.set_queues(q);
    }
}

fn handle(inner: &Inner, ev: &Event) -> bool {
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
        let opened = tokio::time::timeout(STREAM_OPEN, inner.client.events())
            .await
            .unwrap_or_else(|_| Err(EngineError::ServerUnreachable { detail: "event stream: no answer".into(), collect: false }));
        match opened {
            Ok(resp) => {
                inner.note::<()>(&Ok(()));
                // Staff may have set maintenance or a notice while the stream was down.
                inner.force_heartbeat();
                pause = Duration::from_millis(500);
                let bytes = idle_limited(Box::pin(resp.bytes_stream()), STREAM_IDLE);
                let mut events = pin!(sse_events(bytes).ready_chunks(BURST));
                'stream: while let Some(burst) = events.next().await {
                    let mut changed = false;
                    for ev in burst {
                        match ev {
                            Ok(ev) => changed |= handle(&inner, &ev),
                            Err(e) => {
                                tracing::debug!(error = %e, "event stream ended");
                                break 'stream;
                            }
                        }
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

    /// Decodes `chunks` as one stream; every event's name and data.
    async fn decode(chunks: Vec<Vec<u8>>) -> Vec<(String, String)> {
        let stream = futures_util::stream::iter(chunks.into_iter().map(Ok::<_, std::convert::Infallible>));
        let events: Vec<_> = sse_events(stream).collect().await;
        events.into_iter().map(|e| e.unwrap()).map(|e| (e.event, e.data)).collect()
    }

    #[tokio::test(start_paused = true)]
    async fn a_stream_silent_past_the_limit_ends_so_it_can_be_opened_again() {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Result<Vec<u8>, String>>();
        let chunks = Box::pin(futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) }));
        let mut stream = pin!(idle_limited(chunks, Duration::from_secs(45)));
        tx.send(Ok(b":\n\n".to_vec())).unwrap();
        assert!(stream.next().await.unwrap().is_ok(), "a keep-alive counts as life");
        let started = tokio::time::Instant::now();
        let ended = stream.next().await.unwrap();
        assert!(ended.unwrap_err().contains("45 s"));
        assert_eq!(started.elapsed(), Duration::from_secs(45));
        assert!(stream.next().await.is_none());
        drop(tx);
    }

    #[tokio::test]
    async fn every_event_split_at_every_byte_decodes_whole() {
        let called = QueueEvent::TicketCalled {
            center: "vp-tinh".into(),
            service_id: "vp-dat-dai-tai-nguyen".into(),
            number: "B-K1-001".into(),
            counter: motcua_domain::api::CounterRef {
                id: "vp-quay-06".into(), number: 6, name: "Quầy số 6 — Đất đai, Tài nguyên".into()
            },
            recall: false,
            call_id: None,
        };
        let notice = QueueEvent::NoticeChanged {
            center: "vp-tinh".into(),
            notice: Some(motcua_domain::fleet::Notice {
                text_vi: "Chiều nay Trung tâm nghỉ từ 15:00 — xin lỗi quý ông/bà 🙏".into(),
                text_en: Some("The center closes at 15:00".into()),
                until: None,
            }),
        };
        let mut wire = Vec::new();
        let mut expected = Vec::new();
        for ev in [&called, &notice] {
            let data = serde_json::to_string(ev).unwrap();
            wire.extend_from_slice(format!("event: {}\ndata: {data}\n\n", ev.name()).as_bytes());
            expected.push((ev.name().to_owned(), data));
        }
        // The server's keep-alive comment, and a CRLF event as another server may send.
        wire.extend_from_slice(":\n\nevent: queue_changed\r\ndata: {\"waiting\":3}\r\n\r\n".as_bytes());
        expected.push(("queue_changed".to_owned(), "{\"waiting\":3}".to_owned()));
        assert!(wire.iter().any(|b| *b >= 0x80), "the sample has multi-byte characters to cut");
        assert_eq!(decode(vec![wire.clone()]).await, expected);
        for cut in 0..=wire.len() {
            let chunks = vec![wire[..cut].to_vec(), wire[cut..].to_vec()];
            assert_eq!(decode(chunks).await, expected, "split at byte {cut}");
        }
        // And one byte per chunk: every character cut everywhere at once.
        assert_eq!(decode(wire.iter().map(|b| vec![*b]).collect()).await, expected);
        // The events mean what they said.
        let back: QueueEvent = serde_json::from_str(&expected[0].1).unwrap();
        assert_eq!(back, called);
    }
}
