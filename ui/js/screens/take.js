// Take a number: services as big tiles, search, by agency; then priority.

import { h } from "../dom.js";
import { localName, t } from "../i18n.js";
import { icon } from "../icons.js";
import { inputDisplay, textKeyboard } from "../keyboard.js";
import { highlight, rerankByDiacritics } from "../normalise.js";
import { pager } from "../pager.js";
import { heading, issue, withCatalog } from "./common.js";

function waitingFor(ctx, serviceId) {
  const q = (ctx.state.queues ?? []).find((x) => x.service_id === serviceId);
  return q ? q.waiting : null;
}

function serviceTile(ctx, s) {
  const waiting = waitingFor(ctx, s.id);
  return h(
    "button",
    { class: "tile", type: "button", testid: `service-${s.id}`, onclick: () => ctx.go("priority", { serviceId: s.id }) },
    h("span", { class: "letter" }, s.letter),
    h(
      "span",
      { class: "label" },
      h("span", { class: "title" }, localName(s)),
      h(
        "span",
        { class: "meta" },
        t("take.area", { area: s.area }),
        h("span", { testid: `waiting-${s.id}`, dataset: { waitingFor: s.id } }, waiting !== null ? ` · ${t("take.waiting", { n: waiting })}` : ""),
      ),
    ),
  );
}

export function servicesScreen(params, ctx) {
  return [
    ...heading(t("take.title"), t("take.lead")),
    withCatalog(ctx, params, (catalog) =>
      pager(catalog.services.filter((s) => s.kind === "submit").map((s) => serviceTile(ctx, s)), { testid: "services", cls: "tiles", state: params }),
    ),
    // Always in view, whatever page of services is shown.
    h(
      "div",
      { class: "row take-options" },
      h("button", { class: "btn", type: "button", testid: "take-search", onclick: () => ctx.go("search", { mode: "take", text: "" }) }, icon("search"), t("take.search")),
      h("button", { class: "btn", type: "button", testid: "take-agency", onclick: () => ctx.go("agencies", { mode: "take" }) }, icon("building"), t("take.by_agency")),
      h("span", { class: "hint" }, t("take.unsure")),
    ),
  ];
}

const PRIORITY_ICONS = [
  ["cao-tuoi", "elderly"],
  ["khuyet-tat", "disabled"],
  ["mang-thai", "family"],
  ["con-nho", "family"],
  ["co-cong", "medal"],
];

function priorityIcon(id) {
  return PRIORITY_ICONS.find(([k]) => id.includes(k))?.[1] ?? "person";
}

export function priorityScreen(params, ctx) {
  const take = (priority) =>
    issue(ctx, () => ctx.call("take_ticket", { service_id: params.serviceId, priority }));
  return [
    ...heading(t("priority.title"), t("priority.lead")),
    withCatalog(ctx, params, (catalog) =>
      pager(
        [
        h(
          "button",
          { class: "tile main wide", type: "button", testid: "priority-none", onclick: () => take(null) },
          h("span", { class: "icon" }, icon("ticket")),
          h("span", { class: "label" }, h("span", { class: "title" }, t("priority.none")), h("span", { class: "desc" }, t("priority.none_desc"))),
        ),
        ...catalog.priority_categories
          .filter((p) => !catalog.center || p.center === catalog.center.id)
          .map((p) =>
            h(
              "button",
              { class: "tile", type: "button", testid: `priority-${p.id}`, onclick: () => take(p.id) },
              h("span", { class: "icon" }, icon(priorityIcon(p.id))),
              h("span", { class: "label" }, h("span", { class: "title" }, localName(p))),
            ),
          ),
        ],
        { testid: "priority", cls: "grid2", state: params },
      ),
    ),
  ];
}

function highlighted(text, query) {
  return highlight(text, query).map((r) => (r.hit ? h("mark", {}, r.text) : r.text));
}

const KIND_ICON = { procedure: "book", field: "list", agency: "building" };

function hitsHint(params) {
  return params.hits?.length ? t("search.results") : t("search.hint");
}

/** Search with the on-screen keyboard; `mode` is "take" or "info". */
export function searchScreen(params, ctx) {
  const results = h("div", { class: "search-results", testid: "search-results" });
  const hint = h("p", { class: "hint", testid: "search-hint" });
  let display = inputDisplay(params.text, t("search.placeholder"), "search-input");
  let timer = null;

  const pick = (hit) => {
    if (params.mode === "take") {
      if (hit.service_id) ctx.go("priority", { serviceId: hit.service_id });
      else if (hit.kind === "agency") ctx.go("fields", { mode: "take", agencyId: hit.id });
      else { params.note = t("search.no_queue"); drawResults(); }
    } else if (hit.kind === "procedure") ctx.go("procedure", { id: hit.id });
    else if (hit.kind === "field") ctx.go("fieldProcedures", { fieldId: hit.id });
    else ctx.go("fields", { mode: "info", agencyId: hit.id });
  };

  const drawResults = () => {
    const hits = params.hits ?? [];
    const tiles = hits.slice(0, 12).map((hit, i) =>
        h(
          "button",
          { class: "tile", type: "button", testid: `search-hit-${i}`, dataset: { kind: hit.kind, id: hit.id }, onclick: () => pick(hit) },
          h("span", { class: "icon" }, icon(KIND_ICON[hit.kind] ?? "book")),
          h(
            "span",
            { class: "label" },
            h("span", { class: "meta" }, t(`search.kind_${hit.kind}`)),
            h("span", { class: "title" }, highlighted(localName(hit), params.text)),
          ),
        ),
      );
    hint.textContent = hitsHint(params);
    results.replaceChildren(
      ...(params.note ? [h("p", { class: "card", testid: "search-note" }, params.note)] : []),
      ...(params.text.trim() && params.hits && !hits.length ? [h("p", { class: "hint", testid: "search-none" }, t("search.none"))] : []),
      ...(hits.length ? [pager(tiles, { testid: "search-hits", cls: "list", state: params, key: "hitsPage" })] : []),
    );
  };

  const runSearch = () => {
    const text = params.text;
    if (!text.trim()) { params.hits = null; drawResults(); return; }
    ctx.call("search", { text }).then(
      (hits) => {
        if (params.text !== text) return;
        params.hits = rerankByDiacritics(hits, text);
        params.hitsPage = 0;
        params.note = null;
        drawResults();
      },
      () => { params.hits = []; drawResults(); },
    );
  };

  const onChange = (v) => {
    params.text = v;
    const next = inputDisplay(v, t("search.placeholder"), "search-input");
    display.replaceWith(next);
    display = next;
    clearTimeout(timer);
    timer = setTimeout(runSearch, 200);
  };

  drawResults();
  if (params.text && !params.hits) runSearch();
  const head = h("div", { class: "search-head" }, icon("search"), display);
  return [
    head,
    h("div", { class: "search-body" }, h("div", { class: "screen-col search-side" }, hint, results), textKeyboard({ getValue: () => params.text, onChange, onEnter: runSearch })),
  ];
}

/** The center's agencies as big tiles, each leading to its fields (mode take|info). */
export function agencyTiles(catalog, mode, ctx, state) {
  return pager(
    catalog.agencies
      .filter((a) => !catalog.center || a.center === catalog.center.id)
      .map((a) =>
        h(
          "button",
          { class: "tile", type: "button", testid: `agency-${a.id}`, onclick: () => ctx.go("fields", { mode, agencyId: a.id }) },
          h("span", { class: "icon" }, icon("building")),
          h("span", { class: "label" }, h("span", { class: "title" }, localName(a))),
        ),
      ),
    { testid: "agencies", cls: "list", state },
  );
}

/** Agencies (mode take|info) → fields. */
export function agenciesScreen(params, ctx) {
  return [...heading(t("agency.title")), withCatalog(ctx, params, (catalog) => agencyTiles(catalog, params.mode, ctx, params))];
}

export function fieldsScreen(params, ctx) {
  return withCatalog(ctx, params, (catalog) => {
    const agency = catalog.agencies.find((a) => a.id === params.agencyId);
    const fields = catalog.fields.filter((f) => f.agency === params.agencyId);
    const serviceFor = (f) => catalog.services.find((s) => s.kind === "submit" && (s.fields ?? []).includes(f.id));
    return [
      ...heading(t("agency.fields_title"), agency ? localName(agency) : null),
      pager(
        fields.map((f) => {
          const s = serviceFor(f);
          const onclick = () => {
            if (params.mode === "info") ctx.go("fieldProcedures", { fieldId: f.id });
            else if (s) ctx.go("priority", { serviceId: s.id });
          };
          return h(
            "button",
            { class: "tile", type: "button", testid: `field-${f.id}`, onclick, disabled: params.mode === "take" && !s },
            s && params.mode === "take" ? h("span", { class: "letter" }, s.letter) : h("span", { class: "icon" }, icon("list")),
            h(
              "span",
              { class: "label" },
              h("span", { class: "title" }, localName(f)),
              params.mode === "take" ? h("span", { class: "meta" }, s ? t("take.area", { area: s.area }) : t("search.no_queue")) : null,
            ),
          );
        }),
        { testid: "fields", cls: "list", state: params },
      ),
    ];
  });
}
