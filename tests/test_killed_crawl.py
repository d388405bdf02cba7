"""Nothing outlives the crawl: ``kill -9`` of a real ``govarchive crawl`` (what the OOM killer or a cron timeout
does) while its pages are being extracted and Chromium renders, and a few seconds later no process it started
is alive: extraction workers, their forkserver, multiprocessing's resource tracker, Playwright's driver and
Chromium.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import LOOPBACK_SETTINGS, ROOT

GRACE = 10.0  # seconds the processes may take to notice; they take well under one


def process_table() -> dict[int, tuple[int, str, str]]:
    """pid -> (parent pid, state, command line) of every process."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue  # gone meanwhile
            state, parent = stat.rsplit(")", 1)[1].split()[:2]
            table[int(entry.name)] = (int(parent), state, command)
    return table


def descendants(roots: set[int], table: dict) -> set[int]:
    found, grew = set(roots), True
    while grew:
        children = {pid for pid, (parent, _, _) in table.items() if parent in found} - found
        found |= children
        grew = bool(children)
    return found


def alive(pids: set[int]) -> dict[int, str]:
    """Those of ``pids`` still running (a zombie holds no memory and waits only to be reaped)."""
    return {pid: command for pid, (_, state, command) in process_table().items() if pid in pids and state != "Z"}


def kind(command: str) -> str:
    for name in ("forkserver", "resource_tracker", "chromium", "playwright"):
        if name in command:
            return name
    return command[:60]


@pytest.fixture
def registry(sample_portals, tmp_path):
    """The corpus portals, the first one rendered in Chromium (``"browser": true``): Chromium and the
    extraction workers both run within seconds of the start."""
    path = tmp_path / "portals.json"
    sample_portals.write_registry(path)
    portals = json.loads(path.read_text(encoding="utf-8"))
    portals[0]["browser"] = True
    path.write_text(json.dumps(portals), encoding="utf-8")
    return path


def test_a_crawl_killed_mid_extraction_leaves_no_process_behind(registry, tmp_path):
    command = [str(Path(sys.executable).with_name("govarchive")), "crawl", "--portals", str(registry),
               "--data", str(tmp_path / "data"), *LOOPBACK_SETTINGS]
    with open(tmp_path / "crawl.out", "wb") as out:
        crawl = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        started = wait_for_workers_and_chromium(crawl)
    finally:
        crawl.kill()  # SIGKILL: no handler, no cleanup
        crawl.wait()
    pids = started - {crawl.pid}
    deadline = time.monotonic() + GRACE
    while (left := alive(descendants(pids, process_table()))) and time.monotonic() < deadline:
        pids |= set(left)
        time.sleep(0.1)
    assert not left, f"alive {GRACE:g} s after the crawl was killed: {sorted(map(kind, left.values()))}"


def wait_for_workers_and_chromium(crawl: subprocess.Popen, timeout: float = 90.0) -> set[int]:
    """Every process the crawl has started, once extraction workers (spawned by the crawl, or children of the
    forkserver with more than one) and Chromium are both running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and crawl.poll() is None:
        table = process_table()
        tree = descendants({crawl.pid}, table)
        commands = [table[pid][2] for pid in tree]
        forkservers = {pid for pid in tree if table[pid][0] == crawl.pid and "forkserver" in table[pid][2]}
        workers = (descendants(forkservers, table) - forkservers) | {
            pid for pid in tree if table[pid][0] == crawl.pid and "multiprocessing.spawn" in table[pid][2]}
        if workers and any("chromium" in command for command in commands):
            time.sleep(0.5)  # a few more pages into the workers
            return descendants({crawl.pid}, process_table())
        time.sleep(0.05)
    pytest.fail(f"no extraction worker and Chromium seen (crawl exit code {crawl.poll()})")
