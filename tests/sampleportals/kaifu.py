"""An old county portal (开福区): ASP URLs, nested layout tables, GBK bytes.

Columns are ``/xxgk/list.asp?classid=12`` (page 2: ``&page=2``), articles ``/xxgk/show.asp?id=…``.
Pages are GBK-encoded while the ``<meta>`` says gb2312 and the HTTP header gives no charset. The
article's 发布时间/来源/字体大小 bar, body, 相关文档, 扫一扫, 分享到 and 关闭/打印 are cells of one
layout table, so a generic extractor sees them as one data table.
"""

from __future__ import annotations

from .common import Resource, body_html, epoch, esc, newest, outside_links
from .model import Article, Column, Site


def list_path(col: Column, n: int) -> str:
    return f"{col.dir}list.asp?classid={col.key}" + (f"&page={n + 1}" if n else "")


def layout(site: Site) -> None:
    for col in site.columns.values():
        for a in col.articles:
            a.path = f"{col.dir}show.asp?id={a.docid}"


def _gbk(html: str, mtime: float) -> Resource:
    return Resource(html.encode("gbk", errors="xmlcharrefreplace"), "text/html", mtime)


def render(site: Site) -> dict[str, Resource]:
    layout(site)
    out: dict[str, Resource] = {}
    out["/"] = _gbk(page(site, home(site), site.name), newest(site.articles(), site.info["built"]))
    for ch in site.channels:
        arts = [a for k in ch.columns for a in site.columns[k].articles]
        out[ch.path] = _gbk(page(site, channel(site, ch), f"{ch.name}-{site.name}"), newest(arts, site.info["built"]))
    for col in site.columns.values():
        pages = col.pages()
        for n, items in enumerate(pages):
            out[list_path(col, n)] = _gbk(page(site, listing(site, col, n, pages), f"{col.name}-{site.name}"),
                                          newest(items, site.info["built"]))
        first = out[list_path(col, 0)]
        out[list_path(col, 0) + "&page=1"] = Resource(first.body, first.ctype, first.mtime, alias=True)
        for a in col.sorted():
            out[a.path] = _gbk(page(site, article(site, a), f"{a.title}-{site.name}"), epoch(a.date))
    return out


def _link(href: str) -> str:
    return esc(href)


def page(site: Site, main: str, title: str) -> str:
    nav = "".join(f'<td align="center" class="nav"><a href="{_link(href)}">{esc(name)}</a></td>'
                  for name, href in site.info["nav"])
    friends = "".join(f'<td><a href="{esc(url)}" target="_blank">{esc(name)}</a></td>' for name, url in outside_links(site))
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{esc(title)}</title>
<link href="/css/style.css" rel="stylesheet" type="text/css">
<script language="javascript" src="/js/common.js"></script>
</head>
<body topmargin="0" leftmargin="0">
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">
  <tr>
    <td height="150" background="/images/2018cxghj_top.jpg">&nbsp;</td>
  </tr>
  <tr>
    <td>
      <table width="100%" border="0" cellspacing="0" cellpadding="0" class="navbg"><tr>{nav}</tr></table>
    </td>
  </tr>
  <tr>
    <td valign="top">
{main}
    </td>
  </tr>
  <tr>
    <td>
      <table width="100%" border="0" cellspacing="0" cellpadding="0" class="link"><tr><td width="80">友情链接：</td>{friends}</tr></table>
    </td>
  </tr>
  <tr>
    <td class="foot" align="center">主办单位：{esc(site.info["sponsor"])}　承办：{esc(site.info["operator"])}<br>
    地址：{esc(site.info["address"])}　电话：{esc(site.info["phone"])}　{esc(site.info["icp"])}　网站标识码：{esc(site.info["site_code"])}<br>
    Copyright &copy; {esc(site.info["copyright"])} 版权所有</td>
  </tr>
</table>
</body>
</html>
"""


def _rows(items, limit=None) -> str:
    return "".join(f"""
            <tr>
              <td width="15" height="26"><img src="/images/dot.gif" width="5" height="5"></td>
              <td><a href="{_link(a.path)}" target="_blank" title="{esc(a.title)}">{esc(a.title)}</a></td>
              <td width="90" class="date">[{a.date:%Y-%m-%d}]</td>
            </tr>""" for a in (items[:limit] if limit else items))


def home(site: Site) -> str:
    cells = []
    for k in site.info["home_columns"]:
        col = site.columns[k]
        cells.append(f"""<td width="50%" valign="top">
          <table width="98%" border="0" cellspacing="0" cellpadding="0" class="box">
            <tr><td colspan="2" class="boxtitle">{esc(col.name)}</td><td align="right"><a href="{_link(list_path(col, 0))}">更多&gt;&gt;</a></td></tr>{_rows(col.sorted(), 7)}
          </table></td>""")
    rows = "".join("<tr>" + "".join(cells[i:i + 2]) + "</tr>" for i in range(0, len(cells), 2))
    quick = "".join(f'<td align="center"><a href="{_link(href)}">{esc(t)}</a></td>' for t, href in site.info["home_links"])
    return f"""      <table width="100%" border="0" cellspacing="0" cellpadding="0">
        {rows}
        <tr><td colspan="2"><table width="100%" class="quick"><tr>{quick}</tr></table></td></tr>
      </table>"""


def _frame(site: Site, menu_keys, crumb: str, content: str) -> str:
    menu = "".join(f'<tr><td height="30" class="leftmenu">&middot; <a href="{_link(list_path(site.columns[k], 0))}">'
                   f'{esc(site.columns[k].name)}</a></td></tr>' for k in menu_keys)
    return f"""      <table width="100%" border="0" cellspacing="0" cellpadding="0">
        <tr>
          <td width="200" valign="top" class="left">
            <table width="100%" border="0" cellspacing="0" cellpadding="0">{menu}</table>
          </td>
          <td valign="top">
            <table width="100%" border="0" cellspacing="0" cellpadding="0">
              <tr><td class="position">当前位置：<a href="/">首页</a> &gt;&gt; {crumb}</td></tr>
              <tr><td valign="top">{content}</td></tr>
            </table>
          </td>
        </tr>
      </table>"""


def channel(site: Site, ch) -> str:
    boxes = "".join(f"""<tr><td class="boxtitle"><a href="{_link(list_path(site.columns[k], 0))}">{esc(site.columns[k].name)}</a></td></tr>
              <tr><td><table width="100%">{_rows(site.columns[k].sorted(), 5)}</table></td></tr>""" for k in ch.columns)
    links = "".join(f'<a href="{_link(href)}" target="_blank">{esc(t)}</a>&nbsp;&nbsp;' for t, href in ch.links)
    return _frame(site, ch.columns, f'<a href="{ch.path}">{esc(ch.name)}</a>',
                  f'<table width="100%">{boxes}<tr><td>{links}</td></tr></table>')


def _section(site: Site, col: Column):
    return next((c for c in site.channels if col.key in c.columns), None)


def listing(site: Site, col: Column, n: int, pages) -> str:
    count = len(pages)
    total = sum(len(p) for p in pages)
    pager = [f"共{total}条记录&nbsp;&nbsp;页次：{n + 1}/{count}&nbsp;&nbsp;"]
    if n > 0:
        pager.append(f'<a href="{_link(list_path(col, 0))}">首页</a>&nbsp;<a href="{_link(list_path(col, n - 1))}">上一页</a>&nbsp;')
    else:
        pager.append("首页&nbsp;上一页&nbsp;")
    if n < count - 1:
        pager.append(f'<a href="{_link(list_path(col, n + 1))}">下一页</a>&nbsp;<a href="{_link(list_path(col, count - 1))}">尾页</a>')
    else:
        pager.append("下一页&nbsp;尾页")
    sec = _section(site, col)
    crumb = (f'<a href="{sec.path}">{esc(sec.name)}</a> &gt;&gt; ' if sec else "") + esc(col.name)
    content = f"""<table width="100%" border="0" cellspacing="0" cellpadding="0" class="list">{_rows(pages[n])}
            </table>
            <table width="100%"><tr><td align="center" class="pager">{"".join(pager)}</td></tr></table>"""
    return _frame(site, sec.columns if sec else [col.key], crumb, content)


def article(site: Site, a: Article) -> str:
    related = [r for r in (a.related or a.column.sorted()) if r is not a][:2]
    rel_items = "".join(f'<a href="{_link(r.path)}">{esc(r.title)}</a><br>' for r in related)
    sec = _section(site, a.column)
    crumb = (f'<a href="{sec.path}">{esc(sec.name)}</a> &gt;&gt; ' if sec else "") + \
        f'<a href="{_link(list_path(a.column, 0))}">{esc(a.column.name)}</a> &gt;&gt; 正文'
    content = f"""<table width="96%" border="0" align="center" cellpadding="0" cellspacing="0" class="article">
              <tr><td height="50" align="center" class="title">{esc(a.title)}</td></tr>
              <tr><td height="30" align="center" class="info">发布时间:{a.date:%Y-%m-%d}&nbsp;&nbsp;来源:{esc(a.source)}&nbsp;&nbsp;字体大小:【<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a> <a href="javascript:doZoom(12)">小</a>】</td></tr>
              <tr><td class="content" id="fontzoom">
{body_html(site, a)}
              </td></tr>
              <tr><td class="xgwd">相关文档:<br>{rel_items}</td></tr>
              <tr><td align="center" class="ewm"><img src="/images/ewm.png" width="100" height="100"><br>扫一扫在手机打开</td></tr>
              <tr><td class="share">分享到: <a href="javascript:shareWeibo()"><img src="/images/weibo.gif"></a> <a href="javascript:shareQzone()"><img src="/images/qzone.gif"></a></td></tr>
              <tr><td align="right" class="close"><img src="/images/2018cxghj_close.png"> <a href="javascript:window.close()">关闭</a> <img src="/images/2018cxghj_close.png"> <a href="javascript:window.print()">打印</a></td></tr>
            </table>"""
    return _frame(site, sec.columns if sec else [a.column.key], crumb, content)
