// What staff set for the kiosk, as its status carries it (engine
// KioskStatus `maintenance` and `notice`, live through the "status" event):
// in maintenance a calm full-screen message replaces the screens — the
// admin corner and its PIN pad stay on top — and the center's notice shows
// as a banner at the top of the home screen.

import { h, mount } from "./dom.js";
import { language, t } from "./i18n.js";
import { icon } from "./icons.js";

/** Screens a citizen is in the middle of: maintenance waits until they are done. */
const FINISHING = ["printing", "ticket"];

/**
 * What to show for `status` on screen `route` at `now` (ms): the notice's
 * text in the current language (the Vietnamese when there is no English),
 * or null; and whether the maintenance message covers the screen. Pure.
 */
export function fleetView(status, route, now = Date.now()) {
  const n = status?.notice;
  const showing = !!n && (!n.until || Date.parse(n.until) > now);
  const text = showing ? (language() === "en" && n.text_en) || n.text_vi || null : null;
  return {
    notice: route === "home" ? text : null,
    maintenance: !!status?.maintenance && !FINISHING.includes(route),
  };
}

let banner = null;
let cover = null;
let wasOn = false;

/** Creates the notice banner and the maintenance screen (once, at start). */
export function installFleet(doc = document) {
  banner = h("div", { class: "notice-banner", testid: "notice-banner", role: "status" });
  cover = h("div", { class: "maintenance", testid: "maintenance", role: "alert" });
  cover.hidden = true;
  doc.body.append(cover);
}

/**
 * Shows or hides both; the notice goes at the top of `main` on the home
 * screen. Returns true when maintenance has just begun, so the app can
 * clear what the last citizen saw.
 */
export function renderFleet(status, route, main) {
  if (!banner || !cover) return false;
  const view = fleetView(status, route);
  if (view.notice) {
    mount(banner, icon("info"), h("span", { testid: "notice-text" }, view.notice));
    if (banner.parentNode !== main) main.prepend(banner);
  } else {
    banner.remove();
  }
  if (view.maintenance) {
    mount(
      cover,
      h(
        "div",
        { class: "maintenance-card" },
        icon("stop"),
        h("h1", { testid: "maintenance-title" }, t("fleet.maintenance_title")),
        h("p", { class: "lead" }, t("fleet.maintenance_text")),
      ),
    );
  }
  cover.hidden = !view.maintenance;
  const began = view.maintenance && !wasOn;
  wasOn = view.maintenance;
  return began;
}

/**
 * The banners for the IT officer about the kiosk itself, from `status`: a
 * store fault (engine `KioskStatus.store`: damaged, read-only, full) and a
 * refused server certificate (`offline_reason`). Each is
 * `{ kind, testid, icon, title, text }` with i18n keys and their values. Pure.
 */
export function technicalBanners(status) {
  const out = [];
  const s = status?.store;
  if (s && s.code) {
    const text = [{ key: `banner.${s.code}`, vars: { file: s.kept_aside || s.path || "kiosk.db" } }];
    if (s.waiting_in_file > 0) text.push({ key: "banner.store_waiting", vars: { n: s.waiting_in_file } });
    out.push({ kind: "danger", testid: "banner-store", icon: "warning", title: "banner.store_title", text, code: s.code });
  }
  if (status && status.online === false && status.offline_reason === "server_certificate_untrusted") {
    out.push({ kind: "danger", testid: "banner-certificate", icon: "lock", title: "banner.certificate_title", text: [{ key: "banner.certificate", vars: {} }] });
  }
  return out;
}
