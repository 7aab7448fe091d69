// What the citizen reads when something fails. The engine sends a stable
// `code` (docs/kiosk-api.md); the kiosk's own words for each code are in
// ui/i18n/*.json under `error.codes`, written and reviewed with the rest of
// the UI. The engine's sentence is shown only for a code this UI does not
// know (a newer engine), never in place of a translation.

import { has, language, t } from "./i18n.js";

/** Codes the UI makes itself; every other code comes from the Rust side. */
export const UI_ERROR_CODES = ["empty"];

/**
 * Codes whose words come from the server: `unknown` is a code the kiosk
 * does not know yet (a newer server), sent with the server's own sentence.
 * The UI's words for it are only the fallback when that sentence is empty.
 */
export const SERVER_WORDED_CODES = ["unknown"];

/** Whether the UI has its own words for `code` (and shows them). */
export function knownError(code) {
  return (
    typeof code === "string" && /^[a-z0-9_]+$/.test(code) && !SERVER_WORDED_CODES.includes(code) && has(`error.codes.${code}`)
  );
}

/** What happened and what to do, in the current language. */
export function errorText(err) {
  if (!err) return "";
  if (knownError(err.code)) return t(`error.codes.${err.code}`);
  const engine = language() === "vi" ? err.message_vi || err.message : err.message || err.message_vi;
  if (engine) return engine;
  return SERVER_WORDED_CODES.includes(err.code) ? t(`error.codes.${err.code}`) : t("error.codes.internal");
}

/** A general "what to do" line, for an unknown code whose sentence may lack one. */
export function errorNext(err) {
  return err && knownError(err.code) ? null : t("error.next");
}
