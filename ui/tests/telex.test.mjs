import { test } from "node:test";
import assert from "node:assert/strict";
import { applyKey, compose, decompose, toneIndex, typeKey, typeTelex } from "../js/telex.js";

test("double letters make the circumflex, breve and horn vowels", () => {
  assert.equal(typeTelex("caan"), "cân");
  assert.equal(typeTelex("tieeng"), "tiêng");
  assert.equal(typeTelex("hooj"), "hộ");
  assert.equal(typeTelex("aw"), "ă");
  assert.equal(typeTelex("ow"), "ơ");
  assert.equal(typeTelex("uw"), "ư");
  assert.equal(typeTelex("dd"), "đ");
  assert.equal(typeTelex("nhw"), "như");
});

test("tone keys compose full Vietnamese words", () => {
  const cases = {
    "tieengs vieetj": "tiếng việt",
    "dduwowngf": "đường",
    "nguwowif": "người",
    "nguoiwf": "người",
    "giaays pheps": "giấy phép",
    "chuwngs thuwcj": "chứng thực",
    "hooj khaaur": "hộ khẩu",
    "Ddaats ddai": "Đất đai",
    "quas": "quá",
    "gif": "gì",
    "xin chaof": "xin chào",
    "khai sinh": "khai sinh",
  };
  for (const [keys, word] of Object.entries(cases)) assert.equal(typeTelex(keys), word, keys);
});

test("the tone moves to the right vowel as the word grows", () => {
  assert.equal(typeTelex("hoas"), "hóa");
  assert.equal(typeTelex("hoasng"), "hoáng");
  assert.equal(typeTelex("thuyr"), "thủy");
  assert.equal(typeTelex("cuar"), "của");
  assert.equal(typeTelex("mias"), "mía");
});

test("typing a modifier twice undoes it and keeps the letter", () => {
  assert.equal(typeTelex("ass"), "as");
  assert.equal(typeTelex("aaa"), "aa");
  assert.equal(typeTelex("ddd"), "dd");
  assert.equal(typeTelex("aww"), "aw");
  assert.equal(typeTelex("asz"), "a");
});

test("letters that cannot be modifiers are typed as they are", () => {
  assert.equal(typeTelex("s"), "s");
  assert.equal(typeTelex("xe"), "xe");
  assert.equal(typeKey("giay ", "p"), "giay p");
  assert.equal(typeKey("abc", "1"), "abc1");
  assert.equal(applyKey("", "f"), "f");
});

test("output is NFC and decompose/compose round-trip", () => {
  const w = typeTelex("nguwowif");
  assert.equal(w, w.normalize("NFC"));
  const { base, tone } = decompose("người");
  assert.equal(base, "ngươi");
  assert.equal(tone, 2);
  assert.equal(compose(base, tone), "người");
  assert.equal(toneIndex("qua"), 2);
  assert.equal(toneIndex("gi"), 1);
  assert.equal(toneIndex("bcd"), -1);
});
