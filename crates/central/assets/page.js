// What the counter console and the lobby board share: the page's JSON
// config, the JSON API with its errors in the page's language, the server's
// clock (a TV's or PC's own clock is often wrong) and times in the center's
// time zone.

/** The JSON of `<script type="application/json" id=…>`. */
export function readConfig(id) {
  return JSON.parse(document.getElementById(id)?.textContent ?? "{}");
}

/** A refused or failed request: `code` is the API's stable code ("network" when unreachable). */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const UNREACHABLE = {
  vi: "Không kết nối được máy chủ. Vui lòng thử lại.",
  en: "The server cannot be reached. Please try again.",
};

/**
 * `fetch` of the JSON API (same-origin cookies). Resolves `{status, data}`
 * (data null for 204); rejects with an ApiError whose message is the
 * server's `message_vi` or `message` by `lang`.
 */
export async function api(method, path, { body, csrf, lang = "vi" } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (csrf) headers["X-CSRF-Token"] = csrf;
  let resp;
  try {
    resp = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "network", UNREACHABLE[lang] ?? UNREACHABLE.vi);
  }
  if (resp.status === 204) return { status: 204, data: null };
  let data = null;
  try {
    data = await resp.json();
  } catch {
    data = null;
  }
  if (!resp.ok) {
    const e = data?.error ?? {};
    const text = lang === "en" ? e.message ?? e.message_vi : e.message_vi ?? e.message;
    throw new ApiError(resp.status, e.code ?? `http_${resp.status}`, text ?? `HTTP ${resp.status}`);
  }
  return { status: resp.status, data };
}

/** The server's time: `sync` with a response's `now`, then `now()` in ms. */
export const clock = {
  offset: 0,
  sync(serverNow) {
    const t = Date.parse(serverNow);
    if (!Number.isNaN(t)) this.offset = t - Date.now();
  },
  now() {
    return Date.now() + this.offset;
  },
};

/** An Intl date/time formatter in `lang` for the center's zone (the browser's if unknown). */
export function timeFormat(lang, timeZone, options) {
  const locale = lang === "en" ? "en-GB" : "vi-VN";
  try {
    return new Intl.DateTimeFormat(locale, { timeZone, ...options });
  } catch {
    return new Intl.DateTimeFormat(locale, options);
  }
}

/** Whole minutes from `fromIso` to the server's now (never negative). */
export function minutesSince(fromIso, now = clock.now()) {
  const t = Date.parse(fromIso);
  return Number.isNaN(t) ? 0 : Math.max(0, Math.floor((now - t) / 60000));
}
