"""pipelines/process_pool.py: tasks in worker processes, awaited on the loop with no thread of its own."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time

import pytest

from pipelines.process_pool import SUBPROCESS, ProcessPool, TaskKilled, WorkerLost


@pytest.fixture(params=["forkserver", "subprocess"])
def context(request):
    """Workers forked from a forkserver, or each a new interpreter (SUBPROCESS, the extraction's single worker)."""
    return multiprocessing.get_context("forkserver") if request.param == "forkserver" else SUBPROCESS


def nap(seconds: float, value):
    time.sleep(seconds)
    return value, os.getpid()


def fail(message: str):
    raise ValueError(message)


def die():
    os._exit(7)


def unpicklable_result():
    return lambda: None


def raise_unpicklable():
    class Local(Exception):
        pass

    raise Local("odd page")


@pytest.fixture
def pool(context):
    pool = ProcessPool(2, context)
    yield pool
    pool.close()


def test_results_come_back_in_any_order_and_tasks_past_the_workers_wait(pool):
    async def scenario():
        threads = threading.active_count()
        results = await asyncio.gather(*(pool.run(nap, 0.2 if n == 0 else 0.01, n) for n in range(6)))
        return results, threads, threading.active_count()

    results, threads_before, threads_after = asyncio.run(scenario())
    assert [value for value, _ in results] == list(range(6))
    assert {pid for _, pid in results} == {worker.process.pid for worker in pool.workers}
    assert threads_after == threads_before  # no thread of the pool's in this process


def test_an_exception_comes_back_with_the_workers_traceback(pool):
    with pytest.raises(ValueError, match="bad page") as raised:
        asyncio.run(pool.run(fail, "bad page"))
    assert "in fail" in raised.value.__notes__[-1]
    with pytest.raises(AttributeError, match="Can't pickle local object 'unpicklable_result"):
        asyncio.run(pool.run(unpicklable_result))
    with pytest.raises(RuntimeError, match="Local: odd page"):
        asyncio.run(pool.run(raise_unpicklable))
    assert asyncio.run(pool.run(nap, 0, "next"))[0] == "next"


def test_a_worker_that_dies_fails_its_own_task_only_and_another_takes_its_place(pool):
    async def scenario():
        slow = asyncio.ensure_future(pool.run(nap, 0.5, "other worker"))
        await asyncio.sleep(0.1)
        with pytest.raises(WorkerLost, match="exit code 7"):
            await pool.run(die)
        return await slow, await pool.run(nap, 0, "after")

    dead = {worker.process.pid for worker in pool.workers}
    (slow, _), (after, _) = asyncio.run(scenario())
    assert slow == "other worker" and after == "after"
    assert len(pool.workers) == 2 and len(dead - {worker.process.pid for worker in pool.workers}) == 1


def test_the_tasks_sent_behind_a_task_that_kills_its_worker_are_done_by_the_next_worker(context):
    pool = ProcessPool(1, context)

    async def scenario():
        return await asyncio.gather(pool.run(die), pool.run(nap, 0, "behind"), pool.run(nap, 0, "last"),
                                    return_exceptions=True)

    try:
        lost, behind, last = asyncio.run(scenario())
    finally:
        pool.close()
    assert isinstance(lost, WorkerLost) and behind[0] == "behind" and last[0] == "last"


def test_a_task_sent_to_a_busy_worker_just_dead_waits_for_the_next_worker(context):
    pool = ProcessPool(1, context)

    async def scenario():
        running = asyncio.ensure_future(pool.run(nap, 60, "never"))
        await asyncio.sleep(0.3)
        (worker,) = pool.workers
        worker.process.kill()
        worker.process.join()
        after = await pool.run(nap, 0, "after")  # sent before the loop reads the dead worker's EOF
        with pytest.raises(WorkerLost):
            await running
        return after

    try:
        assert asyncio.run(scenario())[0] == "after"
    finally:
        pool.close()


def test_a_task_past_its_time_is_killed_with_its_worker_and_the_pool_goes_on(pool):
    async def scenario():
        started = time.monotonic()
        with pytest.raises(TaskKilled):
            await pool.run(nap, 60, "never", kill_after=0.5)
        return time.monotonic() - started, await pool.run(nap, 0, "next")

    waited, (value, _) = asyncio.run(scenario())
    assert waited < 10 and value == "next"


def test_closing_stops_every_worker(context):
    pool = ProcessPool(2, context)
    processes = [worker.process for worker in pool.workers]
    asyncio.run(pool.run(nap, 0, None))
    pool.close()
    assert not any(process.is_alive() for process in processes) and pool.workers == []
