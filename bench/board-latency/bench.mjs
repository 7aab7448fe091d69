// Call-next at N consoles → the number on M boards, measured in the real browser.
//
//   node bench.mjs URL [CONSOLES=20] [BOARDS=8] [CALLS_PER_CONSOLE=15] [INTERVAL_MS=1000]
//
// The consoles are signed-in staff sessions (cookie + CSRF token) calling the
// same JSON endpoint the console page calls; the boards are real pages in
// headless Chromium (`/bang-hien-thi`), each recording when an event arrived
// and when the number was on screen (`window.__board.events`). A call's
// latency on a board is shown_at − the moment the console sent call-next,
// both read from this machine's clock.
import { chromium } from "playwright-core";

const [url, consolesArg = "20", boardsArg = "8", callsArg = "15", intervalArg = "1000"] = process.argv.slice(2);
if (!url) {
  console.error("usage: node bench.mjs URL [CONSOLES] [BOARDS] [CALLS_PER_CONSOLE] [INTERVAL_MS]");
  process.exit(2);
}
const CONSOLES = Number(consolesArg), BOARDS = Number(boardsArg), CALLS = Number(callsArg), INTERVAL = Number(intervalArg);
const KIOSK = { authorization: "Bearer demo-kiosk" };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function cookiesOf(resp, jar) {
  for (const c of resp.headers.getSetCookie()) {
    const [kv] = c.split(";");
    const i = kv.indexOf("=");
    jar.set(kv.slice(0, i), kv.slice(i + 1));
  }
}
const cookieHeader = (jar) => [...jar].filter(([, v]) => v).map(([k, v]) => `${k}=${v}`).join("; ");

async function signIn(username) {
  const jar = new Map();
  let r = await fetch(`${url}/dang-nhap`);
  cookiesOf(r, jar);
  const csrf = (await r.text()).match(/name="csrf" value="([^"]+)"/)[1];
  r = await fetch(`${url}/dang-nhap`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar) },
    body: new URLSearchParams({ username, password: "demo", csrf }),
  });
  if (r.status !== 303) throw new Error(`sign-in of ${username}: ${r.status}`);
  cookiesOf(r, jar);
  r = await fetch(`${url}/quay`, { headers: { cookie: cookieHeader(jar) } });
  const token = (await r.text()).match(/name="csrf-token" content="([^"]+)"/)[1];
  return { cookie: cookieHeader(jar), csrf: token };
}

async function json(path, init = {}) {
  const r = await fetch(`${url}${path}`, init);
  return { status: r.status, body: r.status === 204 ? null : await r.json() };
}

const pct = (sorted, p) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;

// Counters whose service takes tickets at any hour in the demo (18 of 20).
const { body: catalog } = await json("/api/v1/catalog", { headers: KIOSK });
const open = catalog.counters.filter((c) => !c.services.some((s) => ["vp-bao-hiem-xa-hoi", "vp-tra-ket-qua"].includes(s)));
const consoles = [];
for (let i = 0; i < CONSOLES; i++) {
  consoles.push({ counter: open[i % open.length], ...(await signIn("giamdoc")) });
}
// Enough tickets that every call finds someone.
let k = 0;
for (const c of consoles) {
  for (let j = 0; j < CALLS; j++) {
    const r = await json("/api/v1/tickets", {
      method: "POST",
      headers: { ...KIOSK, "content-type": "application/json", "idempotency-key": `bench-${Date.now()}-${k++}` },
      body: JSON.stringify({ service_id: c.counter.services[j % c.counter.services.length], kiosk_id: "bench" }),
    });
    if (r.status !== 201) throw new Error(`ticket: ${r.status} ${JSON.stringify(r.body)}`);
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--autoplay-policy=no-user-gesture-required", "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows"],
});
const boards = [];
for (let i = 0; i < BOARDS; i++) {
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await ctx.newPage();
  await page.goto(`${url}/bang-hien-thi?center=vp-tinh&token=demo-display`);
  await page.waitForFunction(() => window.__board && window.__board.connected === true, null, { timeout: 20000 });
  boards.push(page);
}
await sleep(1000);

// The consoles call, each every INTERVAL ms (± 20 %), all at once.
const sent = new Map();
const serverMs = [];
let empty = 0;
await Promise.all(consoles.map(async (c, i) => {
  await sleep((i * INTERVAL) / CONSOLES);
  for (let j = 0; j < CALLS; j++) {
    const t0 = Date.now();
    const r = await fetch(`${url}/api/v1/counters/${c.counter.id}/call-next`, {
      method: "POST", headers: { cookie: c.cookie, "x-csrf-token": c.csrf },
    });
    const t1 = Date.now();
    serverMs.push(t1 - t0);
    if (r.status === 200) sent.set((await r.json()).call_id, t0);
    else if (r.status === 204) empty++;
    else throw new Error(`call-next at ${c.counter.id}: ${r.status} ${await r.text()}`);
    await sleep(INTERVAL * (0.8 + 0.4 * Math.random()));
  }
}));
await sleep(2000);

const latencies = [];
let missing = 0;
for (const page of boards) {
  const events = await page.evaluate(() => window.__board.events);
  const shown = new Map(events.filter((e) => e.call_id).map((e) => [e.call_id, e.shown_at ?? e.received_at]));
  for (const [id, t0] of sent) {
    if (shown.has(id)) latencies.push(shown.get(id) - t0);
    else missing++;
  }
}
await browser.close();
latencies.sort((a, b) => a - b);
serverMs.sort((a, b) => a - b);
const result = {
  consoles: CONSOLES, boards: BOARDS, calls: sent.size, nobody_waiting: empty,
  board_ms: { p50: pct(latencies, 50), p90: pct(latencies, 90), p99: pct(latencies, 99), max: latencies.at(-1), samples: latencies.length, missing },
  call_next_ms: { p50: pct(serverMs, 50), p99: pct(serverMs, 99), max: serverMs.at(-1) },
};
console.log(JSON.stringify(result, null, 2));
if (missing > 0) {
  console.error(`${missing} (call, board) pairs never reached the board`);
  process.exit(1);
}
