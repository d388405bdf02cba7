"""Who has published and who has not: coverage of the archive by issuing body (agency) and year.

Pure functions over rows of the ``reports`` and ``portals`` tables (``load`` reads them); the
``govarchive coverage`` command, the HTML page (archive/coverage_html.py), the alerts (archive/alerts.py)
and the Datasette query all take their answers from here.

One body, one row. The ``agency`` column holds the body as the report names it, and the same body is
named many ways: 常德市鼎城区教育局, 鼎城区教育局 and 教育局 on the 鼎城区 portal; 县发改局 and 县发展和改革局;
财政局（本级）; 区政府办 and 人民政府办公室. :func:`normalise_agency` turns a name into a key by a fixed
sequence of rules (:data:`RULES`), and records which rules changed it, so that ``govarchive coverage
--explain`` can show how every name was decided.

Deadlines (政府信息公开条例 2019, 第四十九条): the departments of a government at county level or above
publish their report on a year by 31 January of the next year; the report of a county-level-or-above
government is published by 31 March. The 条例 sets no date for townships and subdistricts (乡镇, 街道): they
get 31 March, the later of the two dates, so that no body is called overdue before the law could say so
(local rules seen, e.g. a 2008 township rule asking for the report "次年三个月内", agree with it).
Dates are Beijing dates: a report due by 31 January is overdue from 1 February.

An agency is expected to publish every year from its first report in the archive on. A year is
``found`` when a report of that agency on that year is held, ``overdue`` when its deadline has passed on
``as_of`` (default: today in Beijing), ``not_due`` otherwise.

    >>> normalise_agency("县发改局", Context(region="湖南省常德市石门县")).key
    '发展改革局'
    >>> normalise_agency("常德市鼎城区教育局", Context(region="湖南省常德市鼎城区")).key
    '教育局'
    >>> deadline(DEPARTMENT, 2023), deadline(GOVERNMENT, 2023)
    (datetime.date(2024, 1, 31), datetime.date(2024, 3, 31))
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

GOVERNMENT, DEPARTMENT, TOWNSHIP = "government", "department", "township"
KINDS = (GOVERNMENT, DEPARTMENT, TOWNSHIP)
#: kind -> (month, day) of the year after the report year by which the report is due
DEADLINES = {DEPARTMENT: (1, 31), GOVERNMENT: (3, 31), TOWNSHIP: (3, 31)}
STATUSES = ("found", "overdue", "not_due")
BEIJING = dt.timezone(dt.timedelta(hours=8))
OWN_GOVERNMENT = "人民政府"

# -- vocabulary ---------------------------------------------------------------------------------------
#: Administrative units a name can start with (longer suffixes first, so 自治区 wins over 区; the 州 of
#: 常州市 or 通州区 is part of a name).
UNIT_RE = re.compile(r".+?(?:特别行政区|自治区|自治州|自治县|自治旗|省|市|州(?![市区县])|盟|地区|县|区|旗)")
#: 简称 -> 全称 of whole names (after the region prefix is gone). Generic endings (委, 办, 管委会) are
#: expanded by rule afterwards, so only irregular short forms are listed.
SHORT_NAMES = {
    "发改局": "发展和改革局", "发改委": "发展和改革委员会", "人社局": "人力资源和社会保障局",
    "住建局": "住房和城乡建设局", "自规局": "自然资源和规划局", "资规局": "自然资源和规划局",
    "卫健局": "卫生健康局", "卫健委": "卫生健康委员会", "市监局": "市场监督管理局", "市场监管局": "市场监督管理局",
    "应急局": "应急管理局", "医保局": "医疗保障局", "退役军人局": "退役军人事务局", "交通局": "交通运输局",
    "教体局": "教育体育局", "文旅局": "文化和旅游局", "工信局": "工业和信息化局", "科技局": "科学技术局",
    "民宗局": "民族宗教事务局", "国资委": "国有资产监督管理委员会", "编办": "机构编制委员会办公室",
    "人防办": "人民防空办公室", "残联": "残疾人联合会", "城管局": "城市管理局",
    "行政审批局": "行政审批服务局",
}
ZONE_SHORT_NAMES = {"经济技术开发区": "经开区", "高新技术产业开发区": "高新区", "高新技术开发区": "高新区"}
PLACE_ENDINGS = tuple("省市县区旗州盟镇乡街村")  # what ends a place name (a prefix before one is part of it)
#: A leading 省/市/县/区 is a level word (县发改局), unless it starts one of these words (市场监督管理局).
LEVEL_WORDS = ("市场", "市政", "市容", "市民", "区域", "区划", "县域")
ZONE_RE = re.compile(r"(?:开发区|经开区|高新区|新区|园区|产业园|实验区|试验区|示范区|合作区|保税区|自贸区)(?:管理委员会)?$")
TOWNSHIP_RE = re.compile(r"(?:镇|乡|街道|办事处|苏木)$")
#: Names of departments and other bodies of a government (a department may have a portal of its own).
DEPARTMENT_RE = re.compile(r"(?:局|委员会|委|办公室|厅|中心|院|馆|站|所|署|队|联合会)$")
GOVERNMENT_RE = re.compile(r"(?:人民政府|政府|行政公署|行署)$")


@dataclass(frozen=True)
class Context:
    """The portal a report was found on: its name and region are the prefixes a body may leave out."""
    portal: str = ""
    name: str = ""
    region: str = ""
    level: str = ""

    @classmethod
    def of(cls, row: dict) -> "Context":
        """The context of a ``portals`` row."""
        return cls(row["id"], row.get("name") or "", row.get("region") or "", row.get("level") or "")

    @lru_cache(maxsize=1024)  # asked for each report name: the same few contexts each time
    def prefixes(self) -> tuple[str, ...]:
        """Names a body's name may start with: the region's units (湖南省, 常德市, 鼎城区) and their short
        forms (常德, 鼎城), and the portal's own name without 人民政府 (常德经济技术开发区) unless the portal
        is a department's (常德市鼎城区教育局: its reports are the department's); longest first."""
        own = _zone(bare_government(self.name), self)
        if self.level == "department" or DEPARTMENT_RE.search(own):
            own = ""
        units = admin_units(self.region) + admin_units(own)
        found = set(units) | {own}
        found |= {u[:-len(s)] for u in units for s in ("自治区", "自治州", "自治县", "省", "市", "州", "县", "区", "旗")
                  if u.endswith(s) and len(u) - len(s) >= 2}
        found |= {own[len(p):] for p in list(found) if own and own.startswith(p)}  # without its place: 经开区
        return tuple(sorted((p for p in found if len(p) >= 2), key=len, reverse=True))


@dataclass(frozen=True)
class Decision:
    """How one raw name was normalised: its key, its kind and the rules that changed it, in order."""
    raw: str
    key: str
    kind: str
    steps: tuple[tuple[str, str], ...] = field(default=())

    def explain(self) -> str:
        """``鼎城区发改局 → 发展改革局 (department): region prefix: 发改局; short name: 发展和改革局; …``"""
        steps = "; ".join(f"{rule}: {result or '(empty)'}" for rule, result in self.steps) or "unchanged"
        return f"{self.raw} → {self.key} ({self.kind}): {steps}"


def admin_units(name: str) -> list[str]:
    """The administrative units a name starts with: 湖南省常德市鼎城区教育局 -> [湖南省, 常德市, 鼎城区].

    A unit character left over after a unit belongs to it (津市 + 市 = 津市市), unless it starts a word
    (常德市 + 市场监督管理局)."""
    units, rest = [], name
    while rest:
        match = UNIT_RE.match(rest)
        if match:
            units.append(match.group(0))
            rest = rest[match.end():]
        elif units and rest[0] in "市县区旗" and not rest.startswith(LEVEL_WORDS):
            units[-1] += rest[0]
            rest = rest[1:]
        else:
            break
    return units


def bare_government(name: str) -> str:
    """常德市人民政府 -> 常德市; 常州市金坛区人民政府（金坛经济开发区） -> 常州市金坛区."""
    name = re.sub(r"[（(][^）)]*[）)]$", "", name or "")
    return re.sub(r"(?:人民政府|政府|门户网站|网站)$", "", name)


# -- the rules ------------------------------------------------------------------------------------------


def _width(name: str, ctx: Context) -> str:
    """Full-width and half-width forms alike, brackets as （）, no spaces."""
    name = unicodedata.normalize("NFKC", name)
    name = name.translate(str.maketrans({"(": "（", ")": "）", "[": "（", "]": "）", "【": "（", "】": "）",
                                         "〔": "（", "〕": "）"}))
    return re.sub(r"\s+", "", name)


def _zone(name: str, ctx: Context) -> str:
    """A zone's short name: 经济技术开发区 -> 经开区, 高新技术产业开发区 -> 高新区 (the portal's name too)."""
    for full, short in ZONE_SHORT_NAMES.items():
        name = name.replace(full, short)
    return name


def _suffix(name: str, ctx: Context) -> str:
    """Trailing notes in brackets: 财政局（本级）, 金坛区人民政府（金坛经济开发区）, 教育局（机关）."""
    while True:
        stripped = re.sub(r"（[^（）]*）$", "", name)
        if stripped == name or not stripped:
            return name
        name = stripped


def _own_level(name: str, ctx: Context) -> str:
    """本级 and 机关本级 at the end: 鼎城区本级, 财政局机关本级."""
    return re.sub(r"(?:机关)?本级$", "", name)


def _region(name: str, ctx: Context) -> str:
    """The portal's region or name at the start, unit by unit: 湖南省常德市鼎城区教育局 -> 教育局. A short form
    followed by a unit is another place's name: 桃源镇 on the 桃源县 portal stays 桃源镇."""
    prefixes = ctx.prefixes()
    changed = True
    while changed:
        changed = False
        for prefix in prefixes:
            other_place = not prefix.endswith(PLACE_ENDINGS) and name[len(prefix):].startswith(PLACE_ENDINGS)
            if name.startswith(prefix) and not other_place:
                name, changed = name[len(prefix):], True
                break
    return name


def _level_word(name: str, ctx: Context) -> str:
    """A leading 省/市/县/区/旗 naming the level, not a place: 县发改局 -> 发改局, 区政府办 -> 政府办."""
    if len(name) > 2 and name[0] in "省市县区旗" and name not in SHORT_NAMES and not name.startswith(LEVEL_WORDS):
        return name[1:]
    return name


def _sub_body(name: str, ctx: Context) -> str:
    """人民政府 before a township or subdistrict: 人民政府解放街道办事处 -> 解放街道办事处."""
    return re.sub(r"^(?:人民)?政府(?=.+(?:镇|乡|街道|办事处)(?:人民政府)?$)", "", name)


def _government(name: str, ctx: Context) -> str:
    """The government's own words once the place is gone: 政府, 管委会 and 管理委员会 (of a zone's portal) are
    人民政府, alone or before 办: 政府办公室 -> 人民政府办公室."""
    return re.sub(r"^(?:政府|管委会|管理委员会)(?=$|办)", OWN_GOVERNMENT, name)


def _township(name: str, ctx: Context) -> str:
    """A township by its place name: 灌溪镇人民政府 -> 灌溪镇, 玉霞街道办事处 / 玉霞街道办 -> 玉霞街道."""
    name = re.sub(r"(镇|乡|苏木)(?:人民)?政府$", r"\1", name)
    return re.sub(r"街道(?:办事处|办)$", "街道", name)


def _short_name(name: str, ctx: Context) -> str:
    """简称 to 全称: 发改局 -> 发展和改革局 (SHORT_NAMES), then 管委会 -> 管理委员会, …委 -> …委员会,
    …办 -> …办公室."""
    name = SHORT_NAMES.get(name, name)
    name = re.sub(r"管委会$", "管理委员会", name)
    name = re.sub(r"(?<!员)委$", "委员会", name)
    return re.sub(r"办$", "办公室", name)


def _own_government(name: str, ctx: Context) -> str:
    """The portal's own government: a name that was only the region or the portal's name (长沙市开福区
    on the 开福区 portal, 常德经济技术开发区 on its own portal) is left empty by the region rule."""
    return name or OWN_GOVERNMENT


def _conjunctions(name: str, ctx: Context) -> str:
    """和, 与 and 、 in a department's name: 住房和城乡建设局 and 住房城乡建设局 are one body."""
    return re.sub(r"[和与、]", "", name) if agency_kind(name) == DEPARTMENT else name


#: The rules, in the order they apply; each gets the name as the previous one left it.
RULES = (
    ("width", _width), ("zone", _zone), ("bracket suffix", _suffix), ("本级", _own_level), ("region prefix", _region),
    ("level word", _level_word), ("sub-body", _sub_body), ("政府", _government), ("township", _township),
    ("short name", _short_name), ("own government", _own_government), ("conjunctions", _conjunctions),
)
PLAIN_RULES = ("width", "bracket suffix", "本级")  # what display_name applies
PLAIN = tuple(rule for rule in RULES if rule[0] in PLAIN_RULES)


def _apply(name: str, ctx: Context, rules) -> tuple[str, tuple[tuple[str, str], ...]]:
    steps = []
    for rule, func in rules:
        result = func(name, ctx)
        if result != name:
            steps.append((rule, result))
            name = result
    return name, tuple(steps)


def agency_kind(key: str) -> str:
    """``government`` (人民政府, 管委会 of a zone, 行政公署), ``township`` (镇, 乡, 街道, 办事处) or
    ``department`` (局, 委员会, 办公室, 中心 … everything else)."""
    if key == OWN_GOVERNMENT or GOVERNMENT_RE.search(key) or ZONE_RE.search(key):
        return GOVERNMENT
    if TOWNSHIP_RE.search(key):
        return TOWNSHIP
    return DEPARTMENT


def normalise_agency(name: str | None, context: Context = Context()) -> Decision:
    """The key that makes one body one row, its kind, and the rules that led there (see :data:`RULES`).

    A missing name is the portal's own body (the archive's ``agency`` falls back to the portal)."""
    raw = (name or context.name or "").strip()
    key, steps = _apply(raw, context, RULES)
    return Decision(raw, key, agency_kind(key), steps)


# -- deadlines ------------------------------------------------------------------------------------------


def deadline(kind: str, year: int) -> dt.date:
    """The last day a report of ``kind`` on ``year`` is on time (条例第四十九条)."""
    month, day = DEADLINES[kind]
    return dt.date(year + 1, month, day)


def today() -> dt.date:
    """Today in Beijing, where the deadlines run."""
    return dt.datetime.now(BEIJING).date()


def status(report_id: int | None, kind: str, year: int, as_of: dt.date) -> str:
    if report_id is not None:
        return "found"
    return "overdue" if as_of > deadline(kind, year) else "not_due"


def parse_date(value) -> dt.date:
    """A date from ``YYYY-MM-DD`` (or a date, or None for today); ValueError with the value otherwise."""
    if value is None or value == "":
        return today()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValueError(f"{value!r}: expected a date YYYY-MM-DD") from None


# -- coverage -------------------------------------------------------------------------------------------


def load(db, portal: str | None = None) -> tuple[list[dict], list[dict]]:
    """The latest report rows (with a year) and the portal rows of an archive, for :func:`coverage`."""
    where, params = "is_latest = 1 and report_year is not null", []
    if portal:
        where += " and portal = ?"
        params.append(portal)
    reports = list(db.query(
        "select id, portal, agency, report_year, title, url, fetched_at, publish_date "
        f"from reports where {where} order by id", params))
    portals = list(db.query("select id, name, region, level from portals")) if db["portals"].exists() else []
    return reports, [p for p in portals if not portal or p["id"] == portal]


def decide(reports, portals=()):
    """``(row, portal context, Decision)`` for each report row: where names meet their portal's context."""
    contexts = {p["id"]: Context.of(p) for p in portals}
    for row in reports:
        ctx = contexts.get(row["portal"]) or Context(row["portal"])
        yield row, ctx, normalise_agency(row.get("agency"), ctx)


def group_bodies(reports, portals=()) -> dict[tuple[str, str], dict]:
    """(portal, agency key) -> ``{"portal", "key", "kind", "names": Counter, "found": {year: row}}``: the
    reports of each body, the newest report of a year winning (coverage, and the checks across reports)."""
    bodies: dict[tuple[str, str], dict] = {}
    for row, _, decision in decide(reports, portals):
        body = bodies.setdefault((row["portal"], decision.key), {
            "portal": row["portal"], "key": decision.key, "kind": decision.kind, "names": Counter(), "found": {}})
        body["names"][decision.raw] += 1
        held = body["found"].get(row["report_year"])
        if held is None or row["id"] > held["id"]:
            body["found"][row["report_year"]] = row
    return bodies


def coverage(reports, portals=(), as_of=None) -> dict:
    """Agency × year coverage of ``reports`` (rows with id, portal, agency, report_year, url, fetched_at,
    title), grouped by portal (``portals``: rows with id, name, region, level).

    Returns ``{"as_of", "years", "portals": [{"portal", "name", "level", "region", "counts", "by_kind",
    "agencies": [{"portal", "key", "agency", "kind", "names", "first_year", "years": {year: cell}}]}],
    "by_kind", "by_level"}``; a cell is ``{"status", "report_id", "deadline", "url", "fetched_at",
    "title"}``. ``agency`` is the name the body goes by (:func:`display_name`).
    """
    as_of = parse_date(as_of)
    contexts = {p["id"]: Context.of(p) for p in portals}
    agencies = [_agency(body, as_of) for body in group_bodies(reports, portals).values()]
    by_portal: dict[str, list[dict]] = {}
    for agency in sorted(agencies, key=lambda a: (KINDS.index(a["kind"]), a["key"])):
        by_portal.setdefault(agency["portal"], []).append(agency)
    rows = [_portal(contexts.get(pid) or Context(pid), by_portal.get(pid, []))
            for pid in sorted(set(by_portal) | set(contexts))]
    years = sorted({y for a in agencies for y in a["years"]})
    return {
        "as_of": as_of.isoformat(), "years": list(range(years[0], years[-1] + 1)) if years else [],
        "portals": rows,
        "by_kind": {kind: tally([a for a in agencies if a["kind"] == kind]) for kind in KINDS},
        "by_level": {level: tally([a for p in rows if p["level"] == level for a in p["agencies"]])
                     for level in sorted({p["level"] for p in rows})},
    }


def _agency(body: dict, as_of: dt.date) -> dict:
    found = body["found"]
    first = min(found)
    last = max(max(found), as_of.year - 1)
    cells = {}
    for year in range(first, last + 1):
        row = found.get(year)
        report_id = row["id"] if row else None
        cells[year] = {"status": status(report_id, body["kind"], year, as_of), "report_id": report_id,
                       "deadline": deadline(body["kind"], year).isoformat(),
                       "url": row["url"] if row else None, "fetched_at": row["fetched_at"] if row else None,
                       "title": row["title"] if row else None}
    return {"portal": body["portal"], "key": body["key"], "agency": display_name(body["names"]),
            "kind": body["kind"], "names": [name for name, _ in body["names"].most_common()], "first_year": first,
            "years": cells}


def display_name(names: Counter) -> str:
    """The name a body goes by: the one its reports use most (the longest of equals), written plainly
    (full-width brackets, no 本级 or bracket notes): 常德市鼎城区教育局, not 常德市鼎城区教育局（本级）."""
    plain = Counter()
    for name, count in names.items():
        plain[_apply(name, Context(), PLAIN)[0]] += count
    return max(plain.items(), key=lambda item: (item[1], len(item[0])))[0]


def _portal(ctx: Context, agencies: list[dict]) -> dict:
    return {"portal": ctx.portal, "name": ctx.name, "level": ctx.level, "region": ctx.region,
            "agencies": agencies, "counts": tally(agencies),
            "by_kind": {kind: tally([a for a in agencies if a["kind"] == kind]) for kind in KINDS}}


def tally(agencies: list[dict]) -> dict:
    """``{"agencies", "found", "overdue", "not_due"}``: bodies, and agency-years by status."""
    counts = Counter(cell["status"] for a in agencies for cell in a["years"].values())
    return {"agencies": len(agencies), **{s: counts.get(s, 0) for s in STATUSES}}


def coverage_rows(cov: dict) -> list[dict]:
    """One row per agency and year: ``{"portal", "agency", "year", "status", "report_id", "key", "kind",
    "deadline"}`` (what ``govarchive coverage --format json|csv`` prints)."""
    return [{"portal": a["portal"], "agency": a["agency"], "year": year, "status": cell["status"],
             "report_id": cell["report_id"], "key": a["key"], "kind": a["kind"], "deadline": cell["deadline"]}
            for p in cov["portals"] for a in p["agencies"] for year, cell in a["years"].items()]


def explain(reports, portals=()) -> list[dict]:
    """How every raw agency name of ``reports`` was normalised, per portal and key:
    ``[{"portal", "name", "key", "kind", "decisions": [Decision]}]``, portals and keys sorted."""
    groups: dict[tuple[str, str], dict] = {}
    for row, ctx, decision in decide(reports, portals):
        group = groups.setdefault((row["portal"], decision.key), {
            "portal": row["portal"], "name": ctx.name, "key": decision.key, "kind": decision.kind, "decisions": {}})
        group["decisions"].setdefault(decision.raw, decision)
    return [{**g, "decisions": sorted(g["decisions"].values(), key=lambda d: d.raw)}
            for _, g in sorted(groups.items(), key=lambda item: (item[0][0], KINDS.index(item[1]["kind"]), item[0][1]))]
