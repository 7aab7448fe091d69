import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { installFakeDom } from "./fake-dom.mjs";
import { addLanguage, setLanguage } from "../js/i18n.js";
import { codeKeyboard, textKeyboard } from "../js/keyboard.js";

const read = (path) => readFileSync(new URL(path, import.meta.url), "utf8");
installFakeDom();
addLanguage("vi", JSON.parse(read("../i18n/vi.json")));
setLanguage("vi");

/** Every key that types one character: [its label, what a tap types]. */
function typedByKeys(make) {
  let value = "";
  const kb = make({ getValue: () => value, onChange: (v) => { value = v; }, onEnter: () => {} });
  const out = [];
  for (const key of kb.querySelectorAll("button")) {
    const label = key.textContent;
    if ([...label].length !== 1) continue;
    value = "";
    key.click();
    out.push([label, value]);
  }
  return out;
}

test("every key of the code keyboard is labelled with what it types", () => {
  const keys = typedByKeys(codeKeyboard);
  assert.ok(keys.length >= 38, `digits, letters, '.' and '-': ${keys.length} keys`);
  for (const [label, typed] of keys) assert.equal(typed, label, `the key labelled ${JSON.stringify(label)} types ${JSON.stringify(typed)}`);
  assert.ok(keys.some(([l]) => l === "-"), "a hyphen key, labelled with a hyphen");
});

test("the code keyboard has at most 11 keys a row, so it fits a portrait screen", () => {
  const kb = codeKeyboard({ getValue: () => "", onChange: () => {}, onEnter: () => {} });
  for (const row of kb.querySelectorAll("div")) {
    const n = row.childNodes.length;
    assert.ok(n <= 11, `a row of ${n} keys`);
  }
});

test("letter keys of the text keyboard type the lower-case letter they show", () => {
  // Telex: W on its own is ư (as on every Vietnamese phone keyboard).
  for (const [label, typed] of typedByKeys(textKeyboard)) assert.equal(typed, label === "W" ? "ư" : label.toLowerCase());
});
