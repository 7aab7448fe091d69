// The lobby board (/bang-hien-thi): the latest call big ("Mời số B012 đến
// Quầy 6") highlighted for 20 s, the last 8 calls, every counter with what
// it serves (or "Tạm nghỉ"), waiting per service, the clock and date, the
// catalog's ticker; the fixed words alternate Vietnamese / English.
//
// Live: an event is shown the moment it arrives, then the whole board is
// read again (GET /api/v1/board); events that arrive while that read is on
// its way are applied again on top of its answer, so an older answer never
// takes a newer call off the screen.
//
// Voice: every new call (a recall too) queues its announcement WAV; one
// Audio element plays them one at a time, so a new call never cuts one that
// is playing. Where the browser blocks sound until a touch, a full-screen
// "Chạm để bật âm thanh" button unlocks it.
//
// For tests and the benchmark: window.__board = { events: [{number,
// counter, call_id, recall, via, received_at, shown_at}], queued: [call_id],
// played: [call_id] } (times from Date.now(); shown_at right after the DOM
// shows the call).

import { h, mount } from "/assets/dom.js";
import { live } from "/assets/live.js";
import { api, clock, readConfig, timeFormat } from "/assets/page.js";

const cfg = readConfig("board-config");
const params = new URLSearchParams(location.search);
/** Seconds between Vietnamese and English for the fixed words; `?alternate=0` keeps one language. */
const ALTERNATE_S = Number(params.get("alternate") ?? 6);
/** Seconds each sentence of the ticker stays up. */
const TICKER_PAGE_S = 8;
const HIGHLIGHT_MS = 20000;
/** A call found by polling (not by an event) is still announced when this recent. */
const ANNOUNCE_RECENT_MS = 90000;
/** An announcement that waited longer than this in the queue is dropped (the citizen has moved on). */
const ANNOUNCE_STALE_MS = 180000;
/** A playing announcement that never ends is given up after this. */
const ANNOUNCE_MAX_MS = 60000;
const REFRESH_DELAY_MS = 120;

const WORDS = {
  vi: {
    invite: "Mời số",
    to: "đến",
    counter: "Quầy",
    recent: "Số vừa gọi",
    counters: "Các quầy",
    waiting: "Đang chờ",
    paused: "Tạm nghỉ",
    idle: "Sẵn sàng",
    recall: "gọi lại",
    none: "Chưa gọi số nào",
    people: "người",
  },
  en: {
    invite: "Number",
    to: "please go to",
    counter: "Counter",
    recent: "Recent calls",
    counters: "Counters",
    waiting: "Waiting",
    paused: "Closed",
    idle: "Open",
    recall: "recall",
    none: "No number called yet",
    people: "waiting",
  },
};

const record = { events: [], queued: [], played: [] };
window.__board = record;

const state = {
  lang: cfg.lang === "en" ? "en" : "vi",
  data: null,
  /** Call ids already on the board. */
  seen: new Set(),
  /** Events received while a GET is on its way (applied again on its answer). */
  inFlight: null,
  refreshTimer: null,
  refreshAgain: false,
  highlightTimer: null,
  heroCall: null,
  tickerText: null,
  tickerPages: [],
  tickerPage: -1,
};

const el = {};

/** A fixed word that follows the language switch. */
function w(key) {
  return h("span", { "data-w": key }, WORDS[state.lang][key]);
}

function skeleton() {
  el.center = h("div", { class: "b-center", testid: "board-center" });
  el.time = h("div", { class: "b-time", testid: "board-time" });
  el.date = h("div", { class: "b-date", testid: "board-date" });
  el.now = h("section", { class: "b-now", testid: "board-now", "aria-live": "polite" });
  el.calls = h("ol", { class: "b-calls", testid: "board-calls" });
  el.counters = h("div", { class: "b-counters-grid", testid: "board-counters" });
  el.queues = h("ul", { class: "b-queues-list", testid: "board-queues" });
  el.ticker = h("div", { class: "b-ticker-track", testid: "board-ticker" });
  mount(
    document.getElementById("board"),
    h("header", { class: "b-head" }, el.center, h("div", { class: "b-clock" }, el.time, el.date)),
    el.now,
    h("section", { class: "b-recent" }, h("h2", {}, w("recent")), el.calls),
    h("section", { class: "b-counters" }, h("h2", {}, w("counters")), el.counters),
    h("section", { class: "b-queues" }, h("h2", {}, w("waiting")), el.queues),
    h("footer", { class: "b-ticker" }, el.ticker),
  );
}

// ---------------------------------------------------------------- rendering

function counterLabel(number) {
  return h("span", { class: "b-counter-label" }, w("counter"), ` ${number}`);
}

function renderHero() {
  const call = state.data?.calls?.[0] ?? null;
  if (call?.call_id === state.heroCall && el.now.childElementCount) return;
  state.heroCall = call?.call_id ?? null;
  if (!call) {
    el.now.dataset.callId = "";
    mount(el.now, h("div", { class: "b-now-empty" }, w("none")));
    return;
  }
  Object.assign(el.now.dataset, { callId: call.call_id, number: call.number, counter: String(call.counter.number) });
  const number = h("div", { class: "b-now-number", testid: "board-now-number" }, call.number);
  mount(
    el.now,
    h("div", { class: "b-now-invite" }, w("invite")),
    number,
    h(
      "div",
      { class: "b-now-to" },
      w("to"),
      " ",
      h("strong", { testid: "board-now-counter" }, counterLabel(call.counter.number)),
    ),
  );
  fitWidth(number);
}

/** Shrinks a number that would not fit its box (long offline numbers like B-K1-003). */
function fitWidth(node) {
  node.style.fontSize = "";
  let size = parseFloat(getComputedStyle(node).fontSize);
  for (let i = 0; i < 12 && node.scrollWidth > node.clientWidth + 1; i++) {
    size *= 0.9;
    node.style.fontSize = `${size}px`;
  }
}

function renderCalls() {
  const calls = state.data?.calls ?? [];
  mount(
    el.calls,
    calls.map((c, i) =>
      h(
        "li",
        {
          class: i === 0 ? "b-call latest" : "b-call",
          testid: "board-call",
          dataset: { callId: c.call_id, number: c.number, counter: String(c.counter.number), recall: String(c.recall) },
        },
        h("span", { class: "b-call-number" }, c.number),
        h("span", { class: "b-call-arrow", "aria-hidden": "true" }, "→"),
        h("span", { class: "b-call-counter" }, counterLabel(c.counter.number)),
        c.recall ? h("span", { class: "b-call-recall" }, "↻ ", w("recall")) : null,
      ),
    ),
  );
}

function renderCounters() {
  const counters = state.data?.counters ?? [];
  mount(
    el.counters,
    counters.map((c) => {
      const st = c.paused ? "paused" : c.serving ? "serving" : "idle";
      return h(
        "div",
        {
          class: `b-tile ${st}`,
          testid: `board-counter-${c.counter.number}`,
          dataset: { state: st, serving: c.serving ?? "", counterId: c.counter.id },
        },
        h("div", { class: "b-tile-name" }, counterLabel(c.counter.number)),
        h("div", { class: "b-tile-value" }, c.paused ? w("paused") : c.serving ?? w("idle")),
      );
    }),
  );
}

function renderQueues() {
  const queues = state.data?.queues ?? [];
  mount(
    el.queues,
    queues.map((q) =>
      h(
        "li",
        { class: "b-queue", testid: `board-queue-${q.letter}`, dataset: { serviceId: q.service_id, waiting: String(q.waiting) } },
        h("span", { class: "b-queue-letter" }, q.letter),
        h("span", { class: "b-queue-name", "data-vi": q.name, "data-en": q.name_en ?? q.name }, serviceName(q)),
        h("span", { class: "b-queue-count" }, String(q.waiting)),
      ),
    ),
  );
}

function serviceName(q) {
  return state.lang === "en" ? q.name_en ?? q.name : q.name;
}

function renderHead() {
  const d = state.data;
  if (!d) return;
  el.center.textContent = state.lang === "en" ? d.center_name_en ?? d.center_name : d.center_name;
  const text = [d.ticker, d.ticker_en].filter(Boolean).join("\n");
  if (text !== state.tickerText) {
    state.tickerText = text;
    state.tickerPages = tickerPages(d);
    state.tickerPage = -1;
    nextTickerPage();
  }
}

/**
 * The ticker shows one sentence at a time and turns the page every few
 * seconds, rather than scrolling: a sentence that stands still is easier to
 * read from a bench across the lobby, and a board that does not repaint
 * sixty times a second answers calls sooner.
 */
function tickerPages(d) {
  const sentences = (t) => (t ?? "").split(/(?<=[.!?])\s+/).map((x) => x.trim()).filter(Boolean);
  return [...sentences(d.ticker), ...sentences(d.ticker_en)];
}

function nextTickerPage() {
  const pages = state.tickerPages ?? [];
  if (pages.length === 0) {
    mount(el.ticker);
    return;
  }
  state.tickerPage = (state.tickerPage + 1) % pages.length;
  const span = h("span", {}, pages[state.tickerPage]);
  mount(el.ticker, span);
  el.ticker.style.fontSize = "";
  // A long sentence shrinks to the line rather than being cut.
  requestAnimationFrame(() => {
    const box = el.ticker.parentElement;
    if (box && span.scrollWidth > box.clientWidth * 0.96) {
      el.ticker.style.fontSize = `${Math.max(55, Math.floor((box.clientWidth * 0.96 * 100) / span.scrollWidth))}%`;
    }
  });
}

function renderAll() {
  renderHead();
  renderHero();
  renderCalls();
  renderCounters();
  renderQueues();
}

function tickClock() {
  const now = new Date(clock.now());
  el.time.textContent = timeFormat(state.lang, cfg.time_zone, { hour: "2-digit", minute: "2-digit", hour12: false }).format(now);
  el.date.textContent = timeFormat(state.lang, cfg.time_zone, {
    weekday: "long",
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
  }).format(now);
}

function switchLanguage() {
  state.lang = state.lang === "vi" ? "en" : "vi";
  document.documentElement.lang = state.lang;
  for (const node of document.querySelectorAll("[data-w]")) node.textContent = WORDS[state.lang][node.dataset.w];
  for (const node of document.querySelectorAll("[data-vi]")) node.textContent = node.dataset[state.lang];
  renderHead();
  tickClock();
}

function highlight() {
  el.now.classList.add("fresh");
  clearTimeout(state.highlightTimer);
  state.highlightTimer = setTimeout(() => el.now.classList.remove("fresh"), HIGHLIGHT_MS);
}

// ---------------------------------------------------------------- state

/** A new call reaches the board (from an event or a read): record, show, announce. */
function newCall(call, via, receivedAt, announce) {
  state.seen.add(call.call_id);
  const entry = {
    number: call.number,
    counter: call.counter.number,
    call_id: call.call_id,
    recall: !!call.recall,
    via,
    received_at: receivedAt,
    shown_at: null,
  };
  record.events.push(entry);
  if (announce) voice.enqueue(call.call_id);
  return entry;
}

function applyEvent(kind, ev) {
  const d = state.data;
  if (!d) return;
  if (kind === "ticket_called") {
    if (d.calls.some((c) => c.call_id === ev.call_id)) return;
    d.calls.unshift({
      call_id: ev.call_id,
      number: ev.number,
      service_id: ev.service_id,
      counter: ev.counter,
      at: new Date(clock.now()).toISOString(),
      recall: ev.recall,
    });
    d.calls.length = Math.min(d.calls.length, 8);
    const tile = d.counters.find((c) => c.counter.id === ev.counter.id);
    if (tile) tile.serving = ev.number;
  } else if (kind === "counter_changed") {
    const tile = d.counters.find((c) => c.counter.id === ev.counter.id);
    if (tile) {
      tile.paused = ev.paused;
      tile.serving = ev.serving ?? null;
    }
  } else if (kind === "queue_changed") {
    const q = d.queues.find((x) => x.service_id === ev.service_id);
    if (q) q.waiting = ev.waiting;
  }
}

function onEvent(kind, ev) {
  const receivedAt = Date.now();
  if (!ev.call_id && kind === "ticket_called") return;
  state.inFlight?.push([kind, ev]);
  // Before the first read there is nothing to draw on: that read applies it.
  if (!state.data) return;
  if (kind === "ticket_called") {
    if (state.seen.has(ev.call_id)) return;
    const entry = newCall(ev, "event", receivedAt, true);
    applyEvent(kind, ev);
    renderHero();
    renderCalls();
    renderCounters();
    entry.shown_at = Date.now();
    highlight();
  } else {
    applyEvent(kind, ev);
    if (kind === "counter_changed") renderCounters();
    else renderQueues();
  }
  scheduleRefresh();
}

function scheduleRefresh() {
  if (state.refreshTimer) return;
  state.refreshTimer = setTimeout(() => {
    state.refreshTimer = null;
    refresh();
  }, REFRESH_DELAY_MS);
}

/** Reads the whole board; resolves true when the server answered. */
async function refresh() {
  if (state.inFlight) {
    state.refreshAgain = true;
    return true;
  }
  const log = [];
  state.inFlight = log;
  const first = state.data === null;
  try {
    const { data } = await api("GET", "/api/v1/board", { lang: state.lang });
    const receivedAt = Date.now();
    clock.sync(data.now);
    state.data = data;
    for (const [kind, ev] of log) applyEvent(kind, ev);
    // Calls this board has not shown yet (it was offline, or polling), oldest
    // first. The first read only marks what was called before the board
    // opened, except calls whose event came during that read.
    const evented = new Set(log.filter(([kind]) => kind === "ticket_called").map(([, ev]) => ev.call_id));
    const entries = [];
    for (const c of data.calls.filter((x) => !state.seen.has(x.call_id)).reverse()) {
      if (first && !evented.has(c.call_id)) state.seen.add(c.call_id);
      else entries.push(newCall(c, "read", receivedAt, evented.has(c.call_id) || clock.now() - Date.parse(c.at) < ANNOUNCE_RECENT_MS));
    }
    renderAll();
    const shownAt = Date.now();
    for (const e of entries) e.shown_at = shownAt;
    if (entries.length) highlight();
    document.body.dataset.ready = "1";
    return true;
  } catch (e) {
    if (e.status === 401 || e.status === 403) showProblem(e.message);
    return false;
  } finally {
    state.inFlight = null;
    if (state.refreshAgain) {
      state.refreshAgain = false;
      scheduleRefresh();
    }
  }
}

function showProblem(text) {
  let box = document.querySelector(".b-problem");
  if (!box) {
    box = h("div", { class: "b-problem", testid: "board-problem", role: "alert" });
    document.body.append(box);
  }
  box.textContent = text;
}

// ---------------------------------------------------------------- voice

const voice = (() => {
  const audio = new Audio();
  audio.preload = "auto";
  /** [call_id, queued at] waiting to be played. */
  const queue = [];
  let current = null;
  let blocked = false;
  let giveUp = null;
  let overlay = null;

  function enqueue(callId) {
    queue.push([callId, Date.now()]);
    record.queued.push(callId);
    pump();
  }

  function pump() {
    if (current || blocked) return;
    while (queue.length && Date.now() - queue[0][1] > ANNOUNCE_STALE_MS) queue.shift();
    const next = queue.shift();
    if (!next) return;
    const [callId] = next;
    current = callId;
    audio.src = `/api/v1/announcements/${encodeURIComponent(callId)}`;
    giveUp = setTimeout(() => finish(callId), ANNOUNCE_MAX_MS);
    audio.play().then(
      () => record.played.push(callId),
      (err) => {
        if (current !== callId) return;
        if (err?.name === "NotAllowedError") {
          // Autoplay is blocked until someone touches the screen: keep it first in line.
          clearTimeout(giveUp);
          current = null;
          queue.unshift(next);
          block();
        } else {
          finish(callId);
        }
      },
    );
  }

  function finish(callId) {
    if (current !== callId) return;
    clearTimeout(giveUp);
    current = null;
    pump();
  }

  function block() {
    blocked = true;
    if (overlay) return;
    overlay = h(
      "button",
      { class: "b-unlock", testid: "sound-unlock", type: "button", onclick: unblock },
      h("span", { class: "b-unlock-icon", "aria-hidden": "true" }, "🔊"),
      h("span", { lang: "vi" }, "Chạm để bật âm thanh"),
      h("span", { lang: "en", class: "b-unlock-en" }, "Touch to turn on sound"),
    );
    document.body.append(overlay);
  }

  function unblock() {
    blocked = false;
    overlay?.remove();
    overlay = null;
    pump();
  }

  audio.addEventListener("ended", () => finish(current));
  audio.addEventListener("error", () => finish(current));
  return { enqueue };
})();

// ---------------------------------------------------------------- start

skeleton();
document.documentElement.lang = state.lang;
tickClock();
setInterval(tickClock, 1000);
setInterval(nextTickerPage, TICKER_PAGE_S * 1000);
if (ALTERNATE_S > 0) setInterval(switchLanguage, ALTERNATE_S * 1000);
addEventListener("resize", () => {
  const n = el.now.querySelector(".b-now-number");
  if (n) fitWidth(n);
});
await refresh();
live({
  on: {
    ticket_called: (ev) => onEvent("ticket_called", ev),
    counter_changed: (ev) => onEvent("counter_changed", ev),
    queue_changed: (ev) => onEvent("queue_changed", ev),
  },
  refresh,
});
