"""Sample government portals on 127.0.0.1, for the test-suite and ``make demo``.

::

    from tests.sampleportals import SamplePortals
    with SamplePortals() as sp:
        sp.portals, sp.expected_reports, sp.decoy_urls, sp.page_urls("changde"), sp.request_log …

Four portals imitate real ones (TRS city portal, old GBK county site, 开普云 development zone, older TRS
site) and serve the five corpus reports among decoys and ordinary pages; ``SamplePortals(group=…)`` serves
other groups instead (groups.py: script-written listings and anti-bot gates, CMS list APIs, faults,
politeness, a 635-page portal). ``python -m tests.sampleportals [--group G]`` serves them until interrupted.
"""

from .server import ExpectedReport, Portal, SamplePortals, write_registry

__all__ = ["ExpectedReport", "Portal", "SamplePortals", "write_registry"]
