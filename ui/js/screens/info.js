// Procedure information: agencies → fields → procedures, search, detail with
// the documents to bring and "print checklist".

import { h } from "../dom.js";
import { localName, t } from "../i18n.js";
import { icon } from "../icons.js";
import { errorCard, errorInline, heading, loading, printAction, withCatalog } from "./common.js";
import { agencyTiles } from "./take.js";
import { pager } from "../pager.js";

export function proceduresScreen(params, ctx) {
  return [
    ...heading(t("procedures.title"), t("procedures.lead")),
    h(
      "div",
      { class: "row" },
      h("button", { class: "btn primary big", type: "button", testid: "procedures-search", onclick: () => ctx.go("search", { mode: "info", text: "" }) }, icon("search"), t("take.search")),
    ),
    h("h2", {}, t("agency.title")),
    withCatalog(ctx, params, (catalog) => agencyTiles(catalog, "info", ctx, params)),
  ];
}

export function fieldProceduresScreen(params, ctx) {
  return withCatalog(ctx, params, (catalog) => {
    const field = catalog.fields.find((f) => f.id === params.fieldId);
    const procedures = catalog.procedures.filter((p) => p.field === params.fieldId);
    return [
      ...heading(t("agency.procedures_title"), field ? localName(field) : null),
      pager(
        procedures.map((p) =>
          h(
            "button",
            { class: "tile", type: "button", testid: `procedure-${p.id}`, onclick: () => ctx.go("procedure", { id: p.id }) },
            h("span", { class: "icon" }, icon("book")),
            h("span", { class: "label" }, h("span", { class: "title" }, localName(p))),
          ),
        ),
        { testid: "procedure-list", cls: "list", state: params },
      ),
    ];
  });
}

const FORMS = new Set(["original", "copy", "certified_copy", "original_or_copy"]);

export function procedureScreen(params, ctx) {
  if (params.error) return errorCard(params.error, ctx, { retry: () => { params.error = null; ctx.render(); } });
  if (!params.info) {
    ctx.call("procedure", { id: params.id }).then(
      (info) => { params.info = info; ctx.render(); },
      (err) => { params.error = err; ctx.render(); },
    );
    return loading();
  }
  const { procedure: p, field_name, agency_name, service_id } = params.info;
  const printChecklist = printAction(ctx, params, "print_checklist", { id: p.id });
  const docs = (p.documents ?? []).map((d, i) =>
    h(
      "div",
      { class: "doc" },
      h("span", { class: "doc-n" }, `${i + 1}.`),
      h("span", {}, h("b", {}, d.name), " — ", FORMS.has(d.form) ? t(`procedures.form.${d.form}`) : d.form, ", ", t("procedures.count", { n: d.count })),
    ),
  );
  const blocks = [
    h(
      "div",
      { class: "actions" },
      h(
        "div",
        { class: "row" },
        h("button", { class: "btn primary", type: "button", testid: "procedure-print", onclick: (e) => printChecklist(e.currentTarget) }, icon("printer"), t("procedures.print")),
        service_id
          ? h("button", { class: "btn primary", type: "button", testid: "procedure-take", onclick: () => ctx.go("priority", { serviceId: service_id }) }, icon("ticket"), t("procedures.take"))
          : null,
      ),
      params.print ? h("p", { class: "status-ok", testid: "procedure-printed" }, t("procedures.printed")) : null,
      params.printError ? errorInline(params.printError) : null,
    ),
    ...docs.map((d, i) => (i === 0 ? h("div", { class: "doc-first" }, h("h2", {}, t("procedures.documents")), d) : d)),
    h(
      "dl",
      { class: "facts card" },
      h("dt", {}, t("procedures.fee")), h("dd", {}, p.fee),
      h("dt", {}, t("procedures.days")), h("dd", {}, t("procedures.days_value", { n: p.processing_days })),
      h("dt", {}, t("procedures.submit_at")), h("dd", {}, p.submit_at),
      h("dt", {}, t("procedures.legal")), h("dd", {}, p.legal_basis),
    ),
  ];
  return h(
    "div",
    { class: "screen-col", testid: "procedure", dataset: { id: p.id } },
    h("h1", { testid: "screen-title", class: "clamp2" }, localName(p)),
    h("p", { class: "lead" }, [agency_name, field_name].filter(Boolean).join(" · ")),
    pager(blocks, { testid: "procedure-documents", cls: "columns", state: params }),
  );
}
