"""Which sample portals a SamplePortals(group=…) serves, and how each portal style is rendered and answered.

Groups: ``corpus`` (the four portals of the corpus reports: the demo and most tests), ``browser``
(tests/test_browser.py: a JavaScript-written report column, a 瑞数-like anti-bot gate, and one whose challenge
never passes), ``cms`` (tests/test_cms.py: Hanweb JCMS and Fujian-platform list APIs), ``faults`` and
``polite`` (tests/test_faults.py, test_politeness.py), ``bulk`` (the 635-page portal of ``make bench``),
``fleet`` (tests/test_distributed.py: 20 small portals, each on a loopback address of its own), ``throughput``
(bench.throughput: 16 larger ones), ``long`` (bench.long_backfill: 50,000 pages), ``govtree``
(tests/test_discovery.py: a province, its cities and counties, each portal on its own loopback address),
``tree`` (a county portal whose departments and townships publish their own reports: county.py) and ``all``
(corpus and browser).
"""

from __future__ import annotations

from . import bulk, county, faults, fjplatform, govtree, hanweb, jslisting, kaifu, kaipuyun, polite, ruishu, trs
from .portals import BUILDERS

GROUPS = {
    "corpus": BUILDERS,
    "browser": [jslisting.linli, ruishu.jinshi, ruishu.lixian],
    "cms": [hanweb.jintanqu, fjplatform.pingtan],
    "faults": [faults.shimen, faults.outside],
    "polite": [polite.anxiang],
    "bulk": [bulk.taoyuan],
    "govtree": govtree.BUILDERS,
    "tree": [county.dingcheng],
    "fleet": bulk.fleet(),
    "throughput": bulk.throughput_fleet(),
    "long": [bulk.long_portal],
}
GROUPS["all"] = GROUPS["corpus"] + GROUPS["browser"]

# style -> render(site): the site's pages.
RENDER = {"trs": trs.render, "trs-table": trs.render, "asp-gbk": kaifu.render, "kaipuyun": kaipuyun.render,
          "jslist": jslisting.render, "ruishu": jslisting.render, "hanweb": hanweb.render,
          "fjtrs": fjplatform.render, "faults": faults.render, "polite": faults.render,
          "govtree": govtree.render, "county": county.render}
# style -> gate(site, method, path, headers): an answer given before the page (None: serve the page).
GATES = {"ruishu": ruishu.gate}
# style -> dynamic(handler, head) -> bool: True when the module answered the request itself (POST list APIs,
# faults, delays); False lets the page be served as usual.
DYNAMIC = {"hanweb": hanweb.dynamic, "fjtrs": fjplatform.dynamic, "faults": faults.dynamic, "polite": polite.dynamic}
