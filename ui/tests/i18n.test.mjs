import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { addLanguage, formatTime, setLanguage, t } from "../js/i18n.js";

const vi = JSON.parse(readFileSync(new URL("../i18n/vi.json", import.meta.url), "utf8"));
const en = JSON.parse(readFileSync(new URL("../i18n/en.json", import.meta.url), "utf8"));

function keys(obj, prefix = "") {
  return Object.entries(obj).flatMap(([k, v]) => (typeof v === "object" ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

function strings(obj) {
  return Object.values(obj).flatMap((v) => (typeof v === "object" ? strings(v) : [v]));
}

test("Vietnamese and English have the same keys", () => {
  assert.deepEqual(keys(vi).sort(), keys(en).sort());
});

test("every string is NFC and non-empty, and placeholders match", () => {
  for (const s of [...strings(vi), ...strings(en)]) {
    assert.ok(s.length > 0);
    assert.equal(s, s.normalize("NFC"), s);
  }
  for (const k of keys(vi)) {
    const get = (o) => k.split(".").reduce((n, p) => n[p], o);
    const ph = (s) => (s.match(/\{\w+\}/g) ?? []).sort();
    assert.deepEqual(ph(get(vi)), ph(get(en)), k);
  }
});

test("t fills placeholders and falls back to Vietnamese, then the key", () => {
  addLanguage("vi", vi);
  addLanguage("en", { ...en, strip: {} });
  setLanguage("en");
  assert.equal(t("ticket.step_watch", { number: "B012" }), "When the display shows B012 and it is announced, go to the counter called.");
  assert.equal(t("strip.label"), "Đang phục vụ");
  assert.equal(t("no.such.key"), "no.such.key");
  setLanguage("vi");
  assert.equal(t("home.take"), "Lấy số thứ tự");
});

test("times show in the center's zone, Vietnamese style", () => {
  addLanguage("vi", vi);
  setLanguage("vi");
  assert.equal(formatTime("2026-12-01T09:30:00Z"), "16:30 ngày 01/12/2026");
  setLanguage("en");
  assert.equal(formatTime("2026-12-01T09:30:00Z"), "01/12/2026 at 16:30");
  setLanguage("vi");
});
