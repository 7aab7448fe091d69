import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { installFakeDom } from "./fake-dom.mjs";
import { addLanguage, setLanguage } from "../js/i18n.js";
import { collectScreen, looksLikeIdCard, lookupScreen } from "../js/screens/dossier.js";

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
addLanguage("vi", read("../i18n/vi.json"));
addLanguage("en", read("../i18n/en.json"));

const CARD = "001099012345||Nguyễn Văn An|01011990|Nam|Số 1 Hùng Vương, Vĩnh Yên, Vĩnh Phúc|15082021";

test("a card's QR is told apart from a dossier code before anything is shown", () => {
  assert.equal(looksLikeIdCard(CARD), true);
  assert.equal(looksLikeIdCard(` ${CARD}\r`), true);
  assert.equal(looksLikeIdCard("000.00.12.H62-201105-0004"), false);
  assert.equal(looksLikeIdCard("001099012345"), false, "a bare number is not a card");
  assert.equal(looksLikeIdCard(undefined), false);
});

/** A screen's context that records what the screen asks for. */
function fakeCtx() {
  const seen = { calls: [], went: [] };
  const ctx = {
    state: { catalog: { center: { id: "vp-tinh" } } },
    call: async (cmd, args) => {
      seen.calls.push([cmd, args]);
      return { kind: "id_card", dossiers: [], more: false };
    },
    go: (name, params) => seen.went.push([name, params]),
    back: () => {},
    render: () => {},
    timeZone: () => "Asia/Ho_Chi_Minh",
    onScan: (fn) => { seen.scan = fn; },
  };
  return { ctx, seen };
}

for (const [name, screen] of [["lookup", lookupScreen], ["collect", collectScreen]]) {
  test(`a card scanned on the ${name} screen lists its dossiers and never reaches the code field`, async () => {
    installFakeDom();
    setLanguage("vi");
    const { ctx, seen } = fakeCtx();
    const params = {};
    screen(params, ctx);
    seen.scan(CARD);
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(params.code, undefined, "the number is not typed into the field");
    assert.deepEqual(seen.calls, [["lookup", { text: CARD }]], "the engine reads the card");
    assert.equal(seen.went[0][0], "idCardDossiers");
  });
}

test("the dossier says when the center last heard from the source, and warns when that is too old", async () => {
  installFakeDom();
  const { freshness } = await import("../js/screens/dossier.js");
  setLanguage("vi");
  // Heard just now: the time alone ("08:15"), as on the same day.
  const now = new Date();
  const hm = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(now);
  const fresh = freshness({ heard_at: now.toISOString(), stale: false }, "Asia/Ho_Chi_Minh");
  assert.equal(fresh.dataset.testid, "dossier-heard");
  assert.equal(fresh.textContent, `Cập nhật lúc ${hm}`);
  const stale = freshness({ heard_at: "2026-11-20T01:15:00Z", stale: true }, "Asia/Ho_Chi_Minh");
  assert.equal(stale.dataset.testid, "dossier-stale");
  assert.match(stale.textContent, /có thể chưa mới: lần cập nhật gần nhất lúc 08:15 20\/11\/2026/);
  assert.equal(freshness({ heard_at: null, stale: false }, "Asia/Ho_Chi_Minh"), null, "unknown: nothing claimed");
  setLanguage("en");
  assert.equal(freshness({ heard_at: now.toISOString(), stale: false }, "Asia/Ho_Chi_Minh").textContent, `Updated at ${hm}`);
  setLanguage("vi");
});
