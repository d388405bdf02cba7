"""A 开普云 (kaipuyun) government site (常德经开区): ``.shtml`` files, absolute links, 信息公开 pages.

Columns are ``index.shtml``, ``index_2.shtml`` … with ordinary pager links; articles are
``<column>/YYYYMM/<32 hex>.shtml``. The article page carries a ``div.meta-data`` block (索引号, 发布机构,
生成日期, 文号, 公开方式, 主题分类) above the title, and the body sits in
``div#zoomcon > ucapcontent`` (plus ``#UCAP-CONTENT`` on the wrapper, as the gov.cn template has it).
"""

from __future__ import annotations

from .common import Resource, body_html, epoch, esc, newest, outside_links
from .model import Article, Column, Site


def list_path(col: Column, n: int) -> str:
    return col.dir + ("index.shtml" if n == 0 else f"index_{n + 1}.shtml")


def layout(site: Site) -> None:
    for col in site.columns.values():
        for a in col.articles:
            a.path = f"{col.dir}{a.date:%Y%m}/{a.uid}.shtml"


def attachment_path(a: Article, name: str) -> str:
    return f"{a.path.rsplit('/', 1)[0]}/{a.uid}/files/{name}"


def render(site: Site) -> dict[str, Resource]:
    layout(site)
    out: dict[str, Resource] = {}

    def html(text: str, mtime: float) -> Resource:
        return Resource(text.encode("utf-8"), "text/html;charset=UTF-8", mtime)

    out["/"] = html(page(site, home(site), site.name), newest(site.articles(), site.info["built"]))
    for ch in site.channels:
        arts = [a for k in ch.columns for a in site.columns[k].articles]
        out[ch.path] = html(page(site, channel(site, ch), f"{ch.name} _ {site.name}"), newest(arts, site.info["built"]))
    for col in site.columns.values():
        pages = col.pages()
        for n, items in enumerate(pages):
            out[list_path(col, n)] = html(page(site, listing(site, col, n, len(pages), items), f"{col.name} _ {site.name}"),
                                          newest(items, site.info["built"]))
        for a in col.sorted():
            out[a.path] = html(page(site, article(site, a), f"{a.title} _ {site.name}", a), epoch(a.date))
            for att in a.attachments:
                out[attachment_path(a, att.name)] = Resource(att.make(), att.mime, epoch(a.date), html=False)
    return out


def _abs(site: Site, path: str) -> str:
    return path if "://" in path else site.base_url + path


def page(site: Site, main: str, title: str, a: Article | None = None) -> str:
    meta = ""
    if a is not None:
        meta = (f'<meta name="ColumnName" content="{esc(a.column.name)}">\n'
                f'<meta name="ArticleTitle" content="{esc(a.title)}">\n'
                f'<meta name="PubDate" content="{a.date:%Y-%m-%d %H:%M:%S}">\n'
                f'<meta name="ContentSource" content="{esc(a.source)}">\n')
    nav = "".join(f'<li><a href="{_abs(site, href)}" target="_self">{esc(name)}</a></li>' for name, href in site.info["nav"])
    friends = "".join(f'<a href="{esc(url)}" target="_blank">{esc(name)}</a>' for name, url in outside_links(site))
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0, maximum-scale=1.0, user-scalable=0">
<meta name="SiteName" content="{esc(site.name)}">
<meta name="SiteDomain" content="{esc(site.info['domain'])}">
<meta name="SiteIDCode" content="{esc(site.info['site_code'])}">
{meta}<meta name="others" content="页面生成时间 {site.info['built']:%Y-%m-%d %H:%M:%S}">
<title>{esc(title)}</title>
<link rel="stylesheet" href="{site.base_url}/cdjkq/xhtml/css/common.css">
<script src="{site.base_url}/cdjkq/xhtml/js/jquery.min.js"></script>
</head>
<body>
<div class="header">
  <div class="container">
    <div class="header-top"><a href="javascript:void(0)" onclick="aria.start()">无障碍</a><a class="oldFixedStart" href="javascript:void(0)">关怀版</a></div>
    <a href="{site.base_url}/" class="logo"><h1>{esc(site.name)}</h1></a>
    <form action="{site.base_url}/search/search.shtml" class="search" target="_blank"><input name="q" placeholder="请输入关键词"><button>搜索</button></form>
  </div>
  <div class="nav"><ul class="container">{nav}</ul></div>
</div>
{main}
<div class="footer">
  <div class="container">
    <div class="footer_links">{friends}</div>
    <div class="footer_nav"><a href="{site.base_url}/wzdt/index.shtml">网站地图</a><a href="{site.base_url}/zjjk/jkgk/index.shtml">联系我们</a></div>
    <div class="footer_copyright">主办：{esc(site.info['sponsor'])}　承办：{esc(site.info['operator'])}<br>
    <a href="https://beian.miit.gov.cn/" target="_blank">{esc(site.info['icp'])}</a>　网站标识码：{esc(site.info['site_code'])}　{esc(site.info['police'])}</div>
  </div>
</div>
<script src="{site.base_url}/cdjkq/xhtml/js/aria.js" defer></script>
</body>
</html>
"""


def _items(site: Site, items, with_date="%Y-%m-%d") -> str:
    return "".join(f'<li><a href="{_abs(site, a.path)}" target="_blank" title="{esc(a.title)}">{esc(a.title)}</a>'
                   f'<span class="time">{a.date.strftime(with_date)}</span></li>\n' for a in items)


def home(site: Site) -> str:
    blocks = "".join(f'<div class="home-col"><div class="col-title"><h3>{esc(site.columns[k].name)}</h3>'
                     f'<a class="more" href="{_abs(site, list_path(site.columns[k], 0))}">更多</a></div>'
                     f'<ul class="common_newslist">{_items(site, site.columns[k].sorted()[:6], "%m-%d")}</ul></div>\n'
                     for k in site.info["home_columns"])
    quick = "".join(f'<li><a href="{_abs(site, href)}" target="_blank">{esc(t)}</a></li>' for t, href in site.info["home_links"])
    return f'<div class="container home">\n{blocks}<div class="home-quick"><ul>{quick}</ul></div>\n</div>'


def _crumb(site: Site, parts) -> str:
    links = "&gt;".join(f'<a href="{_abs(site, href)}" target="_self">{esc(name)}</a>' for name, href in parts)
    return f'<div class="xxgk-crumb"><div class="container"><h2>您当前所在位置：<a href="{site.base_url}/" target="_self">首页</a>&gt;{links}</h2></div></div>'


def _section(site: Site, col: Column):
    return next((c for c in site.channels if col.key in c.columns), None)


def _trail(site: Site, col: Column):
    sec = _section(site, col)
    return ([(sec.name, sec.path)] if sec else []) + [(col.name, list_path(col, 0))]


def _side(site: Site, col: Column | None, keys) -> str:
    return "".join(f'<li class="{"active" if col is not None and k == col.key else ""}"><a href="{_abs(site, list_path(site.columns[k], 0))}">'
                   f'{esc(site.columns[k].name)}</a></li>' for k in keys)


def channel(site: Site, ch) -> str:
    blocks = "".join(f'<div class="xxgk-block"><div class="col-title"><h3>{esc(site.columns[k].name)}</h3>'
                     f'<a class="more" href="{_abs(site, list_path(site.columns[k], 0))}">更多</a></div>'
                     f'<ul class="common_newslist">{_items(site, site.columns[k].sorted()[:5])}</ul></div>\n' for k in ch.columns)
    links = "".join(f'<li><a href="{_abs(site, href)}" target="_blank">{esc(t)}</a></li>' for t, href in ch.links)
    intro = f'<p class="intro">{esc(ch.intro)}</p>' if ch.intro else ""
    return (_crumb(site, [(ch.name, ch.path)]) +
            f'\n<div class="container xxgk-main"><div class="xxgk-left"><ul>{_side(site, None, ch.columns)}</ul></div>'
            f'<div class="xxgk-right">{intro}{blocks}<ul class="links">{links}</ul></div></div>')


def listing(site: Site, col: Column, n: int, count: int, items) -> str:
    sec = _section(site, col)
    pager = []
    if n > 0:
        pager += [f'<a href="{_abs(site, list_path(col, 0))}">首页</a>', f'<a href="{_abs(site, list_path(col, n - 1))}">上一页</a>']
    pager += [f'<a href="{_abs(site, list_path(col, i))}">{i + 1}</a>' if i != n else f'<span class="current">{i + 1}</span>'
              for i in range(count)]
    if n < count - 1:
        pager += [f'<a href="{_abs(site, list_path(col, n + 1))}">下一页</a>', f'<a href="{_abs(site, list_path(col, count - 1))}">尾页</a>']
    return (_crumb(site, _trail(site, col)) +
            f'\n<div class="container xxgk-main"><div class="xxgk-left"><ul>{_side(site, col, sec.columns if sec else [col.key])}</ul></div>'
            f'<div class="xxgk-right"><div class="list-title">{esc(col.name)}</div>'
            f'<ul class="xxgk-list">\n{_items(site, items)}</ul>'
            f'<div class="page">{" ".join(pager)}<span>共{count}页</span></div></div></div>')


def article(site: Site, a: Article) -> str:
    m = a.meta
    rows = [("IndexNo", "索 引 号：", m.get("index_no", "")), ("ReleaseMechanism", "发布机构：", m.get("publisher", a.source)),
            ("scrq", "生成日期：", f"{a.date:%Y-%m-%d}"), ("wh", "文　　号：", m.get("doc_no", "")),
            ("gkfs", "公开方式：", "主动公开"), ("ztfl", "主题分类：", m.get("topic", "其他"))]
    meta = "".join(f'<dd class="addWidth {cls}"><label><font>{label}</font></label><div class="display-block">{esc(value)}</div></dd>'
                   for cls, label, value in rows)
    related = "".join(f'<li><a href="{_abs(site, r.path)}" target="_blank" title="{esc(r.title)}">{esc(r.title)}</a>'
                      f'<span class="time">{r.date:%Y-%m-%d}</span></li>' for r in a.related)
    reldocs = (f'<div class="article-reldocuments"><h3><span>关联稿件：</span></h3><ul class="common_newslist">{related}</ul></div>'
               if related else "")
    files = "".join(f'<a href="{_abs(site, attachment_path(a, att.name))}" target="_blank">{esc(att.filename)}</a>' for att in a.attachments)
    appendix = f'<div class="fj-a"><p>附件：</p>{files}</div>' if files else ""
    return (_crumb(site, _trail(site, a.column)) + f"""
<div class="container">
  <div class="xxgk-detail clearfix">
    <div class="meta-main"><div class="meta-data"><dl class="clearfix">{meta}</dl></div></div>
    <h1 class="article-title"><ucaptitle>{esc(a.title)}</ucaptitle></h1>
    <div class="article-attr clearfix">
      <span class="llcs">访问量：<b id="view">{m.get('views', 326)}</b></span>
      <span class="pages_print"><span class="font index_switchsize">字号：<span class="default on">默认</span> <span class="big">大</span> <span class="bigger">超大</span></span>
      <span class="split">|</span><span class="font printIco" onclick="window.print()">打印</span></span>
    </div>
    {reldocs}
    <div class="article-content" id="UCAP-CONTENT">
      <div class="article-content-body" id="zoomcon">
        <ucapcontent>{body_html(site, a)}</ucapcontent>
        {appendix}
      </div>
    </div>
    <div id="div_div"><div id="qr_container">扫一扫在手机打开当前页</div><canvas id="Canvas" width="150" height="150"></canvas></div>
    <div class="article-extended clearfix">
      <div class="share" id="share"><span>分享到：</span><a class="share-btn gwds_tsina" title="新浪微博">&nbsp;</a><a class="share-btn gwds_weixin" title="微信">&nbsp;</a><a class="share-btn gwds_qzone" title="qq空间">&nbsp;</a></div>
      <div class="article-btn"><span class="gotop">【<a href="javascript:scrollTo(0,0);">返回顶部</a>】</span><span class="close">【<a href="javascript:window.close()">关闭本页</a>】</span></div>
    </div>
  </div>
</div>""")
