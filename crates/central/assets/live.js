// Live updates for the counter console and the lobby board: server-sent
// events from /api/v1/events (the page's cookie signs it in). When the
// stream drops, a visible marker says so, the page's own GET is polled every
// few seconds, and the stream is opened again by itself: nobody has to
// press F5. The marker goes away when the stream is back.

const LOST_TEXT = "Mất kết nối – đang kết nối lại… / Connection lost – reconnecting…";

/**
 * Starts the stream. `on` maps event names (`ticket_called`,
 * `queue_changed`, `counter_changed`) to handlers of the parsed data;
 * `refresh()` is the page's own GET, resolving true when it worked: it is
 * polled while the stream is down and run each time the stream opens (to
 * catch up with what happened before, including between the page's first
 * read and the stream's start). Returns `{ connected(), close() }`.
 */
export function live({ on, refresh, pollMs = 3000, maxRetryMs = 10000 }) {
  const marker = document.createElement("div");
  marker.className = "live-lost";
  marker.dataset.testid = "live-lost";
  marker.setAttribute("role", "alert");
  marker.textContent = LOST_TEXT;
  marker.hidden = true;
  document.body.append(marker);

  let source = null;
  let pollTimer = null;
  let retryTimer = null;
  let retryMs = 1000;
  let closed = false;

  const setLive = (value) => {
    document.documentElement.dataset.live = value;
  };

  function open() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (closed) return;
    source?.close();
    const es = new EventSource("/api/v1/events");
    source = es;
    es.onopen = () => {
      if (es !== source) return;
      retryMs = 1000;
      marker.hidden = true;
      setLive("open");
      stopPolling();
      refresh();
    };
    es.onerror = () => {
      if (es !== source) return;
      lost();
      // The browser retries network errors itself; a refused stream (an
      // error status from a proxy, a restart) is closed for good: open anew.
      if (es.readyState === EventSource.CLOSED) retryLater();
    };
    for (const [name, handler] of Object.entries(on)) {
      es.addEventListener(name, (msg) => {
        let data;
        try {
          data = JSON.parse(msg.data);
        } catch {
          return;
        }
        handler(data);
      });
    }
  }

  function lost() {
    marker.hidden = false;
    setLive("lost");
    startPolling();
  }

  function retryLater() {
    if (retryTimer || closed) return;
    retryTimer = setTimeout(open, retryMs);
    retryMs = Math.min(retryMs * 2, maxRetryMs);
  }

  function startPolling() {
    if (pollTimer) return;
    pollTimer = setInterval(async () => {
      const ok = await refresh();
      // The server answers again: try the stream now rather than at the
      // browser's next retry.
      if (ok && source?.readyState !== EventSource.OPEN) open();
    }, pollMs);
  }

  function stopPolling() {
    clearInterval(pollTimer);
    pollTimer = null;
  }

  addEventListener("pagehide", () => source?.close());
  setLive("connecting");
  open();
  return {
    connected: () => source?.readyState === EventSource.OPEN,
    close() {
      closed = true;
      stopPolling();
      clearTimeout(retryTimer);
      source?.close();
    },
  };
}
