"""Missing-report alerts: opened by a nightly run for what is overdue, closed when the report appears.

First on the sample archive (tests/coverage_sample.py) with a fixed date, then with real nightly crawls of the
govtree sample portals, where a report published between two nights closes its alert.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
import time

import pytest

from archive import alerts
from tests.conftest import govarchive
from tests.coverage_sample import AS_OF, EXPECTED, build_coverage_archive, store_reports
from tests.portal_crawl import LOOPBACK_SETTINGS, crawl

OVERDUE = {(portal, key, year) for (portal, key), (_, years) in EXPECTED.items()
           for year, status in years.items() if status == "overdue"}


def ids(events):
    return {(e["portal"], e["key"], e["year"]) for e in events}


def test_alerts_open_once_and_close_when_the_report_appears(tmp_path):
    data = build_coverage_archive(tmp_path / "data")
    first = alerts.check(data, as_of=AS_OF, crawl_id=1)
    assert ids(first["opened"]) == OVERDUE and not first["closed"]
    opened = {(e["portal"], e["key"], e["year"]): e for e in first["opened"]}
    assert opened[("dingcheng", "教育局", 2023)]["since"] == "2024-02-01"
    assert opened[("dingcheng", "教育局", 2023)]["agency"] == "常德市鼎城区教育局"

    again = alerts.check(data, as_of=AS_OF, crawl_id=2)  # nothing changed: nothing new, all still overdue
    assert not again["opened"] and not again["closed"] and ids(again["overdue"]) == OVERDUE

    (report_id,) = store_reports(data, [("dingcheng", "鼎城区教育局", 2023)], fetched_at="2024-02-20T08:00:00Z")
    third = alerts.check(data, as_of=AS_OF, crawl_id=3)
    assert [(e["key"], e["year"], e["report_id"], e["reason"]) for e in third["closed"]] == [
        ("教育局", 2023, report_id, "report found")]
    assert ids(alerts.alerts(data, open_only=True)) == OVERDUE - {("dingcheng", "教育局", 2023)}
    assert ids(alerts.alerts(data, last=True)) == {("dingcheng", "教育局", 2023)}

    later = alerts.check(data, as_of="2024-04-02", crawl_id=4)  # governments' and townships' 2023 now overdue
    assert ids(later["opened"]) == {("dingcheng", "人民政府", 2023), ("dingcheng", "灌溪镇", 2023),
                                     ("dingcheng", "玉霞街道", 2023), ("changde", "人民政府", 2023),
                                     ("kaifu", "人民政府", 2023)}
    assert ids(later["overdue"][:5]) == ids(later["opened"])  # new ones first


def test_alerts_command_and_a_damaged_line(tmp_path):
    data = build_coverage_archive(tmp_path / "data")
    alerts.check(data, as_of=AS_OF)
    with alerts.alerts_path(data).open("a", encoding="utf-8") as out:
        out.write('{"event": "opened", "portal": "x", "key"\n')  # a line cut short by a crash
    alerts.check(data, as_of=AS_OF)
    listed = json.loads(govarchive("alerts", "--data", data, "--open", "--format", "json").stdout)
    assert ids(listed) == OVERDUE
    assert govarchive("alerts", "--data", data, "--last").stdout == ""  # nothing changed: cron mails nothing
    table = govarchive("alerts", "--data", data, "--since", "2000-01-01").stdout
    assert "opened  dingcheng 鼎城区财政局 2022 (department, due 2023-01-31)" in table
    assert govarchive("alerts", "--data", data, "--since", "2999-01-01").stdout == ""


def test_schedule_mails_the_nights_alerts(tmp_path):
    line = govarchive("schedule", "--data", tmp_path, "--mailto", "ops@example.org").stdout.splitlines()
    assert line[0].startswith("# govarchive nightly crawl") and line[1] == "MAILTO=ops@example.org"
    assert line[2].endswith(f"alerts --data {tmp_path.resolve()} --last # govarchive nightly crawl")
    assert " crawl --data " in line[2] and ">/dev/null; " in line[2]
    result = govarchive("schedule", "--data", tmp_path, "--mailto", "a@b", "--systemd", check=False)
    assert result.returncode == 2 and "--mailto is for the crontab" in result.stderr


def overdue_as_of(day: dt.date, found: dict[str, list[int]]) -> set[tuple[str, int]]:
    """(portal, year) overdue on ``day`` for governments whose reports are ``found`` (31 March deadlines)."""
    return {(portal, year) for portal, years in found.items() for year in range(min(years), day.year)
            if year not in years and day > dt.date(year + 1, 3, 31)}


@pytest.fixture(scope="module")
def govtree():
    from tests.sampleportals import SamplePortals
    from tests.sampleportals.govtree import TREE

    with SamplePortals(group="govtree") as portals:
        yield portals, [p for p in portals.portals if p.id in TREE]


def test_nightly_runs_open_alerts_and_close_one_when_its_report_appears(govtree, tmp_path):
    from tests.sampleportals import text, write_registry

    portals, tree = govtree
    governments = [p for p in tree if p.level != "department"]
    registry = write_registry(governments, tmp_path / "registry.json")
    data = tmp_path / "data"
    first = crawl(data, registry, *LOOPBACK_SETTINGS)
    assert first.returncode == 0, first.stderr
    found = {}
    for report in first.reports().values():
        found.setdefault(report["portal"], []).append(report["report_year"])
    assert set(found) == {p.id for p in governments}
    expected = overdue_as_of(dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date(), found)
    open_now = {(e["portal"], e["year"]) for e in alerts.alerts(data, open_only=True)}
    assert open_now == expected and ("gt-jinshi", 2023) in expected
    assert f"alerts: {len(expected)} reports overdue ({len(expected)} new, 0 closed)" in first.stdout
    assert "NEW overdue: gt-jinshi 津市市人民政府 2023 (government, due 2024-03-31)" in first.log

    title = "津市市人民政府2023年政府信息公开工作年度报告"
    url = portals.add_report("gt-jinshi", title, text.annual_report_lines("津市市人民政府", 2023,
                                                                         random.Random(1), "我市"), "2024-03-25")
    second = crawl(data, registry, *LOOPBACK_SETTINGS)
    assert second.returncode == 0, second.stderr
    report_id = second.reports()[url]["id"]
    closed = [e for e in alerts.alerts(data, last=True) if e["event"] == "closed"]
    assert [(e["portal"], e["year"], e["report_id"]) for e in closed] == [("gt-jinshi", 2023, report_id)]
    assert f"alerts: {len(expected) - 1} reports overdue (0 new, 1 closed)" in second.stdout
    assert "closed: gt-jinshi 津市市人民政府 2023 (government, due 2024-03-31): report found" in second.log
    mail = govarchive("alerts", "--data", data, "--last").stdout
    assert "0 reports newly overdue, 1 alerts closed" in mail and "closed  gt-jinshi 津市市人民政府 2023" in mail


def test_a_nightly_run_over_the_queue_opens_the_same_alerts(govtree, tmp_path):
    """Workers and a writer instead of ``govarchive crawl``: the writer checks the alerts once the queue has
    run dry, and says so in its log."""
    from tests.redis_server import redis_server
    from tests.sampleportals import write_registry
    from tests.test_distributed import start

    _, tree = govtree
    registry = write_registry([p for p in tree if p.level != "department"], tmp_path / "registry.json")
    data = tmp_path / "data"
    with redis_server(tmp_path) as url:
        govarchive("enqueue", "--redis", url, "--portals", registry)  # a nightly run
        writer = start("writer", "--redis", url, "--data", data)
        worker = start("worker", "--redis", url, "--data", data, "--until-empty", *LOOPBACK_SETTINGS)
        try:
            assert worker.wait(timeout=120) == 0
            deadline = time.monotonic() + 30
            while not [e for e in alerts.read_events(data) if e["event"] == "checked"]:
                assert time.monotonic() < deadline, "the writer checked no alert"
                time.sleep(0.2)
            time.sleep(3)  # the writer idles: it checks again only after another nightly crawl
        finally:
            writer.terminate()
            worker.kill()
            writer.wait()
            worker.wait()
    found = {}
    for portal, year in sqlite3.connect(data / "archive.db").execute("select portal, report_year from reports"):
        found.setdefault(portal, []).append(year)
    expected = overdue_as_of(dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date(), found)
    assert expected and {(e["portal"], e["year"]) for e in alerts.alerts(data, open_only=True)} == expected
    log = writer.stderr.read()
    assert f"alerts: {len(expected)} reports overdue ({len(expected)} new, 0 closed)" in log
    assert log.count("govarchive alerts --open lists them") == 1
