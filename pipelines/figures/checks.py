"""The arithmetic the standard tables must satisfy, checked on a report's figures.

Each check is ``{name, ok, detail}``; ``detail`` shows both sides with the terms, e.g.
``一 3 + 二 1 = 4; 三（七） 2 + 四 1 = 3``. Names (a contract, like the figure keys):

- ``t3.balance:<col>``: per column of 表三, 一 + 二 = 三（七） + 四 (the form prints this identity).
- ``t3.results:<col>``: 三（七） = 三（一） + 三（二） + the items of （三）–（六） (a group's own row where it
  has no items: 2019's （六）).
- ``t3.subtotal:<group>:<col>``: a group row some templates add (``三（三）``) = its items.
- ``t3.row_total:<row>``: per row of 表三, 总计 = the six applicant columns, where 总计 is filled.
- ``t4.total:<group>``: per group of 表四, 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结, where 总计 is filled.
- ``t3.carryover:<col>`` (``carryover_checks``, across two reports of one body): this year's 二、上年结转
  = last year's 四、结转下年度继续办理.

A blank cell (value None: blank, ``/``, ``—``) counts as 0, which is what reports mean by it, except a blank
总计 of 表三 beside applicant figures that are not all 0: that total was not printed (some reports fill 总计
only on the rows 一, 二, （七） and 四), so it counts as not found. A check is left out when one of its figures
was not found (a parse gap is not the report's error) or when every figure in it is blank (nothing printed
to check).
"""

from __future__ import annotations

from .template import T3_COLUMNS, T4_GROUPS, T4_RESULTS

APPLICANTS = T3_COLUMNS[:-1]
RESULT_GROUPS = ("三", "四", "五", "六")
TOLERANCE = 1e-6
LONG_SUM = 7  # terms beyond which a detail shows only the non-zero ones


def report_checks(figures: list[dict]) -> list[dict]:
    """Every identity of one report's figures that can be checked."""
    t3 = _t3_cells(figures)
    t4 = _cells(figures, 4)
    checks = []
    for col in T3_COLUMNS:
        checks.append(_check(f"t3.balance:{col}", [(row, t3.get((row, col))) for row in ("一", "二")],
                             [(row, t3.get((row, col))) for row in ("三（七）", "四")]))
        checks.append(_check(f"t3.results:{col}", [("三（七）", t3.get(("三（七）", col)))],
                             [(row, t3.get((row, col))) for row in _result_rows(t3)]))
        for group in RESULT_GROUPS:
            items = _items(t3, group)
            if items and (f"三（{group}）", col) in t3:
                checks.append(_check(f"t3.subtotal:三（{group}）:{col}", [(f"三（{group}）", t3[(f"三（{group}）", col)])],
                                     [(row, t3.get((row, col))) for row in items]))
    for row in dict.fromkeys(row for row, _ in t3):
        checks.append(_total(f"t3.row_total:{row}", t3, row, APPLICANTS))
    for group in T4_GROUPS:
        checks.append(_total(f"t4.total:{group}", t4, group, T4_RESULTS[:-1]))
    return [check for check in checks if check]


def carryover_checks(figures: list[dict], last_year: list[dict]) -> list[dict]:
    """This year's 二、上年结转 against last year's 四、结转下年度继续办理, per column of 表三."""
    this, last = _t3_cells(figures), _t3_cells(last_year)
    checks = [_check(f"t3.carryover:{col}", [("二", this.get(("二", col)))], [("上年四", last.get(("四", col)))])
              for col in T3_COLUMNS]
    return [check for check in checks if check]


def _cells(figures: list[dict], table_no: int) -> dict[tuple[str, str], dict]:
    return {(f["row_key"], f["col_key"]): f for f in figures if f["table_no"] == table_no}


def _t3_cells(figures: list[dict]) -> dict[tuple[str, str], dict]:
    """表三's cells less the 总计 cells a report left blank beside applicant figures: totals not printed."""
    t3 = _cells(figures, 3)
    unprinted = [(row, col) for row, col in t3 if col == "总计" and t3[(row, col)]["value"] is None
                 and any((t3.get((row, applicant)) or {}).get("value") for applicant in APPLICANTS)]
    for key in unprinted:
        del t3[key]
    return t3


def _items(t3: dict, group: str) -> list[str]:
    prefix = f"三（{group}）"
    return list(dict.fromkeys(row for row, _ in t3 if row.startswith(prefix) and row != prefix))


def _result_rows(t3: dict) -> list[str]:
    rows = ["三（一）", "三（二）"]
    for group in RESULT_GROUPS:
        rows += _items(t3, group) or [f"三（{group}）"]
    return rows


def _total(name: str, cells: dict, row: str, parts: tuple[str, ...]) -> dict | None:
    total = cells.get((row, "总计"))
    if total is None or total["value"] is None:
        return None
    return _check(name, [("总计", total)], [(col, cells.get((row, col))) for col in parts])


def _check(name: str, left: list[tuple[str, dict | None]], right: list[tuple[str, dict | None]]) -> dict | None:
    terms = left + right
    if any(fig is None for _, fig in terms) or all(fig["value"] is None for _, fig in terms):
        return None
    left_sum, right_sum = _sum(left), _sum(right)
    ok = abs(left_sum - right_sum) <= TOLERANCE * max(1.0, abs(left_sum), abs(right_sum))
    return {"name": name, "ok": ok, "detail": f"{_side(left, left_sum)}; {_side(right, right_sum)}"}


def _sum(terms) -> float:
    return sum(fig["value"] or 0 for _, fig in terms)


def _side(terms, total) -> str:
    """``a 1 + b 2 = 3``; a long sum (the items of 三（七）) shows only its non-zero terms."""
    if len(terms) == 1:
        return f"{terms[0][0]} {_number(terms[0][1]['value'])}"
    shown = [(label, fig) for label, fig in terms if len(terms) <= LONG_SUM or fig["value"]]
    if not shown:
        return f"{len(terms)} rows, all 0 or blank = {_number(total)}"
    others = " + others 0 or blank" if len(shown) < len(terms) else ""
    return " + ".join(f"{label} {_number(fig['value'])}" for label, fig in shown) + f"{others} = {_number(total)}"


def _number(value) -> str:
    if value is None:
        return "blank"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
