// Pages instead of scrolling: an elderly citizen does not know that a touch
// screen scrolls. A pager shows as many items as fit the space its screen
// leaves it, and big "Trang trước / Trang sau" buttons with "1/3" when there
// are more. Pages are cut by measuring the real layout, so they follow the
// window size, the language and the large-text switch.

import { h } from "./dom.js";
import { icon } from "./icons.js";
import { t } from "./i18n.js";

/** Every pager on the page lays itself out again (window size, large text). */
export function relayoutPagers() {
  window.dispatchEvent(new Event("kiosk:relayout"));
}

/**
 * `items` (DOM nodes, made once with their handlers) in a box of class `cls`
 * that takes the rest of its screen's height. The page shown is kept in
 * `state[key]` (its first item) so a redraw (language switch) stays on it.
 */
export function pager(items, { testid, cls = "list", state = {}, key = "page" } = {}) {
  // "columns": blocks flow down the first column, then the second (one column
  // on a portrait screen), then on to the next page; no block is ever split.
  const columns = cls.split(" ").includes("columns");
  const body = h("div", { class: `pager-body ${cls}`, testid });
  const count = h("span", { class: "pager-count", testid: `${testid}-page`, "aria-live": "polite" });
  const prev = h("button", { class: "btn pager-prev", type: "button", testid: `${testid}-prev` });
  const next = h("button", { class: "btn primary pager-next", type: "button", testid: `${testid}-next` });
  const nav = h("div", { class: "pager-nav", hidden: true }, prev, count, next);
  const root = h("div", { class: "pager" }, body, nav);
  /** Each page: the [start, end) of each of its columns. */
  let pages = [[[0, items.length]]];
  let cols = [body];
  let current = 0;

  // Rows that overflow the height, or (with CSS columns) columns that overflow the width.
  const fits = (box = body) => box.scrollHeight <= box.clientHeight + 1 && box.scrollWidth <= box.clientWidth + 1;
  const first = (page) => page[0][0];

  const place = (page) => {
    if (cols.length === 1) body.replaceChildren(...items.slice(page[0][0], page[0][1]));
    else cols.forEach((col, c) => col.replaceChildren(...(page[c] ? items.slice(page[c][0], page[c][1]) : [])));
  };

  const show = (i) => {
    const page = Math.max(0, Math.min(i, pages.length - 1));
    current = page;
    // The first item shown: a redraw with other page sizes keeps it in view.
    state[key] = first(pages[page]);
    place(pages[page]);
    nav.hidden = pages.length < 2;
    prev.disabled = page === 0;
    next.disabled = page === pages.length - 1;
    prev.replaceChildren(icon("back"), t("pager.prev"));
    next.replaceChildren(t("pager.next"), icon("next"));
    count.textContent = `${page + 1}/${pages.length}`;
    count.setAttribute("aria-label", t("pager.position", { page: page + 1, pages: pages.length }));
    root.dataset.page = String(page + 1);
    root.dataset.pages = String(pages.length);
  };

  const layout = () => {
    if (!root.isConnected) {
      window.removeEventListener("kiosk:relayout", layout);
      window.removeEventListener("resize", layout);
      return;
    }
    const keep = state[key] ?? 0;
    const k = columns && !window.matchMedia("(orientation: portrait)").matches ? 2 : 1;
    cols = k === 1 ? [body] : Array.from({ length: k }, () => h("div", { class: "pager-col" }));
    body.classList.toggle("pager-cols", k > 1);
    if (k > 1) body.replaceChildren(...cols);
    const fill = () => {
      const out = [];
      let start = 0;
      while (start < items.length) {
        const page = [];
        for (const col of cols) col.replaceChildren();
        for (const col of cols) {
          if (start >= items.length) break;
          let end = start;
          while (end < items.length) {
            col.append(items[end]);
            // A block too tall for any column still gets the first column of a page.
            if (!fits(col) && (end > start || page.length > 0)) {
              items[end].remove();
              break;
            }
            end += 1;
          }
          page.push([start, end]);
          start = end;
        }
        out.push(page);
      }
      return out;
    };
    // Without the page buttons first; with them (they take room) when it needs pages.
    nav.hidden = true;
    pages = fill();
    if (pages.length > 1) {
      nav.hidden = false;
      pages = fill();
    }
    // Stay on the page that holds the first item shown before.
    const page = pages.findIndex((p) => keep >= first(p) && keep < p[p.length - 1][1]);
    show(page < 0 ? 0 : page);
  };

  prev.addEventListener("click", () => show(current - 1));
  next.addEventListener("click", () => show(current + 1));
  window.addEventListener("kiosk:relayout", layout);
  window.addEventListener("resize", layout);
  // Before the next paint: the page is in the document by then.
  requestAnimationFrame(layout);
  root.relayout = layout;
  body.replaceChildren(...items);
  return root;
}
