"""Checkpoints of ``archive.db``'s write-ahead log in a thread of their own, for the processes that write it.

SQLite's automatic checkpoint (copying the WAL back into the database file) runs inside the commit that takes
the WAL past 1,000 pages, in the thread that commits, and costs more as the file grows: the pages it copies
land all over a larger file, and with ``synchronous = normal`` it is the one fsync. bench.save_report measured
the distributed writer's report message at 0.10 ms with 1,000 reports held and 0.37 ms with 100,000; with
the checkpoints beside the writer, 0.12 ms at both.

:class:`Checkpoints` turns the automatic checkpoint off on one connection and runs a PASSIVE checkpoint (it
never blocks a writer, nor waits for a reader) every ``every`` seconds on a connection of its own (SQLite
works outside the GIL), and a last one when it stops. A process killed meanwhile loses nothing: its WAL is
read back at the next open.

    >>> with Checkpoints(db):  # doctest: +SKIP
    ...     write_lots(db)
"""

from __future__ import annotations

import logging
import sqlite3
import threading

import sqlite_utils

logger = logging.getLogger(__name__)
EVERY = 1.0  # seconds between checkpoints
AUTOMATIC = 1000  # pages: SQLite's default, given back on stop


class Checkpoints:
    def __init__(self, db: sqlite_utils.Database, every: float = EVERY):
        self.db = db
        self.every = every
        self.path = db.execute("pragma database_list").fetchone()[2]
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "Checkpoints":
        self.db.execute("pragma wal_autocheckpoint = 0")
        self._thread = threading.Thread(target=self._run, name="wal-checkpoints", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread after a last checkpoint; the connection checkpoints by itself again."""
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join()
        self._thread = None
        self.db.execute(f"pragma wal_autocheckpoint = {AUTOMATIC}")

    def _run(self) -> None:
        conn = sqlite3.connect(self.path, check_same_thread=False)
        try:
            while not self._stop.wait(self.every):
                self._checkpoint(conn)
            self._checkpoint(conn)
        finally:
            conn.close()

    @staticmethod
    def _checkpoint(conn: sqlite3.Connection) -> None:
        try:
            conn.execute("pragma wal_checkpoint(passive)")
        except sqlite3.Error as exc:  # another process's checkpoint: the next one catches up
            logger.debug("WAL checkpoint skipped: %s", exc)

    def __enter__(self) -> "Checkpoints":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
