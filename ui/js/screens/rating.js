// Rating: tied to a scanned ticket (or a dossier code), three big faces and
// an optional comment typed on the Vietnamese keyboard.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { icon } from "../icons.js";
import { codeKeyboard, inputDisplay, textKeyboard } from "../keyboard.js";
import { errorInline, heading, loading } from "./common.js";
import { looksLikeIdCard, scanLookup } from "./dossier.js";

const FACES = [
  { score: 3, key: "good", icon: "faceGood", testid: "rate-3" },
  { score: 2, key: "ok", icon: "faceOk", testid: "rate-2" },
  { score: 1, key: "bad", icon: "faceBad", testid: "rate-1" },
];

/** Finds what the citizen scanned or typed: a ticket or a dossier. */
async function identify(text, params, ctx) {
  // A chip ID card lists its holder's dossiers, as anywhere a scan is accepted; its text is never kept here.
  if (looksLikeIdCard(text)) {
    scanLookup(text, ctx);
    return;
  }
  params.busy = true;
  params.error = null;
  ctx.render();
  try {
    const result = await ctx.call("lookup", { text });
    params.target = result.kind === "ticket"
      ? { ticket_token: result.ticket.token, number: result.ticket.number }
      : { dossier_code: result.dossier.code };
  } catch (err) {
    params.error = err;
  }
  params.busy = false;
  ctx.render();
}

function chooseTarget(params, ctx) {
  let display = inputDisplay(params.code, t("lookup.placeholder"), "code-input");
  ctx.onScan((text) => identify(text, params, ctx));
  return [
    h(
      "div",
      { class: "title-row" },
      h("span", { class: "scan-art" }, icon("scan")),
      h("div", {}, h("h1", { testid: "screen-title" }, t("rating.title")), h("p", { class: "lead" }, t("rating.lead"))),
    ),
    display,
    params.busy ? loading() : null,
    params.error ? errorInline(params.error) : null,
    codeKeyboard({
      getValue: () => params.code ?? "",
      onChange: (v) => {
        params.code = v;
        const next = inputDisplay(v, t("lookup.placeholder"), "code-input");
        display.replaceWith(next);
        display = next;
      },
      onEnter: (v) => v.trim() && identify(v, params, ctx),
      enterLabel: t("keyboard.done"),
    }),
  ];
}

export function ratingScreen(params, ctx) {
  if (!params.target) return chooseTarget(params, ctx);
  const target = params.target;
  const send = async (btn) => {
    btn.disabled = true;
    const rating = {
      ticket_token: target.ticket_token ?? null,
      dossier_code: target.dossier_code ?? null,
      score: params.score,
      comment: params.comment?.trim() ? params.comment.trim() : null,
    };
    try {
      await ctx.call("rate", { rating });
      ctx.go("thanks", {}, { replace: true });
    } catch (err) {
      params.error = err;
      ctx.render();
    }
  };
  let display = inputDisplay(params.comment ?? "", t("rating.comment_placeholder"), "rating-comment");
  return [
    ...heading(t("rating.question"), target.number ? t("rating.for_ticket", { number: target.number }) : t("rating.for_dossier", { code: target.dossier_code })),
    h(
      "div",
      { class: "faces", testid: "rating-faces" },
      FACES.map((f) =>
        h(
          "button",
          { class: `face ${f.key}`, type: "button", testid: f.testid, "aria-pressed": String(params.score === f.score), onclick: () => { params.score = f.score; ctx.render(); } },
          icon(f.icon),
          t(`rating.${f.key}`),
        ),
      ),
    ),
    params.error ? errorInline(params.error) : null,
    params.score
      ? h(
          "div",
          { class: "mt" },
          params.writing
            ? [
                h("h2", {}, t("rating.comment")),
                display,
                textKeyboard({
                  getValue: () => params.comment ?? "",
                  onChange: (v) => {
                    params.comment = v;
                    const next = inputDisplay(v, t("rating.comment_placeholder"), "rating-comment");
                    display.replaceWith(next);
                    display = next;
                  },
                  onEnter: () => {},
                  enterLabel: t("rating.send"),
                }),
              ]
            : null,
          h(
            "div",
            { class: "row end mt" },
            params.writing ? null : h("button", { class: "btn", type: "button", testid: "rating-add-comment", onclick: () => { params.writing = true; ctx.render(); } }, t("rating.add_comment")),
            h("button", { class: "btn primary big", type: "button", testid: "rating-send", onclick: (e) => send(e.currentTarget) }, params.comment?.trim() ? t("rating.send") : t("rating.send_no_comment")),
          ),
        )
      : null,
  ];
}

export function thanksScreen(_params, ctx) {
  setTimeout(() => { if (ctx.state.route.name === "thanks") ctx.home({ reset: true }); }, 8000);
  return h(
    "div",
    { class: "card center", testid: "thanks" },
    h("div", { class: "status-big status-ok row" }, icon("check"), t("rating.thanks")),
    h("p", { class: "lead" }, t("rating.thanks_note")),
    h("button", { class: "btn primary big", type: "button", testid: "thanks-home", onclick: () => ctx.home({ reset: true }) }, icon("home"), t("common.home")),
  );
}
