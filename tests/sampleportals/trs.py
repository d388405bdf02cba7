"""TRS WCM templates: a city portal in div layout (常德) and an older table-layout site (金坛).

Both publish static files: columns as ``index.html``, ``index_1.html`` …, articles as
``./YYYYMM/tYYYYMMDD_<docid>.html``. The pager is never a static link: 常德 prints
``createPageHTML(N, cur, "index", "html")`` and 金坛 ``var countPage = N``; a browser would write the
links, a plain HTTP client only sees the script.
"""

from __future__ import annotations

from .common import Resource, body_html, epoch, esc, newest, outside_links, rel
from .model import Article, Column, Site

# Our own pager function, in the shape TRS sites ship (the call below it is what crawlers read).
CREATE_PAGE_HTML = """function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
	if(_nPageCount == null || _nPageCount <= 1){ return; }
	var nCurr = _nCurrIndex || 0;
	function pageName(i){ return (i == 0 ? _sPageName : _sPageName + "_" + i) + "." + _sPageExt; }
	if(nCurr > 0){
		document.write("<a href='" + pageName(0) + "'>首页</a> ");
		document.write("<a href='" + pageName(nCurr - 1) + "'>上一页</a> ");
	}
	for(var i = 0; i < _nPageCount; i++){
		if(i == nCurr){ document.write("<span class='current'>" + (i + 1) + "</span> "); }
		else { document.write("<a href='" + pageName(i) + "'>" + (i + 1) + "</a> "); }
	}
	if(nCurr < _nPageCount - 1){
		document.write("<a href='" + pageName(nCurr + 1) + "'>下一页</a> ");
		document.write("<a href='" + pageName(_nPageCount - 1) + "'>尾页</a>");
	}
	document.write("<span class='total'>共" + _nPageCount + "页</span>");
}"""

COUNT_PAGE = """var currentPage = {cur};//所在页从0开始
var prevPage = currentPage-1//上一页
var nextPage = currentPage+1//下一页
var countPage = {count}//共多少页
document.write("共&nbsp;" + countPage + "&nbsp;页&nbsp;");
if(currentPage>0) document.write("<a href=\\"index.html\\">首页</a>&nbsp;");
if(currentPage>1) document.write("<a href=\\"index_" + prevPage + ".html\\">上一页</a>&nbsp;");
else if(currentPage==1) document.write("<a href=\\"index.html\\">上一页</a>&nbsp;");
if(nextPage<countPage) document.write("<a href=\\"index_" + nextPage + ".html\\">下一页</a>&nbsp;");
if(countPage>1&&currentPage!=countPage-1) document.write("<a href=\\"index_" + (countPage-1) + ".html\\">尾页</a>");"""


def list_path(col: Column, n: int) -> str:
    return col.dir + ("index.html" if n == 0 else f"index_{n}.html")


def layout(site: Site) -> None:
    for col in site.columns.values():
        for a in col.articles:
            a.path = f"{col.dir}{a.date:%Y%m}/t{a.date:%Y%m%d}_{a.docid}.html"


def render(site: Site) -> dict[str, Resource]:
    layout(site)
    family = CHANGDE if site.style == "trs" else JINTAN
    out: dict[str, Resource] = {}
    everything = list(site.articles())
    out["/"] = family.page(site, "/", family.home(site), site.name, everything)
    for ch in site.channels:
        cols = [site.columns[k] for k in ch.columns]
        arts = [a for c in cols for a in c.articles]
        out[ch.path] = family.page(site, ch.path, family.channel(site, ch), f"{ch.name}_{site.name}", arts)
    for col in site.columns.values():
        pages = col.pages()
        for n, items in enumerate(pages):
            path = list_path(col, n)
            out[path] = family.page(site, path, family.listing(site, col, n, len(pages), items, path),
                                    f"{col.name}_{site.name}", items)
        ordered = col.sorted()
        for i, a in enumerate(ordered):
            prev_a = ordered[i - 1] if i > 0 else None
            next_a = ordered[i + 1] if i + 1 < len(ordered) else None
            out[a.path] = family.page(site, a.path, family.article(site, a, prev_a, next_a, ordered[:4]),
                                      f"{a.title} - {site.name}", [a], article=a)
            for att in a.attachments:
                out[a.path.rsplit("/", 1)[0] + "/" + att.name] = Resource(att.make(), att.mime, epoch(a.date), html=False)
    return out


def _nav(site: Site, here: str) -> list[tuple[str, str]]:
    return [(name, rel(here, path)) for name, path in site.info["nav"]]


def _friend_links(site: Site) -> str:
    return "".join(f'<li><a href="{esc(url)}" target="_blank">{esc(name)}</a></li>' for name, url in outside_links(site))


def _info(site: Site, key: str) -> str:
    return esc(site.info.get(key, ""))


class CHANGDE:
    """常德: a modern TRS city portal (div layout, topbar, main nav, footer with 主办/标识码/ICP)."""

    @staticmethod
    def page(site: Site, here: str, main: str, title: str, articles, article: Article | None = None) -> Resource:
        head_meta = [f'<meta name="SiteName" content="{_info(site, "site_name")}">',
                     f'<meta name="SiteDomain" content="{_info(site, "domain")}">',
                     f'<meta name="SiteIDCode" content="{_info(site, "site_code")}">']
        if article is not None:
            head_meta += [f'<meta name="ColumnName" content="{esc(article.column.name)}">',
                          f'<meta name="ArticleTitle" content="{esc(article.title)}">',
                          f'<meta name="PubDate" content="{article.date:%Y-%m-%d %H:%M}">',
                          f'<meta name="ContentSource" content="{esc(article.source)}">']
        nav = "".join(f'<li><a href="{href}">{esc(name)}</a></li>' for name, href in _nav(site, here))
        html = f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">
{chr(10).join(head_meta)}
<title>{esc(title)}</title>
<link href="{rel(here, '/images/base.css')}" rel="stylesheet">
<link href="{rel(here, '/images/common.css')}" rel="stylesheet">
<script src="{rel(here, '/images/jquery.min.js')}"></script>
</head>
<body>
<div class="topbar"><div class="w1200">
  <span class="welcome">{_info(site, "welcome")}</span>
  <span class="topbar-links"><a href="http://www.gov.cn/" target="_blank">中国政府网</a><a href="{esc(site.info.get('province_url', ''))}" target="_blank">{_info(site, "province")}</a>
  <a href="javascript:void(0)" id="toolbarCtrl">无障碍浏览</a><a href="javascript:void(0)" onclick="setOld()">长者模式</a></span>
</div></div>
<div class="header w1200">
  <div class="logo"><a href="{rel(here, '/')}"><img src="{rel(here, '/images/logo.png')}" alt="{esc(site.name)}"></a></div>
  <form class="search" action="/was5/web/search" method="get" target="_blank">
    <input type="hidden" name="channelid" value="200143"><input type="text" name="searchword" placeholder="请输入关键字">
    <button type="submit">搜索</button>
  </form>
</div>
<div class="main-nav"><ul class="w1200">{nav}</ul></div>
<div class="container w1200">
{main}
</div>
<div class="footer">
  <div class="friend-link w1200"><span>友情链接：</span><ul>{_friend_links(site)}</ul></div>
  <div class="footer-nav"><a href="{rel(here, '/wzdt/index.html')}">网站地图</a> | <a href="{rel(here, '/zjcd/jgsz/index.html')}">联系我们</a> | <a href="/was5/web/search?channelid=200143">高级搜索</a></div>
  <div class="footer-copy">主办：{_info(site, "sponsor")}　版权所有　承办：{_info(site, "operator")}<br>
  网站标识码：{_info(site, "site_code")}　<a href="https://beian.miit.gov.cn/" target="_blank">{_info(site, "icp")}</a>　
  <a href="http://www.beian.gov.cn/portal/registerSystemInfo" target="_blank">{_info(site, "police")}</a></div>
</div>
<script src="{rel(here, '/images/common.js')}"></script>
</body>
</html>
"""
        return Resource(html.encode("utf-8"), "text/html; charset=UTF-8", newest(articles, site.info["built"]))

    @staticmethod
    def _block(here: str, col: Column, limit: int, cls: str = "news-block") -> str:
        items = "".join(f'<li><a href="{rel(here, a.path)}" target="_blank" title="{esc(a.title)}">{esc(a.title)}</a>'
                        f'<span class="date">{a.date:%m-%d}</span></li>' for a in col.sorted()[:limit])
        return (f'<div class="{cls}"><div class="block-title"><h3>{esc(col.name)}</h3>'
                f'<a class="more" href="{rel(here, list_path(col, 0))}">更多&gt;&gt;</a></div><ul>{items}</ul></div>')

    @classmethod
    def home(cls, site: Site) -> str:
        blocks = "\n".join(cls._block("/", site.columns[k], 6) for k in site.info["home_columns"])
        quick = "".join(f'<li><a href="{href if "://" in href else rel("/", href)}" target="_blank">{esc(t)}</a></li>'
                        for t, href in site.info["home_links"])
        return (f'<div class="home-banner"><img src="./images/banner.jpg" alt=""></div>\n'
                f'<div class="home-news">{blocks}</div>\n'
                f'<div class="home-quick"><h3>政务公开</h3><ul>{quick}</ul></div>')

    @classmethod
    def channel(cls, site: Site, ch) -> str:
        blocks = "\n".join(cls._block(ch.path, site.columns[k], 5, "column-block") for k in ch.columns)
        links = "".join(f'<li><a href="{href if "://" in href else rel(ch.path, href)}" target="_blank">{esc(t)}</a></li>'
                        for t, href in ch.links)
        intro = f'<p class="channel-intro">{esc(ch.intro)}</p>' if ch.intro else ""
        return (f'<div class="position">当前位置：<a href="{rel(ch.path, "/")}">首页</a> &gt; {esc(ch.name)}</div>\n'
                f'<div class="channel"><h2>{esc(ch.name)}</h2>{intro}{blocks}<ul class="channel-links">{links}</ul></div>')

    @staticmethod
    def _crumb(site: Site, here: str, col: Column) -> str:
        sec = next((c for c in site.channels if col.key in c.columns), None)
        mid = f'<a href="{rel(here, sec.path)}">{esc(sec.name)}</a> &gt; ' if sec else ""
        return (f'<div class="position">当前位置：<a href="{rel(here, "/")}">首页</a> &gt; {mid}'
                f'<a href="{rel(here, list_path(col, 0))}">{esc(col.name)}</a></div>')

    @classmethod
    def listing(cls, site: Site, col: Column, n: int, count: int, items, here: str) -> str:
        sec = next((c for c in site.channels if col.key in c.columns), None)
        side = "".join(f'<li{" class=on" if k == col.key else ""}><a href="{rel(here, list_path(site.columns[k], 0))}">'
                       f'{esc(site.columns[k].name)}</a></li>' for k in (sec.columns if sec else [col.key]))
        rows = "".join(f'<li><a href="{rel(here, a.path)}" target="_blank" title="{esc(a.title)}">{esc(a.title)}</a>'
                       f'<span>{a.date:%Y-%m-%d}</span></li>\n' for a in items)
        return f"""{cls._crumb(site, here, col)}
<div class="sidebar"><h3>{esc(sec.name if sec else col.name)}</h3><ul>{side}</ul></div>
<div class="list-main">
  <div class="list-title"><h2>{esc(col.name)}</h2></div>
  <ul class="list">
{rows}  </ul>
  <div class="page">
<script>
{CREATE_PAGE_HTML}
createPageHTML({count}, {n}, "index", "html");
</script>
  </div>
</div>"""

    @classmethod
    def article(cls, site: Site, a: Article, prev_a: Article | None, next_a: Article | None,
                newest: list[Article]) -> str:
        """``newest``: the column's newest articles (related documents, unless the article names its own)."""
        here = a.path
        name = here.rsplit("/", 1)[1].removesuffix(".html")
        related = [r for r in (a.related or newest) if r is not a][:3]
        rel_items = "".join(f'<li><a href="{rel(here, r.path)}">{esc(r.title)}</a></li>' for r in related)
        files = "".join(f'<p><a href="./{att.name}" target="_blank">{esc(att.filename)}</a></p>' for att in a.attachments)
        appendix = f'<div class="article-appendix"><span>附件：</span>{files}</div>' if files else ""
        prev_link = f'<a href="{rel(here, prev_a.path)}">{esc(prev_a.title)}</a>' if prev_a else "没有了"
        next_link = f'<a href="{rel(here, next_a.path)}">{esc(next_a.title)}</a>' if next_a else "没有了"
        return f"""{cls._crumb(site, here, a.column)}
<div class="common-detail-page-printer">
  <div class="detail-article-title"><h2>{esc(a.title)}</h2></div>
  <ul class="detail-article-infos">
    <li class="article-infos-source left"><span><i>时间：</i>{a.date:%Y-%m-%d %H:%M}</span>
      <span><i>来源：</i>{esc(a.source)}</span></li>
    <li class="article-infos-func right">
      <span class="article-zoom"><i>字号：</i>【<a href="javascript:void(0);" class="increaseFont">放大</a>
        <a href="javascript:void(0);" class="resetFont">正常</a>
        <a href="javascript:void(0);" class="decreaseFont">缩小</a>】</span>
      <span id="myPrint" class="article-priter">打印</span>
      <span class="article-share"><i>分享到：</i><a href="javascript:share.weibo();">微博</a><a href="javascript:void(0);" class="share-weixin">微信</a><a href="javascript:share.qzone();">QQ空间</a></span>
    </li>
  </ul>
  <div class="article-body"><div class="TRS_Editor">{body_html(site, a)}</div></div>
  {appendix}
  <div class="page-box">
<script>
{CREATE_PAGE_HTML}
createPageHTML(1, 0, "{name}", "html");
</script>
  </div>
  <div class="article-relation"><h4>相关文档：</h4><ul>{rel_items}</ul></div>
  <div class="article-prevnext"><p>上一篇：{prev_link}</p><p>下一篇：{next_link}</p></div>
  <dl class="affairs-detail-qcode"><dt>扫一扫在手机打开当前页面</dt><dd><div id="qrcodeCanvas"></div></dd></dl>
</div>"""


class JINTAN:
    """金坛经济开发区: an older TRS site in table layout, pager by ``var countPage``."""

    @staticmethod
    def page(site: Site, here: str, main: str, title: str, articles, article: Article | None = None) -> Resource:
        nav = '<td><img src="{sep}"></td>'.format(sep=rel(here, "/images/menu_line.jpg")).join(
            f'<td class="menu"><a href="{href}">{esc(name)}</a></td>' for name, href in _nav(site, here))
        friends = "".join(f'<option value="{esc(url)}">{esc(name)}</option>' for name, url in outside_links(site))
        links = " | ".join(f'<a href="{esc(url)}" target="_blank">{esc(name)}</a>' for name, url in outside_links(site))
        html = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{esc(title)}</title>
<link href="{rel(here, '/images/style.css')}" type="text/css" rel="stylesheet" />
</head>
<body>
<table width="1000" border="0" cellspacing="0" cellpadding="0" align="center">
  <tr><td id="top" height="160" background="{rel(here, '/images/top_bg.jpg')}">&nbsp;</td></tr>
</table>
<table width="1000" border="0" cellspacing="0" cellpadding="0" align="center" id="menu">
  <tr>{nav}</tr>
</table>
<table width="1000" border="0" cellspacing="0" cellpadding="0" align="center" bgcolor="#FFFFFF">
  <tr><td class="date">今天是：<script>document.write(new Date().toLocaleDateString());</script></td>
  <td align="right">站内搜索：<input type="text" name="searchword" id="searchword" />
  <img src="{rel(here, '/images/search_btn.jpg')}" onclick="window.open('/was5/web/search?channelid=214851&searchword='+document.getElementById('searchword').value)" /></td></tr>
</table>
{main}
<table width="1000" border="0" cellspacing="0" cellpadding="0" align="center" class="foot">
  <tr><td align="center">友情链接：<select onchange="window.open(this.value)"><option>--请选择--</option>{friends}</select></td></tr>
  <tr><td align="center" class="links">{links}</td></tr>
  <tr><td align="center">版权所有：{_info(site, "sponsor")}　地址：{_info(site, "address")}　电话：{_info(site, "phone")}<br />
  {_info(site, "icp")}　网站标识码：{_info(site, "site_code")}</td></tr>
</table>
</body>
</html>
"""
        return Resource(html.encode("utf-8"), "text/html", newest(articles, site.info["built"]))

    @staticmethod
    def _rows(here: str, items, date=True) -> str:
        return "".join(f"""
      <tr valign="top">
        <td width="25"><img src="{rel(here, '/images/ico2.jpg')}" /></td>
        <td width="550"><a href="{rel(here, a.path)}" target="_blank">{esc(a.title)}</a></td>
        <td>{a.date:%Y-%m-%d}</td>
      </tr>""" for a in items)

    @classmethod
    def home(cls, site: Site) -> str:
        cells = []
        for k in site.info["home_columns"]:
            col = site.columns[k]
            cells.append(f"""<td valign="top" width="50%"><table width="100%" class="home_block">
      <tr><td colspan="2" class="block_tit">{esc(col.name)}</td><td align="right"><a href="{rel('/', list_path(col, 0))}">更多</a></td></tr>
      {cls._rows('/', col.sorted()[:6])}
    </table></td>""")
        rows = "".join("<tr>" + "".join(cells[i:i + 2]) + "</tr>" for i in range(0, len(cells), 2))
        quick = " ".join(f'<a href="{href if "://" in href else rel("/", href)}">{esc(t)}</a>' for t, href in site.info["home_links"])
        return (f'<table width="1000" border="0" cellspacing="0" cellpadding="0" align="center">{rows}'
                f'<tr><td colspan="2" class="quick">{quick}</td></tr></table>')

    @classmethod
    def channel(cls, site: Site, ch) -> str:
        menu = cls._menu(site, ch.path, ch, None)
        blocks = "".join(f"""<tr><td class="block_tit"><a href="{rel(ch.path, list_path(site.columns[k], 0))}">{esc(site.columns[k].name)}</a></td></tr>
      <tr><td><table width="100%">{cls._rows(ch.path, site.columns[k].sorted()[:5])}</table></td></tr>""" for k in ch.columns)
        links = " ".join(f'<a href="{href if "://" in href else rel(ch.path, href)}">{esc(t)}</a>' for t, href in ch.links)
        return cls._frame(site, ch.path, menu, f'<a href="{rel(ch.path, ch.path)}">{esc(ch.name)}</a>',
                          f'<table width="700">{blocks}<tr><td>{links}</td></tr></table>')

    @staticmethod
    def _menu(site: Site, here: str, ch, current: Column | None) -> str:
        keys = ch.columns if ch else []
        return "".join(f"""
        <tr><td width="19"><img src="{rel(here, '/images/gl_ico.jpg')}" /></td>
        <td width="136"><a href="{rel(here, list_path(site.columns[k], 0))}" target="_self">{esc(site.columns[k].name)}</a></td></tr>"""
                       for k in keys)

    @staticmethod
    def _frame(site: Site, here: str, menu: str, crumb: str, content: str) -> str:
        return f"""<table width="1000" border="0" cellspacing="0" cellpadding="0" class="mag1" align="center">
  <tr>
    <td align="center" bgcolor="#e1f1ff" width="240" valign="top">
      <table width="155" border="0" cellspacing="0" cellpadding="0" class="gl_left">{menu}
      </table>
    </td>
    <td bgcolor="#FFFFFF" valign="top">
      <table width="740" border="0" cellpadding="0" cellspacing="0" class="bor">
        <tr><td class="pos" height="27">您现在的位置是：<a href="{rel(here, '/')}">首页</a>&nbsp;&gt;&gt;&nbsp;{crumb}</td></tr>
        <tr><td valign="top">{content}</td></tr>
      </table>
    </td>
  </tr>
</table>"""

    @classmethod
    def listing(cls, site: Site, col: Column, n: int, count: int, items, here: str) -> str:
        ch = next((c for c in site.channels if col.key in c.columns), None)
        script = COUNT_PAGE.replace("{cur}", str(n)).replace("{count}", str(count))
        content = f"""<table width="682" border="0" cellspacing="0" cellpadding="0" class="gl_list">{cls._rows(here, items)}
      </table>
      <table width="682"><tr><td align="center" class="page">
<script>
{script}
</script>
      </td></tr></table>"""
        crumb = (f'<a href="{rel(here, ch.path)}">{esc(ch.name)}</a>&nbsp;&gt;&gt;&nbsp;' if ch else "") + \
            f'<a href="./index.html">{esc(col.name)}</a>'
        return cls._frame(site, here, cls._menu(site, here, ch, col), crumb, content)

    @classmethod
    def article(cls, site: Site, a: Article, prev_a: Article | None, next_a: Article | None,
                newest: list[Article]) -> str:
        here = a.path
        ch = next((c for c in site.channels if a.column.key in c.columns), None)
        files = "".join(f'<a href="./{att.name}" target="_blank">{esc(att.filename)}</a><br />' for att in a.attachments)
        appendix = f'<tr><td class="fujian">附件：<br />{files}</td></tr>' if files else ""
        content = f"""<table width="700" border="0" cellspacing="0" cellpadding="0" align="center">
        <tr><td class="title" align="center">{esc(a.title)}</td></tr>
        <tr><td class="info" align="center">发布日期：{a.date:%Y-%m-%d}　　信息来源：{esc(a.source)}　　浏览次数：<span id="count">{a.meta.get('views', 217)}</span></td></tr>
        <tr><td class="content"><div class="TRS_Editor">{body_html(site, a)}</div></td></tr>
        {appendix}
        <tr><td align="right">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</td></tr>
      </table>"""
        crumb = (f'<a href="{rel(here, ch.path)}">{esc(ch.name)}</a>&nbsp;&gt;&gt;&nbsp;' if ch else "") + \
            f'<a href="../index.html">{esc(a.column.name)}</a>'
        return cls._frame(site, here, cls._menu(site, here, ch, a.column), crumb, content)
