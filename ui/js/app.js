// The kiosk page: header, banners, the current screen, Back/Home, the
// now-serving strip, the idle countdown, scanner input and the admin exit.

import { announceScreen, closeOverlay, dialog, openOverlay } from "./a11y.js";
import { call, onKioskEvent } from "./api.js";
import { h, mount } from "./dom.js";
import { installFleet, renderFleet, technicalBanners } from "./fleet.js";
import { addLanguage, language, loadLanguages, localName, setLanguage, t } from "./i18n.js";
import { icon, ICONS } from "./icons.js";
import { IdleTimer } from "./idle.js";
import { relayoutPagers } from "./pager.js";
import { listenForScans } from "./scanner.js";
import { installLockdown, installAdminGesture } from "./shell.js";
import { SCREENS } from "./screens/index.js";

const $ = (id) => document.getElementById(id);

const state = {
  settings: { language: "vi", idle_timeout_s: 60, fullscreen: true },
  catalog: null,
  status: null,
  queues: [],
  route: { name: "home", params: {} },
  /** The route whose heading last took focus: a redraw of the same screen leaves focus alone. */
  announced: null,
  stack: [],
  large: false,
  scanHandler: null,
};

const ctx = {
  state,
  call,
  go,
  back,
  home,
  render,
  timeZone: () => state.catalog?.center?.time_zone ?? "Asia/Ho_Chi_Minh",
  loadCatalog,
  onScan: (fn) => { state.scanHandler = fn; },
};

// ---------- navigation ----------

function go(name, params = {}, { replace = false } = {}) {
  if (!replace && state.route.name !== "printing") state.stack.push(state.route);
  state.route = { name, params };
  idle.arm(performance.now());
  render();
}

function back() {
  const prev = state.stack.pop();
  if (!prev) return home();
  state.route = prev;
  render();
}

/** Home, with everything the last citizen saw cleared. */
function home({ reset = false } = {}) {
  state.stack = [];
  state.route = { name: "home", params: {} };
  if (reset) {
    setLanguage(state.settings.language);
    setLarge(false);
  }
  idle.disarm();
  hideIdle();
  render();
  renderChrome();
}

function render() {
  const { name, params } = state.route;
  const screen = SCREENS[name] ?? SCREENS.home;
  state.scanHandler = null;
  const main = $("screen");
  main.dataset.screen = name;
  document.body.dataset.screen = name;
  mount(main, screen(params, ctx));
  main.scrollTop = 0;
  const dialogOpen = !$("idle-overlay").hidden || !$("admin-overlay").hidden;
  if (state.route !== state.announced && !dialogOpen && announceScreen(main, $("announcer")) !== null) state.announced = state.route;
  // The ticket and thank-you screens have their own "done"; printing cannot be left.
  $("navbar").hidden = ["home", "printing", "ticket", "thanks", "notReady"].includes(name);
  showFleet();
}

/** Maintenance and the notice (fleet.js); maintenance beginning clears the last citizen's screen. */
function showFleet() {
  if (renderFleet(state.status, state.route.name, $("screen"))) home({ reset: true });
}

// ---------- chrome: header, switches, banners, strip ----------

function renderChrome() {
  const c = state.catalog?.center;
  $("center-name").textContent = c ? localName(c) : t("app.name");
  $("kiosk-sub").textContent = t("app.kiosk");
  mount($("lang-switch"), icon("globe"), t("switch.other_language"));
  $("lang-switch").setAttribute("aria-label", t("switch.other_language_label"));
  mount($("large-switch"), icon("text"), t("switch.large"));
  $("large-switch").setAttribute("aria-label", t("switch.large_label"));
  $("large-switch").setAttribute("aria-pressed", String(state.large));
  mount($("nav-back"), icon("back"), t("common.back"));
  mount($("nav-home"), icon("home"), t("common.home"));
  renderBanners();
  renderStrip();
  tickClock();
}

function setLarge(on) {
  state.large = on;
  document.documentElement.classList.toggle("large", on);
  $("large-switch").setAttribute("aria-pressed", String(on));
}

function banner(kind, testid, iconName, title, text) {
  return h("div", { class: `banner ${kind}`, testid, role: "status" }, icon(iconName), h("div", {}, h("b", {}, title), text));
}

function renderBanners() {
  const s = state.status;
  const items = [];
  const technical = technicalBanners(s);
  for (const b of technical) {
    items.push(banner(b.kind, b.testid, b.icon, t(b.title), b.text.map((x) => t(x.key, x.vars)).join(" ")));
  }
  if (s && s.authorised === false) {
    items.push(banner("danger", "banner-unauthorised", "lock", t("banner.unauthorised_title"), t("banner.unauthorised")));
  } else if (s && s.online === false && !technical.some((b) => b.testid === "banner-certificate")) {
    items.push(banner("warn", "banner-offline", "offline", t("banner.offline_title"), t("banner.offline")));
  }
  const p = s?.printer?.state;
  if (p === "paper_out") {
    items.push(banner("danger", "banner-paper-out", "printer", t("banner.paper_title"), t("banner.paper")));
  } else if (p === "cover_open" || p === "offline") {
    items.push(banner("danger", "banner-printer", "printer", t("banner.printer_title"), t("banner.printer")));
  }
  mount($("banners"), items);
  showFleet();
}

function renderStrip() {
  const serving = [];
  for (const q of state.queues ?? []) {
    for (const s of q.serving ?? []) serving.push(s);
  }
  serving.sort((a, b) => String(b.called_at).localeCompare(String(a.called_at)));
  mount(
    $("strip"),
    h("span", { class: "label" }, `${t("strip.label")}:`),
    serving.length
      ? serving.slice(0, 6).map((s) =>
          h("span", { class: "item", testid: "serving-item", dataset: { number: s.number } }, h("span", { class: "num" }, s.number), h("span", {}, "→"), h("span", {}, t("strip.counter", { n: s.counter?.number ?? "?" }))),
        )
      : h("span", { class: "hint" }, t("strip.none")),
  );
}

/** Waiting counts on the service tiles, updated in place (a redraw could eat a tap). */
function updateWaiting() {
  for (const el of document.querySelectorAll("[data-waiting-for]")) {
    const q = state.queues.find((x) => x.service_id === el.dataset.waitingFor);
    el.textContent = q ? ` · ${t("take.waiting", { n: q.waiting })}` : "";
  }
}

function tickClock() {
  const now = new Date();
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: ctx.timeZone(), hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(now);
  $("clock").textContent = parts;
}

function onEvent(ev) {
  if (!ev || typeof ev !== "object") return;
  if (ev.kind === "now_serving") {
    state.queues = ev.queues ?? [];
    renderStrip();
    updateWaiting();
  } else if (ev.kind === "ticket_called") {
    const q = state.queues.find((x) => x.service_id === ev.service_id);
    const entry = { counter: ev.counter, number: ev.number, called_at: new Date().toISOString() };
    if (q) q.serving = [entry, ...(q.serving ?? []).filter((s) => s.counter?.id !== ev.counter?.id)];
    else state.queues.push({ service_id: ev.service_id, serving: [entry], waiting: 0 });
    renderStrip();
  } else if (ev.kind === "status") {
    state.status = ev.status;
    renderBanners();
  }
}

async function refreshQueues() {
  try {
    const queues = await call("queues");
    if (Array.isArray(queues) && queues.length && !state.queues.length) {
      state.queues = queues;
      renderStrip();
      updateWaiting();
    }
  } catch {
    // the first now_serving event fills them
  }
}

async function refreshStatus() {
  try {
    state.status = await call("status");
    renderBanners();
  } catch {
    // the banners keep their last state
  }
}

async function loadCatalog() {
  if (state.catalog) return state.catalog;
  state.catalog = await call("catalog");
  renderChrome();
  return state.catalog;
}

// ---------- idle ----------

const idle = new IdleTimer({
  timeoutMs: 60000,
  onWarn: showIdle,
  onCount: (n) => {
    const el = document.querySelector("[data-testid=idle-seconds]");
    if (el) el.textContent = String(n);
  },
  onCancel: hideIdle,
  onExpire: () => home({ reset: true }),
});

function showIdle(seconds) {
  const stay = h("button", { class: "btn primary big", type: "button", testid: "idle-stay", onclick: () => idle.touch(performance.now()) }, t("idle.stay"));
  // An alert dialog (it interrupts), with focus on the harmless answer.
  const content = dialog(
    { testid: "idle-dialog", title: t("idle.title"), role: "alertdialog" },
    h("p", { class: "lead" }, t("idle.lead")),
    h("div", { class: "countdown", testid: "idle-seconds" }, String(seconds)),
    h("p", {}, t("idle.seconds")),
    stay,
  );
  openOverlay($("idle-overlay"), content, stay);
}

function hideIdle() {
  if (!$("idle-overlay").hidden) closeOverlay($("idle-overlay"));
}

// ---------- start ----------

async function start() {
  installLockdown(window);
  installFleet(document);
  $("brand-mark").innerHTML = ICONS.mark;
  try {
    await loadLanguages();
  } catch {
    addLanguage("vi", {});
  }
  try {
    state.settings = await call("ui_settings");
  } catch {
    // defaults
  }
  setLanguage(state.settings.language);
  idle.timeoutMs = Math.max(5, state.settings.idle_timeout_s) * 1000;
  idle.warnMs = Math.min(10000, idle.timeoutMs / 2);

  $("lang-switch").addEventListener("click", () => {
    setLanguage(language() === "vi" ? "en" : "vi");
    idle.arm(performance.now());
    render();
    renderChrome();
  });
  $("large-switch").addEventListener("click", () => {
    setLarge(!state.large);
    relayoutPagers();
    idle.arm(performance.now());
  });
  $("nav-back").addEventListener("click", back);
  $("nav-home").addEventListener("click", () => home());
  for (const type of ["pointerdown", "keydown", "touchstart"]) {
    window.addEventListener(type, () => idle.touch(performance.now()), { capture: true, passive: true });
  }
  setInterval(() => idle.tick(performance.now()), 250);
  setInterval(tickClock, 10000);

  listenForScans(window, (text) => {
    idle.arm(performance.now());
    hideIdle();
    if (state.scanHandler) state.scanHandler(text);
    else SCREENS.scanLookup(text, ctx);
  });
  installAdminGesture($("admin-corner"), $("admin-overlay"), ctx);

  renderChrome();
  render();
  await onKioskEvent(onEvent).catch(() => {});
  // What the engine already knows, at once: the strip and the waiting counts
  // are right from the first second, not from the next poll.
  await refreshQueues();
  await refreshStatus();
  setInterval(refreshStatus, 15000);
  loadCatalog()
    .then(() => { if (state.route.name === "home") render(); })
    .catch(() => {});
  document.body.dataset.ready = "1";
  call("ui_ready").catch(() => {});
}

start().catch((e) => {
  // Visible to tests and the log; the citizen still sees the page chrome.
  document.body.dataset.error = String(e?.stack ?? e);
  console.error(e);
});
