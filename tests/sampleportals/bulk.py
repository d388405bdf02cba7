"""A large generated portal for ``make bench``: a TRS county site whose departments each publish a report a year.

40 departments × 12 years = 480 reports in one report column (24 list pages behind a script pager), plus
120 news articles: about 650 pages, so a backfill and a nightly crawl can be compared at a realistic size.
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


def taoyuan(departments: int = len(DEPARTMENTS), news: int = 120) -> Site:
    rnd = random.Random("taoyuan")
    place, county = "桃源县", "桃源县"
    reports = [
        _report(f"{county}{dept}{year}年度政府信息公开工作年度报告",
                datetime(year + 1, 1, 15, 9, 0) + timedelta(days=i % 40, minutes=i), f"{county}{dept}", year, rnd,
                dept, place)
        for year in YEARS for i, dept in enumerate(DEPARTMENTS[:departments])
    ]
    report_col = Column("zfxxgknb", "政府信息公开年报", "/zwgk/zfxxgknb/", per_page=20, section="政务公开",
                        articles=reports)
    titles = [f"{place}{topic}（第{n}期）" for n in range(1, news + 1)
              for topic in ["召开重点项目建设推进会"]][:news]
    news_col = Column("xwdt", "新闻动态", "/xwzx/xwdt/", per_page=20,
                      articles=_news(rnd, titles, datetime(2020, 4, 1, 9, 0), place, "县融媒体中心", "县", (1, 3)))
    guide = Column("zfxxgkzn", "政府信息公开指南", "/zwgk/zfxxgkzn/", articles=[
        Article("桃源县人民政府信息公开指南", datetime(2019, 6, 1, 9, 0),
                text.guide_lines("桃源县人民政府", "桃源县政务公开办", "桃源县漳江镇", "0736-6622000"), "decoy", "县政府办")])
    site = Site("taoyuan", "桃源县人民政府", "湖南省常德市桃源县", "county", "trs", "trs",
                _columns(news_col, guide, report_col))
    site.channels = [Channel("/xwzx/index.html", "新闻中心", ["xwdt"]),
                     Channel("/zwgk/index.html", "政务公开", ["zfxxgkzn", "zfxxgknb"])]
    site.info = {
        "report_column": "zfxxgknb", "built": datetime(2020, 4, 2, 18, 0),
        "site_name": "桃源县人民政府", "domain": "www.taoyuan.gov.cn", "site_code": "4307250001",
        "welcome": "欢迎访问桃源县人民政府门户网站!", "province": "湖南省人民政府", "province_url": "http://www.hunan.gov.cn/",
        "sponsor": "桃源县人民政府办公室", "operator": "桃源县融媒体中心", "icp": "湘ICP备05012345号",
        "police": "湘公网安备 43072502000123号",
        "nav": [("首页", "/"), ("新闻中心", "/xwzx/index.html"), ("政务公开", "/zwgk/index.html")],
        "home_columns": ["xwdt"],
        "home_links": [("政府信息公开年报", "/zwgk/zfxxgknb/index.html")],
        "external": [("湖南省人民政府", "http://www.hunan.gov.cn/")],
    }
    return site
