"""Reviewing and growing a registry file: check it (format, duplicates, start URLs that answer) and merge
into it the entries ``govarchive portals discover`` proposed (``govarchive portals check | add``).

Problems are collected, not raised: a check lists every one, each with the portal and the reason.
"""

from __future__ import annotations

import json
import socket
import ssl
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from scrapy.robotstxt import ProtegoRobotParser

from crawler.discovery import home_url
from crawler.registry import RegistryError, netloc_of, portal_from_dict

LEVELS = ("national", "province", "city", "county", "township", "development-zone", "department")


def format_registry(entries: list[dict]) -> str:
    """A registry as crawler/portals.json writes it: one key a line, lists on the key's line."""
    blocks = []
    for entry in entries:
        lines = [f"    {json.dumps(key, ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False)}"
                 for key, value in entry.items()]
        blocks.append("  {\n" + ",\n".join(lines) + "\n  }")
    return "[\n" + ",\n".join(blocks) + "\n]\n"


def check_entries(entries: list[dict]) -> list[tuple[str, str]]:
    """(portal, problem) for every entry that cannot be used as it is: missing keys, start URLs off its
    hosts, an unknown level, an id or a host that another entry has already."""
    problems, ids, hosts = [], {}, {}
    for n, entry in enumerate(entries, 1):
        label = str(entry.get("id") or f"entry {n}")
        try:
            portal = portal_from_dict(entry, where=f"entry {n}")
        except RegistryError as exc:
            problems.append((label, str(exc)))
            continue
        if portal.level and portal.level not in LEVELS:
            problems.append((label, f"level {portal.level!r} is not one of {', '.join(LEVELS)}"))
        if portal.id in ids:
            problems.append((label, f"duplicate id (entries {ids[portal.id]} and {n})"))
        ids.setdefault(portal.id, n)
        for host in portal.hosts:
            if host in hosts:
                problems.append((label, f"host {host} is also portal {hosts[host]}'s"))
            hosts.setdefault(host, portal.id)
    return problems


def merge(existing: list[dict], proposed: list[dict]) -> tuple[list[dict], list[dict], list[tuple[dict, str]]]:
    """``existing`` with the ``proposed`` entries added: (merged, added, [(skipped entry, reason)]).

    An entry is skipped when it is not valid (:func:`check_entries`), when one of its hosts belongs to a
    portal already, or when its id is taken (by a portal on other hosts: rename it in the proposal and add
    again). Whether its start URLs answer is ``check``'s business."""
    ids = {e.get("id") for e in existing}
    hosts = {}
    for entry in existing:
        for host in _hosts(entry):
            hosts.setdefault(host, entry.get("id"))
    merged, added, skipped = list(existing), [], []
    for entry in proposed:
        problems = check_entries([entry])
        if problems:
            skipped.append((entry, problems[0][1]))
            continue
        entry_hosts = _hosts(entry)
        clash = next((h for h in entry_hosts if h in hosts), None)
        if clash:
            skipped.append((entry, f"host {clash} is already portal {hosts[clash]}'s"))
        elif entry["id"] in ids:
            skipped.append((entry, f"id {entry['id']} is taken by a portal on other hosts: rename it"))
        else:
            merged.append(entry)
            added.append(entry)
            ids.add(entry["id"])
            hosts.update({h: entry["id"] for h in entry_hosts})
    return merged, added, skipped


def _hosts(entry: dict) -> tuple[str, ...]:
    try:
        return portal_from_dict(entry).hosts
    except RegistryError:
        return tuple(h.lower() for h in entry.get("hosts") or [])


# -- start URLs that answer --------------------------------------------------------------------------


def probe(url: str, hosts, user_agent: str, timeout: float = 15, robots: bool = True) -> str | None:
    """Why a crawl could not start at ``url`` (None when it can): robots.txt forbids it, no answer, an
    HTTP error, a redirect off the portal's ``hosts``. One robots.txt request (none when ``robots`` is False:
    the registry's ``"robots": false``, a portal whose crawl ignores it) and one GET, as the crawl's User-Agent."""
    problem = _robots_problem(url, user_agent, timeout) if robots else None
    if problem:
        return problem
    try:
        with _open(url, user_agent, timeout) as answer:
            final = answer.geturl()
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError) as exc:
        return _reason(exc, timeout)
    if netloc_of(final) not in hosts:
        return f"redirects to {final}, outside its hosts {list(hosts)}"
    return None


def _robots_problem(url: str, user_agent: str, timeout: float) -> str | None:
    """"disallowed by robots.txt", or why its host did not answer; None when robots.txt allows ``url`` or there
    is none. Read by the crawl's parser (Scrapy's default, Protego: the longest matching rule wins, ``*`` and
    ``$`` are patterns), so the check and the crawl agree on what it allows."""
    try:
        with _open(home_url(url) + "robots.txt", user_agent, timeout) as answer:
            if not ProtegoRobotParser(answer.read(500_000), None).allowed(url, user_agent):
                return "disallowed by robots.txt"
    except urllib.error.HTTPError:
        pass  # no robots.txt: everything allowed
    except (urllib.error.URLError, OSError) as exc:
        return _reason(exc, timeout)
    return None


def _open(url, user_agent, timeout):
    return urllib.request.urlopen(urllib.request.Request(url, headers={"User-Agent": user_agent}), timeout=timeout)


def _reason(exc: Exception, timeout: float) -> str:
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, socket.gaierror):
        return f"host not found (DNS: {reason.strerror or reason})"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error: {reason}"
    return str(reason) or type(reason).__name__


def check_reachable(entries: list[dict], user_agent: str, timeout: float = 15, workers: int = 8):
    """(portal, problem) for every start URL that does not answer as a crawl needs (see :func:`probe`);
    hosts are probed in parallel, each portal's start URLs one after the other."""
    portals = []
    for entry in entries:
        try:
            portals.append(portal_from_dict(entry))
        except RegistryError:
            continue  # reported by check_entries

    def one(portal):
        return [(portal.id, f"{url}: {reason}") for url in portal.start_urls
                if (reason := probe(url, portal.hosts, user_agent, timeout, portal.robots))]

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [problem for problems in pool.map(one, portals) for problem in problems]
