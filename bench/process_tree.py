"""CPU and memory of every process a bench starts, however deep, read from /proc (Linux).

The bench process makes itself a child subreaper (``PR_SET_CHILD_SUBREAPER``): a process whose parent exits
before it (a crawl's forkserver and extraction workers, which outlive the crawl by a moment) is reparented to
the bench instead of init, so it stays in the tree and is reaped here. Then:

- CPU: ``getrusage(RUSAGE_CHILDREN)`` counts every descendant once it has ended and been reaped, including
  the grandchildren their parents reaped (:func:`children_cpu_seconds`; :func:`reap_all` first);
- memory: a thread samples the resident set size of every live descendant (:class:`TreeSampler`): the sum
  at each moment, and its peak. Shared pages are counted once per process (RSS, not PSS): an upper bound.
"""

from __future__ import annotations

import ctypes
import os
import resource
import threading
import time
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36
PAGE = os.sysconf("SC_PAGE_SIZE")


def become_subreaper() -> None:
    """Orphaned descendants are reparented to this process (and so stay measurable)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # gone meanwhile
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return parents


def descendants(root: int | None = None) -> list[int]:
    """The pids below ``root`` (default: this process)."""
    root = os.getpid() if root is None else root
    children: dict[int, list[int]] = {}
    for pid, parent in _parents().items():
        children.setdefault(parent, []).append(pid)
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def rss_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss_bytes(root: int | None = None) -> int:
    """Resident set size of all processes below ``root`` (default: this process), summed."""
    return sum(rss_bytes(pid) for pid in descendants(root))


def children_cpu_seconds() -> float:
    """User + system CPU of every ended and reaped descendant so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def reap_all(timeout: float = 60.0) -> None:
    """Wait until no descendant is left (orphans exit once the process they watch has ended), reaping each:
    their CPU is in :func:`children_cpu_seconds` from then on. Call when every process the bench started is
    done (and waited for by its ``Popen``)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            if time.monotonic() > deadline:
                raise TimeoutError(f"processes still running after {timeout:g} s: {descendants()}")
            time.sleep(0.05)


class TreeSampler:
    """Samples the summed RSS of this process's descendants every ``interval`` seconds, in a thread.

    ``samples`` holds ``(seconds since start, bytes)``; ``peak`` the largest sum seen. ``probe`` (optional) is
    called at each sample and its value kept alongside (e.g. pages fetched so far).
    """

    def __init__(self, interval: float = 0.1, probe=None):
        self.interval = interval
        self.probe = probe
        self.samples: list[tuple[float, int, object]] = []
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-sampler", daemon=True)

    def _run(self) -> None:
        started = time.monotonic()
        while not self._stop.is_set():
            total = tree_rss_bytes()
            self.peak = max(self.peak, total)
            self.samples.append((time.monotonic() - started, total, self.probe() if self.probe else None))
            self._stop.wait(self.interval)

    def __enter__(self) -> "TreeSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
