"""One crawl at a time per data directory.

An advisory ``flock`` on ``DATA/crawl.lock``: the kernel releases it when the holder exits, even on SIGKILL,
so a crashed run never leaves a stale lock behind. The file says who holds it, for the refused run's message.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
from contextlib import contextmanager
from pathlib import Path

from archive.db import utcnow

LOCK_NAME = "crawl.lock"


class LockHeld(RuntimeError):
    """Another run holds the data directory; the message says which."""


@contextmanager
def data_dir_lock(data_dir, command: str = ""):
    """Hold the data directory's lock for the duration of the block, or raise ``LockHeld`` at once."""
    path = Path(data_dir) / LOCK_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise LockHeld(f"{data_dir} is in use by another run: {describe_holder(handle.read())}") from None
        handle.seek(0)
        handle.truncate()
        holder = {"pid": os.getpid(), "host": socket.gethostname(), "since": utcnow(),
                  "command": command or " ".join(sys.argv)}
        handle.write(json.dumps(holder, ensure_ascii=False))
        handle.flush()
        yield holder
    finally:
        handle.close()


def describe_holder(text: str) -> str:
    try:
        holder = json.loads(text)
    except json.JSONDecodeError:
        return "unknown process"
    return f"pid {holder['pid']} on {holder['host']} since {holder['since']} ({holder['command']})"
