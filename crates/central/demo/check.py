#!/usr/bin/env python3
"""Validate a Một Cửa catalog file (format 1, docs/catalog-format.md) and the demo data rules.

Usage: python3 check.py [path/to/catalog.toml]     (default: vinh-phuc.toml beside this script)

Standard library only (Python 3.11+: tomllib). Prints a summary, every error with its place
(e.g. `services[3].fields[1]: unknown field "xd-ha-tang"`), and exits 1 if there is any error.

Two groups of checks:
  * format rules that hold for any catalog (ids, references, letters, forms, hours, statuses, NFC…);
  * demo rules for vinh-phuc.toml (required special services, IPA desk, counts, dossier coverage).
    Skip them with --format-only when checking another center's catalog.
"""
from __future__ import annotations

import re
import sys
import tomllib
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
LETTER_RE = re.compile(r"^[A-Z]{1,2}$")
CODE_RE = re.compile(r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}-[0-9]{6}-[0-9]{4}$")
PROC_CODE_RE = re.compile(r"^[0-9]\.[0-9]{6}$")
HHMM_RE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
FORMS = {"original", "copy", "certified_copy", "original_or_copy"}
KINDS = {"submit", "collect"}
STATUS_NAMES = {
    1: "Mới đăng ký", 2: "Được tiếp nhận", 3: "Không được tiếp nhận", 4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ", 6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ", 8: "Dừng xử lý", 9: "Đã xử lý xong", 10: "Đã trả kết quả",
}
OVERDUE_STATUSES = {2, 4, 5, 6}

# key -> (required, type); types: str, int, list, bool
SCHEMA = {
    "centers": {"id": (1, str), "name": (1, str), "name_en": (0, str), "level": (1, str), "parent": (0, str),
                "time_zone": (1, str), "address": (0, str), "hotline": (0, str), "website": (0, str),
                "priority_streak_limit": (0, int)},
    "priority_categories": {"center": (1, str), "id": (1, str), "name": (1, str), "name_en": (0, str)},
    "agencies": {"center": (1, str), "id": (1, str), "name": (1, str), "name_en": (0, str),
                 "on_behalf_of": (0, list)},
    "fields": {"id": (1, str), "agency": (1, str), "name": (1, str), "name_en": (0, str)},
    "procedures": {"id": (1, str), "code": (0, str), "field": (1, str), "name": (1, str), "name_en": (0, str),
                   "fee": (1, str), "fee_vnd": (0, int), "processing_days": (1, int), "submit_at": (1, str),
                   "legal_basis": (0, str), "documents": (1, list)},
    "services": {"center": (1, str), "id": (1, str), "letter": (1, str), "name": (1, str), "name_en": (0, str),
                 "kind": (1, str), "area": (1, str), "fields": (1, list), "procedures": (0, list),
                 "daily_cap": (0, int), "avg_service_s": (1, int), "hours": (0, list)},
    "counters": {"center": (1, str), "id": (1, str), "number": (1, int), "name": (1, str), "name_en": (0, str),
                 "services": (1, list)},
    "dossiers": {"center": (1, str), "code": (1, str), "procedure": (1, str), "applicant_name": (1, str),
                 "status": (1, int), "received_days_ago": (1, int), "due_in_days": (1, int),
                 "collect_at": (0, str), "history": (0, list)},
}
SUB_SCHEMA = {
    "documents": {"name": (1, str), "form": (1, str), "count": (1, int)},
    "hours": {"days": (1, list), "open": (1, str), "close": (1, str)},
    "history": {"days_ago": (1, int), "status": (1, int), "unit": (1, str), "actor": (0, str), "note": (0, str)},
}
KINDS_OF_TABLES = list(SCHEMA)

# Demo rules (vinh-phuc.toml)
PROVINCE = "vp-tinh"
DISTRICTS = ["vp-vinh-yen", "vp-yen-lac", "vp-tam-dao"]
IPA = "ipa-vinh-phuc"
IPA_BODIES = 9
COLLECT_ID, COLLECT_LETTER = "vp-tra-ket-qua", "K"
HOURS_ID = "vp-bao-hiem-xa-hoi"
CAP_ID, CAP = "vp-ly-lich-tu-phap", 60
OFFICE_HOURS = [
    (("mon", "tue", "wed", "thu", "fri"), "07:30", "11:30"),
    (("mon", "tue", "wed", "thu", "fri"), "13:30", "17:00"),
    (("sat",), "07:30", "11:30"),
]
# Letters that only Vietnamese uses: an *_en text holding one is probably untranslated.
VI_ONLY = set("ăâđêôơưĂÂĐÊÔƠƯ") | {chr(c) for c in range(0x1EA0, 0x1EFA)}


class Checker:
    def __init__(self, data: dict):
        self.d = data
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def err(self, place: str, msg: str) -> None:
        self.errors.append(f"{place}: {msg}")

    def warn(self, place: str, msg: str) -> None:
        self.warnings.append(f"{place}: {msg}")

    def rows(self, kind: str) -> list[dict]:
        v = self.d.get(kind, [])
        return v if isinstance(v, list) else []

    # ------------------------------------------------------------ shapes
    def check_shape(self) -> None:
        if self.d.get("format") != 1:
            self.err("format", f"must be 1, found {self.d.get('format')!r}")
        for k, v in self.d.items():
            if k == "format":
                continue
            if k not in SCHEMA:
                self.err(k, "unknown top-level key")
            elif not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
                self.err(k, "must be an array of tables ([[" + k + "]])")
        for kind, schema in SCHEMA.items():
            for i, row in enumerate(self.rows(kind)):
                self._check_keys(f"{kind}[{i}]", row, schema)
                for sub, subschema in SUB_SCHEMA.items():
                    if sub in row and sub in schema and isinstance(row[sub], list):
                        for j, x in enumerate(row[sub]):
                            if not isinstance(x, dict):
                                self.err(f"{kind}[{i}].{sub}[{j}]", "must be an inline table")
                            else:
                                self._check_keys(f"{kind}[{i}].{sub}[{j}]", x, subschema)

    def _check_keys(self, place: str, row: dict, schema: dict) -> None:
        for k in row:
            if k not in schema:
                self.err(place, f"unknown key {k!r}")
        for k, (req, typ) in schema.items():
            if k not in row:
                if req:
                    self.err(place, f"missing required key {k!r}")
                continue
            v = row[k]
            if typ is int and (isinstance(v, bool) or not isinstance(v, int)):
                self.err(f"{place}.{k}", f"must be an integer, found {v!r}")
            elif typ is not int and not isinstance(v, typ):
                self.err(f"{place}.{k}", f"must be {typ.__name__}, found {type(v).__name__}")
            elif typ is str and not v.strip():
                self.err(f"{place}.{k}", "must not be empty")

    # ------------------------------------------------------------ text
    def check_text(self) -> None:
        def walk(place: str, v) -> None:
            if isinstance(v, str):
                if not unicodedata.is_normalized("NFC", v):
                    self.err(place, "text is not NFC-normalised")
                if v != v.strip():
                    self.warn(place, "leading or trailing whitespace")
                if place.endswith("_en") and any(ch in VI_ONLY for ch in v):
                    self.warn(place, f"English text holds Vietnamese letters: {v!r}")
            elif isinstance(v, list):
                for i, x in enumerate(v):
                    walk(f"{place}[{i}]", x)
            elif isinstance(v, dict):
                for k, x in v.items():
                    walk(f"{place}.{k}" if place else k, x)
        walk("", self.d)

    # ------------------------------------------------------------ ids and references
    def check_refs(self) -> None:
        self.by: dict[str, dict[str, dict]] = {}
        for kind in ["centers", "priority_categories", "agencies", "fields", "procedures", "services", "counters"]:
            seen: dict[str, dict] = {}
            for i, row in enumerate(self.rows(kind)):
                rid = row.get("id")
                if not isinstance(rid, str):
                    continue
                if not ID_RE.match(rid):
                    self.err(f"{kind}[{i}].id", f"{rid!r} does not match [a-z0-9][a-z0-9-]{{0,63}}")
                if rid in seen:
                    self.err(f"{kind}[{i}].id", f"duplicate {kind} id {rid!r}")
                seen[rid] = row
            self.by[kind] = seen
        C, A, F, P, S = (self.by[k] for k in ["centers", "agencies", "fields", "procedures", "services"])

        # centers
        for i, c in enumerate(self.rows("centers")):
            p = c.get("parent")
            if p is not None:
                if p not in C:
                    self.err(f"centers[{i}].parent", f"unknown center {p!r}")
                elif p == c.get("id"):
                    self.err(f"centers[{i}].parent", "a center cannot be its own parent")
            tz = c.get("time_zone")
            if isinstance(tz, str):
                try:
                    import zoneinfo
                    zoneinfo.ZoneInfo(tz)
                except Exception:
                    if not re.match(r"^[A-Za-z_]+(/[A-Za-z0-9_+-]+)+$", tz):
                        self.err(f"centers[{i}].time_zone", f"{tz!r} is not an IANA time zone name")
            lim = c.get("priority_streak_limit")
            if isinstance(lim, int) and lim < 1:
                self.err(f"centers[{i}].priority_streak_limit", "must be at least 1")
        # parent cycles
        for cid in C:
            seen, cur = set(), cid
            while cur in C and C[cur].get("parent") is not None:
                if cur in seen:
                    self.err(f"centers.{cid}", "parent chain has a cycle")
                    break
                seen.add(cur)
                cur = C[cur]["parent"]

        for i, r in enumerate(self.rows("priority_categories")):
            if r.get("center") not in C:
                self.err(f"priority_categories[{i}].center", f"unknown center {r.get('center')!r}")

        # agencies
        self.center_of_agency = {}
        for i, a in enumerate(self.rows("agencies")):
            if a.get("center") not in C:
                self.err(f"agencies[{i}].center", f"unknown center {a.get('center')!r}")
            self.center_of_agency[a.get("id")] = a.get("center")
        for i, a in enumerate(self.rows("agencies")):
            obo = a.get("on_behalf_of", [])
            if not isinstance(obo, list):
                continue
            if len(set(map(str, obo))) != len(obo):
                self.err(f"agencies[{i}].on_behalf_of", "lists an agency twice")
            for j, x in enumerate(obo):
                if x not in A:
                    self.err(f"agencies[{i}].on_behalf_of[{j}]", f"unknown agency {x!r}")
                elif x == a.get("id"):
                    self.err(f"agencies[{i}].on_behalf_of[{j}]", "an agency cannot act on its own behalf")
                elif A[x].get("center") != a.get("center"):
                    self.err(f"agencies[{i}].on_behalf_of[{j}]", f"agency {x!r} belongs to another center")

        # fields and procedures
        self.center_of_field = {}
        for i, f in enumerate(self.rows("fields")):
            if f.get("agency") not in A:
                self.err(f"fields[{i}].agency", f"unknown agency {f.get('agency')!r}")
            self.center_of_field[f.get("id")] = self.center_of_agency.get(f.get("agency"))
        self.center_of_proc = {}
        for i, p in enumerate(self.rows("procedures")):
            place = f"procedures[{i}]"
            if p.get("field") not in F:
                self.err(f"{place}.field", f"unknown field {p.get('field')!r}")
            self.center_of_proc[p.get("id")] = self.center_of_field.get(p.get("field"))
            code = p.get("code")
            if isinstance(code, str) and not PROC_CODE_RE.match(code):
                self.err(f"{place}.code", f"{code!r} is not a national procedure code like 1.001193")
            if isinstance(p.get("processing_days"), int) and p["processing_days"] < 0:
                self.err(f"{place}.processing_days", "must not be negative")
            fv = p.get("fee_vnd")
            if isinstance(fv, int) and fv < 0:
                self.err(f"{place}.fee_vnd", "must not be negative")
            if fv == 0 and isinstance(p.get("fee"), str) and "Không thu" not in p["fee"] and "Miễn" not in p["fee"]:
                self.warn(f"{place}.fee", "fee_vnd is 0 but the text does not say it is free")
            docs = p.get("documents")
            if isinstance(docs, list):
                if not docs:
                    self.err(f"{place}.documents", "must list at least one document")
                for j, dcm in enumerate(docs):
                    if not isinstance(dcm, dict):
                        continue
                    if dcm.get("form") not in FORMS:
                        self.err(f"{place}.documents[{j}].form",
                                 f"{dcm.get('form')!r} is not one of {', '.join(sorted(FORMS))}")
                    if isinstance(dcm.get("count"), int) and dcm["count"] < 1:
                        self.err(f"{place}.documents[{j}].count", "must be at least 1")

        # services
        letters = defaultdict(dict)
        for i, s in enumerate(self.rows("services")):
            place = f"services[{i}]"
            c = s.get("center")
            if c not in C:
                self.err(f"{place}.center", f"unknown center {c!r}")
            lt = s.get("letter")
            if isinstance(lt, str):
                if not LETTER_RE.match(lt):
                    self.err(f"{place}.letter", f"{lt!r} must be 1 or 2 capital letters A-Z")
                elif lt in letters[c]:
                    self.err(f"{place}.letter", f"letter {lt!r} already used by service {letters[c][lt]!r} in {c!r}")
                else:
                    letters[c][lt] = s.get("id")
            if s.get("kind") not in KINDS:
                self.err(f"{place}.kind", f"{s.get('kind')!r} must be submit or collect")
            for key, table, owner in (("fields", F, self.center_of_field), ("procedures", P, self.center_of_proc)):
                lst = s.get(key, [])
                if not isinstance(lst, list):
                    continue
                if len(set(map(str, lst))) != len(lst):
                    self.err(f"{place}.{key}", "lists an entry twice")
                for j, x in enumerate(lst):
                    if x not in table:
                        self.err(f"{place}.{key}[{j}]", f"unknown {key[:-1]} {x!r}")
                    elif owner.get(x) != c:
                        self.err(f"{place}.{key}[{j}]", f"{key[:-1]} {x!r} belongs to center {owner.get(x)!r}, not {c!r}")
            if s.get("kind") == "collect" and (s.get("fields") or s.get("procedures")):
                self.warn(place, "a collect service usually lists no fields or procedures")
            if isinstance(s.get("daily_cap"), int) and s["daily_cap"] < 1:
                self.err(f"{place}.daily_cap", "must be at least 1 (leave it out for no cap)")
            if isinstance(s.get("avg_service_s"), int) and s["avg_service_s"] < 1:
                self.err(f"{place}.avg_service_s", "must be positive")
            self._check_hours(place, s.get("hours"))

        # counters
        numbers = defaultdict(dict)
        self.counters_of_service = defaultdict(list)
        for i, k in enumerate(self.rows("counters")):
            place = f"counters[{i}]"
            c = k.get("center")
            if c not in C:
                self.err(f"{place}.center", f"unknown center {c!r}")
            n = k.get("number")
            if isinstance(n, int):
                if n < 1:
                    self.err(f"{place}.number", "must be at least 1")
                elif n in numbers[c]:
                    self.err(f"{place}.number", f"counter number {n} already used by {numbers[c][n]!r} in {c!r}")
                else:
                    numbers[c][n] = k.get("id")
            svs = k.get("services", [])
            if isinstance(svs, list):
                if not svs:
                    self.err(f"{place}.services", "a counter must serve at least one service")
                if len(set(map(str, svs))) != len(svs):
                    self.err(f"{place}.services", "lists a service twice")
                for j, x in enumerate(svs):
                    if x not in S:
                        self.err(f"{place}.services[{j}]", f"unknown service {x!r}")
                    elif S[x].get("center") != c:
                        self.err(f"{place}.services[{j}]", f"service {x!r} belongs to center {S[x].get('center')!r}, not {c!r}")
                    else:
                        self.counters_of_service[x].append(k.get("id"))
        for sid in S:
            if not self.counters_of_service.get(sid):
                self.err(f"services.{sid}", "no counter serves this service")

        # dossiers
        codes = {}
        for i, ds in enumerate(self.rows("dossiers")):
            place = f"dossiers[{i}]"
            c = ds.get("center")
            if c not in C:
                self.err(f"{place}.center", f"unknown center {c!r}")
            code = ds.get("code")
            if isinstance(code, str):
                if not CODE_RE.match(code):
                    self.err(f"{place}.code", f"{code!r} is not shaped like 000.00.12.H62-261120-0004")
                elif code in codes:
                    self.err(f"{place}.code", f"duplicate dossier code {code!r} (also dossiers[{codes[code]}])")
                else:
                    codes[code] = i
            pr = ds.get("procedure")
            if pr not in P:
                self.err(f"{place}.procedure", f"unknown procedure {pr!r}")
            elif self.center_of_proc.get(pr) != c:
                self.err(f"{place}.procedure", f"procedure {pr!r} belongs to center {self.center_of_proc.get(pr)!r}, not {c!r}")
            st = ds.get("status")
            if isinstance(st, int) and st not in STATUS_NAMES:
                self.err(f"{place}.status", f"{st} is not a status code 1..10")
            rda = ds.get("received_days_ago")
            if isinstance(rda, int) and rda < 0:
                self.err(f"{place}.received_days_ago", "must not be negative")
            hist = ds.get("history", [])
            if isinstance(hist, list) and hist:
                prev = None
                for j, h in enumerate(hist):
                    if not isinstance(h, dict):
                        continue
                    hp = f"{place}.history[{j}]"
                    da, hs = h.get("days_ago"), h.get("status")
                    if isinstance(hs, int) and hs not in STATUS_NAMES:
                        self.err(f"{hp}.status", f"{hs} is not a status code 1..10")
                    if isinstance(da, int):
                        if da < 0:
                            self.err(f"{hp}.days_ago", "must not be negative")
                        if isinstance(rda, int) and da > rda:
                            self.err(f"{hp}.days_ago", f"{da} is before the dossier was received ({rda} days ago)")
                        if prev is not None and da > prev:
                            self.err(f"{hp}.days_ago", "history must be in time order (days_ago not increasing)")
                        prev = da
                last = hist[-1]
                if isinstance(last, dict) and isinstance(st, int) and last.get("status") != st:
                    self.err(f"{place}.history", f"last entry has status {last.get('status')}, dossier has {st}")

    def _check_hours(self, place: str, hours) -> None:
        if hours is None:
            return
        if not isinstance(hours, list) or not hours:
            self.err(f"{place}.hours", "must be a non-empty list (leave it out for around the clock)")
            return
        per_day = defaultdict(list)
        for j, h in enumerate(hours):
            if not isinstance(h, dict):
                continue
            hp = f"{place}.hours[{j}]"
            days, o, c = h.get("days"), h.get("open"), h.get("close")
            if not isinstance(days, list) or not days:
                self.err(f"{hp}.days", "must list at least one day")
                days = []
            for k, dname in enumerate(days):
                if dname not in DAYS:
                    self.err(f"{hp}.days[{k}]", f"{dname!r} is not one of {', '.join(DAYS)}")
            ok = True
            for key, v in (("open", o), ("close", c)):
                if not isinstance(v, str) or not HHMM_RE.match(v):
                    self.err(f"{hp}.{key}", f"{v!r} is not a HH:MM time")
                    ok = False
            if ok:
                if o >= c:
                    self.err(hp, f"open {o} must be before close {c}")
                for dname in days:
                    for (o2, c2, j2) in per_day[dname]:
                        if o < c2 and o2 < c:
                            self.err(hp, f"overlaps hours[{j2}] on {dname}")
                    per_day[dname].append((o, c, j))

    # ------------------------------------------------------------ demo rules
    def check_demo(self) -> None:
        C, A, F, P, S = (self.by[k] for k in ["centers", "agencies", "fields", "procedures", "services"])
        if PROVINCE not in C:
            self.err("centers", f"the provincial center {PROVINCE!r} is missing")
            return
        for d in DISTRICTS:
            if d not in C:
                self.err("centers", f"district center {d!r} is missing")
            elif C[d].get("parent") != PROVINCE:
                self.err(f"centers.{d}.parent", f"must be {PROVINCE!r}")
        for cid in C:
            if C[cid].get("time_zone") != "Asia/Ho_Chi_Minh":
                self.err(f"centers.{cid}.time_zone", "demo centers use Asia/Ho_Chi_Minh")
            cats = [r for r in self.rows("priority_categories") if r.get("center") == cid]
            if len(cats) < 4:
                self.err(f"centers.{cid}", f"has {len(cats)} priority categories, expected at least 4")

        # agencies and the investment desk
        prov_ag = [a for a in A if A[a].get("center") == PROVINCE]
        if IPA not in A:
            self.err("agencies", f"investment desk {IPA!r} is missing")
        else:
            obo = A[IPA].get("on_behalf_of", [])
            if len(obo) != IPA_BODIES:
                self.err(f"agencies.{IPA}.on_behalf_of", f"lists {len(obo)} bodies, expected exactly {IPA_BODIES}")
        if len([a for a in prov_ag if a != IPA]) < 20:
            self.err("agencies", f"provincial center has {len(prov_ag) - (IPA in prov_ag)} agencies besides the IPA desk, expected at least 20")
        prov_procs = [p for p in P if self.center_of_proc.get(p) == PROVINCE]
        if len(prov_procs) < 60:
            self.err("procedures", f"provincial center has {len(prov_procs)} procedures, expected at least 60")
        for fid in F:
            if not any(self.rows("procedures")[i].get("field") == fid for i in range(len(self.rows("procedures")))):
                self.warn(f"fields.{fid}", "no procedure in this field")

        # every field of every center in exactly one submit service
        submit_fields = Counter()
        for s in S.values():
            if s.get("kind") == "submit":
                submit_fields.update(s.get("fields", []))
        for fid, cen in self.center_of_field.items():
            n = submit_fields.get(fid, 0)
            if n != 1:
                self.err(f"fields.{fid}", f"belongs to {n} submit services of {cen!r}, expected exactly 1")

        # special services
        col = S.get(COLLECT_ID)
        if not col:
            self.err("services", f"collect service {COLLECT_ID!r} is missing")
        else:
            if col.get("center") != PROVINCE or col.get("kind") != "collect" or col.get("letter") != COLLECT_LETTER:
                self.err(f"services.{COLLECT_ID}", f"must be the provincial collect service with letter {COLLECT_LETTER!r}")
            if col.get("fields") != [] or "hours" in col or "daily_cap" in col:
                self.err(f"services.{COLLECT_ID}", "must have fields = [], no hours and no daily_cap")
            if col.get("name") != "Nhận kết quả giải quyết thủ tục hành chính":
                self.err(f"services.{COLLECT_ID}.name", "must be \"Nhận kết quả giải quyết thủ tục hành chính\"")
        with_hours = [s for s in S if "hours" in S[s]]
        if with_hours != [HOURS_ID]:
            self.err("services", f"exactly one service ({HOURS_ID!r}) keeps office hours; found {with_hours}")
        elif S[HOURS_ID].get("center") != PROVINCE:
            self.err(f"services.{HOURS_ID}", "must belong to the provincial center")
        else:
            got = [(tuple(h.get("days", [])), h.get("open"), h.get("close")) for h in S[HOURS_ID]["hours"]]
            if got != OFFICE_HOURS:
                self.err(f"services.{HOURS_ID}.hours", "must be Mon–Fri 07:30–11:30 and 13:30–17:00, Sat 07:30–11:30")
        with_cap = [s for s in S if "daily_cap" in S[s]]
        if with_cap != [CAP_ID]:
            self.err("services", f"exactly one service ({CAP_ID!r}) has a daily cap; found {with_cap}")
        elif S[CAP_ID].get("daily_cap") != CAP or S[CAP_ID].get("center") != PROVINCE:
            self.err(f"services.{CAP_ID}.daily_cap", f"must be {CAP} on a provincial service")
        prov_svc = [s for s in S if S[s].get("center") == PROVINCE]
        if not 6 <= len(prov_svc) <= 9:
            self.err("services", f"provincial center has {len(prov_svc)} services, expected 6–9")
        for cid in C:
            cs = [S[s] for s in S if S[s].get("center") == cid]
            if not any(s.get("kind") == "collect" for s in cs):
                self.err(f"centers.{cid}", "has no collect service")
            for s in cs:
                if not 240 <= s.get("avg_service_s", 0) <= 900:
                    self.err(f"services.{s.get('id')}.avg_service_s", "expected 240–900 seconds")

        # counters
        prov_counters = [k for k in self.rows("counters") if k.get("center") == PROVINCE]
        nums = sorted(k.get("number") for k in prov_counters if isinstance(k.get("number"), int))
        if not 12 <= len(prov_counters) <= 20 or nums != list(range(1, len(nums) + 1)):
            self.err("counters", f"provincial counters must be 12–20, numbered 1..N; found {nums}")
        if not any(len(k.get("services", [])) == 2 for k in prov_counters):
            self.err("counters", "no provincial counter serves two services")
        if col and any(len(k.get("services", [])) != 1 for k in prov_counters if COLLECT_ID in k.get("services", [])):
            self.err("counters", f"the collect service {COLLECT_ID!r} must have counter(s) of its own")

        # dossiers
        ds = self.rows("dossiers")
        by_center = Counter(x.get("center") for x in ds)
        if by_center[PROVINCE] < 24:
            self.err("dossiers", f"{by_center[PROVINCE]} provincial dossiers, expected at least 24")
        for d in DISTRICTS:
            if by_center[d] < 2:
                self.err("dossiers", f"{by_center[d]} dossiers for {d!r}, expected at least 2")
        statuses = Counter(x.get("status") for x in ds)
        for st in STATUS_NAMES:
            if statuses[st] < 2:
                self.err("dossiers", f"status {st} ({STATUS_NAMES[st]}) appears {statuses[st]} time(s), expected at least 2")
        overdue = [x for x in ds if x.get("status") in OVERDUE_STATUSES and x.get("due_in_days", 0) < 0]
        if len(overdue) < 4:
            self.err("dossiers", f"{len(overdue)} overdue dossiers (status 2/4/5/6, due in the past), expected at least 4")
        ready = [x for x in ds if x.get("status") == 9]
        if len(ready) < 4 or not any(x.get("due_in_days", 0) < 0 for x in ready) \
                or not any(x.get("due_in_days", 0) >= 0 for x in ready):
            self.err("dossiers", "expected at least 4 dossiers in status 9, some due in the past and some due today or later")
        if len([x for x in ds if x.get("status") == 4 and x.get("due_in_days", -1) >= 0]) < 2:
            self.err("dossiers", "expected at least 2 dossiers in status 4 that are not overdue")
        for i, p in enumerate(self.rows("procedures")):
            n = len(p.get("documents", []))
            if not 2 <= n <= 6:
                self.err(f"procedures[{i}].documents", f"lists {n} documents, expected 2–6")
            if "fee_vnd" not in p:
                self.err(f"procedures[{i}]", "demo procedures give fee_vnd")
        for i, x in enumerate(ds):
            h = x.get("history", [])
            if not 1 <= len(h) <= 5:
                self.err(f"dossiers[{i}].history", f"has {len(h)} entries, expected 1–5")
            c = x.get("code", "")
            if x.get("center") == PROVINCE and not c.endswith(".H62", 0, 13):
                self.err(f"dossiers[{i}].code", "a Vĩnh Phúc code ends its agency part with .H62")

    # ------------------------------------------------------------ summary
    def summary(self) -> str:
        S = self.by.get("services", {})
        lines = []
        counts = ", ".join(f"{k} {len(self.rows(k))}" for k in KINDS_OF_TABLES)
        lines.append(f"counts: {counts}")
        for c in self.by.get("centers", {}).values():
            cid = c.get("id")
            ag = [a for a in self.rows("agencies") if a.get("center") == cid]
            fl = [f for f, cc in self.center_of_field.items() if cc == cid]
            pr = [p for p, cc in self.center_of_proc.items() if cc == cid]
            sv = [s for s in self.rows("services") if s.get("center") == cid]
            co = [k for k in self.rows("counters") if k.get("center") == cid]
            do = [d for d in self.rows("dossiers") if d.get("center") == cid]
            lines.append(f"{cid} ({c.get('level')}): {len(ag)} agencies, {len(fl)} fields, {len(pr)} procedures, "
                         f"{len(sv)} services, {len(co)} counters, {len(do)} dossiers")
            for s in sv:
                extra = []
                if "hours" in s:
                    extra.append("office hours")
                if "daily_cap" in s:
                    extra.append(f"cap {s['daily_cap']}")
                lines.append(f"    {s.get('letter', '?'):>2} {s.get('id')} [{s.get('kind')}] "
                             f"counters {self.counters_of_service.get(s.get('id'), [])}"
                             + (f" ({', '.join(extra)})" if extra else ""))
        procs = self.rows("procedures")
        long_names = sum(1 for p in procs if len(p.get("name", "")) > 120)
        free = sum(1 for p in procs if p.get("fee_vnd") == 0)
        coded = sum(1 for p in procs if "code" in p)
        lines.append(f"procedures: {long_names} with names over 120 characters, {free} free, {coded} with a national code")
        ds = self.rows("dossiers")
        st = Counter(d.get("status") for d in ds)
        lines.append("dossier statuses: " + ", ".join(f"{k}:{st[k]}" for k in sorted(STATUS_NAMES)))
        overdue = sum(1 for d in ds if d.get("status") in OVERDUE_STATUSES and d.get("due_in_days", 0) < 0)
        lines.append(f"overdue dossiers: {overdue}")
        return "\n".join(lines)


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("--")]
    format_only = "--format-only" in argv
    path = Path(args[0]) if args else Path(__file__).with_name("vinh-phuc.toml")
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        print(f"{path}: cannot read: {e}", file=sys.stderr)
        return 1
    ck = Checker(data)
    ck.check_shape()
    ck.check_text()
    ck.check_refs()
    if not format_only:
        ck.check_demo()
    print(f"{path}")
    print(ck.summary())
    for w in ck.warnings:
        print(f"warning: {w}")
    for e in ck.errors:
        print(f"error: {e}")
    if ck.errors:
        print(f"FAILED: {len(ck.errors)} error(s), {len(ck.warnings)} warning(s)")
        return 1
    print(f"OK: no errors, {len(ck.warnings)} warning(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
