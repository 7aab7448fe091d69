import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { installFakeDom } from "./fake-dom.mjs";
import { announceScreen, closeOverlay, dialog, openOverlay, redrawOverlay } from "../js/a11y.js";
import { h, mount } from "../js/dom.js";
import { addLanguage, setLanguage } from "../js/i18n.js";
import { errorCard, errorScreen, loading } from "../js/screens/common.js";
import { homeScreen } from "../js/screens/home.js";
import { pinPadDialog } from "../js/shell.js";

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
const vi = read("../i18n/vi.json");
const en = read("../i18n/en.json");
addLanguage("vi", vi);
addLanguage("en", en);

const ctx = { go() {}, timeZone: () => "Asia/Ho_Chi_Minh" };

function page() {
  const doc = installFakeDom();
  const main = h("main", { id: "screen" });
  const region = h("div", { id: "announcer", "aria-live": "polite" });
  doc.body.append(main, region);
  return { doc, main, region };
}

test("a new screen's heading takes focus and is announced", () => {
  setLanguage("vi");
  const { doc, main, region } = page();
  mount(main, homeScreen({}, ctx));
  assert.equal(announceScreen(main, region), vi.home.title);
  const title = main.querySelector("h1");
  assert.equal(doc.activeElement, title);
  assert.equal(title.getAttribute("tabindex"), "-1");
  assert.equal(region.textContent, vi.home.title);
  assert.equal(region.getAttribute("aria-live"), "polite");
});

test("a screen whose only heading is an h2 focuses that", () => {
  setLanguage("en");
  const { doc, main, region } = page();
  mount(main, errorCard({ code: "catalog_unavailable" }, ctx));
  assert.equal(announceScreen(main, region), en.error.title);
  assert.equal(doc.activeElement.tagName, "H2");
  mount(main, errorScreen({ error: { code: "store" } }, ctx));
  announceScreen(main, region);
  assert.equal(doc.activeElement.tagName, "H1", "the screen's h1 comes before the card's h2");
  setLanguage("vi");
});

test("while a screen is still loading nothing is announced and focus stays", () => {
  const { doc, main, region } = page();
  mount(main, loading());
  assert.equal(announceScreen(main, region), null);
  assert.equal(doc.activeElement, doc.body);
  assert.equal(region.textContent, "");
});

test("a dialog is modal and named by its title", () => {
  installFakeDom();
  const d = dialog({ testid: "idle-dialog", title: "Ông/bà còn sử dụng máy không?", role: "alertdialog" }, h("p", {}, "…"));
  assert.equal(d.dataset.testid, "idle-dialog");
  assert.equal(d.getAttribute("role"), "alertdialog");
  assert.equal(d.getAttribute("aria-modal"), "true");
  const title = d.querySelector(`#${d.getAttribute("aria-labelledby")}`);
  assert.equal(title.tagName, "H1");
  assert.equal(title.textContent, "Ông/bà còn sử dụng máy không?");
  assert.equal(dialog({ testid: "x", title: "t" }).getAttribute("role"), "dialog");
});

const noop = { digit() {}, clear() {}, back() {}, cancel() {}, exit() {} };

test("the PIN pad's C and ⌫ keys have translated labels, and every key a name", () => {
  installFakeDom();
  for (const [lang, table] of [["vi", vi], ["en", en]]) {
    setLanguage(lang);
    const pad = pinPadDialog("12", "", noop);
    assert.equal(pad.getAttribute("role"), "dialog");
    assert.equal(pad.getAttribute("aria-modal"), "true");
    assert.ok(pad.querySelector(`#${pad.getAttribute("aria-labelledby")}`).textContent.includes(table.admin.title));
    assert.equal(pad.querySelector("[data-testid=pin-clear]").getAttribute("aria-label"), table.admin.clear_label);
    assert.equal(pad.querySelector("[data-testid=pin-back]").getAttribute("aria-label"), table.admin.backspace_label);
    for (const b of pad.querySelectorAll("button")) {
      assert.ok(b.getAttribute("aria-label") || b.textContent.trim(), `${b.dataset.testid} has no name`);
    }
  }
  setLanguage("vi");
});

test("the PIN pad keeps the ids the end-to-end test taps, and its keys call back", () => {
  installFakeDom();
  const seen = [];
  const on = { digit: (d) => seen.push(d), clear: () => seen.push("C"), back: () => seen.push("⌫"), cancel: () => seen.push("cancel"), exit: () => seen.push("exit") };
  const pad = pinPadDialog("", "Sai mã quản trị. Mời nhập lại.", on);
  for (const id of ["admin-dialog", "admin-pin-dots", "admin-message", "pin-clear", "pin-back", "admin-cancel", "admin-exit", ..."0123456789".split("").map((d) => `pin-${d}`)]) {
    const el = id === "admin-dialog" ? pad : pad.querySelector(`[data-testid=${id}]`);
    assert.ok(el, id);
    if (el.tagName === "BUTTON") el.click();
  }
  assert.deepEqual(seen, ["C", "⌫", "cancel", "exit", ..."0123456789".split("")]);
  assert.equal(pad.querySelector("[data-testid=admin-message]").getAttribute("role"), "alert");
});

test("an overlay takes focus when it opens, keeps it on redraw and gives it back when it closes", () => {
  const { doc, main } = page();
  const overlay = h("div", { id: "admin-overlay" });
  overlay.hidden = true;
  doc.body.append(overlay);
  const title = h("h1", {}, "Xin mời");
  mount(main, title);
  title.focus();

  openOverlay(overlay, pinPadDialog("", "", noop));
  assert.equal(overlay.hidden, false);
  assert.equal(doc.activeElement.id, "admin-dialog-title");

  overlay.querySelector("[data-testid=pin-7]").focus();
  redrawOverlay(overlay, pinPadDialog("7", "", noop));
  assert.equal(doc.activeElement.dataset.testid, "pin-7");
  assert.ok(overlay.contains(doc.activeElement), "the new key, not the removed one");

  closeOverlay(overlay);
  assert.equal(overlay.hidden, true);
  assert.equal(doc.activeElement, title);
});
