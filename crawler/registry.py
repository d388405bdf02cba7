"""The portal registry: which government portals to crawl, where to start, and which hosts are theirs.

A registry is a JSON list of portals (see crawler/portals.json, the shipped registry of real portals)::

    {"id": "changde", "name": "常德市人民政府", "region": "湖南省常德市", "level": "city",
     "start_urls": ["https://www.changde.gov.cn/zwgk/"], "hosts": ["www.changde.gov.cn"]}

``hosts`` are compared with the URL's host[:port]; the crawl never fetches a URL outside them.
Optional keys: ``browser`` (always render listing pages in Chromium), ``robots`` (false to ignore
robots.txt for this portal; the crawl logs it).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_REGISTRY = Path(__file__).with_name("portals.json")


class RegistryError(ValueError):
    """A registry file that cannot be used; the message says which entry and why."""


@dataclass(frozen=True)
class Portal:
    id: str
    name: str
    start_urls: tuple[str, ...]
    hosts: tuple[str, ...]
    region: str = ""
    level: str = ""
    browser: bool = False
    robots: bool = True
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def owns(self, url: str) -> bool:
        """True when ``url`` is on one of this portal's hosts (scheme http or https)."""
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and netloc_of(url) in self.hosts

    def to_dict(self) -> dict:
        data = asdict(self)
        data["start_urls"], data["hosts"] = list(self.start_urls), list(self.hosts)
        extra = data.pop("extra")
        return {**data, **extra}


def netloc_of(url: str) -> str:
    """``host`` or ``host:port`` in lower case, default ports dropped."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not (parts.scheme == "http" and port == 80 or parts.scheme == "https" and port == 443):
        return f"{host}:{port}"
    return host


def portal_from_dict(entry: dict, where: str = "registry") -> Portal:
    known = {"id", "name", "start_urls", "hosts", "region", "level", "browser", "robots"}
    for key in ("id", "name", "start_urls"):
        if not entry.get(key):
            raise RegistryError(f"{where}: portal {entry.get('id') or entry.get('name') or '?'} has no {key!r}")
    start_urls = tuple(entry["start_urls"])
    hosts = tuple(h.lower() for h in entry.get("hosts") or sorted({netloc_of(u) for u in start_urls}))
    portal = Portal(
        id=str(entry["id"]), name=entry["name"], start_urls=start_urls, hosts=hosts,
        region=entry.get("region", ""), level=entry.get("level", ""),
        browser=bool(entry.get("browser", False)), robots=bool(entry.get("robots", True)),
        extra={k: v for k, v in entry.items() if k not in known},
    )
    outside = [u for u in start_urls if not portal.owns(u)]
    if outside:
        raise RegistryError(f"{where}: portal {portal.id}: start URL {outside[0]} is not on its hosts {list(hosts)}")
    return portal


PORTALS_SETTING = "GOVARCHIVE_PORTALS"
"""The portals of a crawl, in its settings (a list of registry entries): the spider and every component that
needs a portal's hosts or name read them from there; a request or an item names its portal by id."""


def portals_setting(portals) -> list[dict]:
    """The value of ``GOVARCHIVE_PORTALS`` for these portals."""
    return [portal.to_dict() for portal in portals]


def portals_of(settings) -> dict[str, Portal]:
    """The crawl's portals by id, from its settings."""
    return {entry["id"]: portal_from_dict(entry, "settings") for entry in settings.getlist(PORTALS_SETTING)}


def portal_owning(portals: dict[str, Portal], url: str) -> Portal | None:
    """The portal whose hosts hold ``url``, if any."""
    return next((portal for portal in portals.values() if portal.owns(url)), None)


def read_entries(path) -> list[dict]:
    """The JSON list of a registry file, its entries unchecked; RegistryError when it is not one."""
    path = Path(path)
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegistryError(f"{path}: no such registry file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise RegistryError(f"{path}: expected a JSON list of portal objects")
    return entries


def load_registry(path: str | Path | None = None) -> list[Portal]:
    """Read a registry file (default: the shipped crawler/portals.json)."""
    path = Path(path) if path else DEFAULT_REGISTRY
    portals = [portal_from_dict(e, where=str(path)) for e in read_entries(path)]
    ids = [p.id for p in portals]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RegistryError(f"{path}: duplicate portal ids {duplicates}")
    return portals


def portal_for_url(url: str, registry: list[Portal] | None = None) -> Portal:
    """The registry portal that owns ``url``, or an ad-hoc portal for its host.

    A bare domain (``www.example.gov.cn``) is taken as ``http://`` + domain + ``/``.
    """
    if not re.match(r"^https?://", url):
        url = f"http://{url.strip('/')}/"
    for portal in registry or []:
        if portal.owns(url):
            return Portal(**{**portal.__dict__, "start_urls": (url,)})
    host = netloc_of(url)
    if not host:
        raise RegistryError(f"{url}: not a URL with a host")
    return Portal(id=re.sub(r"[^a-z0-9]+", "-", host).strip("-"), name=host, start_urls=(url,), hosts=(host,))
