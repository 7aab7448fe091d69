// The counter console (/quay): the officer picks a counter, sees each of its
// services' waiting count, oldest wait and next numbers (in the server's
// order: the console never reorders), the current ticket with a service
// timer, and acts through the same JSON API as integrations (session cookie
// + X-CSRF-Token). F1, or Space outside text fields, calls the next number.
// Kiosk alerts above it (fleet.js). Live through server-sent events (see live.js).

import { h, mount } from "/assets/dom.js";
import { startFleet } from "/assets/fleet.js";
import { live } from "/assets/live.js";
import { api, clock, minutesSince, readConfig, timeFormat } from "/assets/page.js";

const cfg = readConfig("console-config");
const lang = cfg.lang === "en" ? "en" : "vi";
const STORE_KEY = `motcua.counter.${cfg.username}`;
/** A second press of F1 within this long is taken as a bounce, not a second call. */
const CALL_BOUNCE_MS = 600;

const WORDS = {
  vi: {
    pick: "Chọn quầy làm việc",
    pickHint: "Tài khoản này được làm việc tại các quầy sau.",
    noCounter: "Tài khoản này chưa được giao quầy nào. Vui lòng báo lãnh đạo Trung tâm.",
    counter: "Quầy",
    open: "Đang mở",
    paused: "Tạm nghỉ",
    keys: "F1 hoặc phím cách: gọi số tiếp theo",
    current: "Đang phục vụ",
    none: "Chưa có số nào. Bấm “Gọi số tiếp theo” (F1).",
    issued: (t) => `Lấy số lúc ${t}`,
    waited: (m) => (m < 1 ? "chờ dưới 1 phút" : `đã chờ ${m} phút`),
    dossier: "Mã hồ sơ",
    timer: "Thời gian phục vụ",
    priority: "Ưu tiên",
    appointment: (time) => `Đặt lịch ${time}`,
    callNext: "Gọi số tiếp theo",
    recall: "Gọi lại",
    serve: "Đã xong",
    noShow: "Vắng mặt",
    transfer: "Chuyển…",
    callNumber: "Gọi số cụ thể…",
    pause: "Tạm nghỉ",
    resume: "Tiếp tục",
    queues: "Hàng chờ",
    waiting: (n) => `${n} đang chờ`,
    oldest: (m) => (m < 1 ? "chờ lâu nhất dưới 1 phút" : `chờ lâu nhất ${m} phút`),
    nobody: "Không có ai đang chờ.",
    transferred: "chuyển đến quầy này",
    called: (n, c) => `Đã gọi số ${n} đến Quầy ${c}.`,
    empty: "Không còn ai đang chờ.",
    recalled: (n) => `Đã gọi lại số ${n}.`,
    served: (n) => `Số ${n}: đã xong.`,
    noShowed: (n) => `Số ${n}: vắng mặt.`,
    transferredTo: (n, where) => `Đã chuyển số ${n} sang ${where}.`,
    pausedNow: (c) => `Quầy ${c} đang tạm nghỉ: không gọi số.`,
    resumed: (c) => `Quầy ${c} đã mở lại.`,
    transferTitle: "Chuyển số",
    transferHint: "Số giữ nguyên giờ lấy số, công dân không phải xếp lại từ đầu.",
    toService: "Sang dịch vụ",
    toCounter: "Đến quầy",
    sameService: "(giữ nguyên dịch vụ)",
    anyCounter: "(quầy bất kỳ của dịch vụ)",
    pickOne: "Chọn dịch vụ hoặc quầy để chuyển đến.",
    callNumberTitle: "Gọi số cụ thể",
    number: "Số thứ tự",
    reason: "Lý do (bắt buộc, được ghi lại)",
    needReason: "Vui lòng nhập số và lý do.",
    confirm: "Xác nhận",
    cancel: "Huỷ",
    ticketOf: (s) => `Dịch vụ: ${s}`,
  },
  en: {
    pick: "Choose your counter",
    pickHint: "This account may work at these counters.",
    noCounter: "This account has no counter assigned. Please ask the center's director.",
    counter: "Counter",
    open: "Open",
    paused: "Paused",
    keys: "F1 or Space: call the next number",
    current: "Now serving",
    none: "No number yet. Press “Call next” (F1).",
    issued: (t) => `Taken at ${t}`,
    waited: (m) => (m < 1 ? "waited under 1 min" : `waited ${m} min`),
    dossier: "Dossier",
    timer: "Service time",
    priority: "Priority",
    appointment: (time) => `Appointment ${time}`,
    callNext: "Call next",
    recall: "Call again",
    serve: "Done",
    noShow: "No-show",
    transfer: "Transfer…",
    callNumber: "Call a number…",
    pause: "Pause",
    resume: "Resume",
    queues: "Queues",
    waiting: (n) => `${n} waiting`,
    oldest: (m) => (m < 1 ? "longest wait under 1 min" : `longest wait ${m} min`),
    nobody: "Nobody is waiting.",
    transferred: "sent to this counter",
    called: (n, c) => `Called ${n} to Counter ${c}.`,
    empty: "Nobody is waiting.",
    recalled: (n) => `Called ${n} again.`,
    served: (n) => `${n}: done.`,
    noShowed: (n) => `${n}: no-show.`,
    transferredTo: (n, where) => `${n} was transferred to ${where}.`,
    pausedNow: (c) => `Counter ${c} is paused: it calls nobody.`,
    resumed: (c) => `Counter ${c} is open again.`,
    transferTitle: "Transfer the ticket",
    transferHint: "The ticket keeps its issue time: the citizen does not go to the back.",
    toService: "To service",
    toCounter: "To counter",
    sameService: "(same service)",
    anyCounter: "(any counter of the service)",
    pickOne: "Choose a service or a counter to send it to.",
    callNumberTitle: "Call a given number",
    number: "Ticket number",
    reason: "Reason (required, logged)",
    needReason: "Please enter the number and a reason.",
    confirm: "Confirm",
    cancel: "Cancel",
    ticketOf: (s) => `Service: ${s}`,
  },
};
const t = WORDS[lang];

const state = {
  counterId: null,
  data: null,
  busy: false,
  lastCallAt: 0,
  refreshTimer: null,
};

const root = document.getElementById("console");
const hhmm = timeFormat(lang, cfg.time_zone, { hour: "2-digit", minute: "2-digit", hour12: false });
const el = {};

// ---------------------------------------------------------------- counter choice

function chosenCounter() {
  const ids = cfg.counters.map((c) => c.id);
  if (ids.length === 1) return ids[0];
  let saved = null;
  try {
    saved = localStorage.getItem(STORE_KEY);
  } catch {
    saved = null;
  }
  return ids.includes(saved) ? saved : null;
}

/** A counter's name without its "Quầy 6 – " prefix (the number is shown apart). */
function shortName(c) {
  return c.name.replace(/^(Quầy|Counter)\s*\d+\s*[–-]\s*/iu, "");
}

/** "Quầy 6 – Sở Tài nguyên và Môi trường". */
function fullName(c) {
  const rest = shortName(c);
  return rest ? `${t.counter} ${c.number} – ${rest}` : `${t.counter} ${c.number}`;
}

function choose(id) {
  try {
    localStorage.setItem(STORE_KEY, id);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  state.counterId = id;
  state.data = null;
  layout();
  refresh();
}

function pickScreen() {
  if (!cfg.counters.length) {
    mount(root, h("p", { class: "c-error", role: "alert", testid: "console-error" }, t.noCounter));
    return;
  }
  mount(
    root,
    h(
      "section",
      { class: "c-pick", testid: "counter-picker" },
      h("h1", {}, t.pick),
      h("p", { class: "muted" }, t.pickHint),
      h(
        "div",
        { class: "c-pick-list" },
        cfg.counters.map((c) =>
          h(
            "button",
            { type: "button", class: "c-pick-btn", testid: `pick-${c.id}`, onclick: () => choose(c.id) },
            h("strong", {}, `${t.counter} ${c.number}`),
            h("span", {}, shortName(c)),
          ),
        ),
      ),
    ),
  );
  root.querySelector("button")?.focus();
}

// ---------------------------------------------------------------- layout

function button(testid, label, onclick, cls = "") {
  return h("button", { type: "button", class: `c-btn ${cls}`, testid, onclick }, label);
}

function layout() {
  const select = h(
    "select",
    { testid: "counter-select", "aria-label": t.counter, onchange: (e) => choose(e.target.value) },
    cfg.counters.map((c) => h("option", { value: c.id, selected: c.id === state.counterId }, fullName(c))),
  );
  el.state = h("span", { class: "c-state", testid: "counter-state" });
  el.current = h("section", { class: "c-current", testid: "current", "aria-labelledby": "c-current-title" });
  el.queues = h("div", { class: "c-queues-list", testid: "queues" });
  el.status = h("p", { class: "c-status", role: "status", "aria-live": "polite", testid: "console-status" });
  el.error = h("p", { class: "c-error", role: "alert", testid: "console-error", hidden: true });
  el.callNext = h(
    "button",
    { type: "button", class: "c-btn primary", testid: "call-next", onclick: callNext, "aria-keyshortcuts": "F1 Space" },
    h("span", {}, t.callNext),
    h("kbd", {}, "F1"),
  );
  el.recall = button("recall", t.recall, () => ticketAction("recall"));
  el.serve = button("serve", t.serve, () => ticketAction("serve"), "ok");
  el.noShow = button("no-show", t.noShow, () => ticketAction("no-show"), "warn");
  el.transfer = button("transfer", t.transfer, openTransfer);
  el.callNumber = button("call-number", t.callNumber, openCallNumber);
  el.pause = button("pause-toggle", t.pause, togglePause);
  mount(
    root,
    h("div", { class: "c-top" }, h("label", { class: "c-counter" }, select), el.state, h("span", { class: "c-keys muted" }, t.keys)),
    h(
      "div",
      { class: "c-main" },
      h(
        "div",
        { class: "c-left" },
        el.current,
        h(
          "div",
          { class: "c-actions" },
          el.callNext,
          h("div", { class: "c-row" }, el.recall, el.serve, el.noShow, el.transfer),
          h("div", { class: "c-row" }, el.callNumber, el.pause),
        ),
        el.status,
        el.error,
      ),
      h("section", { class: "c-queues", "aria-labelledby": "c-queues-title" }, h("h2", { id: "c-queues-title" }, t.queues), el.queues),
    ),
    transferDialog(),
    callNumberDialog(),
  );
  render();
}

// ---------------------------------------------------------------- rendering

/** A service's name in the page's language (the console's answers are in Vietnamese). */
function serviceName(id, fallback) {
  return cfg.services.find((s) => s.id === id)?.name ?? fallback;
}

function counterNumber() {
  return state.data?.counter?.counter?.number ?? cfg.counters.find((c) => c.id === state.counterId)?.number ?? "";
}

function render() {
  if (!el.current) return;
  const d = state.data;
  const paused = !!d?.counter?.paused;
  el.state.textContent = paused ? t.paused : t.open;
  el.state.className = `c-state ${paused ? "paused" : "open"}`;
  el.state.dataset.paused = String(paused);
  el.pause.textContent = paused ? t.resume : t.pause;
  el.pause.dataset.paused = String(paused);
  el.pause.classList.toggle("ok", paused);
  const cur = d?.current ?? null;
  for (const b of [el.recall, el.serve, el.noShow, el.transfer]) b.disabled = !cur || state.busy;
  for (const b of [el.callNext, el.callNumber, el.pause]) b.disabled = !d || state.busy;
  renderCurrent(cur);
  renderQueues(d?.services ?? []);
}

function renderCurrent(cur) {
  el.current.dataset.number = cur?.number ?? "";
  el.current.dataset.token = cur?.token ?? "";
  if (!cur) {
    mount(el.current, h("h2", { id: "c-current-title" }, t.current), h("p", { class: "c-none", testid: "current-none" }, t.none));
    return;
  }
  el.waited = h("span", { testid: "current-waited" });
  el.timer = h("span", { class: "c-timer", testid: "current-timer" });
  mount(
    el.current,
    h("h2", { id: "c-current-title" }, t.current),
    h("div", { class: "c-number", testid: "current-number" }, cur.number),
    h("p", { class: "c-service", testid: "current-service" }, t.ticketOf(serviceName(cur.service_id, cur.service_name))),
    cur.priority_name ? h("p", { class: "c-priority", testid: "current-priority" }, `${t.priority}: ${cur.priority_name}`) : null,
    cur.appointment_at
      ? h("p", { class: "c-appointment", testid: "current-appointment" }, t.appointment(hhmm.format(new Date(cur.appointment_at))))
      : null,
    h("p", { class: "c-meta" }, h("span", { testid: "current-issued" }, t.issued(hhmm.format(new Date(cur.issued_at)))), " · ", el.waited),
    cur.dossier_code ? h("p", { class: "c-dossier", testid: "current-dossier" }, `${t.dossier}: `, h("code", {}, cur.dossier_code)) : null,
    h("p", { class: "c-timer-line" }, `${t.timer} `, el.timer),
  );
  tick();
}

function renderQueues(services) {
  mount(
    el.queues,
    services.map((s) =>
      h(
        "article",
        { class: "c-service-card", testid: `service-${s.letter}`, dataset: { serviceId: s.service_id, waiting: String(s.waiting) } },
        h("h3", {}, h("span", { class: "c-letter" }, s.letter), " ", serviceName(s.service_id, s.name)),
        h(
          "p",
          { class: "c-counts" },
          h("strong", { testid: `waiting-${s.letter}` }, t.waiting(s.waiting)),
          s.oldest_issued_at ? [" · ", h("span", { testid: `oldest-${s.letter}` }, t.oldest(minutesSince(s.oldest_issued_at)))] : null,
        ),
        s.next.length
          ? h(
              "ol",
              { class: "c-next", testid: `next-${s.letter}` },
              s.next.map((n) =>
                h(
                  "li",
                  { class: n.priority ? "prio" : "", testid: `next-${n.number}`, dataset: { number: n.number } },
                  h("span", { class: "c-next-number" }, n.number),
                  h("span", { class: "c-next-time muted" }, hhmm.format(new Date(n.issued_at))),
                  n.priority ? h("span", { class: "c-badge prio" }, `${t.priority}: ${n.priority_name ?? n.priority}`) : null,
                  n.transferred ? h("span", { class: "c-badge moved" }, t.transferred) : null,
                  n.appointment_at
                    ? h("span", { class: "c-badge appt", testid: `appointment-${n.number}` }, t.appointment(hhmm.format(new Date(n.appointment_at))))
                    : null,
                ),
              ),
            )
          : h("p", { class: "muted" }, t.nobody),
      ),
    ),
  );
}

/** Once a second: the service timer and the time waited. */
function tick() {
  const cur = state.data?.current;
  if (!cur || !el.timer?.isConnected) return;
  const secs = Math.max(0, Math.floor((clock.now() - Date.parse(cur.called_at)) / 1000));
  const two = (n) => String(n).padStart(2, "0");
  const hours = Math.floor(secs / 3600);
  const rest = `${two(Math.floor((secs % 3600) / 60))}:${two(secs % 60)}`;
  el.timer.textContent = hours ? `${hours}:${rest}` : rest;
  el.waited.textContent = t.waited(Math.max(0, Math.floor((Date.parse(cur.called_at) - Date.parse(cur.issued_at)) / 60000)));
}

// ---------------------------------------------------------------- data

/** Reads the counter's console; resolves true when the server answered. */
async function refresh() {
  if (!state.counterId) return true;
  const id = state.counterId;
  try {
    const { data } = await api("GET", `/api/v1/counters/${encodeURIComponent(id)}/console`, { lang });
    if (id !== state.counterId) return true;
    clock.sync(data.now);
    state.data = data;
    render();
    return true;
  } catch (e) {
    if (e.status === 401) location.assign(lang === "en" ? "/dang-nhap?lang=en" : "/dang-nhap");
    else if (e.status) showError(e.message);
    return false;
  }
}

function scheduleRefresh() {
  if (state.refreshTimer) return;
  state.refreshTimer = setTimeout(() => {
    state.refreshTimer = null;
    refresh();
  }, 60);
}

function concernsMe(ev) {
  const d = state.data;
  if (!d) return true;
  if (ev.counter?.id === state.counterId) return true;
  return ev.service_id ? d.counter.services.includes(ev.service_id) : false;
}

// ---------------------------------------------------------------- actions

function say(text) {
  el.error.hidden = true;
  el.error.textContent = "";
  el.status.textContent = text;
}

function showError(text) {
  if (!el.error) return;
  el.status.textContent = "";
  el.error.textContent = text;
  el.error.hidden = false;
}

/** Runs one action at a time; its answer's words go to the live region. */
async function act(fn) {
  if (state.busy || !state.counterId) return;
  state.busy = true;
  render();
  try {
    say(await fn());
  } catch (e) {
    showError(e.message);
  } finally {
    state.busy = false;
    await refresh();
    render();
  }
}

const post = (path, body) => api("POST", path, { body, csrf: cfg.csrf, lang });
const counterPath = (what) => `/api/v1/counters/${encodeURIComponent(state.counterId)}/${what}`;

function callNext() {
  state.lastCallAt = Date.now();
  return act(async () => {
    const r = await post(counterPath("call-next"));
    if (r.status === 204) return t.empty;
    return t.called(r.data.ticket.number, r.data.ticket.counter?.number ?? counterNumber());
  });
}

function ticketAction(kind) {
  const cur = state.data?.current;
  if (!cur) return undefined;
  return act(async () => {
    await post(`/api/v1/tickets/${encodeURIComponent(cur.token)}/${kind}`);
    if (kind === "recall") return t.recalled(cur.number);
    if (kind === "serve") return t.served(cur.number);
    return t.noShowed(cur.number);
  });
}

function togglePause() {
  const paused = !!state.data?.counter?.paused;
  return act(async () => {
    const r = await post(counterPath(paused ? "resume" : "pause"));
    return r.data.paused ? t.pausedNow(counterNumber()) : t.resumed(counterNumber());
  });
}

// ---------------------------------------------------------------- dialogs

function field(label, control) {
  return h("label", { class: "c-field" }, h("span", {}, label), control);
}

/** A modal form: `onsubmit` answers an error to show, or null when it went ahead. */
function dialogShell(testid, title, hint, fields, onsubmit) {
  const problem = h("p", { class: "c-error", role: "alert", hidden: true, testid: `${testid}-error` });
  const form = h(
    "form",
    { method: "dialog", class: "c-dialog-form" },
    h("h2", { id: `${testid}-title` }, title),
    hint ? h("p", { class: "muted" }, hint) : null,
    fields,
    problem,
    h(
      "div",
      { class: "c-row" },
      h("button", { type: "submit", class: "c-btn primary", testid: `${testid}-submit` }, t.confirm),
      h("button", { type: "button", class: "c-btn", testid: `${testid}-cancel`, onclick: () => dlg.close() }, t.cancel),
    ),
  );
  const dlg = h("dialog", { class: "c-dialog", testid, "aria-labelledby": `${testid}-title` }, form);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const bad = onsubmit();
    problem.hidden = !bad;
    problem.textContent = bad ?? "";
    if (!bad) dlg.close();
  });
  return dlg;
}

function transferDialog() {
  el.tService = h(
    "select",
    { testid: "transfer-service" },
    h("option", { value: "" }, t.sameService),
    cfg.services.map((s) => h("option", { value: s.id }, `${s.letter} – ${s.name}`)),
  );
  el.tCounter = h(
    "select",
    { testid: "transfer-counter" },
    h("option", { value: "" }, t.anyCounter),
    cfg.all_counters.map((c) => h("option", { value: c.id }, fullName(c))),
  );
  const fields = [field(t.toService, el.tService), field(t.toCounter, el.tCounter)];
  el.transferDialog = dialogShell("transfer-dialog", t.transferTitle, t.transferHint, fields, () => {
    const service = el.tService.value;
    const counter = el.tCounter.value;
    if (!service && !counter) return t.pickOne;
    const cur = state.data?.current;
    if (!cur) return null;
    const body = {};
    if (service) body.service_id = service;
    if (counter) body.counter_id = counter;
    const where = [
      service ? cfg.services.find((s) => s.id === service)?.name : null,
      counter ? `${t.counter} ${cfg.all_counters.find((c) => c.id === counter)?.number}` : null,
    ]
      .filter(Boolean)
      .join(", ");
    act(async () => {
      await post(`/api/v1/tickets/${encodeURIComponent(cur.token)}/transfer`, body);
      return t.transferredTo(cur.number, where);
    });
    return null;
  });
  return el.transferDialog;
}

function openTransfer() {
  if (!state.data?.current) return;
  el.tService.value = "";
  el.tCounter.value = "";
  el.transferDialog.showModal();
  el.tService.focus();
}

function callNumberDialog() {
  el.cNumber = h("input", { testid: "call-number-input", autocomplete: "off", maxlength: "20", spellcheck: "false" });
  el.cReason = h("textarea", { testid: "call-number-reason", maxlength: "200", rows: "2" });
  const fields = [field(t.number, el.cNumber), field(t.reason, el.cReason)];
  el.callNumberDialog = dialogShell("call-number-dialog", t.callNumberTitle, null, fields, () => {
    const number = el.cNumber.value.trim().toUpperCase();
    const reason = el.cReason.value.trim();
    if (!number || !reason) return t.needReason;
    act(async () => {
      const r = await post(counterPath("call-number"), { number, reason });
      return t.called(r.data.ticket.number, r.data.ticket.counter?.number ?? counterNumber());
    });
    return null;
  });
  return el.callNumberDialog;
}

function openCallNumber() {
  el.cNumber.value = "";
  el.cReason.value = "";
  el.callNumberDialog.showModal();
  el.cNumber.focus();
}

// ---------------------------------------------------------------- keys

function typing(target) {
  if (!(target instanceof Element)) return false;
  return !!target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']");
}

/** F1 anywhere, Space outside text fields, no dialog open. */
function isCallKey(e) {
  if (!state.counterId || e.altKey || e.ctrlKey || e.metaKey) return false;
  const space = e.key === " " || e.code === "Space";
  if (e.key !== "F1" && !space) return false;
  if (document.querySelector("dialog[open]")) return false;
  return !(space && typing(e.target));
}

document.addEventListener("keydown", (e) => {
  if (!isCallKey(e)) return;
  // F1 is the browser's help and Space would press the focused button: the console owns both.
  e.preventDefault();
  if (e.repeat || Date.now() - state.lastCallAt < CALL_BOUNCE_MS) return;
  callNext();
});
// A button presses itself on Space's keyup: not here.
document.addEventListener("keyup", (e) => {
  if (isCallKey(e)) e.preventDefault();
});

// ---------------------------------------------------------------- start

state.counterId = chosenCounter();
if (state.counterId) {
  layout();
  await refresh();
} else {
  pickScreen();
}
setInterval(tick, 1000);
const fleet = startFleet(document.getElementById("fleet"), cfg);
live({
  on: {
    ticket_called: (ev) => concernsMe(ev) && scheduleRefresh(),
    counter_changed: (ev) => concernsMe(ev) && scheduleRefresh(),
    queue_changed: (ev) => concernsMe(ev) && scheduleRefresh(),
    kiosks_changed: () => fleet.refresh(),
    maintenance_changed: () => fleet.refresh(),
    notice_changed: () => fleet.refresh(),
  },
  refresh: async () => {
    fleet.refresh();
    return refresh();
  },
});
