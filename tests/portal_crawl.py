"""Crawl sample portals with the ``govarchive`` CLI in a child process, and measure the run.

The crawl runs under a small Python wrapper so that ``resource.getrusage(RUSAGE_CHILDREN)`` in the wrapper
sees only this crawl (and the extraction processes it starts): its ``ru_maxrss`` is the peak RSS of the
largest process of the run, whatever other crawls the test session made before.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import sqlite_utils

ROOT = Path(__file__).resolve().parent.parent
# Fast on loopback, same code paths: AutoThrottle stays on, it only starts from a shorter delay.
LOOPBACK_SETTINGS = ["-s", "AUTOTHROTTLE_START_DELAY=0.05"]

_WRAPPER = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:]).returncode
print(f"peak_rss_kb={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}", file=sys.stderr)
sys.exit(code)
"""


@dataclass
class Crawl:
    data: Path
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float

    @cached_property
    def db(self) -> sqlite_utils.Database:
        return sqlite_utils.Database(self.data / "archive.db")

    @property
    def row(self) -> dict:
        """The ``crawls`` row of this run (the last one)."""
        return next(self.db.query("select * from crawls order by id desc limit 1"))

    @property
    def error_counts(self) -> dict:
        return json.loads(self.row["error_counts"] or "{}")

    @property
    def log(self) -> str:
        """The crawl's log file (the newest in ``data/logs``)."""
        logs = sorted((self.data / "logs").glob("*.log"), key=lambda p: p.stat().st_mtime)
        return logs[-1].read_text(encoding="utf-8", errors="replace") if logs else ""

    def reports(self) -> dict[str, dict]:
        return {row["url"]: row for row in self.db.query("select * from reports where is_latest = 1")}

    def captures(self, where: str = "1", params=()) -> list[dict]:
        return list(self.db.query(f"select * from captures where {where} order by id", list(params)))


def crawl(data: Path, registry: Path, *settings: str, timeout: float = 120) -> Crawl:
    """``govarchive crawl --portals REGISTRY --data DATA SETTINGS…`` in a child process (any exit code)."""
    return run(data, ["crawl", "--portals", str(registry), *settings], timeout)


def backfill(data: Path, url: str, *settings: str, timeout: float = 300) -> Crawl:
    """``govarchive backfill URL --data DATA SETTINGS…`` in a child process (any exit code)."""
    return run(data, ["backfill", url, *settings], timeout)


def run(data: Path, arguments: list[str], timeout: float) -> Crawl:
    """``govarchive ARGUMENTS… --data DATA`` under the measuring wrapper."""
    command = [str(Path(sys.executable).with_name("govarchive")), *arguments, "--data", str(data)]
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", _WRAPPER, *command], capture_output=True, text=True,
                            timeout=timeout, cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    seconds = time.monotonic() - started
    marker = [line for line in result.stderr.splitlines() if line.startswith("peak_rss_kb=")]
    peak = int(marker[-1].split("=", 1)[1]) / 1024 if marker else float("nan")
    return Crawl(Path(data), result.returncode, result.stdout, result.stderr, seconds, peak)
