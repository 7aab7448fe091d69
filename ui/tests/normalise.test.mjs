import { test } from "node:test";
import assert from "node:assert/strict";
import { filterItems, highlight, matchScore, normalise } from "../js/normalise.js";

test("normalise removes accents, đ, case and punctuation", () => {
  assert.equal(normalise("Giấy phép LÁI XE"), "giay phep lai xe");
  assert.equal(normalise("Đất đai – Tài nguyên"), "dat dai tai nguyen");
  assert.equal(normalise("  Hộ   khẩu, hộ tịch. "), "ho khau ho tich");
  // Decomposed input (NFD from some keyboards) folds the same way.
  assert.equal(normalise("Vie\u0302\u0323t"), "viet");
  assert.equal(normalise(null), "");
});

test("every query word must start a word of the text", () => {
  assert.ok(matchScore("Đăng ký hộ kinh doanh", "ho kinh") > 0);
  assert.equal(matchScore("Cấp giấy chứng nhận sức khỏe", "tho"), 0);
  assert.ok(matchScore("Cấp giấy phép lái xe", "GIAY PHEP") > 0);
  assert.equal(matchScore("anything", "   "), 0);
});

test("better matches come first", () => {
  const items = ["Cấp lại giấy phép lái xe", "Giấy phép lái xe quốc tế", "Đất đai", "Giấy phép xây dựng"];
  assert.deepEqual(filterItems(items, "giay phep lai", (x) => x), ["Giấy phép lái xe quốc tế", "Cấp lại giấy phép lái xe"]);
  assert.deepEqual(filterItems(items, "dat", (x) => x), ["Đất đai"]);
});

test("highlight marks the matched word starts and keeps the text", () => {
  const runs = highlight("Giấy phép lái xe", "giay xe");
  assert.equal(runs.map((r) => r.text).join(""), "Giấy phép lái xe");
  assert.deepEqual(runs.filter((r) => r.hit).map((r) => r.text), ["Giấy", "xe"]);
});

test("hits with the exact diacritics typed come first", async () => {
  const { rerankByDiacritics } = await import("../js/normalise.js");
  const hits = [{ name: "Thành tích đạt được" }, { name: "Chuyển mục đích sử dụng đất" }];
  assert.deepEqual(rerankByDiacritics(hits, "đất").map((h) => h.name), ["Chuyển mục đích sử dụng đất", "Thành tích đạt được"]);
  assert.deepEqual(rerankByDiacritics(hits, "dat"), hits, "a query without accents keeps the engine's order");
});
