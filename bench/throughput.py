"""``make bench``: govarchive's throughput against fetch-only Scrapy on the same pages, side by side.

    .venv/bin/python -m bench.throughput [--workers 1 2 4] [--rounds 1]

Serves the ``throughput`` fleet (tests/sampleportals/bulk.py: 16 portals of about 260 pages, each on a
loopback address of its own, so each is its own host for the per-host limits) and crawls all of it, each run
from scratch:

- **fetch-only**: a minimal Scrapy spider following the same links with the same politeness, archiving
  nothing (bench/fetch_only.py);
- **govarchive, N workers**: a Redis of its own, ``govarchive enqueue`` (a backfill of every portal), then
  ``govarchive writer`` and N ``govarchive worker`` processes with ``--until-empty``, each worker taking its
  share of the portals in one crawl (``--batch``).

Per run: pages (requests the portals answered), wall time from the start of the crawl processes to the end
of the last (start-up and the writer's last batch included), pages/s from the first request to the last,
CPU ms per page of the whole process tree (crawls, extraction workers, writer, Redis: bench/process_tree.py),
from start to end and while fetching (from the first request to the last: what bounds pages/s), the peak RSS
of that tree (sampled every 0.2 s), govarchive's pages/s as a share of fetch-only's, and the CPU the portals'
server itself used (threads of this process, on the same cores) per page.

With ``--rounds N`` every run is repeated N times, a round being fetch-only then each govarchive run. The
table shows each run's median round; the share of fetch-only is the median of the rounds' own shares (each
round's govarchive run against the fetch-only run just before it: this machine's speed drifts between
rounds, by a fifth and more), with the lowest and highest.
"""

from __future__ import annotations

import argparse
import math
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tabulate import tabulate

from bench.process_tree import TreeSampler, become_subreaper, children_cpu_seconds, reap_all
from tests.portal_crawl import LOOPBACK_SETTINGS
from tests.redis_server import redis_server
from tests.sampleportals import SamplePortals

ROOT = Path(__file__).resolve().parent.parent
GOVARCHIVE = str(Path(sys.executable).with_name("govarchive"))
TIMEOUT = 1800  # seconds for one run


def self_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(portals: SamplePortals, start) -> dict:
    """Run the processes ``start()`` returns to their end, sampling the RSS of the process tree meanwhile."""
    served = len(portals.request_log)
    cpu, server_cpu, started = children_cpu_seconds(), self_cpu_seconds(), time.monotonic()
    with TreeSampler(interval=0.2, probe=lambda: len(portals.request_log)) as sampler:
        for process in start():
            if process.wait(timeout=TIMEOUT) not in (0, 1):
                raise RuntimeError(f"{process.args[:3]} exited {process.returncode}")
        wall = time.monotonic() - started
    server_cpu = self_cpu_seconds() - server_cpu
    pages = len(portals.request_log) - served
    return {"served": served, "wall": wall, "peak": sampler.peak, "cpu": cpu, "server_cpu": server_cpu,
            "cpu_by_role": sampler.by_role(sampler.cpu),
            "fetching cpu": sampler.cpu_between(served, served + pages) if pages else {}}


def finish(portals: SamplePortals, run: dict) -> dict:
    """Figures of a measured run, once everything it started has ended and been reaped."""
    reap_all()
    times = portals.request_times[run["served"]:]
    pages = len(times)
    return {"pages": pages, "wall s": round(run["wall"], 1),
            "pages/s": round(pages / (times[-1] - times[0]), 1),
            "CPU ms/page": round((children_cpu_seconds() - run["cpu"]) * 1000 / pages, 2),
            "while fetching": round(sum(run["fetching cpu"].values()) * 1000 / pages, 2),
            "peak RSS MB": round(run["peak"] / 2**20),
            "server CPU ms/page": round(run["server_cpu"] * 1000 / pages, 2),
            "CPU ms/page by process": by_process(run["cpu_by_role"], pages),
            "by process while fetching": by_process(run["fetching cpu"], pages)}


def by_process(cpu_by_role: dict[str, float], pages: int) -> str:
    return ", ".join(f"{name} {seconds * 1000 / pages:.1f}" for name, seconds in
                     sorted(cpu_by_role.items(), key=lambda item: -item[1]))


def fetch_only(portals: SamplePortals, registry: Path) -> dict:
    settings = [setting for setting in LOOPBACK_SETTINGS if setting != "-s"]
    command = [sys.executable, "-m", "bench.fetch_only", str(registry), *settings]
    run = measure(portals, lambda: [subprocess.Popen(command, cwd=ROOT, stderr=subprocess.DEVNULL)])
    return finish(portals, run)


def govarchive(portals: SamplePortals, registry: Path, workers: int, tmp: Path) -> dict:
    data = tmp / f"workers-{workers}"
    batch = math.ceil(len(portals.portals) / workers)
    with redis_server(tmp) as url:
        redis = ["--redis", url]
        subprocess.run([GOVARCHIVE, "enqueue", *redis, "--portals", str(registry), "--mode", "backfill"], check=True,
                       capture_output=True)
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": ROOT}

        def start():
            writer = subprocess.Popen([GOVARCHIVE, "writer", *redis, "--data", str(data), "--until-empty"], **quiet)
            crawlers = [subprocess.Popen([GOVARCHIVE, "worker", *redis, "--data", str(data), "--until-empty",
                                          "--batch", str(batch), *LOOPBACK_SETTINGS], **quiet) for _ in range(workers)]
            return [*crawlers, writer]

        run = measure(portals, start)
    figures = finish(portals, run)
    with sqlite3.connect(data / "archive.db") as conn:
        figures["reports"] = conn.execute("select count(*) from reports where is_latest = 1").fetchone()[0]
    return figures


def median_run(runs: list[dict]) -> dict:
    """The run whose pages/s is the median of several rounds."""
    rate = statistics.median_low(run["pages/s"] for run in runs)
    return next(run for run in runs if run["pages/s"] == rate)


def share(runs: list[dict], baselines: list[dict]) -> str:
    """The median of the rounds' shares of fetch-only's pages/s, with their range when there are several."""
    shares = sorted(run["pages/s"] / baseline["pages/s"] for run, baseline in zip(runs, baselines))
    spread = f" ({shares[0]:.2f}–{shares[-1]:.2f})" if shares[0] != shares[-1] else ""
    return f"{statistics.median(shares):.2f}×{spread}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.throughput", description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4], help="govarchive runs (default 1 2 4)")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each, the median shown (default 1)")
    args = parser.parse_args(argv)
    become_subreaper()
    with SamplePortals(group="throughput") as portals, tempfile.TemporaryDirectory() as tmp:
        registry = portals.write_registry(Path(tmp) / "registry.json")
        print(f"{len(portals.portals)} portals, {sum(len(portals.page_urls(p.id)) for p in portals.portals)} pages, "
              f"{len(portals.extra_reports)} reports; {args.rounds} round(s) of each run", flush=True)
        rows = {"fetch-only Scrapy": [], **{f"govarchive, {n} worker{'s' * (n > 1)}": [] for n in args.workers}}
        for round_ in range(args.rounds):
            rows["fetch-only Scrapy"].append(fetch_only(portals, registry))
            for n in args.workers:
                rows[f"govarchive, {n} worker{'s' * (n > 1)}"].append(
                    govarchive(portals, registry, n, Path(tmp) / f"round-{round_}"))
    table = {label: median_run(runs) for label, runs in rows.items()}
    for label, runs in rows.items():
        table[label]["share of fetch-only"] = share(runs, rows["fetch-only Scrapy"])
    headers = ["pages", "wall s", "pages/s", "share of fetch-only", "CPU ms/page", "while fetching", "peak RSS MB",
               "reports", "server CPU ms/page"]
    print(tabulate([[label, *(figures.get(h, "-") for h in headers)] for label, figures in table.items()],
                   headers=["run", *headers], tablefmt="github"))
    print()
    print(tabulate([[label, figures["CPU ms/page by process"], figures["by process while fetching"]]
                    for label, figures in table.items()],
                   headers=["run", "CPU ms/page by process (sampled: an estimate)", "while fetching"],
                   tablefmt="github"))
    print("\npages/s: first request to last; CPU and RSS: every process of the run (crawls, extraction workers, "
          "writer, Redis),\nfrom start to end, and while fetching (first request to last, sampled); server CPU: "
          "the sample portals' own\n(threads of this process, sharing the same cores).")


if __name__ == "__main__":
    main()
