"""Generated TRS county portals whose departments each publish a report a year, at any size.

``taoyuan`` (``make bench``): 40 departments × 12 years = 480 reports in one report column (24 list pages
behind a script pager), plus 120 news articles: about 650 pages, so a backfill and a nightly crawl can be
compared at a realistic size. ``fleet(n)``: n small portals, each on a loopback address of its own (so each
is its own host for Scrapy's per-host limits), for distributed crawls; ``throughput_fleet`` the larger ones
of bench.throughput; ``long_portal`` the 50,000 pages of bench.long_backfill; ``county`` makes any of them.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from . import text
from .model import Article, Channel, Column, Site
from .portals import _columns, _news, _report

DEPARTMENTS = ["发展和改革局", "教育局", "科技和工业信息化局", "公安局", "民政局", "司法局", "财政局",
               "人力资源和社会保障局", "自然资源局", "生态环境分局", "住房和城乡建设局", "交通运输局", "水利局",
               "农业农村局", "商务局", "文化旅游广电体育局", "卫生健康局", "退役军人事务局", "应急管理局", "审计局",
               "市场监督管理局", "统计局", "医疗保障局", "林业局", "城市管理和综合执法局", "行政审批服务局",
               "信访局", "档案馆", "粮食和物资储备中心", "人民防空办公室", "机关事务服务中心", "融媒体中心",
               "供销合作社", "残疾人联合会", "妇女联合会", "工商业联合会", "总工会", "团县委", "科学技术协会",
               "人民政府办公室"]
YEARS = range(2008, 2020)


COUNTIES = ["桃源县", "汉寿县", "澧县", "临澧县", "石门县", "安乡县", "津市市", "鼎城区", "武陵区", "慈利县", "桑植县",
            "永定区", "武陵源区", "南县", "华容县", "湘阴县", "平江县", "汨罗市", "临湘市", "岳阳县", "君山区", "云溪区",
            "屈原区", "沅江市", "桃江县", "安化县", "赫山区", "资阳区", "大通湖区", "新化县", "冷水江市", "涟源市"]


def taoyuan(departments: int = len(DEPARTMENTS), news: int = 120) -> Site:
    return county("taoyuan", "桃源县", departments, YEARS, news, code="4307250001")


def fleet(count: int = 20, departments: int = 4, years=range(2017, 2020), news: int = 4) -> list:
    """Builders of ``count`` small portals, portal i on 127.0.3.(i+1)."""
    def build(i: int):
        return lambda: county(f"fleet{i + 1:02d}", COUNTIES[i % len(COUNTIES)], departments, years, news,
                              bind=f"127.0.3.{i + 1}", code=f"43{i + 1:02d}000001")
    return [build(i) for i in range(count)]


def long_portal(departments: int = 4000) -> Site:
    """bench.long_backfill's portal: ``departments`` × 12 reports in one report column (2,400 list pages behind
    a TRS script pager for the default 4,000 departments: about 50,000 pages), no news."""
    return county("changlong", "长垄县", departments, YEARS, 0, code="4307990001")


def department_names(count: int) -> list[str]:
    """The first ``count`` of DEPARTMENTS; past its end, the same names again as numbered branches (…第2分部)."""
    size = len(DEPARTMENTS)
    return [DEPARTMENTS[i % size] + (f"第{i // size + 1}分部" if i >= size else "") for i in range(count)]


def throughput_fleet(count: int = 16) -> list:
    """bench.throughput's fleet: ``count`` portals of 240 reports each (20 departments × 12 years) in 12 list
    pages, and no news (a focused crawl passes news by, a crawl of every link would not): about 260 pages a
    portal, which a backfill and a crawl of every link fetch alike."""
    return fleet(count, departments=20, years=YEARS, news=0)


def county(site_id: str, place: str, departments: int, years, news: int, bind: str | None = None,
           code: str = "4300000001") -> Site:
    """A county portal: ``departments`` × ``years`` reports in one report column, ``news`` news articles."""
    rnd = random.Random(site_id)
    government = f"{place}人民政府"
    reports = [
        _report(f"{place}{dept}{year}年度政府信息公开工作年度报告",
                datetime(year + 1, 1, 15, 9, 0) + timedelta(days=i % 40, minutes=i), f"{place}{dept}", year, rnd,
                dept, place)
        for year in years for i, dept in enumerate(department_names(departments))
    ]
    distinct_docids(reports)
    report_col = Column("zfxxgknb", "政府信息公开年报", "/zwgk/zfxxgknb/", per_page=20, section="政务公开",
                        articles=reports)
    titles = [f"{place}召开重点项目建设推进会（第{n}期）" for n in range(1, news + 1)]
    news_col = Column("xwdt", "新闻动态", "/xwzx/xwdt/", per_page=20,
                      articles=_news(rnd, titles, datetime(2020, 4, 1, 9, 0), place, "县融媒体中心", "县", (1, 3)))
    guide = Column("zfxxgkzn", "政府信息公开指南", "/zwgk/zfxxgkzn/", articles=[
        Article(f"{government}信息公开指南", datetime(2019, 6, 1, 9, 0),
                text.guide_lines(government, f"{place}政务公开办", place, "0736-6622000"), "decoy", "县政府办")])
    site = Site(site_id, government, f"湖南省{place}", "county", "trs", "trs", _columns(news_col, guide, report_col))
    site.channels = [Channel("/xwzx/index.html", "新闻中心", ["xwdt"]),
                     Channel("/zwgk/index.html", "政务公开", ["zfxxgkzn", "zfxxgknb"])]
    site.info = {
        "report_column": "zfxxgknb", "built": datetime(2020, 4, 2, 18, 0),
        "site_name": government, "domain": f"www.{site_id}.gov.cn", "site_code": code,
        "welcome": f"欢迎访问{government}门户网站!", "province": "湖南省人民政府", "province_url": "http://www.hunan.gov.cn/",
        "sponsor": f"{government}办公室", "operator": f"{place}融媒体中心", "icp": "湘ICP备05012345号",
        "police": "湘公网安备 43072502000123号",
        "nav": [("首页", "/"), ("新闻中心", "/xwzx/index.html"), ("政务公开", "/zwgk/index.html")],
        "home_columns": ["xwdt"],
        "home_links": [("政府信息公开年报", "/zwgk/zfxxgknb/index.html")],
        "external": [("湖南省人民政府", "http://www.hunan.gov.cn/")],
    }
    if bind:
        site.info["bind"] = bind
    return site


def distinct_docids(articles) -> None:
    """A docid of its own for each article. Hashed docids (model.Article: 9 million values) repeat among a few
    thousand articles: in the long portal two reports of one day had one URL, so 48,000 reports were 47,999
    pages. A repeat takes the next free number."""
    taken = set()
    for article in articles:
        while article.docid in taken:
            article.docid = str(int(article.docid) + 1)
        taken.add(article.docid)
