import { test } from "node:test";
import assert from "node:assert/strict";
import { highlight, normalise, rerankByDiacritics } from "../js/normalise.js";

test("normalise removes accents, đ, case and punctuation", () => {
  assert.equal(normalise("Giấy phép LÁI XE"), "giay phep lai xe");
  assert.equal(normalise("Đất đai – Tài nguyên"), "dat dai tai nguyen");
  assert.equal(normalise("  Hộ   khẩu, hộ tịch. "), "ho khau ho tich");
  // Decomposed input (NFD from some keyboards) folds the same way.
  assert.equal(normalise("Vie\u0302\u0323t"), "viet");
  assert.equal(normalise(null), "");
});

test("highlight marks the matched word starts and keeps the text", () => {
  const runs = highlight("Giấy phép lái xe", "giay xe");
  assert.equal(runs.map((r) => r.text).join(""), "Giấy phép lái xe");
  assert.deepEqual(runs.filter((r) => r.hit).map((r) => r.text), ["Giấy", "xe"]);
});

test("hits with the exact diacritics typed come first", () => {
  const hits = [{ name: "Thành tích đạt được" }, { name: "Chuyển mục đích sử dụng đất" }];
  assert.deepEqual(rerankByDiacritics(hits, "đất").map((h) => h.name), ["Chuyển mục đích sử dụng đất", "Thành tích đạt được"]);
  assert.deepEqual(rerankByDiacritics(hits, "dat"), hits, "a query without accents keeps the engine's order");
});
