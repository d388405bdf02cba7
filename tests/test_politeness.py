"""Manners that keep us welcome: robots.txt, two requests at a time per host, Retry-After, one User-Agent.

Real crawls (``govarchive crawl``) of the ``polite`` sample portal (tests/sampleportals/polite.py): robots.txt
forbids the path of one report and answers slowly, so that every start URL (the forbidden report among
them) waits for it together; pages answer slowly enough for concurrency to show; two reports first answer
503/429 with a Retry-After, one always answers 429 with a Retry-After of an hour. Then the same portal with
the registry override ``"robots": false``.
"""

from __future__ import annotations

import re

import pytest

from crawler import settings as project_settings
from tests.conftest import TEST_SETTINGS, assert_verified
from tests.portal_crawl import crawl
from tests.sampleportals import SamplePortals, write_registry


@pytest.fixture(scope="module")
def portals():
    with SamplePortals(group="polite") as sp:
        yield sp


def internal_path(portals) -> str:
    return next(path for path in paths_of(portals) if "/internal/" in path)


def paths_of(portals) -> list[str]:
    base = portals.portal("anxiang").base_url
    return [r.url[len(base):] for r in portals.extra_reports]


def report_path(portals, year: int) -> str:
    return next(p for p, r in zip(paths_of(portals), portals.extra_reports) if f"{year}年" in r.title)


@pytest.fixture(scope="module")
def run(portals, tmp_path_factory):
    """Robots obeyed. Start URLs: the home page, the report column, two reports and the forbidden one."""
    data = tmp_path_factory.mktemp("polite")
    starts = ["/xxgk/index.html", "/xxgk/nb/index.html", report_path(portals, 2023), report_path(portals, 2022),
              internal_path(portals)]
    registry = write_registry([portals.portal("anxiang")], data / "registry.json", {"anxiang": starts})
    portals.request_log.clear()
    portals.request_times.clear()
    result = crawl(data, registry, *TEST_SETTINGS)
    result.requests = list(zip(portals.request_times, portals.request_log))
    result.max_in_flight = portals.max_in_flight.get("anxiang")
    return result


@pytest.fixture(scope="module")
def run_without_robots(portals, run, tmp_path_factory):
    data = tmp_path_factory.mktemp("polite-norobots")
    registry = write_registry([portals.portal("anxiang")], data / "registry.json", robots=False)
    portals.request_log.clear()
    portals.request_times.clear()
    result = crawl(data, registry, *TEST_SETTINGS)
    result.requests = list(zip(portals.request_times, portals.request_log))
    return result


def test_crawl_finishes_without_waiting_an_hour(run):
    assert run.returncode == 1, run.stdout + run.stderr  # one report is given up (Retry-After of an hour)
    assert run.row["finished_at"]


def test_a_report_robots_txt_forbids_is_never_requested(run, portals):
    assert [entry for _, entry in run.requests if "/internal/" in entry[2]] == []
    assert not run.captures("url like ?", ["%/internal/%"])
    assert re.search(r"'robotstxt/forbidden': [1-9]", run.log)
    expected = {r.url for r in portals.extra_reports if "/internal/" not in r.url and "2018年" not in r.title}
    assert set(run.reports()) == expected


def test_every_request_waits_for_robots_txt(run):
    """Five start URLs are scheduled at once; robots.txt takes 0.6 s: none of them may go first."""
    (robots_at,) = [at for at, entry in run.requests if entry[2] == "/robots.txt"]
    assert all(at >= robots_at for at, entry in run.requests if entry[2] != "/robots.txt")
    assert len(run.captures("url like ?", ["%/robots.txt"])) == 1


def test_at_most_two_requests_in_flight_per_host(run):
    assert 1 <= run.max_in_flight <= project_settings.CONCURRENT_REQUESTS_PER_DOMAIN == 2


def test_at_most_two_requests_in_flight_even_without_autothrottle(portals, tmp_path_factory):
    """No download delay at all: Scrapy 2.19's own downloader would start a host's whole queue at once
    (9 at a time measured here); crawler/downloader.py holds CONCURRENT_REQUESTS_PER_DOMAIN."""
    data = tmp_path_factory.mktemp("polite-unthrottled")
    registry = write_registry([portals.portal("anxiang")], data / "registry.json")
    portals.max_in_flight.clear()
    result = crawl(data, registry, *TEST_SETTINGS, "-s", "AUTOTHROTTLE_ENABLED=False")
    assert result.row["finished_at"]
    assert portals.max_in_flight["anxiang"] == 2


def test_one_descriptive_user_agent_with_a_contact_url(run):
    agents = {entry[4].get("User-Agent") for _, entry in run.requests}
    assert agents == {project_settings.USER_AGENT}
    assert project_settings.GOVARCHIVE_CONTACT_URL in project_settings.USER_AGENT
    assert project_settings.AUTOTHROTTLE_ENABLED and project_settings.ROBOTSTXT_OBEY
    assert "crawler.fetch.throttle.ConditionalAutoThrottle" in run.log


@pytest.mark.parametrize("year, status, delay", [(2020, 503, 2.0), (2019, 429, 2.0)])
def test_retry_after_is_honoured_for_the_whole_host(run, portals, year, status, delay):
    """2020: ``503`` with ``Retry-After: 2``; 2019: ``429`` with an HTTP date 3 s ahead (≥ 2 s once rounded)."""
    path = report_path(portals, year)
    answers = [(at, entry[3]) for at, entry in run.requests if entry[2] == path]
    assert [s for _, s in answers] == [status, 200]
    (refused_at, _), (retried_at, _) = answers
    assert retried_at - refused_at >= delay - 0.05
    # the whole host was left alone meanwhile, but for answers already on their way when the refusal came
    between = [entry[2] for at, entry in run.requests if refused_at + 0.4 < at < refused_at + delay - 0.05]
    assert between == []
    assert portals.portal("anxiang").base_url + path in run.reports()
    assert [c["status"] for c in run.captures("url like ?", ["%" + path])] == [status, 200]


def test_a_retry_after_longer_than_the_cap_is_not_waited_for(run, portals):
    path = report_path(portals, 2018)
    assert [entry[3] for _, entry in run.requests if entry[2] == path] == [429]
    assert run.error_counts.get("gave_up_http_429_retry_after_too_long") == 1
    assert [c["status"] for c in run.captures("url like ?", ["%" + path])] == [429]


def test_registry_override_ignores_robots_txt_and_says_so(run_without_robots, portals):
    run = run_without_robots
    assert "portal anxiang: robots.txt is ignored (registry override)" in run.log
    internal = portals.portal("anxiang").base_url + internal_path(portals)
    assert internal in run.reports()
    assert [entry for _, entry in run.requests if entry[2] == "/robots.txt"] == []


def test_the_archive_verifies(run):
    assert_verified(run.data)


@pytest.mark.parametrize("status, lowered", [(200, True), (304, True), (404, False), (503, False)])
def test_a_quick_304_lowers_a_hosts_delay_as_a_200_does(status, lowered):
    """A nightly run's pages answer 304: AutoThrottle must learn from them, or it stays at its start delay."""
    from scrapy.core.downloader import Slot
    from scrapy.http import Response
    from scrapy.utils.misc import load_object
    from scrapy.utils.test import get_crawler

    crawler = get_crawler(settings_dict={"AUTOTHROTTLE_ENABLED": True, "AUTOTHROTTLE_START_DELAY": 1.0,
                                         "DOWNLOAD_DELAY": 0})
    throttle = next(load_object(path) for path, order in project_settings.EXTENSIONS.items()
                    if order is not None and "Throttle" in path).from_crawler(crawler)
    throttle.mindelay, throttle.maxdelay = 0.0, 30.0  # as it sets them when the spider opens
    slot = Slot(concurrency=2, delay=1.0, jitter=0)
    throttle._adjust_delay(slot, 0.05, Response("http://127.0.0.1/a.html", status=status))
    assert (slot.delay < 1.0) is lowered
