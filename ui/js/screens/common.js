// Pieces several screens share: error cards, the printing screen, the ticket.

import { h } from "../dom.js";
import { errorNext, errorText } from "../errors.js";
import { formatTime, formatWait, language, t } from "../i18n.js";
import { icon } from "../icons.js";

/** A compact error under an input: what went wrong and what to do. */
export function errorInline(err) {
  const next = errorNext(err);
  return h(
    "div",
    { class: "error-inline", testid: "error", dataset: { code: err.code }, role: "alert" },
    icon("warning"),
    h("div", {}, h("p", { testid: "error-message" }, h("b", {}, errorText(err))), next ? h("p", {}, next) : null),
  );
}

/** A card saying what went wrong and what to do (`titled`: with its own heading). */
export function errorCard(err, ctx, { retry, titled = true } = {}) {
  const next = errorNext(err);
  return h(
    "div",
    { class: "card error-card", testid: "error", dataset: { code: err.code } },
    titled ? h("h2", { class: "status-big" }, icon("warning"), t("error.title")) : null,
    h("p", { testid: "error-message" }, errorText(err)),
    err.next_open_at ? h("p", {}, t("error.next_open", { time: formatTime(err.next_open_at, { timeZone: ctx.timeZone() }) })) : null,
    next ? h("p", {}, next) : null,
    retry ? h("button", { class: "btn primary", type: "button", testid: "error-retry", onclick: retry }, t("common.retry")) : null,
  );
}

export function errorScreen(params, ctx) {
  // One heading: the screen's title says it once, the card says what to do.
  return [h("h1", { class: "status-big status-bad", testid: "screen-title" }, icon("warning"), t("error.title")), errorCard(params.error, ctx, { titled: false })];
}

/** Title + optional lead, the top of every screen. */
export function heading(title, lead) {
  return [h("h1", { testid: "screen-title" }, title), lead ? h("p", { class: "lead" }, lead) : null];
}

export function printingScreen() {
  const bar = h("div", { class: "bar", testid: "printing-bar" });
  const step = h("p", { class: "lead", testid: "printing-step" }, t("printing.issuing"));
  // Progress the citizen can see; the real work finishes when it finishes.
  setTimeout(() => { bar.style.width = "45%"; }, 50);
  setTimeout(() => { bar.style.width = "80%"; step.textContent = t("printing.printing"); }, 700);
  return h(
    "div",
    { class: "printing", testid: "printing" },
    h("div", { class: "printer-anim" }, icon("printer")),
    h("h1", {}, t("printing.title")),
    step,
    h("div", { class: "progress" }, bar),
    h("p", {}, t("printing.dont_leave")),
  );
}

/**
 * Runs a ticket-issuing action behind the printing screen, then shows the
 * ticket. `onError` may handle an error itself (returning true).
 */
export async function issue(ctx, action, onError) {
  ctx.go("printing", {});
  try {
    const outcome = await action();
    ctx.go("ticket", { outcome }, { replace: true });
  } catch (err) {
    if (onError && onError(err)) return;
    ctx.go("error", { error: err }, { replace: true });
  }
}

function fact(label, value, testid) {
  if (value === null || value === undefined || value === "") return [];
  return [h("dt", {}, label), h("dd", { testid }, value)];
}

export function ticketScreen(params, ctx) {
  const { outcome } = params;
  const tk = outcome.ticket;
  const serviceName = language() === "en" && tk.service_name_en ? tk.service_name_en : tk.service_name;
  const printed = outcome.printed;
  const steps = [
    printed ? t("ticket.step_take") : t("ticket.step_take_screen"),
    tk.area ? t("ticket.step_sit", { area: tk.area }) : null,
    t("ticket.step_watch", { number: tk.number }),
    t("ticket.step_docs"),
  ].filter(Boolean);
  const reprint = async (btn) => {
    btn.disabled = true;
    try {
      const again = await ctx.call("reprint", { ticket_id: tk.id });
      params.outcome = again;
    } catch (err) {
      params.outcome = { ...outcome, print_error: err };
    }
    ctx.render();
  };
  return h(
    "div",
    { class: "screen-col", testid: "ticket-screen", dataset: { lookupUrl: tk.lookup_url, offline: String(!!tk.offline) } },
    h("h1", {}, t("ticket.title")),
    h(
      "div",
      { class: "ticket-layout" },
      h(
        "div",
        { class: "main-col" },
        h("div", { class: `ticket-number${tk.number.length > 5 ? " long" : ""}`, testid: "ticket-number" }, tk.number),
        h(
          "dl",
          { class: "facts" },
          fact(t("ticket.service"), tk.dossier_code ? t("ticket.collect_for", { code: tk.dossier_code }) : serviceName, "ticket-service"),
          fact(t("ticket.area"), tk.area, "ticket-area"),
          tk.ahead !== null && tk.ahead !== undefined ? fact(t("ticket.ahead"), t("ticket.ahead_value", { n: tk.ahead }), "ticket-ahead") : [],
          tk.estimated_wait_s ? fact(t("ticket.wait"), t("ticket.wait_value", { t: formatWait(tk.estimated_wait_s) }), "ticket-wait") : [],
          tk.appointment ? fact(t("ticket.appointment"), t("ticket.appointment_value", { time: tk.appointment.slot_local }), "ticket-appointment") : [],
          fact(t("ticket.priority"), tk.priority_name, "ticket-priority"),
          fact(t("ticket.issued"), tk.issued_local, "ticket-issued"),
        ),
        outcome.print_error
          ? h(
              "div",
              { class: "card error-card", testid: "ticket-print-error" },
              h("p", {}, h("b", {}, t("ticket.print_failed"))),
              h("p", { testid: "ticket-print-reason" }, errorText(outcome.print_error)),
              h("button", { class: "btn primary", type: "button", testid: "ticket-reprint", onclick: (e) => reprint(e.currentTarget) }, icon("printer"), t("ticket.reprint")),
            )
          : null,
        h("h2", {}, t("ticket.next_title")),
        h("ol", { class: "steps", testid: "ticket-steps" }, steps.map((s) => h("li", {}, s))),
      ),
      h(
        "div",
        { class: "side" },
        h("button", { class: "btn primary big", type: "button", testid: "ticket-done", onclick: () => ctx.home({ reset: true }) }, icon("check"), t("ticket.done")),
        tk.offline ? h("div", { class: "banner warn", testid: "ticket-offline" }, icon("offline"), t("ticket.offline_note")) : null,
        outcome.preview_png ? h("img", { class: "preview", src: outcome.preview_png, alt: t("ticket.preview_alt"), testid: "ticket-preview" }) : null,
        // A booking checked in again: the same number, said where the QR hint was (no extra height).
        outcome.repeat ? h("p", { class: "repeat-note center", testid: "ticket-repeat" }, t("ticket.repeat_note")) : h("p", { class: "hint center" }, t("ticket.qr_hint")),
      ),
    ),
  );
}

/** A loading line while something is fetched. */
export function loading() {
  return h("div", { class: "row", testid: "loading" }, h("div", { class: "spinner" }), h("p", { class: "lead" }, t("common.loading")));
}

/** Ensures the catalog is loaded; renders loading/error meanwhile. */
export function withCatalog(ctx, params, draw) {
  const c = ctx.state.catalog;
  if (c) return draw(c);
  if (params.catalogError) return errorCard(params.catalogError, ctx, { retry: () => { params.catalogError = null; ctx.render(); } });
  ctx.loadCatalog().then(
    () => ctx.render(),
    (err) => { params.catalogError = err; ctx.render(); },
  );
  return loading();
}

/** A button handler that prints a slip through `command` and shows the outcome
 *  (`params.print` or `params.printError`) on the same screen. */
export function printAction(ctx, params, command, args) {
  return async (btn) => {
    btn.disabled = true;
    try {
      params.print = await ctx.call(command, args);
      params.printError = null;
    } catch (err) {
      params.printError = err;
    }
    ctx.render();
  };
}
