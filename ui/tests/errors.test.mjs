import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { installFakeDom } from "./fake-dom.mjs";
import { addLanguage, setLanguage } from "../js/i18n.js";
import { errorText, UI_ERROR_CODES } from "../js/errors.js";
import { errorCard, errorInline } from "../js/screens/common.js";

const read = (path) => readFileSync(new URL(path, import.meta.url), "utf8");
const vi = JSON.parse(read("../i18n/vi.json"));
const en = JSON.parse(read("../i18n/en.json"));
addLanguage("vi", vi);
addLanguage("en", en);

/** The text of the Rust function whose signature matches `signature`, braces balanced. */
function rustFn(source, signature) {
  const at = source.search(signature);
  assert.ok(at >= 0, `no ${signature} in the Rust source`);
  const open = source.indexOf("{", at);
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === "{") depth++;
    else if (source[i] === "}" && --depth === 0) return source.slice(open, i + 1);
  }
  throw new Error(`unbalanced braces after ${signature}`);
}

/** Every `=> "code"` arm of a match. */
const armCodes = (body) => [...body.matchAll(/=>\s*"([a-z0-9_]+)"/g)].map((m) => m[1]);

/** The variants of `enum name`, as serde's snake_case names. */
function snakeVariants(source, name) {
  const body = rustFn(source, new RegExp(`pub enum ${name}\\b`));
  return [...body.matchAll(/^\s*([A-Z][A-Za-z0-9]*)\s*[,({]/gm)].map((m) => m[1].replace(/(?<!^)([A-Z])/g, "_$1").toLowerCase());
}

const engine = read("../../crates/engine/src/error.rs");
const printer = read("../../crates/engine/src/printer/error.rs");
const storeFault = read("../../crates/engine/src/store/fault.rs");
const central = read("../../crates/domain/src/api.rs");
const shell = read("../../src-tauri/src/error.rs");

const centralCodes = armCodes(rustFn(central, /pub fn as_str\(self\)/));
const rustCodes = [
  ...armCodes(rustFn(engine, /pub fn code\(&self\)/)),
  // BookingProblem: the server's booking_* refusals, passed through.
  ...armCodes(rustFn(engine, /pub fn code\(self\)/)),
  ...armCodes(rustFn(printer, /pub fn code\(&self\)/)),
  ...armCodes(rustFn(storeFault, /pub fn code\(self\)/)),
  ...centralCodes,
  ...[...shell.matchAll(/code:\s*"([a-z0-9_]+)"\.to_owned\(\)/g)].map((m) => m[1]),
];

test("the Rust error codes are read from the sources", () => {
  // The central codes the engine passes through: as_str and serde agree.
  assert.deepEqual([...centralCodes].sort(), snakeVariants(central, "ErrorCode").sort());
  for (const code of ["not_a_code", "booking_too_early", "booking_unverified", "server_unreachable", "printer_paper_out", "slip_render_failed", "daily_cap_reached", "admin_pin_wrong"]) {
    assert.ok(rustCodes.includes(code), `${code} was not found: the parser no longer matches the Rust source`);
  }
});

test("every error code has the UI's own words in Vietnamese and English", () => {
  const missing = [];
  for (const code of new Set([...rustCodes, ...UI_ERROR_CODES])) {
    for (const [lang, table] of [["vi", vi], ["en", en]]) {
      if (typeof table.error.codes[code] !== "string") missing.push(`${lang}: error.codes.${code}`);
    }
  }
  assert.deepEqual(missing, [], "add these to ui/i18n/*.json");
});

test("no translation is kept for a code nothing sends", () => {
  const known = new Set([...rustCodes, ...UI_ERROR_CODES]);
  assert.deepEqual(Object.keys(vi.error.codes).filter((c) => !known.has(c)), []);
});

const engineSays = { code: "not_a_code", message: "engine English", message_vi: "engine tiếng Việt" };

test("a known code shows the translation, not the engine's sentence", () => {
  installFakeDom();
  setLanguage("vi");
  assert.equal(errorText(engineSays), vi.error.codes.not_a_code);
  const card = errorCard(engineSays, { timeZone: () => "Asia/Ho_Chi_Minh" });
  assert.equal(card.dataset.code, "not_a_code");
  assert.equal(card.querySelector("[data-testid=error-message]").textContent, vi.error.codes.not_a_code);
  assert.ok(!card.textContent.includes("engine"), card.textContent);
  assert.ok(!card.textContent.includes(vi.error.next), "the code's own text already says what to do");
  setLanguage("en");
  const inline = errorInline(engineSays);
  assert.equal(inline.querySelector("[data-testid=error-message]").textContent, en.error.codes.not_a_code);
  assert.equal(inline.getAttribute("role"), "alert");
  setLanguage("vi");
});

test("an unknown code falls back to the engine's sentence in the citizen's language", () => {
  installFakeDom();
  const newer = { code: "queue_paused", message: "The queue is paused. Please wait.", message_vi: "Hàng chờ tạm dừng. Xin chờ." };
  setLanguage("vi");
  const card = errorCard(newer, { timeZone: () => "Asia/Ho_Chi_Minh" });
  assert.equal(card.querySelector("[data-testid=error-message]").textContent, "Hàng chờ tạm dừng. Xin chờ.");
  assert.ok(card.textContent.includes(vi.error.next), "a general next step is added");
  setLanguage("en");
  assert.equal(errorText(newer), "The queue is paused. Please wait.");
  assert.equal(errorText({ code: "queue_paused", message_vi: "Chỉ có tiếng Việt." }), "Chỉ có tiếng Việt.");
  assert.equal(errorText({ code: "queue_paused" }), en.error.codes.internal, "never an empty error");
  setLanguage("vi");
});

test("a code from a newer server (unknown) shows the server's sentence, not internal", () => {
  installFakeDom();
  const newer = {
    code: "unknown",
    server_code: "queue_frozen",
    message: "The queue is frozen for the inspection.",
    message_vi: "Hàng chờ tạm khoá để kiểm tra.",
  };
  setLanguage("vi");
  const card = errorCard(newer, { timeZone: () => "Asia/Ho_Chi_Minh" });
  assert.equal(card.querySelector("[data-testid=error-message]").textContent, "Hàng chờ tạm khoá để kiểm tra.");
  assert.ok(card.textContent.includes(vi.error.next), "a general next step is added");
  setLanguage("en");
  assert.equal(errorText(newer), "The queue is frozen for the inspection.");
  assert.equal(errorText({ code: "unknown" }), en.error.codes.unknown, "never an empty error");
  assert.notEqual(en.error.codes.unknown, en.error.codes.internal);
  setLanguage("vi");
});

test("the next opening time is added to a closed service's text", () => {
  installFakeDom();
  setLanguage("vi");
  const err = { code: "daily_cap_reached", message: "x", message_vi: "x", next_open_at: "2026-11-30T00:30:00Z" };
  const text = errorCard(err, { timeZone: () => "Asia/Ho_Chi_Minh" }).textContent;
  assert.ok(text.includes(vi.error.codes.daily_cap_reached), text);
  assert.ok(text.includes("07:30 ngày 30/11/2026"), text);
});

test("the lookup screen and the server's messages show the same example code", async () => {
  const { EXAMPLE_CODE } = await import("../js/screens/dossier.js");
  const rust = read("../../crates/domain/src/dossier_code.rs").match(/pub const EXAMPLE_CODE: &str = "([^"]+)"/);
  assert.ok(rust, "EXAMPLE_CODE in the domain crate");
  assert.equal(EXAMPLE_CODE, rust[1]);
});
