import { test } from "node:test";
import assert from "node:assert/strict";

// A stand-in for Tauri that records what each command was sent.
const sent = [];
globalThis.__TAURI__ = {
  core: { invoke: async (cmd, args) => { sent.push({ cmd, args }); return null; } },
  event: { listen: async () => () => {} },
};

const { call } = await import("../js/api.js");
const { addLanguage, setLanguage } = await import("../js/i18n.js");
addLanguage("vi", {});
addLanguage("en", {});

test("commands that print carry the language on screen; the others do not", async () => {
  setLanguage("en");
  await call("take_ticket", { service_id: "s", priority: null });
  await call("reprint", { ticket_id: "B001" });
  await call("print_checklist", { id: "p" });
  setLanguage("vi");
  await call("print_dossier", { code: "c" });
  await call("collect_result", { code: "c" });
  await call("lookup", { text: "x" });
  assert.deepEqual(sent.map((s) => [s.cmd, s.args.lang]), [
    ["take_ticket", "en"],
    ["reprint", "en"],
    ["print_checklist", "en"],
    ["print_dossier", "vi"],
    ["collect_result", "vi"],
    ["lookup", undefined],
  ]);
  assert.equal(sent[0].args.service_id, "s");
});
