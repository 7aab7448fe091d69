import { test } from "node:test";
import assert from "node:assert/strict";
import { ScanDetector } from "../js/scanner.js";

function burst(detector, text, start = 1000, gap = 8) {
  let t = start;
  let out = null;
  for (const ch of text) { out = detector.feed(ch, t) ?? out; t += gap; }
  return detector.feed("Enter", t) ?? out;
}

test("a fast burst ending with Enter is a scan", () => {
  const seen = [];
  const d = new ScanDetector({ onScan: (s) => seen.push(s) });
  assert.equal(burst(d, "000.00.12.H62-261120-0004"), "000.00.12.H62-261120-0004");
  assert.deepEqual(seen, ["000.00.12.H62-261120-0004"]);
});

test("a URL from a QR code is passed whole", () => {
  const d = new ScanDetector();
  const url = "http://127.0.0.1:8080/t/Ab3_kQ9zXy-12345678901234";
  assert.equal(burst(d, url), url);
});

test("slow typing is not a scan", () => {
  const d = new ScanDetector();
  assert.equal(burst(d, "000.00.12.H62", 0, 150), null);
});

test("a short burst is not a scan", () => {
  const d = new ScanDetector({ minLength: 6 });
  assert.equal(burst(d, "12a"), null);
});

test("a pause restarts the buffer, so earlier stray keys are dropped", () => {
  const d = new ScanDetector();
  d.feed("x", 0);
  d.feed("y", 10);
  assert.equal(burst(d, "ABCDEFGH", 5000), "ABCDEFGH");
});

test("modifier keys inside a burst are ignored", () => {
  const d = new ScanDetector();
  let t = 0;
  for (const k of ["Shift", "H", "6", "2", "Shift", "-", "0", "0", "4"]) { d.feed(k, t); t += 5; }
  assert.equal(d.feed("Enter", t), "H62-004");
});

test("Enter after a slow last key is not a scan", () => {
  const d = new ScanDetector();
  let t = 0;
  for (const ch of "ABCDEFG") { d.feed(ch, t); t += 5; }
  assert.equal(d.feed("Enter", t + 500), null);
});
