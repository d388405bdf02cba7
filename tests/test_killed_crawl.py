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

from bench.process_tree import command_line, descendants, running
from tests.conftest import LOOPBACK_SETTINGS, ROOT

GRACE = 10.0  # seconds the processes may take to notice; they take well under one


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
    pids = started
    deadline = time.monotonic() + GRACE
    while (left := running({*pids, *descendants(pids)})) and time.monotonic() < deadline:
        pids |= left
        time.sleep(0.1)
    assert not left, f"alive {GRACE:g} s after the crawl was killed: {sorted(kind(command_line(p)) for p in left)}"


def wait_for_workers_and_chromium(crawl: subprocess.Popen, timeout: float = 90.0) -> set[int]:
    """Every process the crawl has started, once extraction workers (started by the crawl, or children of the
    forkserver with more than one) and Chromium are both running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and crawl.poll() is None:
        tree = descendants(crawl.pid)
        commands = {pid: command_line(pid) for pid in tree}
        children = {pid: commands[pid] for pid, parent in tree.items() if parent == crawl.pid}
        forkservers = [pid for pid, command in children.items() if "forkserver" in command]
        workers = [*descendants(forkservers), *(pid for pid, command in children.items()
                                                if "pipelines.process_pool" in command)]
        if workers and any("chromium" in command for command in commands.values()):
            time.sleep(0.5)  # a few more pages into the workers
            return set(descendants(crawl.pid))
        time.sleep(0.05)
    pytest.fail(f"no extraction worker and Chromium seen (crawl exit code {crawl.poll()})")
