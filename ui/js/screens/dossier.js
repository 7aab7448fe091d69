// Collect a result, dossier lookup (typed or scanned), the answers in plain words.

import { h } from "../dom.js";
import { formatTime, language, localName, t } from "../i18n.js";
import { icon } from "../icons.js";
import { codeKeyboard, inputDisplay } from "../keyboard.js";
import { errorInline, issue, loading, printAction } from "./common.js";
import { pager } from "../pager.js";
import { checkIn, looksLikeBookingUrl } from "./booking.js";

/** The one example code shown anywhere (crates/domain/src/dossier_code.rs EXAMPLE_CODE). */
export const EXAMPLE_CODE = "000.00.12.H62-201105-0004";

/**
 * Whether a scan may be a chip ID card's QR (12 digits, then `|`). The
 * engine checks the whole shape strictly; this only keeps a card's number
 * out of the code field, where it would show on screen.
 */
export function looksLikeIdCard(text) {
  return /^\s*\d{12}\|/.test(String(text ?? ""));
}

/**
 * A code keyboard screen shared by "collect", "lookup" and "booking": the
 * texts are `${testid}.title|lead|placeholder`; `hint` is the line under the
 * field, `enterLabel` the enter key's.
 */
export function codeEntry(params, ctx, { testid, submit, hint, enterLabel }) {
  let display = inputDisplay(params.code, t(`${testid}.placeholder`), "code-input");
  const onChange = (v) => {
    params.code = v;
    params.error = null;
    const next = inputDisplay(v, t(`${testid}.placeholder`), "code-input");
    display.replaceWith(next);
    display = next;
    const err = document.querySelector("[data-testid=error]");
    if (err) err.remove();
  };
  const go = (text) => {
    if (!String(text ?? "").trim()) {
      params.error = { code: "empty" };
      ctx.render();
      return;
    }
    submit(text);
  };
  ctx.onScan((text) => {
    // A card scanned here lists its holder's dossiers; its number is never typed into the field.
    // A booking QR checks in, whatever screen it is scanned on.
    if (looksLikeIdCard(text) || looksLikeBookingUrl(text)) {
      scanLookup(text, ctx);
      return;
    }
    params.code = text;
    go(text);
  });
  return [
    h(
      "div",
      { class: "title-row" },
      h("span", { class: "scan-art" }, icon("scan")),
      h("div", {}, h("h1", { testid: "screen-title" }, t(`${testid}.title`)), h("p", { class: "lead" }, t(`${testid}.lead`))),
    ),
    display,
    params.error ? errorInline(params.error) : hint,
    params.busy ? loading() : null,
    codeKeyboard({ getValue: () => params.code ?? "", onChange, onEnter: go, enterLabel }),
  ];
}

const dossierHint = () => h("p", { class: "hint" }, t("lookup.example", { code: EXAMPLE_CODE }));

export function collectScreen(params, ctx) {
  const submit = (code) =>
    issue(ctx, () => ctx.call("collect_result", { code }), (err) => {
      if (err.code === "dossier_not_ready") {
        ctx.go("notReady", { error: err }, { replace: true });
        return true;
      }
      if (["not_a_code", "dossier_not_found", "empty"].includes(err.code)) {
        params.error = err;
        ctx.back();
        return true;
      }
      return false;
    });
  return codeEntry(params, ctx, { testid: "collect", submit, hint: dossierHint(), enterLabel: t("collect.button") });
}

export function notReadyScreen(params, ctx) {
  const due = params.error?.due_at;
  return h(
    "div",
    { class: "card", testid: "not-ready" },
    h("h1", { class: "status-big status-info" }, icon("clock"), t("collect.not_ready_title")),
    h("p", { class: "lead", testid: "not-ready-due" }, due ? t("collect.not_ready", { due: formatTime(due, { timeZone: ctx.timeZone() }) }) : t("collect.not_ready_no_due")),
    h("p", {}, t("collect.come_back")),
    h("button", { class: "btn primary big", type: "button", testid: "not-ready-done", onclick: () => ctx.home({ reset: true }) }, icon("home"), t("common.home")),
  );
}

const RESULT_SCREENS = { ticket: "ticketStatus", dossier: "dossier", id_card: "idCardDossiers" };

/** Looks `text` up and shows the answer (or the error on `params`). */
export async function runLookup(text, ctx, params) {
  try {
    const result = await ctx.call("lookup", { text });
    if (params) params.busy = false;
    if (result.kind === "booking") {
      checkIn(result.code, ctx, null);
      return;
    }
    ctx.go(RESULT_SCREENS[result.kind] ?? "dossier", { result });
  } catch (err) {
    if (params) {
      params.busy = false;
      params.error = err;
      ctx.render();
    } else {
      ctx.go("error", { error: err });
    }
  }
}

/** Scanner input anywhere with nothing else waiting for it. */
export function scanLookup(text, ctx) {
  runLookup(text, ctx, null);
}

export function lookupScreen(params, ctx) {
  const submit = (text) => {
    params.busy = true;
    params.error = null;
    ctx.render();
    runLookup(text, ctx, params);
  };
  return codeEntry(params, ctx, { testid: "lookup", submit, hint: dossierHint(), enterLabel: t("keyboard.lookup") });
}

function statusClass(code, overdue) {
  if (overdue) return "status-bad";
  if (code === 9 || code === 10) return "status-ok";
  if (code === 5 || code === 6) return "status-warn";
  if (code === 3 || code === 7 || code === 8) return "status-bad";
  return "status-info";
}

function statusIcon(code) {
  if (code === 9 || code === 10) return "check";
  if (code === 5 || code === 6) return "warning";
  if (code === 3 || code === 8) return "stop";
  return "clock";
}

const label = (s) => (language() === "en" ? s.label_en : s.label_vi);
const nextStep = (s) => (language() === "en" ? s.next_step_en : s.next_step_vi);

/** "08:15", or "08:15 27/11/2026" when not today (in the center's time zone). */
function heardTime(iso, tz) {
  const day = (x) => formatTime(x, { timeZone: tz, time: false });
  const hm = formatTime(iso, { timeZone: tz, date: false });
  return day(iso) === day(new Date().toISOString()) ? hm : `${hm} ${day(iso)}`;
}

/** When the center last heard from the source, and whether that is too old. */
export function freshness(d, tz) {
  if (!d.heard_at) return null;
  const when = heardTime(d.heard_at, tz);
  return d.stale
    ? h("p", { class: "banner warn stale", testid: "dossier-stale", role: "status" }, icon("warning"), h("span", {}, t("lookup.stale", { time: when })))
    : h("p", { class: "hint", testid: "dossier-heard" }, t("lookup.heard", { time: when }));
}

/** The citizen's card dossiers: newest first, status and due date, masked; a tap opens one. */
export function idCardDossiersScreen(params, ctx) {
  const { dossiers = [], more = false } = params.result;
  const tz = ctx.timeZone();
  const own = ctx.state.catalog?.center?.id;
  if (!dossiers.length) {
    return h(
      "div",
      { class: "card", testid: "card-none" },
      h("h1", { class: "status-big status-info", testid: "screen-title" }, icon("scan"), t("card.none_title")),
      h("p", { class: "lead" }, t("card.none")),
      h("button", { class: "btn primary big", type: "button", testid: "card-type-code", onclick: () => ctx.go("lookup", {}, { replace: true }) }, icon("keyboard"), t("card.type_code")),
    );
  }
  const open = (code) => {
    params.busy = true;
    runLookup(code, ctx, params);
  };
  const items = dossiers.map((d) =>
    h(
      "button",
      { class: "tile card-dossier", type: "button", testid: `card-dossier-${d.code}`, dataset: { code: d.code, status: String(d.status.code) }, onclick: () => open(d.code) },
      h("span", { class: `icon ${statusClass(d.status.code, d.overdue)}` }, icon(statusIcon(d.status.code))),
      h(
        "span",
        { class: "label" },
        h("span", { class: "title" }, d.procedure_name),
        h("span", { class: `card-status ${statusClass(d.status.code, d.overdue)}`, testid: "card-dossier-status" }, label(d.status), d.overdue ? ` · ${t("lookup.overdue")}` : ""),
        h("span", { class: "desc" }, `${t("card.due", { date: formatTime(d.due_at, { timeZone: tz, time: false }) })} · ${d.applicant} · ${d.code}`),
        d.center && d.center.id !== own ? h("span", { class: "desc" }, t("card.at_center", { center: localName(d.center) })) : null,
      ),
    ),
  );
  return h(
    "div",
    { class: "screen-col", testid: "card-dossiers", dataset: { count: String(dossiers.length) } },
    h("h1", { testid: "screen-title" }, t("card.title")),
    h("p", { class: "lead" }, more ? t("card.more", { n: dossiers.length }) : t("card.lead")),
    params.error ? errorInline(params.error) : null,
    pager(items, { testid: "card-list", cls: "list", state: params }),
  );
}

export function dossierScreen(params, ctx) {
  const d = params.result.dossier;
  const tz = ctx.timeZone();
  const print = printAction(ctx, params, "print_dossier", { code: d.code });
  const entry = (e) =>
    h(
      "div",
      { class: "tl-item" },
      h("span", { class: "when" }, formatTime(e.at, { timeZone: tz })),
      h("span", {}, h("b", {}, label(e.status)), h("br"), e.unit, e.note ? ` — ${e.note}` : ""),
    );
  const history = d.history ?? [];
  // Received at another center of the province: say which, and where to collect there.
  const elsewhere = d.center && d.center.id !== ctx.state.catalog?.center?.id;
  const collectAt = d.collect_at || (elsewhere ? [localName(d.center), d.center.address].filter(Boolean).join(", ") : null);
  // Blocks in reading order; the pager lays them out in columns and pages.
  const blocks = [
    h(
      "div",
      { class: "card" },
      h("div", { class: `status-big ${statusClass(d.status.code, d.overdue)}`, testid: "dossier-status" }, icon(statusIcon(d.status.code)), label(d.status)),
      d.overdue ? h("p", {}, h("span", { class: "badge", testid: "dossier-overdue" }, t("lookup.overdue")), " ", t("lookup.overdue_note")) : null,
      h("div", { class: "next-step", testid: "dossier-next" }, h("b", {}, `${t("lookup.next")}: `), nextStep(d.status)),
      h(
        "div",
        { class: "row" },
        h("button", { class: "btn primary", type: "button", testid: "dossier-print", onclick: (e) => print(e.currentTarget) }, icon("printer"), t("lookup.print")),
        d.status.code === 9
          ? h("button", { class: "btn primary", type: "button", testid: "dossier-take-collect", onclick: () => issue(ctx, () => ctx.call("collect_result", { code: d.code })) }, icon("ticket"), t("lookup.take_collect"))
          : null,
      ),
      params.print ? h("p", { class: "status-ok", testid: "dossier-printed" }, t("lookup.printed")) : null,
      params.printError ? errorInline(params.printError) : null,
    ),
    // Its own block, so the status card does not outgrow a column.
    freshness(d, tz),
    h(
      "dl",
      { class: "facts card" },
      h("dt", {}, t("lookup.code")), h("dd", { testid: "dossier-code" }, d.code),
      h("dt", {}, t("lookup.procedure")), h("dd", { testid: "dossier-procedure" }, d.procedure_name),
      h("dt", {}, t("lookup.applicant")), h("dd", { testid: "dossier-applicant" }, d.applicant),
    ),
    h(
      "dl",
      { class: "facts card" },
      h("dt", {}, t("lookup.received")), h("dd", {}, formatTime(d.received_at, { timeZone: tz })),
      h("dt", {}, t("lookup.due")), h("dd", { testid: "dossier-due" }, formatTime(d.due_at, { timeZone: tz })),
      collectAt ? [h("dt", {}, t("lookup.collect_at")), h("dd", { testid: "dossier-collect-at" }, collectAt)] : null,
      elsewhere ? [h("dt", {}, t("lookup.held_by")), h("dd", { testid: "dossier-center" }, localName(d.center))] : null,
    ),
    // The heading travels with the first step so it never ends a page alone.
    ...history.map((e, i) => (i === 0 ? h("div", { class: "tl-first" }, h("h2", {}, t("lookup.history")), entry(e)) : entry(e))),
  ];
  return h(
    "div",
    { class: "screen-col", testid: "dossier", dataset: { code: d.code, status: String(d.status.code) } },
    h("h1", { testid: "screen-title" }, t("lookup.result_title")),
    pager(blocks.filter(Boolean), { testid: "dossier-pages", cls: "columns", state: params }),
  );
}

export function ticketStatusScreen(params, ctx) {
  const tk = params.result.ticket;
  let text;
  switch (tk.status) {
    case "waiting":
      text = tk.ahead !== undefined && tk.ahead !== null ? t("lookup.ticket_waiting", { n: tk.ahead }) : t("lookup.ticket_waiting_plain");
      break;
    case "called":
      text = t("lookup.ticket_called", { counter: tk.counter ? tk.counter.name || t("strip.counter", { n: tk.counter.number }) : "" });
      break;
    default:
      text = t(`lookup.ticket_${tk.status}`);
  }
  return h(
    "div",
    { testid: "ticket-status", dataset: { status: tk.status } },
    h("h1", { testid: "screen-title" }, t("lookup.ticket_title", { number: tk.number })),
    h("div", { class: "card" }, h("div", { class: "ticket-number" }, tk.number), h("p", { class: "lead" }, params.result.service_name ?? ""), h("p", { class: "status-big status-info" }, text)),
    h(
      "button",
      { class: "btn primary big", type: "button", testid: "ticket-status-rate", onclick: () => ctx.go("rating", { target: { ticket_token: tk.token, number: tk.number } }) },
      icon("smile"),
      t("lookup.rate_this"),
    ),
  );
}
