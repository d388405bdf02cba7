"""A redis-server of our own (Debian's), on a free loopback port: for the tests of distributed crawls and for
``make bench``. Without persistence, unless asked for the append-only file (a restart then loses nothing)."""

from __future__ import annotations

import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path


class RedisServer:
    """redis-server on a free loopback port, in ``directory`` (where an append-only file is kept with
    ``appendonly``)."""

    def __init__(self, directory, appendonly: bool = False):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.appendonly = appendonly
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes" if self.appendonly else "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True,
                             text=True).stdout.strip() != "PONG":
            assert self.process.poll() is None and time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)

    def stop(self) -> None:
        """SIGTERM, as an operator's restart does (the append-only file is flushed), and wait for it."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None

    def restart(self, down_for: float) -> None:
        """Stop, stay down ``down_for`` seconds, start again on the same port."""
        self.stop()
        time.sleep(down_for)
        self.start()


@contextmanager
def redis_server(directory):
    """Start redis-server in ``directory``; yield its URL; stop it (and wait for it) on exit."""
    server = RedisServer(directory)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()
