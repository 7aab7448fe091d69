// On-screen keyboards: a Vietnamese text keyboard (Telex composition) and a
// dossier-code keyboard (digits, letters, '.', '-'). The caller owns the value.

import { h } from "./dom.js";
import { icon } from "./icons.js";
import { t } from "./i18n.js";
import { typeKey } from "./telex.js";

const LETTER_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
const KEY_IDS = { ".": "dot", "-": "dash", " ": "space" };

function keyId(ch) {
  return `key-${KEY_IDS[ch] ?? ch.toLowerCase()}`;
}

function charKey(ch, label, press) {
  return h("button", { class: "key", type: "button", testid: keyId(ch), onclick: () => press(ch) }, label ?? ch);
}

/** The text shown above a keyboard, with a caret. */
export function inputDisplay(value, placeholder, testid) {
  return h(
    "div",
    { class: "input-display", testid, role: "textbox", "aria-live": "polite" },
    value ? value : h("span", { class: "placeholder" }, placeholder),
    h("span", { class: "caret" }),
  );
}

function controlRow({ onChange, onEnter, enterLabel, getValue, space }) {
  return h(
    "div",
    { class: "krow" },
    h("button", { class: "key wide action", type: "button", testid: "key-clear", onclick: () => onChange("") }, t("keyboard.clear")),
    space ? h("button", { class: "key space", type: "button", testid: "key-space", onclick: () => onChange(getValue() + " ") }, t("keyboard.space")) : null,
    h(
      "button",
      { class: "key wide action", type: "button", testid: "key-backspace", "aria-label": t("keyboard.backspace"), onclick: () => onChange([...getValue()].slice(0, -1).join("")) },
      icon("backspace"),
    ),
    h("button", { class: "key go", type: "button", testid: "key-enter", onclick: () => onEnter(getValue()) }, enterLabel),
  );
}

/** Vietnamese text keyboard: plain letters compose with Telex (aa → â, s → sắc). */
export function textKeyboard({ getValue, onChange, onEnter, enterLabel = t("keyboard.search"), telex = true }) {
  const press = (ch) => onChange(telex ? typeKey(getValue(), ch) : getValue() + ch);
  return h(
    "div",
    { class: "keyboard", testid: "keyboard-text" },
    ...LETTER_ROWS.map((row) => h("div", { class: "krow" }, ...[...row].map((c) => charKey(c, c.toUpperCase(), press)))),
    controlRow({ onChange, onEnter, enterLabel, getValue, space: true }),
  );
}

/** Dossier-code keyboard: digits first, then letters (H62, A0 …), '.' and '-'
 *  beside the letters; four rows of at most 11 keys so it fits a portrait screen. */
export function codeKeyboard({ getValue, onChange, onEnter, enterLabel = t("keyboard.lookup") }) {
  const press = (ch) => onChange(getValue() + ch);
  const upper = LETTER_ROWS.map((r) => r.toUpperCase());
  return h(
    "div",
    { class: "keyboard", testid: "keyboard-code" },
    h("div", { class: "krow" }, ..."1234567890".split("").map((c) => charKey(c, c, press))),
    h("div", { class: "krow" }, ...[...upper[0]].map((c) => charKey(c, c, press))),
    // Keys are labelled with what they type: a hyphen-minus, not a dash.
    h("div", { class: "krow" }, ...[...upper[1]].map((c) => charKey(c, c, press)), charKey(".", ".", press), charKey("-", "-", press)),
    h(
      "div",
      { class: "krow" },
      ...[...upper[2]].map((c) => charKey(c, c, press)),
      h(
        "button",
        { class: "key action", type: "button", testid: "key-backspace", "aria-label": t("keyboard.backspace"), onclick: () => onChange([...getValue()].slice(0, -1).join("")) },
        icon("backspace"),
      ),
      h("button", { class: "key wide action", type: "button", testid: "key-clear", onclick: () => onChange("") }, t("keyboard.clear")),
      h("button", { class: "key go", type: "button", testid: "key-enter", onclick: () => onEnter(getValue()) }, enterLabel),
    ),
  );
}
