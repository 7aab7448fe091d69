// The report page works without this script (it is all server-rendered);
// the script only refreshes today's panel every 30 s, shows the print
// button, and counts Content-Security-Policy violations into
// <html data-csp-violations> so the browser test can prove there are none.
// It is a classic script in <head> so the listener is there before the body.
(function () {
  "use strict";
  const root = document.documentElement;
  root.dataset.cspViolations = "0";
  document.addEventListener("securitypolicyviolation", (e) => {
    root.dataset.cspViolations = String(Number(root.dataset.cspViolations || "0") + 1);
    root.dataset.cspLast = `${e.violatedDirective} ${e.blockedURI}`;
  });

  const REFRESH_MS = 30000;

  async function refresh(panel) {
    const src = panel.dataset.src;
    if (!src) return;
    try {
      const resp = await fetch(src, { credentials: "same-origin", cache: "no-store" });
      if (!resp.ok) {
        panel.dataset.stale = "1";
        return;
      }
      panel.innerHTML = await resp.text();
      panel.dataset.stale = "0";
      panel.dataset.refreshed = String(Date.now());
    } catch {
      panel.dataset.stale = "1";
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const panel = document.getElementById("today");
    if (panel) setInterval(() => refresh(panel), REFRESH_MS);
    const print = document.querySelector(".r-print");
    if (print) {
      print.hidden = false;
      print.addEventListener("click", () => window.print());
    }
    root.dataset.ready = "1";
  });
})();
