// Translations: every string the citizen reads comes from i18n/<lang>.json.

const tables = {};
let current = "vi";

/** Installs a language table (tests pass objects; the app fetches the files). */
export function addLanguage(lang, table) {
  tables[lang] = table;
}

/** Loads i18n/vi.json and i18n/en.json next to index.html. */
export async function loadLanguages(base = "i18n/") {
  await Promise.all(
    ["vi", "en"].map(async (lang) => {
      const res = await fetch(`${base}${lang}.json`);
      addLanguage(lang, await res.json());
    }),
  );
}

export function setLanguage(lang) {
  if (tables[lang]) current = lang;
  globalThis.document?.documentElement?.setAttribute("lang", current);
}

export function language() {
  return current;
}

function lookup(table, key) {
  return key.split(".").reduce((node, part) => (node && typeof node === "object" ? node[part] : undefined), table);
}

/** Whether `key` has a string in the current language or in Vietnamese. */
export function has(key) {
  return typeof (lookup(tables[current], key) ?? lookup(tables.vi, key)) === "string";
}

/**
 * The string for `key` in the current language, with `{name}` placeholders
 * filled from `vars`. A missing key shows the key itself so it is noticed.
 */
export function t(key, vars = {}) {
  const raw = lookup(tables[current], key) ?? lookup(tables.vi, key) ?? key;
  return String(raw).replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/** Picks `name_en` in English when there is one, else `name`. */
export function localName(obj, field = "name") {
  if (!obj) return "";
  return (current === "en" && obj[`${field}_en`]) || obj[field] || "";
}

/** Formats an RFC 3339 time for the citizen, in the center's time zone. */
export function formatTime(iso, { timeZone = "Asia/Ho_Chi_Minh", date = true, time = true } = {}) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(d).map((p) => [p.type, p.value]),
  );
  const hm = `${parts.hour}:${parts.minute}`;
  const dmy = `${parts.day}/${parts.month}/${parts.year}`;
  if (date && time) return current === "vi" ? `${hm} ngày ${dmy}` : `${dmy} at ${hm}`;
  return date ? dmy : hm;
}

/** "25 phút" / "25 minutes" from seconds; under a minute shows "1". */
export function formatWait(seconds) {
  const minutes = Math.max(1, Math.round(seconds / 60));
  if (minutes < 60) return t("common.minutes", { n: minutes });
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? t("common.hours_minutes", { h, m }) : t("common.hours", { h });
}
