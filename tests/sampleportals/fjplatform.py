"""A portal on the Fujian provincial platform (TRS, "动静结合" lists): page 1 static, later pages only as JSON.

平潭综合实验区 (style ``fjtrs``), as the real ``zfxxgknb`` column is built:

- the column page ``/zwgk/zfxxgk/zfxxgknb/`` shows the first 10 documents as static ``dl/dd`` rows and
  carries the listModel call that fetches every later page::

      listModel({quickMode: "动静结合", maxStaticIndex: 1,
                 listArgs: {channelid: SiteInfo.searchId, classsql: "" || "chnlid=1813", sortfield: "-docorderpri,-docreltime"},
                 pagebar: {prepage: 10, recordCount: '23', pgTemp: "pgBar_xxgk.html", …}})

  with ``searchId: 200210`` in the page's ``SiteInfo``. There is no ``index_1.htm``: pages 2 and 3 exist
  only as answers of ``POST /fjdzapp/search`` (form ``channelid``, ``classsql``, ``sortfield``, ``page``,
  ``prepage``), JSON ``{"data": [{"doctitle", "chnldocurl", "docreltime", …}], "pagecount", "recordcount"}``;
- articles at ``./YYYYMM/tYYYYMMDD_<id>.htm`` with a ``div.TRS_Editor`` body.
"""

from __future__ import annotations

import json
import random
from datetime import datetime
from urllib.parse import urlsplit

from . import text
from .common import Resource, article_meta, body_html, esc, newest, rel, yearly_reports
from .model import Article, Channel, Column, Site

SEARCH = "/fjdzapp/search"
SEARCH_ID = "200210"
CHANNEL = "1813"


def layout(site: Site) -> None:
    for col in site.columns.values():
        for a in col.articles:
            a.path = f"{col.dir}{a.date:%Y%m}/t{a.date:%Y%m%d}_{a.docid}.htm"


def _page(site: Site, here: str, title: str, main: str, articles, article: Article | None = None,
          script: str = "") -> Resource:
    metas = article_meta(article)
    nav = "".join(f'<li><a href="{rel(here, path)}">{esc(name)}</a></li>' for name, path in site.info["nav"])
    html = f"""<!DOCTYPE html>
<html ms-controller="windowRoot">
<head>
<meta charset="utf-8">
<meta name="SiteName" content="{esc(site.name)}"/>
<meta name="SiteIDCode" content="{esc(site.info["site_code"])}"/>
<meta name="ChnlId" content="{CHANNEL}">
{metas}<title>{esc(title)}</title>
<link rel="stylesheet" type="text/css" href="/images/trt_ui_v2.css">
</head>
<body>
<div class="header"><div class="logo"><a href="/"><img src="/images/site_logo.png"></a></div>
<div class="menu_base"><ul role="navigation">{nav}</ul></div></div>
<div class="main">
{main}
</div>
<div class="footer"><p><span>网站标识码：{esc(site.info["site_code"])}</span><span>{esc(site.info["icp"])}</span></p>
<p><span>版权所有：{esc(site.name)}网站</span></p><p><span>主办单位：{esc(site.info["sponsor"])}</span></p></div>
<script>
var SiteInfo = {{
    itpSiteId: 21,
    searchId: {SEARCH_ID}, //默认的文档检索频道的ID
    defaultPgTemp: "pgBar_pt.html",
    siteMsgType: "govSite"
}};
</script>
<script src="/images/model.min.js"></script>
{script}
</body>
</html>
"""
    return Resource(html.encode("utf-8"), "text/html; charset=utf-8", newest(articles, site.info["built"]))


def _list_main(site: Site, col: Column, here: str) -> tuple[str, str]:
    first = col.sorted()[:col.per_page]
    rows = "".join(f"""
    <dl>
        <dd class="trt-col-sm-24 text_align_left"><a href="{rel(here, a.path)}" target="_blank" title="{esc(a.title)}">{esc(a.title)}</a></dd>
        <dd class="trt-col-4 trt-col-sm-24 text_align_left">{a.date:%Y-%m-%d}</dd>
    </dl>""" for a in first)
    main = f"""<div class="info_menu_list"><ul>
<li><h3><a href="{rel(here, '/zwgk/zfxxgk/zfxxgkzn/')}"><span>政府信息公开指南</span></a></h3></li>
<li><h3><a href="{rel(here, col.dir)}"><span>政府信息公开年报</span></a></h3></li></ul></div>
<div class="tabs info_tabs" ms-controller="list">
<div class="tabs_header"><ul><li class="on"><a class="cur_def" href="javascript:;">{esc(col.name)}</a></li></ul></div>
<div class="rules_tabs_01 rules_tabs_no_bg" ms-visible="showStatic">{rows}
</div>
<div class="rules_tabs_01 rules_tabs_no_bg" ms-visible="!showStatic" style="display: none">
    <dl ms-if="list.length>0" ms-repeat="list" ms-if-loop="$index<10">
        <dd><a ms-attr-href="el.chnldocurl" ms-attr-title="el.doctitle" ms-text="el.doctitle|html" target="_blank"></a></dd>
        <dd ms-text="el.docreltime|date('yyyy-MM-dd')"></dd>
    </dl>
</div>
<div class="page_base mar_t_base" ms-controller="list_pagebar" ms-include-src="pgTemp" ms-if="pageCount>0"></div>
</div>"""
    script = f"""<script>
    require(["list2.trsapi", "tools"], function(listModel, tools) {{
        listModel({{
            quickMode: "动静结合",
            maxStaticIndex: 1,
            listArgs: {{
                channelid: SiteInfo.searchId,
                classsql: "" || "chnlid={CHANNEL}",
                sortfield: "-docorderpri,-docreltime"
            }},
            pagebar: {{
                prepage: {col.per_page},
                recordCount: '{len(col.articles)}',
                pgTemp: "pgBar_xxgk.html",
                pgCountMode: "recordCount",
                displayNum: 2
            }},
            callToPage: function(p) {{
                $("html,body").animate({{scrollTop: $(".content_bg_02").offset().top}}, 800);
            }}
        }});
    }});
</script>"""
    return main, script


def _article_main(a: Article, site: Site) -> str:
    return f"""<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="{rel(a.path, a.column.dir)}">{esc(a.column.name)}</a></div>
<div class="article_title">{esc(a.title)}</div>
<div class="article_time">发布时间：{a.date:%Y-%m-%d %H:%M}　来源：{esc(a.source)}
<a href="javascript:window.print()" class="print">打印</a></div>
<div class="article_area"><div class="TRS_Editor">{body_html(site, a)}</div></div>"""


def render(site: Site) -> dict[str, Resource]:
    layout(site)
    out: dict[str, Resource] = {}
    everything = list(site.articles())
    quick = "".join(f'<li><a href="{path}">{esc(name)}</a></li>' for name, path in site.info["home_links"])
    out["/"] = _page(site, "/", site.name, f'<div class="quick"><h3>政务公开</h3><ul>{quick}</ul></div>', everything)
    for ch in site.channels:
        cols = "".join(f'<li><a href="{rel(ch.path, site.columns[k].dir)}">{esc(site.columns[k].name)}</a></li>'
                       for k in ch.columns)
        out[ch.path] = _page(site, ch.path, f"{ch.name}_{site.name}", f'<div class="channel"><h2>{esc(ch.name)}</h2><ul>{cols}</ul></div>',
                             [a for k in ch.columns for a in site.columns[k].articles])
    for col in site.columns.values():
        here = col.dir  # served as the directory URL (the platform's index.htm)
        main, script = _list_main(site, col, here)
        out[here] = _page(site, here, f"{col.name}_政府信息公开_{site.name}", main, col.articles, script=script)
        for a in col.articles:
            out[a.path] = _page(site, a.path, f"{a.title}_{site.name}", _article_main(a, site), [a], article=a)
    return out


def dynamic(handler, head: bool) -> bool:
    """POST /fjdzapp/search: one page of the channel the form's ``classsql`` names, as JSON."""
    if urlsplit(handler.path).path != SEARCH:
        return False
    form = handler.post_form(head)
    if form is None:
        return True
    site = handler.server.state.site
    col = site.report_column()
    if form.get("channelid") != SEARCH_ID or form.get("classsql") != f"chnlid={CHANNEL}":
        reply = {"data": [], "error": "参数错误", "pagecount": 0, "recordcount": 0}
    else:
        page, per_page = int(form.get("page") or 1), int(form.get("prepage") or 10)
        items = col.sorted()[(page - 1) * per_page:page * per_page]
        reply = {"data": [{"doctitle": a.title, "chnldocurl": site.base_url + a.path,
                           "docreltime": f"{a.date:%Y-%m-%d %H:%M:%S}", "docid": int(a.docid), "chnlid": int(CHANNEL)}
                          for a in items],
                 "pageindex": page, "pagesize": per_page, "pagecount": -(-len(col.articles) // per_page),
                 "recordcount": len(col.articles)}
    body = json.dumps(reply, ensure_ascii=False).encode("utf-8")
    handler.reply(body, "application/json;charset=UTF-8", head)
    return True


# --- 平潭综合实验区 ----------------------------------------------------------------------------------

def pingtan() -> Site:
    rnd = random.Random("pingtan")
    place, agency, src = "实验区", "平潭综合实验区", "管委会办公室"
    articles = yearly_reports(rnd, agency, place, src, range(2009, 2026), published=datetime(2000, 1, 15, 9, 0),
                              spread=(0, 55), docids=80400, title="{agency}{year}年度政府信息公开工作年度报告")
    articles += [
        Article("关于做好2019年度政府信息公开工作年度报告编制工作的通知", datetime(2020, 1, 3, 9, 0),
                text.notice_lines(2019, "实验区政务公开办公室", "各部门、各片区管理局", "2020年1月20日"), "decoy", src),
        Article("平潭综合实验区政府信息公开指南", datetime(2016, 5, 9, 9, 0),
                text.guide_lines("平潭综合实验区管理委员会", "管委会办公室", "平潭县潭城镇西航路", "0591-23129000"), "decoy", src),
        Article("平潭综合实验区2015年国民经济和社会发展统计公报", datetime(2016, 4, 6, 9, 0),
                text.bulletin_lines("平潭综合实验区", 2015, rnd), "decoy", "统计局"),
        Article("平潭综合实验区管委会2016年部门预算", datetime(2016, 2, 26, 9, 0),
                text.budget_lines("平潭综合实验区管委会", 2016, rnd), "decoy", "财政金融局"),
        Article("关于报送2012年度政府信息公开年度报告的通知", datetime(2013, 1, 7, 9, 0),
                text.notice_lines(2012, "实验区政务公开办公室", "各部门", "2013年1月25日"), "decoy", src),
        Article("实验区召开政务公开工作推进会", datetime(2011, 6, 9, 9, 0), text.news_lines(rnd, place, "区"), "decoy", src),
    ]
    reports = Column("zfxxgknb", "政府信息公开年报", "/zwgk/zfxxgk/zfxxgknb/", per_page=10, section="政府信息公开",
                     articles=articles)
    guide = Column("zfxxgkzn", "政府信息公开指南", "/zwgk/zfxxgk/zfxxgkzn/", per_page=10, section="政府信息公开", articles=[
        Article("平潭综合实验区政府信息公开指南（2021年版）", datetime(2021, 3, 1, 9, 0),
                text.guide_lines("平潭综合实验区管理委员会", "管委会办公室", "平潭县潭城镇西航路", "0591-23129000"), "decoy", src)])
    site = Site("pingtan", "平潭综合实验区党工委管委会", "福建省平潭综合实验区", "development-zone", "fjtrs", "trs",
                {c.key: c for c in (reports, guide)})
    site.channels = [Channel("/zwgk/zfxxgk/index.htm", "政府信息公开", ["zfxxgkzn", "zfxxgknb"]),
                     Channel("/zwgk/index.htm", "政务公开", ["zfxxgkzn", "zfxxgknb"])]
    site.info = {
        "report_column": "zfxxgknb", "built": datetime(2026, 3, 12, 18, 0),
        "sponsor": "福建省平潭综合实验区管理委员会办公室", "icp": "闽ICP备09032658号", "site_code": "3590000001",
        "nav": [("首页", "/"), ("政务公开", "/zwgk/index.htm"), ("政府信息公开", "/zwgk/zfxxgk/index.htm")],
        "home_links": [("政务公开", "/zwgk/index.htm"), ("政府信息公开", "/zwgk/zfxxgk/index.htm")],
    }
    return site
