// A stand-in backend for a plain browser (design review, and the benchmark
// that shows these same pages in Chromium). The kiosk app never loads it:
// there `window.__TAURI__` exists. Data comes from stub/*.json when present
// (the benchmark writes the demo catalog and a real ticket there).

async function json(path, fallback) {
  try {
    const r = await fetch(path);
    return r.ok ? await r.json() : fallback;
  } catch {
    return fallback;
  }
}

const EMPTY_CATALOG = {
  center: { id: "demo", name: "Trung tâm Phục vụ hành chính công (xem thử)", level: "tỉnh", time_zone: "Asia/Ho_Chi_Minh", address: "", hotline: "" },
  agencies: [], fields: [], procedures: [], services: [], counters: [], priority_categories: [],
};

export const backend = {
  async invoke(cmd, args = {}) {
    switch (cmd) {
      case "ui_settings":
        return { language: "vi", idle_timeout_s: 60, fullscreen: false };
      case "catalog":
        return json("stub/catalog.json", EMPTY_CATALOG);
      case "status":
        return { online: true, authorised: true, printer: { state: "ready" }, outbox: 0, last_sync: null, catalog_loaded: true };
      case "search":
        return [];
      case "take_ticket": {
        const outcome = await json("stub/ticket.json", null);
        if (!outcome) throw { code: "server_unreachable", message: "Preview mode: no ticket data.", message_vi: "Chế độ xem thử: không có dữ liệu phiếu." };
        return { ...outcome, ticket: { ...outcome.ticket, service_id: args.service_id ?? outcome.ticket.service_id } };
      }
      case "ui_ready":
        return 0;
      default:
        throw { code: "internal", message: `Preview mode: ${cmd} is not available.`, message_vi: `Chế độ xem thử: chưa có ${cmd}.` };
    }
  },
  async listen() {
    return () => {};
  },
};
