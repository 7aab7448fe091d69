import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { installFakeDom } from "./fake-dom.mjs";
import { addLanguage, setLanguage } from "../js/i18n.js";
import { fleetView, installFleet, renderFleet, technicalBanners } from "../js/fleet.js";
import { t } from "../js/i18n.js";

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
addLanguage("vi", read("../i18n/vi.json"));
addLanguage("en", read("../i18n/en.json"));

const NOW = Date.parse("2026-11-30T02:00:00Z");
const notice = { text_vi: "Chiều nay nghỉ từ 15:00", text_en: null, until: "2026-11-30T08:00:00Z" };

test("the notice shows on the home screen only, in English when there is some", () => {
  setLanguage("vi");
  assert.equal(fleetView({ notice }, "home", NOW).notice, "Chiều nay nghỉ từ 15:00");
  assert.equal(fleetView({ notice }, "services", NOW).notice, null);
  setLanguage("en");
  assert.equal(fleetView({ notice }, "home", NOW).notice, "Chiều nay nghỉ từ 15:00", "no English: the Vietnamese");
  assert.equal(fleetView({ notice: { ...notice, text_en: "Closing at 15:00" } }, "home", NOW).notice, "Closing at 15:00");
  setLanguage("vi");
});

test("a notice past its until is not shown", () => {
  assert.equal(fleetView({ notice }, "home", Date.parse("2026-11-30T08:00:00Z")).notice, null);
  assert.equal(fleetView({ notice: { ...notice, until: null } }, "home", NOW).notice, "Chiều nay nghỉ từ 15:00");
});

test("maintenance covers every screen but a ticket being issued", () => {
  assert.equal(fleetView({ maintenance: true }, "home", NOW).maintenance, true);
  assert.equal(fleetView({ maintenance: true }, "lookup", NOW).maintenance, true);
  assert.equal(fleetView({ maintenance: true }, "ticket", NOW).maintenance, false);
  assert.equal(fleetView({ maintenance: false }, "home", NOW).maintenance, false);
  assert.equal(fleetView(null, "home", NOW).maintenance, false);
});

test("maintenance shows its calm message and says once that it began", () => {
  const doc = installFakeDom();
  setLanguage("vi");
  const main = doc.createElement("main");
  doc.body.append(main);
  installFleet(doc);
  const cover = doc.body.querySelector("[data-testid=maintenance]");
  assert.equal(cover.hidden, true);
  assert.equal(renderFleet({ maintenance: true }, "home", main), true);
  assert.equal(renderFleet({ maintenance: true }, "home", main), false, "told once");
  assert.equal(cover.hidden, false);
  assert.equal(cover.querySelector("[data-testid=maintenance-title]").textContent, "Máy đang bảo trì, mời ông/bà dùng máy bên cạnh");
  renderFleet({ maintenance: false }, "home", main);
  assert.equal(cover.hidden, true);
});

test("a store fault and a refused certificate each get a banner for the IT officer, in words", () => {
  setLanguage("vi");
  assert.deepEqual(technicalBanners({ online: true }), []);
  const store = { code: "store_corrupt", path: "/var/lib/motcua-kiosk/kiosk.db", kept_aside: "/var/lib/motcua-kiosk/kiosk.db.corrupt-20261130T011500Z" };
  const [b] = technicalBanners({ online: true, store });
  assert.equal(b.testid, "banner-store");
  const text = b.text.map((x) => t(x.key, x.vars)).join(" ");
  assert.match(text, /kiosk\.db\.corrupt-20261130T011500Z/);
  assert.match(text, /bị hỏng/);
  const ro = technicalBanners({ online: true, store: { code: "store_read_only", path: "/data/kiosk.db", waiting_in_file: 3 } })[0];
  assert.match(ro.text.map((x) => t(x.key, x.vars)).join(" "), /chỉ đọc.*Còn 3 phiếu/s);
  for (const code of ["store_corrupt", "store_read_only", "store_full", "store_unavailable"]) {
    assert.notEqual(t(`banner.${code}`), `banner.${code}`, code);
    assert.notEqual(t(`error.codes.${code}`), `error.codes.${code}`, code);
  }
  const cert = technicalBanners({ online: false, offline_reason: "server_certificate_untrusted" });
  assert.deepEqual(cert.map((x) => x.testid), ["banner-certificate"]);
  assert.deepEqual(technicalBanners({ online: false, offline_reason: "server_unreachable" }), []);
});
