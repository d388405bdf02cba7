"""When a nightly crawl checks a report it already holds again (a conditional GET: a 304 costs a few hundred
bytes), so that corrections are caught the next night without fetching every report every night.

Reports are corrected mostly in the weeks after they are published. A report is checked every night while it
is new (published, or last changed, within RECHECK_NEW_DAYS, default 60); after that the interval doubles
with its age, 1, 2, 4 … days, up to RECHECK_MAX_DAYS (default 30). A change makes it new again. The age is
counted from the later of its publication (the page's date, else when it was first fetched) and its last
change (when its newest version was fetched, for a report with more than one version).

    >>> recheck_interval(age_days=10)
    1.0
    >>> recheck_interval(age_days=60 + 6)
    4.0
    >>> recheck_interval(age_days=3000)
    30.0
"""

from __future__ import annotations

import datetime as dt
import math

NEW_DAYS = 60.0
MAX_DAYS = 30.0
SLACK_DAYS = 0.5  # nightly runs start at about the same time: one that starts a little early still counts


def recheck_interval(age_days: float, new_days: float = NEW_DAYS, max_days: float = MAX_DAYS) -> float:
    """Days between two checks of a report whose publication or last change is ``age_days`` ago."""
    if age_days <= new_days:
        return min(1.0, max_days)
    return float(min(max_days, 2 ** math.floor(math.log2(age_days - new_days + 1))))


def is_due(report: dict, now: dt.datetime, new_days: float = NEW_DAYS, max_days: float = MAX_DAYS) -> bool:
    """Whether a held report (``publish_date``, ``first_fetched_at``, ``fetched_at``, ``version``,
    ``last_seen_at``: ISO dates of its latest row) should be checked again by the run starting at ``now``."""
    published = _when(report.get("publish_date")) or _when(report["first_fetched_at"])
    changed = _when(report["fetched_at"]) if report.get("version", 1) > 1 else None
    age = _days(now - max(d for d in (published, changed) if d is not None))
    since_check = _days(now - _when(report["last_seen_at"]))
    return since_check >= recheck_interval(age, new_days, max_days) - SLACK_DAYS


def _when(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _days(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 86400
