// Kiosk lockdown on the page side (the Rust side refuses navigation, dev tools
// and zoom hotkeys too) and the admin exit: five taps on the top-left corner
// within three seconds, then a PIN pad.

import { closeOverlay, dialog, openOverlay, redrawOverlay } from "./a11y.js";
import { h } from "./dom.js";
import { errorText } from "./errors.js";
import { icon } from "./icons.js";
import { t } from "./i18n.js";

const ZOOM_KEYS = new Set(["+", "-", "=", "_", "0"]);

/** No context menu, no zoom (keys, wheel, pinch), no drag, no text selection. */
export function installLockdown(win) {
  const stop = (e) => e.preventDefault();
  win.addEventListener("contextmenu", stop, { capture: true });
  win.addEventListener("dragstart", stop, { capture: true });
  win.addEventListener("selectstart", stop, { capture: true });
  win.addEventListener(
    "keydown",
    (e) => {
      if ((e.ctrlKey || e.metaKey) && (ZOOM_KEYS.has(e.key) || e.key === "r" || e.key === "p" || e.key === "o")) e.preventDefault();
      if (e.key === "F5" || e.key === "F11" || e.key === "F12" || e.key === "F7") e.preventDefault();
    },
    { capture: true },
  );
  win.addEventListener("wheel", (e) => { if (e.ctrlKey) e.preventDefault(); }, { passive: false, capture: true });
  for (const g of ["gesturestart", "gesturechange", "gestureend"]) win.addEventListener(g, stop, { capture: true });
  win.addEventListener("touchmove", (e) => { if (e.touches && e.touches.length > 1) e.preventDefault(); }, { passive: false, capture: true });
  // Links never navigate away: the app has no links, this is for safety.
  win.addEventListener("click", (e) => { if (e.target?.closest?.("a[href]")) e.preventDefault(); }, { capture: true });
}

/** Counts taps: `n` taps within `windowMs` → true. Pure, for tests. */
export class TapCounter {
  constructor(n = 5, windowMs = 3000) {
    this.n = n;
    this.windowMs = windowMs;
    this.taps = [];
  }

  tap(now) {
    this.taps = this.taps.filter((x) => now - x <= this.windowMs);
    this.taps.push(now);
    if (this.taps.length >= this.n) {
      this.taps = [];
      return true;
    }
    return false;
  }
}

export function installAdminGesture(corner, overlay, ctx) {
  const counter = new TapCounter();
  corner.addEventListener("pointerdown", (e) => {
    if (counter.tap(e.timeStamp || performance.now())) openPinPad(overlay, ctx);
  });
}

/** The PIN pad: `pin` as dots, `message` under them, keys calling `on.digit/clear/back/cancel/exit`. */
export function pinPadDialog(pin, message, on) {
  const key = (testid, label, onclick, extra = {}) => h("button", { class: "key", type: "button", testid, onclick, ...extra }, label);
  return dialog(
    { testid: "admin-dialog", title: [icon("lock"), " ", t("admin.title")] },
    h("div", { class: "pin-dots", testid: "admin-pin-dots" }, "●".repeat(pin.length) || " "),
    message ? h("p", { class: "status-bad", testid: "admin-message", role: "alert" }, message) : null,
    h(
      "div",
      { class: "pinpad" },
      ..."123456789".split("").map((d) => key(`pin-${d}`, d, () => on.digit(d))),
      key("pin-clear", "C", on.clear, { class: "key action", "aria-label": t("admin.clear_label") }),
      key("pin-0", "0", () => on.digit("0")),
      key("pin-back", "⌫", on.back, { class: "key action", "aria-label": t("admin.backspace_label") }),
    ),
    h(
      "div",
      { class: "row end" },
      h("button", { class: "btn", type: "button", testid: "admin-cancel", onclick: on.cancel }, t("admin.cancel")),
      h("button", { class: "btn primary", type: "button", testid: "admin-exit", onclick: on.exit }, t("admin.exit")),
    ),
  );
}

/** Seconds the PIN pad waits for a key before it closes (the kiosk's idle timeout). */
export function pinPadTimeoutMs(settings) {
  return Math.max(5, Number(settings?.idle_timeout_s) || 60) * 1000;
}

function openPinPad(overlay, ctx) {
  let pin = "";
  let message = "";
  let timer = null;
  // Opened by accident and left: it closes by itself like any other screen.
  const close = () => {
    clearTimeout(timer);
    if (!overlay.hidden) closeOverlay(overlay);
  };
  const rearm = () => {
    clearTimeout(timer);
    timer = setTimeout(close, pinPadTimeoutMs(ctx.state?.settings));
  };
  const draw = () => {
    rearm();
    redrawOverlay(overlay, pinPadDialog(pin, message, on));
  };
  const on = {
    digit: (d) => {
      if (pin.length < 12) pin += d;
      draw();
    },
    clear: () => {
      pin = "";
      draw();
    },
    back: () => {
      pin = pin.slice(0, -1);
      draw();
    },
    cancel: close,
    exit: async () => {
      try {
        await ctx.call("admin_exit", { pin });
      } catch (err) {
        pin = "";
        message = errorText(err);
        draw();
      }
    },
  };
  rearm();
  openOverlay(overlay, pinPadDialog(pin, message, on));
}
