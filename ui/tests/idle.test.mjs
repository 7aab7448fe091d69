import { test } from "node:test";
import assert from "node:assert/strict";
import { IdleTimer } from "../js/idle.js";

function timer(timeoutMs = 60000, warnMs = 10000) {
  const log = [];
  const t = new IdleTimer({
    timeoutMs,
    warnMs,
    onWarn: (s) => log.push(["warn", s]),
    onCount: (s) => log.push(["count", s]),
    onCancel: () => log.push(["cancel"]),
    onExpire: () => log.push(["expire"]),
  });
  return { t, log };
}

test("the home screen with nothing to clear never times out", () => {
  const { t, log } = timer();
  assert.equal(t.tick(10 ** 7), "idle");
  assert.deepEqual(log, []);
});

test("after the timeout minus the warning a countdown shows, then home", () => {
  const { t, log } = timer(60000, 10000);
  t.arm(0);
  assert.equal(t.tick(49000), "active");
  assert.equal(t.tick(50000), "warning");
  assert.deepEqual(log.slice(0, 2), [["warn", 10], ["count", 10]]);
  t.tick(51000);
  assert.deepEqual(log.at(-1), ["count", 9]);
  t.tick(51500); // same second: no repeat
  assert.deepEqual(log.at(-1), ["count", 9]);
  assert.equal(t.tick(60000), "expired");
  assert.deepEqual(log.at(-1), ["expire"]);
  assert.equal(t.tick(70000), "idle");
});

test("a touch during the countdown cancels it and restarts the wait", () => {
  const { t, log } = timer(60000, 10000);
  t.arm(0);
  t.tick(55000);
  t.touch(55500);
  assert.deepEqual(log.at(-1), ["cancel"]);
  assert.equal(t.tick(100000), "active");
  assert.equal(t.tick(105500), "warning");
});

test("a short timeout keeps half of it for the countdown", () => {
  const { t } = timer(10000, 10000);
  t.arm(0);
  assert.equal(t.tick(4900), "active");
  assert.equal(t.tick(5000), "warning");
  assert.equal(t.secondsLeft(5000), 5);
});

test("disarm on a clean home screen stops the timer", () => {
  const { t, log } = timer();
  t.arm(0);
  t.disarm();
  assert.equal(t.tick(10 ** 6), "idle");
  assert.deepEqual(log, []);
});
