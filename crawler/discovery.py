"""Growing the registry: which hosts are government portals, and what a found portal's entry says.

Pure functions over host names, link texts and page titles; the crawl that finds the portals is
spiders/registry.py (``govarchive portals discover``), and reviewing and merging entries is
crawler/registry_review.py.

    >>> site_name("首页 - 常德市鼎城区人民政府门户网站")
    '常德市鼎城区人民政府'
    >>> admin_level("常德市人民政府"), admin_level("津市市人民政府", parent_level="city")
    ('city', 'county')
    >>> region_of("鼎城区人民政府", parent_region="湖南省常德市")
    '湖南省常德市鼎城区'
    >>> portal_id("www.changde.gov.cn"), portal_id("cdjkq.changde.gov.cn"), portal_id("127.0.0.3:8010")
    ('changde', 'cdjkq', '127-0-0-3-8010')
"""

from __future__ import annotations

import ipaddress
import re
from fnmatch import fnmatch
from urllib.parse import urlsplit

from archive.coverage import DEPARTMENT_RE, ZONE_RE, admin_units, bare_government
from crawler.registry import netloc_of

#: Government hosts: gov.cn and its subdomains, the 政务 top-level domain (xn--zfr164b) reserved for
#: government bodies, and the governments of Hong Kong and Macao. ``--allow-host`` replaces them.
GOVERNMENT_HOSTS = ("gov.cn", "*.gov.cn", "*.xn--zfr164b", "*.gov.hk", "*.gov.mo")
#: Link texts of a portal's links to other portals: 政府网站 / 县市区 / 部门网站 navigation, footers, site maps.
NAVIGATION_RE = re.compile(
    r"政府网站|政府网|县市区|市县区|区县|县区|市州|市县|部门网站|网站群|站群|友情链接|相关链接|网站导航|网站地图|站点地图"
    r"|地方政府|下级政府|乡镇|街道|政府机构|机构设置")
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
TOWNSHIP_RE = re.compile(r"(?:镇|乡|街道|苏木)$")
_SEPARATORS = re.compile(r"\s*[-_|｜－—–·:：»>]+\s*|\s{2,}")
_TITLE_SUFFIX = re.compile(r"(?:门户网站|官方网站|网站|官网|首页|主页)$")
_TITLE_NOISE = re.compile(r"^(?:首页|主页|网站首页|门户首页|index|home)$", re.I)
_TITLE_GREETING = re.compile(r"^欢迎您?(?:访问|来到|光临)?")
_GOVERNMENT_WORDS = re.compile(r"人民政府|政府|管委会|管理委员会|行政公署|局|委员会|办公室|厅")
_BODY_SUFFIX = re.compile(r"(?:人民政府|政府|门户网站|网站)$")


def host_allowed(host: str, patterns=GOVERNMENT_HOSTS) -> bool:
    """``host`` (``name`` or ``name:port``) matches one of the shell-style ``patterns``, with or without
    its port (``127.0.0.*`` matches ``127.0.0.3:8010``)."""
    host = host.lower()
    name = _without_port(host)
    return any(fnmatch(host, p) or fnmatch(name, p) for p in patterns)


def _without_port(host: str) -> str:
    """``name:port`` -> ``name`` (an IPv6 address, with colons of its own, is left whole)."""
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def url_allowed(url: str, patterns=GOVERNMENT_HOSTS) -> bool:
    return urlsplit(url).scheme in ("http", "https") and host_allowed(netloc_of(url), patterns)


def home_url(url: str) -> str:
    """The home page of ``url``'s site: ``http://host[:port]/``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def site_name(title: str, meta_site_name: str = "") -> str:
    """A portal's name from its ``SiteName`` meta, else its ``<title>``: the part that names a body,
    without 首页 or 门户网站."""
    for text in (meta_site_name, title):
        parts = [_TITLE_SUFFIX.sub("", _TITLE_GREETING.sub("", p.strip())) for p in _SEPARATORS.split(text or "")]
        parts = [_TITLE_SUFFIX.sub("", p) for p in parts if p and not _TITLE_NOISE.match(p)]
        parts = [p for p in parts if p]
        named = [p for p in parts if _GOVERNMENT_WORDS.search(p)]
        if named or parts:
            return (named or sorted(parts, key=len, reverse=True))[0]
    return ""


def admin_level(name: str, parent_level: str = "") -> str:
    """The level a portal's name says: ``province`` (省, 自治区, 直辖市), ``city`` (市, 州, 盟, 地区),
    ``county`` (县, 区, 旗, and a 市 under a city: 津市市), ``township`` (镇, 乡, 街道), ``development-zone``,
    ``department`` (局, 委 …), ``national`` (中国政府网), or "" when it says none."""
    bare = bare_government(name).replace("管委会", "管理委员会")
    if ZONE_RE.search(bare):
        return "development-zone"
    if DEPARTMENT_RE.search(bare) and not _BODY_SUFFIX.search(name):
        return "department"
    if TOWNSHIP_RE.search(bare):
        return "township"
    units = admin_units(bare)
    if not units:
        return "national" if re.search(r"中国政府网|国务院|中华人民共和国", name) else ""
    last = units[-1]
    if _is_province(last):
        return "province"
    if last.endswith(("县", "旗", "区")):
        return "county"
    if last.endswith("市"):
        above = units[-2] if len(units) > 1 else ""
        county_city = parent_level == "city" or (above.endswith(("市", "州", "盟", "地区")) and above not in MUNICIPALITIES)
        return "county" if county_city else "city"
    return "city"  # 州, 盟, 地区


def _is_province(unit: str) -> bool:
    """A province-level unit: 省, 自治区, 特别行政区, or one of the four municipalities."""
    return unit.endswith(("省", "自治区", "特别行政区")) or unit in MUNICIPALITIES


def region_of(name: str, parent_region: str = "", level: str = "") -> str:
    """The region a portal's name gives, completed from the portal that links to it: 鼎城区人民政府 linked
    from 湖南省常德市 is 湖南省常德市鼎城区. Departments and zones take their parent's region; a province or
    a portal whose name names no place does not inherit one."""
    level = level or admin_level(name)
    if level in ("department", "development-zone"):
        return parent_region
    bare = bare_government(name)
    units = admin_units(bare)
    place = bare[len("".join(units)):] if level == "township" else ""  # 灌溪镇: not a unit admin_units knows
    if level in ("province", "national") or (units and _is_province(units[0])):
        return "".join(units) + place
    if not units and not place:
        return ""
    parent = admin_units(parent_region)
    if units and units[0] in parent:
        return "".join(parent[:parent.index(units[0])] + units) + place
    return "".join(parent + units) + place


def portal_id(host: str, taken=()) -> str:
    """A registry id from a host: its first label after www (``cdjkq.changde.gov.cn`` -> ``cdjkq``), more
    labels or a number when that is taken; an IP address (with its port) becomes dashes."""
    name = host.lower()
    hostname = _without_port(name)
    try:
        ipaddress.ip_address(hostname.strip("[]"))
        candidates = [re.sub(r"[^a-z0-9]+", "-", name).strip("-")]
    except ValueError:
        labels = [label for label in hostname.split(".") if not re.fullmatch(r"www\d*", label)]
        while len(labels) > 1 and labels[-1] in ("cn", "gov", "com", "net", "org", "hk", "mo", "xn--zfr164b"):
            labels.pop()
        candidates = ["-".join(labels[:n]) for n in range(1, len(labels) + 1)] or [hostname]
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    n = 2
    while f"{candidates[-1]}-{n}" in taken:
        n += 1
    return f"{candidates[-1]}-{n}"


def names_a_body(text: str) -> bool:
    """A link text that names a government body or place (常德市人民政府, 鼎城区, 教育局, 中国政府网) rather
    than a headline: 2 to 20 characters, no digits or sentence punctuation, a level or a body word."""
    text = re.sub(r"\s+", "", text or "")
    if not 2 <= len(text) <= 20 or re.search(r"[0-9０-９，。、！？“”]", text):
        return False
    return bool(admin_level(text) or _GOVERNMENT_WORDS.search(text))
