"""Crawling thousands of portals with several workers, on several machines, into one archive.

The queue engine is Redis Streams with consumer groups (Redis ≥ 6.2; Debian's redis-server 7): at-least-once
delivery, a pending-entries list per consumer, and ``XCLAIM`` to take over what a dead consumer held.

- **Portals** (portals.py): ``govarchive enqueue`` adds one entry per portal to the stream ``<ns>:portals``.
  A worker (worker.py) leases a few entries at a time (``XREADGROUP`` in the group ``workers``), keeps them
  leased while it crawls (``XCLAIM`` refreshes their idle time), and acknowledges each once its crawl is
  over. A worker that dies stops refreshing: after the lease time another worker claims its entries
  (``XPENDING … IDLE``, then ``XCLAIM``) and crawls those portals again, serving what the dead one already
  archived from its WARC records (the writer names them: ``<ns>:runs:<entry>``), so only what was in flight
  is fetched twice. A portal whose crawl keeps failing goes to ``<ns>:failed`` after MAX_DELIVERIES.
- **Results** (results.py): a worker never opens the archive database. Its crawl writes WARC files into the
  shared data directory (names carry host and pid) and sends every row it would store (captures, reports
  with their attachments, listings, crawl rows) to the stream ``<ns>:results``, through the same store
  interface as a local crawl (store.py; archive/store.py). The one writer (writer.py) applies them to
  ``archive.db`` in order, in transactions, idempotently (a redelivered message changes nothing), and
  answers the workers' requests for what the archive knows of a portal (state.py: listings, latest
  captures, held reports), which a nightly run needs.
- ``govarchive queue`` (crawler/cli/queue.py, from portals.py's counts) shows pending, in flight (by worker,
  since when), done and failed, and the writer and the workers running (their signs of life: alive.py).
"""
