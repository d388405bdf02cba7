"""A Hanweb JCMS (大汉) district portal: list records in script XML, later pages from POST dataproxy.jsp.

常州市金坛区人民政府 (style ``hanweb``), as JCMS builds it:

- columns at ``/col/col<id>/index.html``; the list sits in a ``<div id="<unitid>">`` holding
  ``<script type="text/xml"><datastore><nextgroup>…</nextgroup><recordset><record><![CDATA[<li>…</li>]]>``
  (the first page's records only), followed by the jpage call
  ``$('#<unitid>').jpage({totalRecord:…,perPage:…,groupSize:1,proxyUrl:'/module/web/jpage/dataproxy.jsp',
  ajaxParam:{col:1,appid:1,webid:…,path:'/',columnid:…,unitid:'…',webname:'…',permissiontype:0}})``, which
  draws the pager. There is no pager link and no list link in the HTML proper;
- later records come only from ``POST /module/web/jpage/dataproxy.jsp?startrecord=&endrecord=&perpage=``
  with ``ajaxParam`` as the form body (``columnid`` and ``unitid`` must match a column), answering
  ``<datastore><totalrecord>…</totalrecord><recordset>…`` XML. A GET of dataproxy.jsp gets 405;
- articles at ``/art/YYYY/M/D/art_<colid>_<docid>.html``: ArticleTitle/PubDate/ContentSource meta tags,
  a ``#zoom`` body between ``<!--ContentStart-->`` and ``<!--ContentEnd-->``, a ``.bdsharebuttonbox``
  share bar, 打印/关闭 links; attachments behind ``/module/download/downfile.jsp?classid=0&filename=<name>``
  (no Content-Disposition): the 2008 report is only such a Word file, its page a stub.

The report column holds 19 records at 5 a page: page 1 is in the page, pages 2-4 come from three POSTs.
工作动态 (news, 5 a page) holds a department's 2023 report among ten news items, on its second page: only a
POST reaches it (``meta["filed_in"] == "news"``).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from . import text
from .common import Resource, article_meta, body_html, esc, newest, yearly_reports
from .model import Article, Attachment, Channel, Column, Site, docx_bytes

WEBID = 77
PROXY = "/module/web/jpage/dataproxy.jsp"
DOWNFILE = "/module/download/downfile.jsp"  # attachments: ?classid=0&filename=<name on the server>


def layout(site: Site) -> None:
    for col in site.columns.values():
        for a in col.articles:
            a.path = f"/art/{a.date.year}/{a.date.month}/{a.date.day}/art_{col.key}_{a.docid}.html"


def col_path(col: Column) -> str:
    return f"/col/col{col.key}/index.html"


def unit_id(col: Column) -> str:
    return str(200000 + int(col.key) % 100000)


def record(a: Article) -> str:
    return (f"<li><a href='{a.path}' title='{esc(a.title)}' target='_blank'>{esc(a.title)}</a>"
            f"<span class='bt-data-time'>{a.date:%Y-%m-%d}</span></li>")


def datastore(col: Column, items: list[Article], with_nextgroup: bool) -> str:
    nextgroup = ""
    if with_nextgroup:
        nextgroup = (f'<nextgroup><![CDATA[<a href="{PROXY}?page=1&appid=1&webid={WEBID}&path=/&columnid={col.key}'
                     f'&unitid={unit_id(col)}&webname=%E9%87%91%E5%9D%9B%E5%8C%BA&permissiontype=0"></a>]]></nextgroup>\n')
    records = "".join(f"<record><![CDATA[\n{record(a)}\n]]></record>\n" for a in items)
    return f"<datastore>\n{nextgroup}<recordset>\n{records}</recordset>\n</datastore>"


def _page(site: Site, title: str, main: str, articles, article: Article | None = None) -> Resource:
    metas = article_meta(article, column=True)
    nav = "".join(f'<li><a href="{path}">{esc(name)}</a></li>' for name, path in site.info["nav"])
    html = f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta name="SiteName" content="{esc(site.name)}">
<meta name="SiteDomain" content="www.jintan.gov.cn">
{metas}<title>{esc(title)}</title>
<link href="/images/base.css" rel="stylesheet" type="text/css">
<script type="text/javascript" src="/module/jslib/jquery/jquery.js"></script>
</head>
<body>
<div class="top"><div class="logo"><img src="/images/logo.png" alt="{esc(site.name)}"></div>
<div class="search"><form action="/jrobot/search.do" method="get"><input name="q"><input type="hidden" name="webid" value="{WEBID}"></form></div></div>
<ul class="nav">{nav}</ul>
<div class="main">
{main}
</div>
<div class="foot">主办单位：{esc(site.info["sponsor"])}　承办单位：{esc(site.info["operator"])}<br>
网站标识码：{esc(site.info["site_code"])}　{esc(site.info["icp"])}　技术支持：大汉网络</div>
<script type="text/javascript" src="/script/0/1507311625327811.js"></script>
</body>
</html>
"""
    return Resource(html.encode("utf-8"), "text/html; charset=UTF-8", newest(articles, site.info["built"]))


def _column_main(site: Site, col: Column) -> str:
    items = col.sorted()
    first = items[:col.per_page]
    unit = unit_id(col)
    jpage = (f"$(function(){{$('#{unit}').jpage({{themeName:'default',showMode:'full',totalRecord:{len(items)},"
             f"openCookies:false,dataBefore:'<ul class=\"list\">',dataAfter:'</ul>',groupSize:1,"
             f"proxyUrl:'{PROXY}',perPage:{col.per_page},barPosition:'bottom',"
             f"ajaxParam:{{col:1,appid:1,webid:{WEBID},path:'/',columnid:{col.key},sourceContentType:1,"
             f"unitid:'{unit}',webname:'{esc(site.name)}',permissiontype:0}}}});}});")
    return f"""<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="{site.info['section_path']}">政务公开</a> &gt; {esc(col.name)}</div>
<div class="bt-column-title">{esc(col.name)}</div>
<div class="default_pgContainer" id="{unit}"><script type="text/xml">{datastore(col, first, True)}</script></div>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script>{jpage}</script>"""


def _article_main(site: Site, a: Article) -> str:
    return f"""<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="{col_path(a.column)}">{esc(a.column.name)}</a></div>
<div class="article">
<div class="title">{esc(a.title)}</div>
<div class="info">发布日期：{a.date:%Y-%m-%d}　信息来源：{esc(a.source)}　浏览次数：<span id="c">{123 + int(a.docid) % 500}</span>
　字体：[ <a href="javascript:doZoom(20)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a> ]</div>
<div id="zoom">
<!--ContentStart-->{body_html(site, a)}<!--ContentEnd-->
</div>{_attachment_links(a)}
<div class="bdsharebuttonbox"><a href="#" class="bds_more" data-cmd="more">分享到：</a><a href="#" class="bds_weixin" data-cmd="weixin" title="分享到微信"></a></div>
<div class="tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>"""


def _attachment_links(a: Article) -> str:
    links = "".join(f'<p><a href="{DOWNFILE}?classid=0&amp;filename={att.name}">{esc(att.filename)}</a></p>'
                    for att in a.attachments)
    return f'\n<div class="fj">附件：{links}</div>' if links else ""


def render(site: Site) -> dict[str, Resource]:
    layout(site)
    out: dict[str, Resource] = {}
    everything = list(site.articles())
    quick = "".join(f'<li><a href="{path}">{esc(name)}</a></li>' for name, path in site.info["home_links"])
    news = site.columns[site.info["home_column"]]
    latest = "".join(f'<li><a href="{a.path}">{esc(a.title)}</a></li>' for a in news.sorted()[:5])
    out["/"] = _page(site, site.name, f'<div class="news"><h3>{esc(news.name)}</h3><ul>{latest}</ul></div>'
                                      f'<div class="quick"><h3>政务公开</h3><ul>{quick}</ul></div>', everything)
    out["/index.html"] = Resource(out["/"].body, out["/"].ctype, out["/"].mtime, alias=True)
    for ch in site.channels:
        cols = "".join(f'<li><a href="{col_path(site.columns[k])}">{esc(site.columns[k].name)}</a></li>' for k in ch.columns)
        out[ch.path] = _page(site, f"{ch.name}_{site.name}", f'<div class="channel"><h2>{esc(ch.name)}</h2><ul>{cols}</ul></div>',
                             [a for k in ch.columns for a in site.columns[k].articles])
    for col in site.columns.values():
        out[col_path(col)] = _page(site, f"{col.name}_{site.name}", _column_main(site, col), col.articles)
        for a in col.articles:
            out[a.path] = _page(site, f"{a.title}_{site.name}", _article_main(site, a), [a], article=a)
    return out


def dynamic(handler, head: bool) -> bool:
    """dataproxy.jsp (POST only: records ``startrecord..endrecord`` of the column the form names) and
    downfile.jsp (an attachment named by ``filename``, with no Content-Disposition)."""
    parts = urlsplit(handler.path)
    if parts.path == DOWNFILE:
        return _download(handler, parse_qs(parts.query).get("filename", [""])[0], head)
    if parts.path != PROXY:
        return False
    form = handler.post_form(head)
    if form is None:
        return True
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    site = handler.server.state.site
    col = site.columns.get(form.get("columnid", ""))
    items: list[Article] = []
    if col is not None and form.get("unitid") == unit_id(col) and form.get("webid") == str(WEBID):
        start, end = int(query.get("startrecord", 1)), int(query.get("endrecord", 0))
        items = col.sorted()[max(start, 1) - 1:end]
    total = len(col.articles) if col is not None else 0
    records = "".join(f"<record><![CDATA[\n{record(a)}\n]]></record>\n" for a in items)
    per_page = int(query.get("perpage") or 1)
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n<totalrecord>{total}</totalrecord>\n'
            f'<totalpage>{-(-total // per_page)}</totalpage>\n<recordset>\n{records}</recordset>\n</datastore>\n')
    handler.reply(body.encode("utf-8"), "text/xml;charset=UTF-8", head)
    return True


def _download(handler, name: str, head: bool) -> bool:
    files = {att.name: att for a in handler.server.state.site.articles() for att in a.attachments}
    if name not in files:
        handler.reply("文件不存在".encode("utf-8"), "text/html;charset=UTF-8", head, status=404)
    else:
        handler.reply(files[name].make(), files[name].mime, head)
    return True


# --- 常州市金坛区人民政府 ------------------------------------------------------------------------------

def jintanqu() -> Site:
    rnd = random.Random("jintanqu")
    place, agency, src = "金坛区", "常州市金坛区人民政府", "区政府办"
    reports = yearly_reports(rnd, agency, place, src, range(2008, 2024), published=datetime(2000, 1, 20, 9, 30),
                             spread=(0, 60), docids=4100000)
    # the oldest report only as a Word file behind downfile.jsp, the page a stub
    oldest = reports[0]
    oldest.attachments = [Attachment(f"{oldest.title}.docx", "2009021609301286.docx",
                                     lambda lines=[oldest.title, *oldest.lines]: docx_bytes(lines, centred=1))]
    oldest.lines = ["全文详见附件。"]
    report_col = Column("1229365", "政府信息公开年报", "/col/col1229365/", per_page=5, section="政务公开", articles=[
        *reports,
        Article("关于做好2022年度政府信息公开工作年度报告编制发布工作的通知", datetime(2023, 1, 6, 10, 0),
                text.notice_lines(2022, "金坛区政务公开领导小组办公室", "各镇人民政府、街道办事处，区各办局", "2023年1月20日"),
                "decoy", "区政务公开办"),
        Article("常州市金坛区人民政府政府信息公开指南", datetime(2021, 3, 2, 9, 0),
                text.guide_lines(agency, "区政府办公室", "常州市金坛区东门大街88号", "0519-82822000"), "decoy", src),
        Article("金坛区2022年国民经济和社会发展统计公报", datetime(2023, 3, 30, 9, 0),
                text.bulletin_lines("金坛区", 2022, rnd), "decoy", "区统计局"),
    ])
    news = Column("1229301", "金坛要闻", "/col/col1229301/", per_page=8, articles=[
        Article(title, datetime(2024, 4, 20, 9, 0) - timedelta(days=5 * i), text.news_lines(rnd, place, "区"), "news", "金坛区融媒体中心")
        for i, title in enumerate(["区政府召开第十二次常务会议", "金坛区召开2024年政务公开工作会议", "全区春季植树活动举行",
                                   "区领导调研重大项目建设", "金坛区开展安全生产专项检查", "区政府与高校签订合作协议"])])
    guide = Column("1229360", "政府信息公开指南", "/col/col1229360/", per_page=5, section="政务公开", articles=[
        Article("常州市金坛区人民政府信息公开指南（2023年版）", datetime(2023, 2, 1, 9, 0),
                text.guide_lines(agency, "区政府办公室", "常州市金坛区东门大街88号", "0519-82822000"), "decoy", src)])
    # a department's report filed among the news of 工作动态, on its second page: only dataproxy.jsp lists it
    filed = Article("常州市金坛区发展和改革局2023年政府信息公开工作年度报告", datetime(2024, 3, 1, 10, 0),
                    text.annual_report_lines("常州市金坛区发展和改革局", 2023, rnd, "我局"), "report", "区发改局",
                    meta={"filed_in": "news"})
    work = Column("1229310", "工作动态", "/col/col1229310/", per_page=5, articles=[
        *(Article(title, datetime(2024, 4, 18, 16, 0) - timedelta(days=7 * i), text.news_lines(rnd, place, "区"), "news", src)
          for i, title in enumerate(["区政务服务中心推行“一件事一次办”", "金坛区召开优化营商环境推进会", "区发改局部署重大项目谋划工作",
                                     "区财政局开展预算绩效管理培训", "金坛区开展消防安全大排查", "区住建局推进老旧小区改造",
                                     "区农业农村局部署春耕生产", "区人社局举办春风行动招聘会", "区卫健委开展健康义诊进社区",
                                     "金坛区召开安全生产工作会议"])),
        filed])
    site = Site("jintanqu", "常州市金坛区人民政府", "江苏省常州市金坛区", "county", "hanweb", "trs",
                {c.key: c for c in (news, guide, report_col, work)})
    site.channels = [Channel("/col/col1229355/index.html", "政务公开", ["1229360", "1229365"])]
    site.info = {
        "report_column": "1229365", "built": datetime(2024, 4, 21, 18, 0), "home_column": "1229301",
        "section_path": "/col/col1229355/index.html",
        "sponsor": "常州市金坛区人民政府办公室", "operator": "常州市金坛区大数据管理中心", "icp": "苏ICP备05012012号",
        "site_code": "3204130001",
        "nav": [("首页", "/"), ("政务公开", "/col/col1229355/index.html"), ("金坛要闻", "/col/col1229301/index.html"),
                ("工作动态", "/col/col1229310/index.html")],
        "home_links": [("政务公开", "/col/col1229355/index.html"), ("政府信息公开年报", "/col/col1229365/index.html")],
    }
    return site
