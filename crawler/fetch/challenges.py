"""Is this answer an anti-bot challenge rather than the page? One test for plain HTTP and the browser.

瑞数 answers 412 (sometimes 202 or a tiny 200) with ``$_ts``, a ``<meta … r='m'>`` and a script that sets a
cookie and reloads; 加速乐 answers 521 with ``__jsluid`` cookies; a WAF answers "访问异常/安全检查" with 200.
"""

from __future__ import annotations

import re

CHALLENGE_STATUSES = frozenset({412, 521})
CHALLENGE_MAX_BYTES = 32 * 1024  # a challenge page is small; a real page that mentions $_ts is not
_SCRIPT = re.compile(rb"<script\b", re.I)
_MARKERS = [
    ("$_ts", re.compile(rb"\$_ts\b")),
    ("meta r=m", re.compile(rb"<meta\b[^>]*\br\s*=\s*['\"]?m['\"]?[\s/>]", re.I)),
    ("jsluid", re.compile(rb"__jsl(?:uid|_clearance)", re.I)),
]
# WAF block pages say so in a few words; a news title on a home page ("开展道路运输安全检查") is no challenge.
_WAF_TEXT = re.compile(r"访问异常|安全检查|安全验证|人机验证|访问验证|请开启\s*JavaScript|请启用\s*JavaScript", re.I)
_WAF_MAX_LINKS = 5
_WAF_MAX_TEXT = 600  # characters of visible text
_INVISIBLE = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<[^>]+>|&nbsp;|\s+", re.I | re.S)


def challenge_reason(status: int, body: bytes | None) -> str | None:
    """Why this answer is an anti-bot challenge rather than the page, or None.

    412 and 521 are challenges whatever the body. A 200/202 is one when it is small, holds a script and
    carries a challenge marker (``$_ts``, ``<meta … r='m'>``, ``__jsluid``, WAF text such as 访问异常/安全检查).
    """
    if status in CHALLENGE_STATUSES:
        return f"HTTP {status}"
    if status not in (200, 202) or not body or len(body) > CHALLENGE_MAX_BYTES or not _SCRIPT.search(body):
        return None
    for name, pattern in _MARKERS:
        if pattern.search(body):
            return f"HTTP {status} with {name}"
    if _waf_page(body):
        return f"HTTP {status} with WAF page"
    return None


def _waf_page(body: bytes) -> bool:
    """A tiny page (few links, little text) whose text says the visit was stopped for a check."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("gb18030", "ignore")
    if not _WAF_TEXT.search(text) or len(re.findall(r"<a\b", text, re.I)) >= _WAF_MAX_LINKS:
        return False
    return len(_INVISIBLE.sub("", text)) < _WAF_MAX_TEXT
