"""Where Debian's Chromium is and how it is started: the part of the browser setup that crawler/settings.py
reads, kept free of heavy imports (the rest is crawler/fetch/browser/)."""

from __future__ import annotations

import shutil
from pathlib import Path

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser")
CHROMIUM_FALLBACK = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",                      # root in containers; the pages are public and the profile is throwaway
    "--disable-gpu",
    "--disable-quic",                    # one HTTP stack for the archive: HTTP/1.1 or h2 over TCP
    "--no-first-run",
    "--disable-background-networking",   # no calls to Google services (they fail offline anyway)
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> str | None:
    """Debian's Chromium (``make install`` installs the ``chromium`` package), or None.

    ``PLAYWRIGHT_LAUNCH_OPTIONS["executable_path"]`` is this path; when it is None (no Chromium when the
    settings were read) the browser download handler (crawler/fetch/browser/handler.py) looks again on the
    first browser request and raises ``BrowserUnavailable`` with instructions, so crawls that never need a
    browser still run.
    """
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return CHROMIUM_FALLBACK if Path(CHROMIUM_FALLBACK).exists() else None
