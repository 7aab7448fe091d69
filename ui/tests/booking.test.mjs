import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { installFakeDom } from "./fake-dom.mjs";
import { addLanguage, setLanguage } from "../js/i18n.js";
import { bookingProblemScreen, bookingScreen, bookingTooEarlyScreen, looksLikeBookingUrl } from "../js/screens/booking.js";
import { lookupScreen } from "../js/screens/dossier.js";

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
addLanguage("vi", read("../i18n/vi.json"));
addLanguage("en", read("../i18n/en.json"));

/** A screen's context that records what the screen asks for; `answer(cmd, args)` answers or throws. */
function fakeCtx(answer) {
  const seen = { calls: [], went: [], backs: 0 };
  const ctx = {
    state: { catalog: { center: { id: "vp-tinh" } } },
    call: async (cmd, args) => {
      seen.calls.push([cmd, args]);
      return answer(cmd, args);
    },
    go: (name, params) => seen.went.push([name, params]),
    back: () => { seen.backs += 1; },
    home: () => seen.went.push(["home", {}]),
    render: () => {},
    timeZone: () => "Asia/Ho_Chi_Minh",
    onScan: (fn) => { seen.scan = fn; },
  };
  return { ctx, seen };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const refusal = (code, extra = {}) => ({ code, message: "engine", message_vi: "máy", ...extra });
const textOf = (node) => (Array.isArray(node) ? node.map(textOf).join(" ") : node.textContent);

test("a booking QR is told apart from other URLs", () => {
  assert.equal(looksLikeBookingUrl("https://hcc.vinhphuc.gov.vn/dat-lich/b/HK7-K4Q"), true);
  assert.equal(looksLikeBookingUrl(" http://127.0.0.1:8080/dat-lich/b/hk7k4q?lang=en \r"), true);
  assert.equal(looksLikeBookingUrl("https://x.vn/t/Yk3v9_Qm2Lx-8ZpT4rWcNa"), false);
  assert.equal(looksLikeBookingUrl("HK7-K4Q"), false, "a bare code is the engine's to classify");
  assert.equal(looksLikeBookingUrl("https://x.vn/tra-cuu?ma=000.00.12.H62-201105-0004"), false);
});

test("a scanned booking checks in and shows the appointment ticket", async () => {
  installFakeDom();
  setLanguage("vi");
  const outcome = { ticket: { number: "A013" }, printed: true, repeat: false };
  const { ctx, seen } = fakeCtx((cmd) => (cmd === "lookup" ? { kind: "booking", code: "HK7-K4Q" } : outcome));
  const params = { code: "" };
  bookingScreen(params, ctx);
  seen.scan("https://hcc.example/dat-lich/b/HK7-K4Q");
  await tick();
  await tick();
  assert.deepEqual(seen.calls, [["lookup", { text: "https://hcc.example/dat-lich/b/HK7-K4Q" }], ["check_in", { code: "HK7-K4Q" }]]);
  assert.equal(params.code, "", "the URL is not typed into the field");
  assert.deepEqual(seen.went.map(([n]) => n), ["printing", "ticket"]);
  assert.equal(seen.went[1][1].outcome, outcome);
});

test("a booking QR scanned on the lookup screen checks in too", async () => {
  installFakeDom();
  setLanguage("vi");
  const { ctx, seen } = fakeCtx((cmd) => (cmd === "lookup" ? { kind: "booking", code: "HK7-K4Q" } : { ticket: {}, printed: true }));
  lookupScreen({}, ctx);
  seen.scan("https://hcc.example/dat-lich/b/HK7-K4Q");
  await tick();
  await tick();
  assert.deepEqual(seen.calls.map(([c]) => c), ["lookup", "check_in"]);
  assert.deepEqual(seen.calls[1][1], { code: "HK7-K4Q" });
});

test("too early says when to come back; lapsed offers the same service in one tap; a wrong code is typed again", async () => {
  installFakeDom();
  setLanguage("vi");
  const answers = {
    "AAA-AAA": refusal("booking_too_early", { next_open_at: "2026-11-30T02:15:00Z", next_open_local: "09:15" }),
    "CCC-CCC": refusal("booking_lapsed", { service_id: "vp-dat-dai" }),
    "DDD-DDD": refusal("booking_not_found"),
    "EEE-EEE": refusal("booking_unverified"),
  };
  const { ctx, seen } = fakeCtx((cmd, args) => {
    if (cmd === "check_in") throw answers[args.code];
    return { ticket: { number: "B001" }, printed: true };
  });
  const params = { code: "" };
  bookingScreen(params, ctx);
  for (const code of Object.keys(answers)) {
    seen.scan(code);
    await tick();
  }
  const went = seen.went.filter(([n]) => n !== "printing");
  assert.deepEqual(went.map(([n]) => n), ["bookingTooEarly", "bookingProblem", "bookingProblem"]);
  assert.equal(seen.backs, 1, "not found: back to the code screen");
  assert.equal(params.error.code, "booking_not_found");

  const early = bookingTooEarlyScreen(went[0][1], ctx);
  assert.match(textOf(early), /Mời ông\/bà quay lại lúc 09:15\./);

  const lapsed = bookingProblemScreen(went[1][1], ctx);
  const tap = lapsed.flat().find((n) => n?.dataset?.testid === "booking-take-ordinary");
  assert.ok(tap, "one button for an ordinary number");
  seen.calls.length = 0;
  tap.click();
  await tick();
  assert.deepEqual(seen.calls, [["take_ticket", { service_id: "vp-dat-dai", priority: null }]]);

  // Offline: no service known, so the ordinary number starts at the list of services; no guess.
  const offline = bookingProblemScreen(went[2][1], ctx);
  assert.match(textOf(offline), /mất kết nối/);
  const choose = offline.flat().find((n) => n?.dataset?.testid === "booking-take-ordinary");
  seen.went.length = 0;
  choose.click();
  assert.equal(seen.went[0][0], "services");
});
