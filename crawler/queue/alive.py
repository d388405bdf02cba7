"""Signs of life: a running writer or worker keeps a key of its own set, with a short expiry.

``<ns>:writer`` holds the writer's name: workers take no portal while no writer runs. ``<ns>:workers:<name>``
holds when each worker started: ``govarchive queue`` lists the workers running, those waiting for work too.
A process killed stops setting its key, and the key is gone BEAT_TTL seconds later.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager, suppress

import redis

BEAT = 2.0  # seconds between two signs of life
BEAT_TTL = 10  # seconds a sign of life lasts: a process killed is seen gone this soon


@contextmanager
def signs_of_life(client: redis.Redis, key: str, value: str):
    """Keep ``key`` set to ``value``, expiring after BEAT_TTL seconds and set again every BEAT seconds by a
    thread (the process may be busy for longer: the writer's checks across reports on a large archive);
    deleted at the end."""
    stop = threading.Event()

    def beat():
        while not stop.wait(BEAT):
            with suppress(redis.RedisError):  # Redis gone: the process's own commands wait for it, or give up
                client.set(key, value, ex=BEAT_TTL)

    client.set(key, value, ex=BEAT_TTL)
    threading.Thread(target=beat, name="signs-of-life", daemon=True).start()
    try:
        yield
    finally:
        stop.set()
        with suppress(redis.RedisError):
            client.delete(key)
