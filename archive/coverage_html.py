"""The coverage as one self-contained HTML page: a heat map of agencies × years per portal.

Everything the page needs is inline (CSS, a small sorting script, no fonts or images), so it opens from a
file or a mail attachment with no network. Green cells hold a report, red cells are overdue, grey ones not
due yet; counts per portal, per kind of body and per portal level head the page. Every table sorts by a
click on its column header (a year column sorts overdue first).

Replay links. A found cell links to the report as archived, in the Wayback URL form
``{replay}/{timestamp}/{url}`` with the report's URL and its ``fetched_at`` as a 14-digit timestamp.
``fetched_at`` is the WARC-Date of the report's response record, so the link names exactly the capture the
row came from; the Wayback form is what pywb serves (``wb-manager init govarchive``, add ``DATA/warc/*``,
``wayback`` on port 8080: the default ``--replay``), and any replay tool that takes a URL and a timestamp
can be given the same two values through a template: ReplayWeb.page over ``govarchive wacz`` output is
``--replay 'https://replayweb.page/?source=…/archive.wacz#view=pages&url={url_quoted}&ts={timestamp}'``.
A link can only work where a replay tool runs; the cell's tooltip also gives ``govarchive show ID``, which
needs nothing but the data directory.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import quote

from archive.coverage import KINDS, STATUSES

DEFAULT_REPLAY = "http://localhost:8080/govarchive/{timestamp}/{url}"
CELL_TEXT = {"found": "✓", "overdue": "✗", "not_due": "…"}
STATUS_LABEL = {"found": "found", "overdue": "overdue", "not_due": "not yet due"}
SORT_RANK = {"overdue": 0, "not_due": 1, "found": 2}  # a year column sorts overdue first

STYLE = """
body{font:14px/1.4 system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.15em;margin:1.6em 0 .3em}
.meta{color:#666;margin:0 0 1em}small{color:#666;font-weight:normal}
table{border-collapse:collapse;margin:.4em 0}
th,td{border:1px solid #ddd;padding:2px 6px;text-align:right;white-space:nowrap}
th{background:#f4f4f4;cursor:pointer;user-select:none}th[aria-sort=ascending]::after{content:" ▲"}
th[aria-sort=descending]::after{content:" ▼"}
tbody th{text-align:left;cursor:default;background:#fafafa;font-weight:normal}
td.cell{text-align:center;width:2.6em;padding:0}td.cell a{display:block;color:inherit;text-decoration:none}
.found{background:#2e9e4f;color:#fff}.overdue{background:#d93025;color:#fff;font-weight:bold}
.not_due{background:#e3e3e3;color:#555}.none{background:#fff}
.legend span{display:inline-block;padding:0 .6em;margin-right:.5em}
.bar{display:inline-block;height:.7em;background:#2e9e4f;vertical-align:middle}
.bar.overdue{background:#d93025}
"""

SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("thead th").forEach(function (th, column) {
    th.addEventListener("click", function () {
      var descending = th.getAttribute("aria-sort") === "ascending";
      table.querySelectorAll("thead th").forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      function key(row) {
        var cell = row.cells[column], value = cell.getAttribute("data-sort");
        return value === null ? cell.textContent.trim() : value;
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
        var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, "zh-CN");
        return descending ? -order : order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""


def bodies(n: int) -> str:
    return f"{n} body" if n == 1 else f"{n} bodies"


def replay_link(template: str, url: str, fetched_at: str, report_id) -> str:
    """``template`` with ``{timestamp}`` (14 digits from ``fetched_at``), ``{url}``, ``{url_quoted}``, ``{id}``."""
    timestamp = re.sub(r"\D", "", fetched_at or "")[:14]
    return template.format(timestamp=timestamp, url=url, url_quoted=quote(url, safe=""), id=report_id)


def render_page(cov: dict, replay: str = DEFAULT_REPLAY, title: str = "govarchive coverage") -> str:
    """The whole page for a :func:`archive.coverage.coverage` result."""
    portals = [p for p in cov["portals"] if p["agencies"]]
    parts = [
        "<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)} as of {cov['as_of']}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">Reports held per issuing body and year, deadlines evaluated on {cov["as_of"]} '
        "(条例第四十九条: departments by 31 January, governments, townships and subdistricts by 31 March of the "
        "next year). An agency is expected every year from its first report on.</p>",
        '<p class="legend">' + "".join(f'<span class="{s}">{CELL_TEXT[s]} {STATUS_LABEL[s]}</span>' for s in STATUSES)
        + "</p>",
        _portal_counts(portals), _level_counts(cov),
        *(_heat_map(p, cov["years"], replay) for p in portals),
        f"<script>{SCRIPT}</script></body></html>",
    ]
    return "\n".join(parts) + "\n"


def _counts_cells(counts: dict) -> str:
    cells = "".join(f'<td class="n-{s}">{counts[s]}</td>' for s in ("agencies", *STATUSES))
    due = counts["found"] + counts["overdue"]
    share = round(100 * counts["found"] / due) if due else 100
    return cells + (f'<td data-sort="{share}">{share}% <span class="bar" style="width:{share // 2}px"></span>'
                    f'<span class="bar overdue" style="width:{(100 - share) // 2}px"></span></td>')


COUNT_HEADERS = "<th>agencies</th><th>found</th><th>overdue</th><th>not due</th><th>found of due</th>"


def _portal_counts(portals: list[dict]) -> str:
    rows = "".join(
        f'<tr data-portal="{escape(p["portal"])}"><th scope="row"><a href="#portal-{escape(p["portal"])}">'
        f'{escape(p["name"] or p["portal"])}</a></th><td>{escape(p["portal"])}</td><td>{escape(p["level"])}</td>'
        f"{_counts_cells(p['counts'])}</tr>" for p in portals)
    return ('<h2>Portals</h2><table class="sortable" id="portal-counts"><thead><tr><th>portal</th><th>id</th>'
            f"<th>level</th>{COUNT_HEADERS}</tr></thead><tbody>{rows}</tbody></table>")


def _level_counts(cov: dict) -> str:
    rows = [("kind of body", kind, counts) for kind, counts in cov["by_kind"].items() if counts["agencies"]]
    rows += [("portal level", level or "(unknown)", counts) for level, counts in cov["by_level"].items()
             if counts["agencies"]]
    body = "".join(f'<tr><th scope="row">{escape(group)}</th><td>{escape(name)}</td>{_counts_cells(counts)}</tr>'
                   for group, name, counts in rows)
    return ('<h2>Levels</h2><table class="sortable" id="level-counts"><thead><tr><th>by</th><th>level</th>'
            f"{COUNT_HEADERS}</tr></thead><tbody>{body}</tbody></table>")


def _heat_map(portal: dict, years: list[int], replay: str) -> str:
    pid = escape(portal["portal"])
    head = "".join(f"<th>{year}</th>" for year in years)
    rows = "".join(_agency_row(a, years, replay) for a in portal["agencies"])
    c = portal["counts"]
    return (f'<section id="portal-{pid}"><h2>{escape(portal["name"] or portal["portal"])} '
            f'<small>{pid} · {escape(portal["level"] or "")} · {escape(portal["region"] or "")}</small></h2>'
            f'<p class="meta">{bodies(c["agencies"])}: {c["found"]} reports found, {c["overdue"]} overdue, '
            f'{c["not_due"]} not yet due</p>'
            f'<table class="sortable heatmap" data-portal="{pid}"><thead><tr><th>agency</th><th>kind</th>'
            f"<th>overdue</th>{head}</tr></thead><tbody>{rows}</tbody></table></section>")


def _agency_row(agency: dict, years: list[int], replay: str) -> str:
    overdue = sum(1 for cell in agency["years"].values() if cell["status"] == "overdue")
    names = "; ".join(agency["names"])
    cells = "".join(_cell(agency, year, agency["years"].get(year), replay) for year in years)
    return (f'<tr data-key="{escape(agency["key"])}" data-kind="{agency["kind"]}">'
            f'<th scope="row" title="{escape("names: " + names + "; key: " + agency["key"])}">'
            f'{escape(agency["agency"])}</th><td data-sort="{KINDS.index(agency["kind"])}">{agency["kind"]}</td>'
            f"<td>{overdue}</td>{cells}</tr>")


def _cell(agency: dict, year: int, cell: dict | None, replay: str) -> str:
    if cell is None:
        return f'<td class="cell none" data-year="{year}" data-sort="3"></td>'
    status = cell["status"]
    attrs = f'class="cell {status}" data-status="{status}" data-year="{year}" data-sort="{SORT_RANK[status]}"'
    if status == "found":
        href = replay_link(replay, cell["url"], cell["fetched_at"], cell["report_id"])
        tip = f"{cell['title'] or ''}\nfetched {cell['fetched_at']}; govarchive show {cell['report_id']}"
        return (f'<td {attrs} data-report-id="{cell["report_id"]}"><a href="{escape(href)}" '
                f'title="{escape(tip)}">{CELL_TEXT[status]}</a></td>')
    due = f"{agency['agency']} {year}: {STATUS_LABEL[status]} (due {cell['deadline']})"
    return f'<td {attrs} title="{escape(due)}">{CELL_TEXT[status]}</td>'
