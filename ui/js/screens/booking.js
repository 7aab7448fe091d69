// Check in for an appointment: type or scan the booking code, get the
// appointment ticket; too early, lapsed, cancelled or offline say what to do.

import { h } from "../dom.js";
import { errorText } from "../errors.js";
import { t } from "../i18n.js";
import { icon } from "../icons.js";
import { issue } from "./common.js";
import { codeEntry } from "./dossier.js";

/** The example booking code shown on the screen (6 characters of the unambiguous alphabet). */
export const EXAMPLE_BOOKING = "HK7-K4Q";

/** Whether a scan is a booking page URL (`…/dat-lich/b/CODE`): it checks in from any screen. */
export function looksLikeBookingUrl(text) {
  return /^\s*https?:\/\/[^\s]*\/dat-lich\/b\/[A-Za-z0-9-]{6,7}\/?(?:[?#]\S*)?\s*$/.test(String(text ?? ""));
}

/** Refusals answered on the code screen itself: the citizen types again. */
const RETYPE = ["empty", "not_a_booking_code", "booking_not_found"];
/** Refusals that offer an ordinary number instead. */
const ORDINARY = ["booking_lapsed", "booking_cancelled", "booking_closed", "booking_unverified"];

/**
 * Checks `code` in behind the printing screen; `params` is the code
 * screen's (null when a scan elsewhere started it).
 */
export function checkIn(code, ctx, params) {
  return issue(
    ctx,
    () => ctx.call("check_in", { code }),
    (err) => {
      if (err.code === "booking_too_early") {
        ctx.go("bookingTooEarly", { error: err }, { replace: true });
        return true;
      }
      if (ORDINARY.includes(err.code)) {
        ctx.go("bookingProblem", { error: err }, { replace: true });
        return true;
      }
      if (RETYPE.includes(err.code)) {
        if (params) {
          params.error = err;
          ctx.back();
        } else {
          ctx.go("booking", { code: "", error: err }, { replace: true });
        }
        return true;
      }
      return false;
    },
  );
}

export function bookingScreen(params, ctx) {
  return codeEntry(params, ctx, {
    testid: "booking",
    submit: (text) => checkIn(text, ctx, params),
    hint: h("p", { class: "hint", testid: "booking-example" }, t("booking.example", { code: EXAMPLE_BOOKING })),
    enterLabel: t("booking.button"),
  });
}

/** "Mời ông/bà quay lại lúc 09:15": the time in the center's local time, from the engine. */
export function bookingTooEarlyScreen(params, ctx) {
  const at = params.error?.next_open_local;
  return h(
    "div",
    { class: "card", testid: "booking-too-early" },
    h("h1", { class: "status-big status-info", testid: "screen-title" }, icon("clock"), t("booking.too_early_title")),
    h("p", { class: "come-back", testid: "booking-come-back" }, at ? t("booking.too_early", { time: at }) : t("booking.too_early_no_time")),
    h("p", {}, t("booking.too_early_why")),
    h("button", { class: "btn primary big", type: "button", testid: "booking-done", onclick: () => ctx.home({ reset: true }) }, icon("home"), t("common.home")),
  );
}

/** Lapsed, cancelled, closed or unverifiable (offline): why, and an ordinary number in one tap. */
export function bookingProblemScreen(params, ctx) {
  const err = params.error ?? { code: "internal" };
  const serviceId = err.service_id;
  const title = err.code === "booking_unverified" ? t("booking.unverified_title") : t("booking.problem_title");
  const ordinary = serviceId
    ? h(
        "button",
        {
          class: "tile main wide",
          type: "button",
          testid: "booking-take-ordinary",
          onclick: () => issue(ctx, () => ctx.call("take_ticket", { service_id: serviceId, priority: null })),
        },
        h("span", { class: "icon" }, icon("ticket")),
        h("span", { class: "label" }, h("span", { class: "title" }, t("booking.take_ordinary")), h("span", { class: "desc" }, t("booking.take_ordinary_desc"))),
      )
    : h(
        "button",
        { class: "tile main wide", type: "button", testid: "booking-take-ordinary", onclick: () => ctx.go("services", {}, { replace: true }) },
        h("span", { class: "icon" }, icon("ticket")),
        h("span", { class: "label" }, h("span", { class: "title" }, t("booking.choose_service")), h("span", { class: "desc" }, t("booking.take_ordinary_desc"))),
      );
  return [
    h("h1", { class: "status-big status-warn", testid: "screen-title" }, icon("warning"), title),
    h(
      "div",
      { class: "card", testid: "booking-problem", dataset: { code: err.code } },
      h("p", { class: "lead", testid: "error-message" }, errorText(err)),
    ),
    ordinary,
    h("button", { class: "btn big", type: "button", testid: "booking-home", onclick: () => ctx.home({ reset: true }) }, icon("home"), t("common.home")),
  ];
}
