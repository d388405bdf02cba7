"""Missing-report alerts: after each nightly run, which bodies are overdue, which newly, which caught up.

``DATA/alerts.jsonl`` is the alert history, one JSON object a line, appended to and never rewritten:

- ``{"event": "opened", "at", "portal", "agency", "key", "kind", "year", "deadline", "since", "crawl_id"}``:
  the report of ``agency`` (its name; ``key`` is the normalised one, archive/coverage.py) on ``year`` was
  due by ``deadline`` and is not in the archive; overdue ``since`` the day after;
- ``{"event": "closed", …, "report_id", "reason"}``: the report appeared (``reason`` "report found"), or the
  body is no longer expected to publish that year (its key changed with the normalisation rules);
- ``{"event": "checked", "at", "crawl_id", "as_of", "overdue", "opened", "closed"}``: one line per check,
  written last, so that the events of the last check are those after the one before it.

An alert is open while its ``opened`` line has no later ``closed`` line for the same portal, key and year.
:func:`check` compares the open alerts with the coverage of the archive, appends what changed, and logs the
overdue list (new ones first) through the ``govarchive.alerts`` logger: after a crawl that logger writes into
the crawl's log file (DATA/logs/nightly-….log).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

from archive import coverage as cov
from archive.db import open_db, utcnow

ALERTS_FILE = "alerts.jsonl"
logger = logging.getLogger("govarchive.alerts")


def alerts_path(data_dir) -> Path:
    return Path(data_dir) / ALERTS_FILE


def read_events(data_dir) -> list[dict]:
    """Every event of ``DATA/alerts.jsonl`` in order; a line that is not a JSON object is skipped with a
    warning (a line cut short by a crash loses that line only)."""
    path = alerts_path(data_dir)
    if not path.exists():
        return []
    events = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError as exc:
            logger.warning("%s:%d: not JSON, skipped (%s)", path, number, exc)
            continue
        if isinstance(event, dict) and event.get("event"):
            events.append(event)
        else:
            logger.warning("%s:%d: not an alert event, skipped", path, number)
    return events


def _alert_id(item: dict) -> tuple:
    return item["portal"], item["key"], int(item["year"])


def last_checked_crawl(data_dir) -> int | None:
    """The crawl the latest check followed (None: no check yet, or one made apart from a crawl)."""
    checks = [event for event in read_events(data_dir) if event["event"] == "checked"]
    return checks[-1].get("crawl_id") if checks else None


def open_alerts(events: list[dict]) -> dict[tuple, dict]:
    """(portal, key, year) -> the ``opened`` event of every alert not closed since."""
    current: dict[tuple, dict] = {}
    for event in events:
        if event["event"] == "opened":
            current[_alert_id(event)] = event
        elif event["event"] == "closed":
            current.pop(_alert_id(event), None)
    return current


def check(data_dir, as_of=None, crawl_id: int | None = None) -> dict:
    """Compare the archive's overdue reports with the open alerts; append the changes to alerts.jsonl.

    Returns ``{"opened": [events], "closed": [events], "overdue": [coverage rows, new ones first]}``."""
    as_of = cov.parse_date(as_of)
    db = open_db(data_dir)
    try:
        rows = cov.coverage_rows(cov.coverage(*cov.load(db), as_of=as_of))
        years = {(r["portal"], r["key"], r["year"]): r for r in rows}
    finally:
        db.close()
    overdue = {key: row for key, row in years.items() if row["status"] == "overdue"}
    before = open_alerts(read_events(data_dir))
    now = utcnow()
    opened = [_event("opened", row, now, crawl_id) for key, row in overdue.items() if key not in before]
    closed = [_closed(event, years.get(key), now, crawl_id) for key, event in before.items() if key not in overdue]
    checked = {"event": "checked", "at": now, "crawl_id": crawl_id, "as_of": as_of.isoformat(),
               "overdue": len(overdue), "opened": len(opened), "closed": len(closed)}
    _append(data_dir, [*opened, *closed, checked])
    new = {_alert_id(e) for e in opened}
    ordered = sorted(overdue.values(), key=lambda r: (_alert_id(r) not in new, r["portal"], r["key"], r["year"]))
    _log(ordered, new, closed)
    return {"opened": opened, "closed": closed, "overdue": ordered}


def _event(kind: str, row: dict, now: str, crawl_id) -> dict:
    since = dt.date.fromisoformat(row["deadline"]) + dt.timedelta(days=1)
    return {"event": kind, "at": now, "portal": row["portal"], "agency": row["agency"], "key": row["key"],
            "kind": row["kind"], "year": row["year"], "deadline": row["deadline"], "since": since.isoformat(),
            "crawl_id": crawl_id}


def _closed(opened: dict, row: dict | None, now: str, crawl_id) -> dict:
    found = row is not None and row["status"] == "found"
    fields = {k: opened.get(k) for k in ("portal", "agency", "key", "kind", "year", "deadline", "since")}
    return {"event": "closed", "at": now, **fields, "crawl_id": crawl_id,
            "report_id": row["report_id"] if found else None,
            "reason": "report found" if found else "no longer expected"}


def _append(data_dir, events: list[dict]) -> None:
    path = alerts_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        for event in events:
            out.write(json.dumps(event, ensure_ascii=False) + "\n")


def describe(item: dict) -> str:
    """``changde 教育局 2023 (department, due 2024-01-31)``; closed events add the report."""
    text = f"{item['portal']} {item['agency']} {item['year']} ({item['kind']}, due {item['deadline']})"
    if item.get("event") == "closed":
        text += f": {item['reason']}" + (f", report {item['report_id']}" if item.get("report_id") else "")
    return text


def _log(overdue: list[dict], new: set, closed: list[dict]) -> None:
    logger.info("alerts: %d reports overdue, %d new since the last run, %d closed", len(overdue), len(new), len(closed))
    for row in overdue:
        if _alert_id(row) in new:
            logger.warning("NEW overdue: %s", describe(row))
        else:
            logger.info("still overdue: %s", describe(row))
    for event in closed:
        logger.info("closed: %s", describe(event))


def summary(result: dict) -> str:
    """The line the crawl command prints after a nightly run."""
    return (f"alerts: {len(result['overdue'])} reports overdue ({len(result['opened'])} new, "
            f"{len(result['closed'])} closed); govarchive alerts --open lists them")


def after_crawl(data_dir, crawl_id: int) -> str:
    """The alert check of a nightly run, as one line for the crawl's summary. A failure is logged and
    reported in that line; it never changes what the crawl stored."""
    try:
        return summary(check(data_dir, crawl_id=crawl_id))
    except Exception as exc:  # noqa: BLE001 (the crawl is done; an alert failure must not hide it)
        logger.exception("alert check failed")
        return f"alerts: check failed ({type(exc).__name__}: {exc})"


def alerts(data_dir, since=None, open_only: bool = False, last: bool = False) -> list[dict]:
    """Alert events, oldest first: ``since`` (a date or ISO time) keeps those at or after it; ``open_only``
    the ``opened`` events of alerts still open; ``last`` the events of the last check (what cron mails)."""
    events = read_events(data_dir)
    if last:
        checks = [i for i, e in enumerate(events) if e["event"] == "checked"]
        start = checks[-2] + 1 if len(checks) > 1 else 0
        events = events[start:checks[-1]] if checks else []
    if open_only:
        events = sorted(open_alerts(events).values(), key=lambda e: (e["since"], e["portal"], e["key"]))
    events = [e for e in events if e["event"] != "checked"]
    if since:
        cut = str(since)
        events = [e for e in events if e["at"] >= cut]
    return events
