import { test } from "node:test";
import assert from "node:assert/strict";
import { TapCounter } from "../js/shell.js";

test("five taps within three seconds open the PIN pad", () => {
  const c = new TapCounter(5, 3000);
  const results = [0, 400, 800, 1200, 1600].map((t) => c.tap(t));
  assert.deepEqual(results, [false, false, false, false, true]);
});

test("slow taps never add up", () => {
  const c = new TapCounter(5, 3000);
  assert.ok([0, 1000, 2000, 3000, 4000, 5000, 6000].every((t) => !c.tap(t)));
});

test("after opening, counting starts again", () => {
  const c = new TapCounter(2, 1000);
  assert.equal(c.tap(0), false);
  assert.equal(c.tap(100), true);
  assert.equal(c.tap(200), false);
});
