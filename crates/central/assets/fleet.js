// Kiosk alerts on the counter console: "Ki-ốt sảnh 1 sắp hết giấy" as soon
// as a kiosk reports it (or falls silent), from GET /api/v1/kiosks, read
// again on the `kiosks_changed`, `maintenance_changed` and `notice_changed`
// events. Below the alerts, folded: every kiosk of the center with its
// maintenance switch, and the notice all kiosks show on their home screen.

import { h, mount } from "/assets/dom.js";
import { api, timeFormat } from "/assets/page.js";

const WORDS = {
  vi: {
    title: "Ki-ốt",
    kiosks: (n) => `Ki-ốt của trung tâm (${n})`,
    none: "Chưa có ki-ốt nào gửi tín hiệu.",
    printer: { ok: "Máy in sẵn sàng", paper_near_end: "Sắp hết giấy", paper_out: "Hết giấy", cover_open: "Mở nắp", offline: "Máy in không hoạt động" },
    never: "Chưa gửi tín hiệu",
    seen: (t) => `Tín hiệu cuối lúc ${t}`,
    silent: "Mất liên lạc",
    outbox: (n) => `${n} số chưa gửi`,
    unprinted: (n) => `${n} phiếu chưa in`,
    inMaintenance: "Đang bảo trì",
    maintenanceOn: "Bảo trì",
    maintenanceOff: "Hết bảo trì",
    notice: "Thông báo trên màn hình ki-ốt",
    noticeVi: "Nội dung (tiếng Việt, bắt buộc)",
    noticeEn: "Nội dung tiếng Anh (không bắt buộc)",
    until: "Hiển thị đến (không bắt buộc)",
    publish: "Đăng thông báo",
    clear: "Gỡ thông báo",
    current: (text, until) => (until ? `Đang hiển thị đến ${until}: ${text}` : `Đang hiển thị: ${text}`),
    published: "Đã đăng thông báo lên các ki-ốt.",
    cleared: "Đã gỡ thông báo.",
  },
  en: {
    title: "Kiosks",
    kiosks: (n) => `The center's kiosks (${n})`,
    none: "No kiosk has reported yet.",
    printer: { ok: "Printer ready", paper_near_end: "Paper running low", paper_out: "Out of paper", cover_open: "Cover open", offline: "Printer offline" },
    never: "Never reported",
    seen: (t) => `Last heard at ${t}`,
    silent: "Silent",
    outbox: (n) => `${n} tickets not delivered`,
    unprinted: (n) => `${n} slips not printed`,
    inMaintenance: "In maintenance",
    maintenanceOn: "Maintenance",
    maintenanceOff: "End maintenance",
    notice: "Notice on the kiosks' screens",
    noticeVi: "Text (Vietnamese, required)",
    noticeEn: "Text in English (optional)",
    until: "Show until (optional)",
    publish: "Publish the notice",
    clear: "Remove the notice",
    current: (text, until) => (until ? `Showing until ${until}: ${text}` : `Showing: ${text}`),
    published: "The notice is on the kiosks.",
    cleared: "The notice was removed.",
  },
};

/** Starts the panel in `root`; returns `{ refresh() }` for the event stream. */
export function startFleet(root, cfg) {
  const lang = cfg.lang === "en" ? "en" : "vi";
  const t = WORDS[lang];
  const when = timeFormat(lang, cfg.time_zone, { hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit", hour12: false });
  const alerts = h("div", { class: "c-alerts", testid: "kiosk-alerts", role: "status", "aria-live": "polite" });
  const list = h("div", { class: "c-kiosk-list", testid: "kiosk-list" });
  const summary = h("summary", {}, t.kiosks(0));
  const status = h("p", { class: "c-status", role: "status", testid: "fleet-status" });
  const text = h("input", { testid: "notice-text", maxlength: "300", autocomplete: "off" });
  const textEn = h("input", { testid: "notice-text-en", maxlength: "300", autocomplete: "off" });
  const until = h("input", { type: "datetime-local", testid: "notice-until" });
  const current = h("p", { class: "muted", testid: "notice-current" });
  const field = (label, control) => h("label", { class: "c-field" }, h("span", {}, label), control);
  let busy = false;

  async function act(fn) {
    if (busy) return;
    busy = true;
    try {
      status.classList.remove("c-error");
      status.textContent = (await fn()) ?? "";
    } catch (e) {
      status.classList.add("c-error");
      status.textContent = e.message;
    } finally {
      busy = false;
      await refresh();
    }
  }

  const send = (method, path, body) => api(method, path, { body, csrf: cfg.csrf, lang });

  function publish(e) {
    e.preventDefault();
    const body = { text_vi: text.value };
    if (textEn.value.trim()) body.text_en = textEn.value;
    // datetime-local is the browser's local time; the console PC sits in the center.
    if (until.value) body.until = new Date(until.value).toISOString();
    act(async () => {
      await send("PUT", "/api/v1/notice", body);
      return t.published;
    });
  }

  mount(
    root,
    alerts,
    h(
      "details",
      { class: "c-fleet", testid: "fleet" },
      summary,
      list,
      h(
        "form",
        { class: "c-notice", testid: "notice-form", onsubmit: publish },
        h("h3", {}, t.notice),
        current,
        field(t.noticeVi, text),
        field(t.noticeEn, textEn),
        field(t.until, until),
        h(
          "div",
          { class: "c-row" },
          h("button", { type: "submit", class: "c-btn primary", testid: "notice-publish" }, t.publish),
          h("button", { type: "button", class: "c-btn", testid: "notice-clear", onclick: () => act(async () => {
            await send("DELETE", "/api/v1/notice");
            return t.cleared;
          }) }, t.clear),
        ),
      ),
      status,
    ),
  );
  root.hidden = false;

  function kioskRow(k) {
    const name = (lang === "en" && k.name_en) || k.name;
    const facts = [
      k.printer ? t.printer[k.printer] ?? k.printer : null,
      k.last_seen ? t.seen(when.format(new Date(k.last_seen))) : t.never,
      k.silent ? t.silent : null,
      k.outbox ? t.outbox(k.outbox) : null,
      k.unprinted ? t.unprinted(k.unprinted) : null,
      k.maintenance ? t.inMaintenance : null,
    ].filter(Boolean);
    const toggle = h(
      "button",
      { type: "button", class: `c-btn${k.maintenance ? " ok" : ""}`, testid: `maintenance-${k.kiosk_id}`, dataset: { on: String(k.maintenance) } },
      k.maintenance ? t.maintenanceOff : t.maintenanceOn,
    );
    toggle.addEventListener("click", () =>
      act(async () => {
        await send("PUT", `/api/v1/kiosks/${encodeURIComponent(k.kiosk_id)}/maintenance`, { on: !k.maintenance });
        return null;
      }),
    );
    return h(
      "div",
      { class: `c-kiosk${k.alerts.length ? " alert" : ""}`, testid: `kiosk-${k.kiosk_id}` },
      h("strong", {}, name),
      h("span", { class: "muted" }, facts.join(" · ")),
      toggle,
    );
  }

  async function refresh() {
    let data;
    try {
      ({ data } = await api("GET", "/api/v1/kiosks", { lang }));
    } catch {
      return false;
    }
    const items = data.kiosks.flatMap((k) =>
      k.alerts.map((a) =>
        h("p", { class: `c-alert ${a.code}`, testid: "kiosk-alert", dataset: { kiosk: k.kiosk_id, code: a.code } }, "⚠ ", lang === "en" ? a.text_en : a.text_vi),
      ),
    );
    mount(alerts, items);
    alerts.hidden = items.length === 0;
    summary.textContent = t.kiosks(data.kiosks.length);
    mount(list, data.kiosks.length ? data.kiosks.map(kioskRow) : h("p", { class: "muted" }, t.none));
    const n = data.notice;
    const noticeText = n ? (lang === "en" && n.text_en) || n.text_vi : "";
    current.textContent = n ? t.current(noticeText, n.until ? when.format(new Date(n.until)) : null) : "";
    current.hidden = !n;
    return true;
  }

  refresh();
  return { refresh };
}
