// The only door to the kiosk engine: Tauri commands and the "kiosk://event"
// stream. Errors always arrive as {code, message, message_vi, …}.

import { language } from "./i18n.js";

let backend = null;

// Commands that print a slip: it follows the language on screen ("vi" | "en"),
// not only the kiosk's configured one.
const PRINTS = new Set(["take_ticket", "collect_result", "check_in", "reprint", "print_checklist", "print_dossier"]);

async function tauri() {
  if (backend) return backend;
  const T = globalThis.__TAURI__;
  if (T?.core?.invoke) {
    backend = {
      invoke: (cmd, args) => T.core.invoke(cmd, args),
      listen: (name, cb) => T.event.listen(name, (e) => cb(e.payload)),
    };
  } else {
    // A plain browser (design review, the Chromium memory benchmark): canned data.
    const stub = await import("./preview-stub.js");
    backend = stub.backend;
  }
  return backend;
}

/** Turns whatever a rejected invoke carries into {code, message, message_vi}. */
export function toError(e) {
  if (e && typeof e === "object" && typeof e.code === "string") return e;
  const text = typeof e === "string" ? e : (e?.message ?? String(e));
  return { code: "internal", message: text, message_vi: text };
}

/** Calls a command; rejects with a {code, message, message_vi} object. */
export async function call(cmd, args = {}) {
  const b = await tauri();
  const sent = PRINTS.has(cmd) && !("lang" in args) ? { ...args, lang: language() } : args;
  try {
    return await b.invoke(cmd, sent);
  } catch (e) {
    throw toError(e);
  }
}

/** Subscribes to engine events (now serving, ticket called, status). */
export async function onKioskEvent(cb) {
  const b = await tauri();
  return b.listen("kiosk://event", cb);
}
