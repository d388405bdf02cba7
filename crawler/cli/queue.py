"""``govarchive enqueue | worker | writer | queue``: a crawl over several workers and machines, into one archive.

Thin layers over crawler/queue (the design is in its package docstring).
"""

from __future__ import annotations

import functools
import logging
import sys
from collections import Counter

import click

from crawler.cli.base import cli, data_option, format_option, parse_overrides, settings_option
from crawler.cli.output import Column, echo_json, emit
from crawler.registry import RegistryError, load_registry, portal_for_url

WORKER_COLUMNS = [Column("worker", "worker", 24), Column("since", "running since", 20),
                  Column("portals", "portals held", 12, ">")]
IN_FLIGHT_COLUMNS = [Column("portal", "portal", 16), Column("worker", "worker", 24), Column("entry", "entry", 16),
                     Column("idle_seconds", "idle s", 7, ">"), Column("deliveries", "tries", 5, ">")]
FAILED_COLUMNS = [Column("portal", "failed portal", 16), Column("at", "given up at", 20),
                  Column("deliveries", "tries", 5, ">"), Column("reason", "why", 60)]


def redis_option(func):
    """``--redis URL`` and ``--queue NAME``. A Redis that does not answer (or stops answering: a worker or the
    writer waits for it first, crawler/queue/keys.py ``OUTAGE_RETRY``) ends the command with a one-line error,
    exit 1."""
    @functools.wraps(func)
    def command(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            from redis import exceptions  # loaded by then: the command that raised uses it

            if not isinstance(exc, (exceptions.ConnectionError, exceptions.TimeoutError)):
                raise
            raise click.ClickException(f"no answer from Redis at {kwargs['redis_url']}: {exc}") from None

    command = click.option("--queue", "namespace", default="govarchive", show_default=True,
                           help="Namespace of the queue's Redis keys (several queues can share one Redis).")(command)
    return click.option("--redis", "redis_url", required=True, metavar="URL",
                        help="The Redis server of the queue, e.g. redis://queue-host:6379/0.")(command)


def log_to_stderr() -> None:
    """What a worker or the writer has to say (a writer missing, portals given back, the night's alerts), with
    the time: both run for days, under systemd or in a terminal."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s: %(message)s")


def _queue(redis_url, namespace, consumer="", lease=120.0):
    from crawler.queue.keys import Keys, connect
    from crawler.queue.portals import PortalQueue

    return PortalQueue(connect(redis_url), Keys(namespace), consumer, lease)


@cli.command()
@redis_option
@click.option("--portals", "registry", type=click.Path(dir_okay=False),
              help="Registry file of portals to queue (default: the shipped crawler/portals.json).")
@click.option("--portal", "urls", multiple=True, metavar="URL", help="Queue this portal instead (repeatable).")
@click.option("--mode", type=click.Choice(["nightly", "backfill"]), default="nightly", show_default=True)
def enqueue(redis_url, namespace, registry, urls, mode):
    """Queue a crawl of every portal of a registry (or of the portals given) for the workers.

    A portal still pending or being crawled is not queued again (whatever its mode)."""
    try:
        known = load_registry(registry)
        portals = [portal_for_url(u, known) for u in urls] if urls else known
    except RegistryError as exc:
        raise click.UsageError(str(exc)) from None
    entries, skipped = _queue(redis_url, namespace).enqueue([p.to_dict() for p in portals], mode)
    click.echo(f"queued {len(entries)} portal(s) for a {mode} crawl on {redis_url} ({namespace})")
    if skipped:
        modes = ", ".join(f"{n} {m}" for m, n in sorted(Counter(skipped.values()).items()))
        names = ", ".join(sorted(skipped)[:10]) + (", …" if len(skipped) > 10 else "")
        click.echo(f"{len(skipped)} already queued ({modes}), not queued again: {names}")


@cli.command()
@redis_option
@data_option
@click.option("--until-empty", is_flag=True, help="Exit once the queue holds nothing pending or in flight.")
@click.option("--lease", default=120.0, show_default=True, type=click.FloatRange(2),
              help="Seconds a leased portal stays this worker's without a sign of life.")
@click.option("--batch", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Portals leased and crawled together.")
@settings_option
def worker(redis_url, namespace, data_dir, until_empty, lease, batch, overrides):
    """Crawl portals from the queue, writing WARC files into DATA/warc and rows through the writer.

    Stopped (SIGTERM, Ctrl-C), it closes its crawl, hands its portals back to the queue and exits 0 (3 with
    --until-empty: the queue was not empty)."""
    from crawler.queue.keys import Keys, connect
    from crawler.queue.worker import Worker

    log_to_stderr()
    runner = Worker(connect(redis_url, patient=True), Keys(namespace), redis_url, data_dir, lease, batch,
                    parse_overrides(overrides))
    sys.exit(runner.run(until_empty=until_empty))


@cli.command()
@redis_option
@data_option
@click.option("--until-empty", is_flag=True, help="Exit once every queued portal is crawled and its results applied.")
def writer(redis_url, namespace, data_dir, until_empty):
    """Apply the workers' results to DATA/archive.db: the one writer of the archive."""
    from crawler.lock import LockHeld
    from crawler.queue.keys import Keys, connect
    from crawler.queue.writer import Writer

    log_to_stderr()
    try:
        sys.exit(Writer(connect(redis_url, patient=True), Keys(namespace), data_dir).run(until_empty=until_empty))
    except LockHeld as exc:
        click.echo(f"govarchive: {exc}", err=True)
        sys.exit(2)


@cli.command("queue")
@redis_option
@format_option(choices=("table", "json"))
def queue_status(redis_url, namespace, fmt):
    """Portals pending, in flight (by worker, since when), done and failed (each with why); the results waiting
    for the writer; the writer and the workers running."""
    queue = _queue(redis_url, namespace)
    counts, in_flight, failed, writer = queue.counts(), queue.in_flight(), queue.failed_portals(), queue.writer()
    held = Counter(row["worker"] for row in in_flight)
    workers = [{**worker, "portals": held[worker["worker"]]} for worker in queue.workers()]
    if fmt == "json":
        echo_json({**counts, "writer": writer, "workers": workers, "in_flight_portals": in_flight,
                   "failed_portals": failed})
        return
    click.echo(f"{counts['pending']} pending, {counts['in_flight']} in flight, {counts['done']} done, "
               f"{counts['failed']} failed; {counts['results_waiting']} results waiting for the writer")
    click.echo(f"writer: {writer}" if writer else "no writer runs: workers take no portal until one does")
    click.echo(f"{len(workers)} worker(s) running" if workers else "no worker runs")
    for rows, columns in ((workers, WORKER_COLUMNS), (in_flight, IN_FLIGHT_COLUMNS), (failed, FAILED_COLUMNS)):
        if rows:
            click.echo()
            emit(rows, columns, fmt)
