"""CPU and memory of every process a bench starts, however deep, read from /proc (Linux).

The bench process makes itself a child subreaper (``PR_SET_CHILD_SUBREAPER``): a process whose parent exits
before it (a crawl's forkserver and extraction workers, which outlive the crawl by a moment) is reparented to
the bench instead of init, so it stays in the tree and is reaped here. Then:

- CPU: ``getrusage(RUSAGE_CHILDREN)`` counts every descendant once it has ended and been reaped, including
  the grandchildren their parents reaped (:func:`children_cpu_seconds`; :func:`reap_all` first);
- memory: a thread samples the resident set size of every live descendant (:class:`TreeSampler`): the sum
  at each moment, and its peak. Shared pages count once per process in the RSS sum (an upper bound: the
  extraction workers share most of theirs with their forkserver); the PSS sum counts each page once.
"""

from __future__ import annotations

import ctypes
import os
import resource
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


def become_subreaper() -> None:
    """Orphaned descendants are reparented to this process (and so stay measurable)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


def _stats() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state) of every process."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # gone meanwhile
                continue
            state, parent = stat.rsplit(")", 1)[1].split()[:2]
            stats[int(entry.name)] = (int(parent), state)
    return stats


def descendants(root: int | Iterable[int] | None = None) -> dict[int, int]:
    """pid -> parent pid of the processes below ``root`` (a pid, or several; default: this process)."""
    root = os.getpid() if root is None else root
    roots = [root] if isinstance(root, int) else list(root)
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in _stats().items():
        children.setdefault(parent, []).append(pid)
    found, todo = {}, roots
    while todo:
        parent = todo.pop()
        for child in children.get(parent, []):
            found[child] = parent
            todo.append(child)
    return found


def running(pids: Iterable[int]) -> set[int]:
    """Those of ``pids`` still running (a zombie holds no memory and waits only to be reaped)."""
    stats = _stats()
    return {pid for pid in pids if pid in stats and stats[pid][1] != "Z"}


def cpu_seconds(pid: int) -> float:
    """User + system CPU the process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


ROLES = [("redis-server", "redis"), ("crawler.queue.crawl", "crawl"), ("bench.fetch_only", "crawl"),
         ("govarchive backfill", "crawl"), ("govarchive crawl", "crawl"), ("forkserver", "extraction"),
         ("pipelines.process_pool", "extraction"), ("resource_tracker", "extraction"), ("govarchive writer", "writer"),
         ("govarchive worker", "worker")]


def role(command: str) -> str:
    """What a process of a bench is, from its command line: crawl, extraction (the pool's workers, forked
    from its forkserver or started on their own), writer, worker (the parent of a distributed crawl), redis,
    or other."""
    return next((name for marker, name in ROLES if marker in command), "other")


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def rss_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def pss_bytes(pid: int) -> int:
    """Proportional set size: the process's private pages, and its share of the pages it shares (with its
    forkserver, its siblings): summed over a tree, the memory the tree really takes."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


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


@dataclass
class Sample:
    seconds: float
    rss: dict[int, int]
    """pid -> resident set size, bytes"""
    pss: dict[int, int]
    """pid -> proportional set size, bytes"""
    probe: object = None


class TreeSampler:
    """Samples the summed RSS of this process's descendants every ``interval`` seconds, in a thread.

    ``peak`` is the largest sum seen; ``processes`` the role (:func:`role`) of every process seen, ``cpu`` the
    CPU seconds each had used when last seen (what it used after the last sample is missed: an estimate, for
    :meth:`by_role`; children_cpu_seconds is exact). With ``probe``, ``progress`` holds ``(probe(), CPU
    seconds used so far by role)`` at each sample (e.g. pages fetched: :meth:`cpu_between`). With
    ``keep``, ``samples`` holds one :class:`Sample` each, with the PSS of every process too (slower to read)
    and the value of ``probe()``.
    """

    def __init__(self, interval: float = 0.1, keep: bool = False, probe=None):
        self.interval = interval
        self.keep = keep
        self.probe = probe
        self.samples: list[Sample] = []
        self.progress: list[tuple[object, dict[str, float]]] = []
        self.processes: dict[int, str] = {}
        self.cpu: dict[int, float] = {}
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-sampler", daemon=True)

    def _run(self) -> None:
        started = time.monotonic()
        while not self._stop.is_set():
            pids = descendants()
            rss = {pid: rss_bytes(pid) for pid in pids}
            self.peak = max(self.peak, sum(rss.values()))
            for pid in pids:
                self.processes.setdefault(pid, role(command_line(pid)))
                self.cpu[pid] = cpu_seconds(pid)
            probed = self.probe() if self.probe else None
            if self.probe:
                self.progress.append((probed, self.by_role(self.cpu)))
            if self.keep:
                self.samples.append(Sample(time.monotonic() - started, rss, {pid: pss_bytes(pid) for pid in pids},
                                           probed))
            self._stop.wait(self.interval)

    def cpu_between(self, first, last) -> dict[str, float]:
        """CPU seconds each role used from the first sample whose probe passed ``first`` to the first that
        reached ``last`` (e.g. from the first page fetched to the last), or to the last sample when the
        processes ended before a sample saw ``last``."""
        start = next(cpu for value, cpu in self.progress if value > first)
        end = next((cpu for value, cpu in self.progress if value >= last), self.progress[-1][1])
        return {name: seconds - start.get(name, 0.0) for name, seconds in end.items()}

    def by_role(self, values: dict[int, float]) -> dict[str, float]:
        """``values`` (pid -> a number: CPU seconds, bytes) summed by role."""
        totals: dict[str, float] = {}
        for pid, value in values.items():
            totals[self.processes.get(pid, "other")] = totals.get(self.processes.get(pid, "other"), 0) + value
        return totals

    def __enter__(self) -> "TreeSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
