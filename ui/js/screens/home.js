// The home screen: one big "take a number" and five other choices.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { icon } from "../icons.js";

function tile(testid, iconName, title, desc, onclick, main = false) {
  return h(
    "button",
    { class: `tile${main ? " main" : ""}`, type: "button", testid, onclick },
    h("span", { class: "icon" }, icon(iconName)),
    h("span", { class: "label" }, h("span", { class: "title" }, title), h("span", { class: "desc" }, desc)),
  );
}

export function homeScreen(_params, ctx) {
  return [
    h("h1", { testid: "screen-title" }, t("home.title")),
    h(
      "div",
      { class: "home-grid", testid: "home" },
      tile("home-take", "ticket", t("home.take"), t("home.take_desc"), () => ctx.go("services"), true),
      tile("home-booking", "clock", t("home.booking"), t("home.booking_desc"), () => ctx.go("booking", { code: "" })),
      tile("home-collect", "result", t("home.collect"), t("home.collect_desc"), () => ctx.go("collect", { code: "" })),
      tile("home-lookup", "lookup", t("home.lookup"), t("home.lookup_desc"), () => ctx.go("lookup", { code: "" })),
      tile("home-procedures", "book", t("home.procedures"), t("home.procedures_desc"), () => ctx.go("procedures")),
      tile("home-rating", "smile", t("home.rating"), t("home.rating_desc"), () => ctx.go("rating", { code: "" })),
    ),
    h("p", { class: "row mt hint", testid: "home-scan-hint" }, icon("scan"), t("home.scan_hint")),
  ];
}
