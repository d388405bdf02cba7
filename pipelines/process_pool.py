"""ProcessPool: functions run in worker processes, their results awaited on the running asyncio loop.

The extraction's pool (pipelines/extract.py). ``concurrent.futures.ProcessPoolExecutor`` runs two threads in
the submitting process (one moves each task to the workers' queue, one more pickles it onto the pipe) and
wakes the event loop through a third pipe for each result: four wake-ups between threads a task, each one a
hand-over of the GIL from the reactor. Here the loop talks to each worker over a pipe of its own: a task is
written to a worker's pipe, its result read when that pipe is readable (``loop.add_reader``). No thread, no
lock: the crawl process spent 0.5-0.9 ms less CPU a page (bench.throughput, four runs of each, one worker).

A worker runs one task at a time. A worker that dies (a crash, the OOM killer, :meth:`ProcessPool.run`'s
``kill_after``) fails only its own task (:class:`WorkerLost`, :class:`TaskKilled`) and is started again for
the next; the other workers' tasks go on.

Workers start from a multiprocessing context (forked from a forkserver, they share the pages it imported),
or from :data:`SUBPROCESS`: each a new interpreter, as multiprocessing's "spawn" starts them, but without the
resource tracker "spawn" also starts, a process of 13 MB RSS the pool has no use for (its workers share no
semaphore and no memory).
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import multiprocessing
import pickle
import subprocess
import sys
import traceback
from contextlib import suppress
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler

STOP_GRACE = 5.0  # seconds a worker has to leave when the pool closes, before it is killed
#: Bytes of tasks sent to a worker behind the one it runs (a dozen pages; an attachment waits for an idle
#: worker): below a socket's buffer (~200 KB), so such a write never blocks the loop.
QUEUED_BYTES = 128 * 1024


class WorkerLost(Exception):
    """The worker died while it ran the task (a crash, or a kill not ours)."""


class TaskKilled(Exception):
    """The task ran past its ``kill_after``: its worker was killed."""


def _serve(tasks, initializer, initargs) -> None:
    """A worker's life: the initializer, then each task read from the pipe, its outcome written back, until
    the pool sends None (or the pipe closes)."""
    if initializer is not None:
        initializer(*initargs)
    while True:
        try:
            task = tasks.recv()
        except EOFError:
            return
        if task is None:
            return
        function, args = task
        try:
            outcome = (True, function(*args))
        except BaseException as exc:  # noqa: BLE001 - every failure is the task's, sent back to the pool
            outcome = (False, _portable(exc))
        try:
            tasks.send(outcome)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:  # a result that cannot be sent
            tasks.send((False, _portable(exc)))


def _portable(exc: BaseException) -> BaseException:
    """``exc`` with its traceback as a note, as the pool can unpickle it (else a RuntimeError saying what it
    was): the worker's traceback is lost otherwise."""
    exc.add_note("".join(traceback.format_exception(exc)).rstrip())
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - any unpicklable exception
        exc = RuntimeError(f"{type(exc).__name__}: {exc}\n{exc.__notes__[-1]}")
    return exc


class _Inherited:
    """A connection's file descriptor, inherited by a :data:`SUBPROCESS` worker: unpickled there as a
    connection on it."""

    def __init__(self, fd: int):
        self.fd = fd

    def __reduce__(self):
        return Connection, (self.fd,)


def _inheritable(value, fds: list[int]):
    """``value`` with the connections in it (in tuples and lists too) as :class:`_Inherited`, their file
    descriptors added to ``fds``."""
    if isinstance(value, Connection):
        fds.append(value.fileno())
        return _Inherited(value.fileno())
    if isinstance(value, (tuple, list)):
        return type(value)(_inheritable(item, fds) for item in value)
    return value


def _subprocess_main() -> None:
    """A :data:`SUBPROCESS` worker's life, from what its stdin brings: the parent's sys.path (the call's
    function is found as it is there), then the call."""
    sys.path[:] = pickle.load(sys.stdin.buffer)
    target, args = pickle.load(sys.stdin.buffer)
    target(*args)


class _Subprocess:
    """A worker started with subprocess, with multiprocessing.Process's methods the pool uses."""

    def __init__(self, target, args, name: str = ""):
        self.target, self.args, self.popen = target, args, None

    def start(self) -> None:
        fds: list[int] = []
        call = pickle.dumps((self.target, _inheritable(self.args, fds)))
        self.popen = subprocess.Popen(
            [sys.executable, "-c", "from pipelines.process_pool import _subprocess_main; _subprocess_main()"],
            stdin=subprocess.PIPE, pass_fds=fds)
        self.popen.stdin.write(pickle.dumps(sys.path) + call)
        self.popen.stdin.close()

    @property
    def pid(self) -> int:
        return self.popen.pid

    def join(self, timeout: float | None = None) -> None:
        with suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout)

    def is_alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        self.popen.kill()

    @property
    def exitcode(self) -> int | None:
        return self.popen.poll()


class _SubprocessContext:
    Pipe = staticmethod(multiprocessing.Pipe)
    Process = _Subprocess


SUBPROCESS = _SubprocessContext()
"""Workers started with subprocess: the context to give :class:`ProcessPool` for workers that need not share
pages (one worker: nobody to share them with)."""


class _Task:
    """A task's pickled call, the future that waits for it, and how long it may run."""

    __slots__ = ("future", "call", "kill_after")

    def __init__(self, future: asyncio.Future, call: bytes, kill_after: float | None):
        self.future, self.call, self.kill_after = future, call, kill_after


class _Worker:
    """One worker process, the pool's end of its pipe, and the tasks sent to it, the running one first."""

    def __init__(self, context, initializer, initargs):
        self.pipe, child_end = context.Pipe()
        self.process = context.Process(target=_serve, args=(child_end, initializer, initargs),
                                       name="extraction-worker")
        self.process.start()
        child_end.close()  # only the worker holds it now: its death is EOF here
        self.tasks: collections.deque[_Task] = collections.deque()
        self.loop: asyncio.AbstractEventLoop | None = None  # the loop that waits for its tasks
        self.kill_timer: asyncio.TimerHandle | None = None
        self.dead = False  # known dead, its reader not yet told (EOF): it takes nothing more

    def takes(self, task: _Task) -> bool:
        """Whether this worker can be sent ``task`` now: when idle, or behind the tasks it has while they fit
        in :data:`QUEUED_BYTES`."""
        if self.dead:
            return False
        queued = sum(len(waiting.call) for waiting in itertools.islice(self.tasks, 1, None))
        return not self.tasks or queued + len(task.call) <= QUEUED_BYTES

    def stop(self, grace: float) -> None:
        try:
            self.pipe.send(None)
        except OSError:
            pass
        self.process.join(grace)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.pipe.close()


class ProcessPool:
    """``processes`` workers started from ``context`` (each runs ``initializer(*initargs)`` first); tasks
    wait, in order, for a worker.

    A worker is sent its next tasks while it runs one (as many as fit in :data:`QUEUED_BYTES`), so it does
    not wait for the loop between two: the loop may be busy with the crawl for a while when a result comes
    back. Tasks sent to a worker stay with it: behind a long one they wait, though another worker is idle.
    """

    def __init__(self, processes: int, context, initializer=None, initargs=()):
        self.context, self.initializer, self.initargs = context, initializer, initargs
        self.workers = [self._start() for _ in range(processes)]
        self.waiting: collections.deque[_Task] = collections.deque()

    def _start(self) -> _Worker:
        return _Worker(self.context, self.initializer, self.initargs)

    async def run(self, function, *args, kill_after: float | None = None):
        """``function(*args)`` in a worker: its result, or the exception it raised there. A task still
        running ``kill_after`` seconds after its worker took it is killed with the worker
        (:class:`TaskKilled`); a worker that dies with its task raises :class:`WorkerLost`."""
        future = asyncio.get_running_loop().create_future()
        self.waiting.append(_Task(future, ForkingPickler.dumps((function, args)), kill_after))
        self._dispatch()
        return await future

    def _dispatch(self) -> None:
        """Send waiting tasks to workers that can take them, idle ones first."""
        while self.waiting:
            task = self.waiting[0]
            worker = min((w for w in self.workers if w.takes(task)), key=lambda w: len(w.tasks), default=None)
            if worker is None:
                return
            self.waiting.popleft()
            if not task.future.cancelled():
                self._send(worker, task)

    def _send(self, worker: _Worker, task: _Task) -> None:
        try:
            worker.pipe.send_bytes(task.call)
        except OSError:  # it died: its reader hears EOF, or (idle) a new one takes its place now
            self.waiting.appendleft(task)
            worker.dead = True
            if not worker.tasks:
                self._replace(worker)
            return
        worker.tasks.append(task)
        if len(worker.tasks) == 1:
            worker.loop = asyncio.get_running_loop()
            worker.loop.add_reader(worker.pipe.fileno(), self._finished, worker)
            self._started(worker)

    @staticmethod
    def _started(worker: _Worker) -> None:
        """The first of the worker's tasks is running from now: its time starts."""
        kill_after = worker.tasks[0].kill_after
        if kill_after is not None:
            worker.kill_timer = worker.loop.call_later(kill_after, ProcessPool._kill, worker)

    def _finished(self, worker: _Worker) -> None:
        """The worker's pipe is readable: the outcomes of its tasks done so far, or EOF (it died). All are
        read now: the loop may come back to this pipe only after a round of the crawl's work."""
        while worker.tasks:
            try:
                ok, value = worker.pipe.recv()
            except (EOFError, OSError):
                self._lost(worker, WorkerLost(f"the worker died with its task (exit code {self._exit_code(worker)})"))
                return
            self._stop_timer(worker)
            future = worker.tasks.popleft().future
            if not future.cancelled():
                (future.set_result if ok else future.set_exception)(value)
            if worker.tasks:
                self._started(worker)
            if not worker.pipe.poll():
                break
        if not worker.tasks:
            worker.loop.remove_reader(worker.pipe.fileno())
        self._dispatch()

    @staticmethod
    def _kill(worker: _Worker) -> None:
        """Its running task is past its time: kill the worker; its reader hears EOF."""
        worker.kill_timer, worker.dead = None, True
        worker.process.kill()
        worker.process.join()
        running = worker.tasks[0].future
        if not running.done():
            running.set_exception(TaskKilled("still running past its time: its worker was killed"))

    def _lost(self, worker: _Worker, error: Exception) -> None:
        """The worker is gone: its running task fails with ``error`` (unless killed for its time), the tasks
        sent behind it wait again, first, and a new worker takes its place."""
        self._unwatch(worker)
        running = worker.tasks.popleft().future
        if not running.done():
            running.set_exception(error)
        self.waiting.extendleft(reversed(worker.tasks))
        worker.tasks.clear()
        self._replace(worker)
        self._dispatch()

    def _replace(self, worker: _Worker) -> None:
        """A new worker in place of ``worker``, which is killed if it is not dead yet (a pipe that gave
        garbage, not EOF)."""
        worker.pipe.close()
        worker.process.kill()
        worker.process.join()
        self.workers[self.workers.index(worker)] = self._start()

    @classmethod
    def _unwatch(cls, worker: _Worker) -> None:
        """The loop stops waiting for the worker's results and its running task's time."""
        cls._stop_timer(worker)
        worker.loop.remove_reader(worker.pipe.fileno())

    @staticmethod
    def _stop_timer(worker: _Worker) -> None:
        if worker.kill_timer is not None:
            worker.kill_timer.cancel()
            worker.kill_timer = None

    @staticmethod
    def _exit_code(worker: _Worker):
        worker.process.join(1.0)
        return worker.process.exitcode

    def close(self) -> None:
        """Stop the workers (each ends its running task first, ``STOP_GRACE`` seconds at most); tasks not
        done are cancelled."""
        for task in self.waiting:
            task.future.cancel()
        self.waiting.clear()
        for worker in self.workers:
            if worker.tasks:
                self._unwatch(worker)
                for task in worker.tasks:
                    task.future.cancel()
            worker.stop(STOP_GRACE)
        self.workers = []
