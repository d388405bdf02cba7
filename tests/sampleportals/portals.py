"""The content of the four sample portals: which columns, which articles, which reports and decoys.

Everything here is data; the look comes from ``trs``/``kaifu``/``kaipuyun``. Corpus reports take their
bodies from ``tests/fixtures/corpus/<id>.gold.txt``; all other text comes from ``text.py``.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta

from . import text
from .model import CORPUS, Article, Attachment, Channel, Column, Site, corpus_id_for, docx_bytes, gold_lines


def _news(rnd: random.Random, titles: list[str], newest: datetime, place: str, source: str, unit: str = "市",
          gap: tuple[int, int] = (2, 9)) -> list[Article]:
    out, when = [], newest
    for title in titles:
        out.append(Article(title, when, text.news_lines(rnd, place, unit), "news", source))
        when = when - timedelta(days=rnd.randint(*gap), hours=rnd.randint(0, 5), minutes=rnd.randint(0, 59))
    return out


def _report(title: str, when: datetime, agency: str, year: int, rnd: random.Random, source: str, place: str,
            **kw) -> Article:
    return Article(title, when, text.annual_report_lines(agency, year, rnd, place), "report", source, **kw)


def _corpus(prefix: str, when: datetime, source: str, **kw) -> Article:
    cid = corpus_id_for(prefix)
    meta = json.loads((CORPUS / f"{cid}.meta.json").read_text(encoding="utf-8"))
    return Article(meta["title"], when, gold_lines(cid), "report", source, corpus_id=cid, **kw)


def _attachment_only(title: str, when: datetime, agency: str, year: int, rnd: random.Random, source: str,
                     place: str, file_name: str) -> Article:
    """A report whose page only points at a Word attachment (the text lives in the .docx)."""
    lines = [title] + text.annual_report_lines(agency, year, rnd, place)
    att = Attachment(f"{title}.docx", file_name, lambda lines=lines: docx_bytes(lines, centred=1))
    return Article(title, when, [f"{title}全文详见附件。"], "report", source, attachments=[att])


def _columns(*cols: Column) -> dict[str, Column]:
    return {c.key: c for c in cols}


# --- 常德市人民政府 (TRS, city) -----------------------------------------------------------------------

def changde() -> Site:
    rnd = random.Random("changde")
    place, agency = "常德市", "常德市人民政府"
    report_col = Column("zfxxgknb", "政府信息公开年报", "/zwgk/zfxxgknb/", per_page=4, section="政务公开", articles=[
        _corpus("001", datetime(2018, 3, 26, 17, 44), "市政府办", lead_blank=4),
        Article("关于做好2017年度政府信息公开工作年度报告编制工作的通知", datetime(2018, 1, 12, 9, 30),
                text.notice_lines(2017, "常德市政务公开领导小组办公室", "各区县市人民政府，常德经开区、柳叶湖旅游度假区、西湖管理区、"
                                  "西洞庭管理区、桃花源旅游管理区管委会，市直及驻常有关单位", "2018年1月31日"), "decoy", "市政务公开办"),
        _report("常德市人民政府2016年度政府信息公开工作年度报告", datetime(2017, 3, 28, 16, 20), agency, 2016, rnd, "市政府办", place),
        Article("关于做好2016年度政府信息公开工作年度报告编制工作的通知", datetime(2017, 1, 10, 10, 5),
                text.notice_lines(2016, "常德市政务公开领导小组办公室", "各区县市人民政府，市直各单位", "2017年1月31日"),
                "decoy", "市政务公开办"),
        Article("常德市人民政府办公室政府信息公开指南", datetime(2016, 5, 10, 11, 0),
                text.guide_lines("常德市人民政府办公室", "市政务公开办", "常德市武陵区朗州路1号", "0736-7256637"), "decoy", "市政府办"),
        _report("常德市人民政府2015年度政府信息公开工作年度报告", datetime(2016, 3, 29, 15, 12), agency, 2015, rnd, "市政府办", place),
        _report("常德市人民政府2014年度政府信息公开工作年度报告", datetime(2015, 3, 27, 9, 48), agency, 2014, rnd, "市政府办", place),
        _report("常德市人民政府2013年度政府信息公开工作年度报告", datetime(2014, 3, 28, 14, 30), agency, 2013, rnd, "市政府办", place),
        _report("常德市人民政府2012年度政府信息公开工作年度报告", datetime(2013, 3, 29, 10, 15), agency, 2012, rnd, "市政府办", place),
    ])
    cdyw = Column("cdyw", "常德要闻", "/xwzx/cdyw/", per_page=8, articles=_news(rnd, [
        "市政府召开第十一次常务会议", "全市优化经济发展环境工作会议召开", "常德市召开2018年全市政务公开工作会议",
        "市领导督导检查春运安全工作", "全市重点项目建设现场推进会召开", "我市召开2017年度政府信息公开工作年度报告编制培训会",
        "常德高新区新签约项目12个", "市政府与省农业银行签署战略合作协议", "全市安全生产工作会议召开",
        "常德市开展“互联网+政务服务”专题调研", "市长热线第一季度工单办结率达98%", "沅江隧道建设进展顺利",
        "市政府专题研究城区防汛工作", "常德柳叶湖国际马拉松赛筹备工作会议召开"],
        datetime(2018, 4, 20, 10, 12), place, "常德日报"))
    bmdt = Column("bmdt", "部门动态", "/xwzx/bmdt/", articles=_news(rnd, [
        "市人社局开展春风行动专场招聘会", "市住建局部署建筑工地扬尘治理工作", "市教育局召开全市教育工作会议",
        "市卫计委开展义诊进社区活动", "市交通运输局开展道路运输安全检查", "市市场监管局开展食品安全专项整治",
        "市统计局部署第四次全国经济普查准备工作"], datetime(2018, 4, 16, 15, 40), place, "市政府办"))
    tzgg = Column("tzgg", "通知公告", "/zwgk/tzgg/", articles=_news(rnd, [
        "关于2018年清明节放假的通知", "常德市2018年事业单位公开招聘工作人员公告", "关于开展2018年度政务公开工作考核的通知",
        "关于公布市级行政权力清单动态调整结果的公告", "常德市人民政府关于城区部分道路实行交通管制的通告"],
        datetime(2018, 3, 30, 9, 0), place, "市政府办"))
    for a in tzgg.articles:
        a.kind = "decoy"
    zfwj = Column("zfwj", "政府文件", "/zwgk/zfwj/", articles=_news(rnd, [
        "常德市人民政府关于印发《常德市2018年政府工作要点》的通知", "常德市人民政府办公室关于印发《2018年常德市政务公开工作要点》的通知",
        "常德市人民政府关于进一步优化营商环境的若干意见", "常德市人民政府办公室关于加强城市管理工作的通知"],
        datetime(2018, 4, 3, 16, 0), place, "市政府办"))
    guide = Column("zfxxgkzn", "政府信息公开指南", "/zwgk/zfxxgkzn/", articles=[
        Article("常德市人民政府政府信息公开指南", datetime(2017, 8, 15, 10, 30),
                text.guide_lines(agency, "常德市政务公开领导小组办公室", "常德市人民政府1号办公楼", "0736-7256637"), "decoy", "市政府办")])
    rules = Column("zfxxgkzd", "政府信息公开制度", "/zwgk/zfxxgkzd/", articles=_news(rnd, [
        "常德市政府信息公开保密审查制度", "常德市政府信息依申请公开办理制度"], datetime(2017, 6, 20, 9, 0), place, "市政府办"))
    stats = Column("tjxx", "统计信息", "/zwgk/tjxx/", articles=[
        Article("常德市2017年国民经济和社会发展统计公报", datetime(2018, 3, 20, 9, 0),
                text.bulletin_lines("常德市", 2017, rnd), "decoy", "市统计局"),
        Article("2018年1-2月全市主要经济指标", datetime(2018, 3, 16, 15, 0), text.news_lines(rnd, place), "decoy", "市统计局")])
    budget = Column("czyjs", "财政预决算", "/zwgk/czyjs/", articles=[
        Article("常德市人民政府办公室2018年部门预算", datetime(2018, 2, 9, 17, 0),
                text.budget_lines("常德市人民政府办公室", 2018, rnd), "decoy", "市政府办"),
        Article("常德市人民政府办公室2016年部门决算", datetime(2017, 8, 25, 11, 0),
                text.budget_lines("常德市人民政府办公室", 2016, rnd), "decoy", "市政府办")])
    bszn = Column("bszn", "办事指南", "/zwfw/bszn/", articles=_news(rnd, [
        "企业设立登记办事指南", "建设工程规划许可证核发办事指南", "不动产登记办事指南", "社会保障卡申领办事指南"],
        datetime(2018, 1, 18, 10, 0), place, "市政务服务中心"))
    dcyj = Column("dcyj", "调查征集", "/hdjl/dcyj/", articles=_news(rnd, [
        "关于《常德市城市绿化条例（草案）》公开征求意见的公告", "2018年市政府重点民生实事项目征集"],
        datetime(2018, 2, 28, 10, 0), place, "市政府办"))
    cdgk = Column("cdgk", "常德概况", "/zjcd/cdgk/", articles=[
        Article("常德市情", datetime(2018, 1, 5, 9, 0), text.news_lines(rnd, place, count=5), "page", "市政府办"),
        Article("历史沿革", datetime(2018, 1, 5, 9, 10), text.news_lines(rnd, place, count=4), "page", "市政府办")])
    jgsz = Column("jgsz", "机构设置", "/zjcd/jgsz/", articles=[
        Article("常德市人民政府办公室机构概况", datetime(2018, 1, 8, 9, 0),
                text.org_lines("常德市武陵区朗州路1号", "415000", "0736-7256600"), "page", "市政府办")])
    site = Site("changde", "常德市人民政府", "湖南省常德市", "city", "trs", "trs",
                _columns(cdyw, bmdt, tzgg, zfwj, guide, rules, report_col, stats, budget, bszn, dcyj, cdgk, jgsz))
    site.channels = [
        Channel("/xwzx/index.html", "新闻中心", ["cdyw", "bmdt"]),
        Channel("/zwgk/index.html", "政务公开", ["zfxxgkzn", "zfxxgkzd", "zfxxgknb", "tzgg", "zfwj", "tjxx", "czyjs"],
                [("湖南省政府信息公开平台", "http://127.0.0.2:9/xxgk/"), ("政策解读", "/zwgk/zcjd/index.html")],
                "依据《中华人民共和国政府信息公开条例》，常德市人民政府在本栏目主动公开政府信息。"),
        Channel("/zwfw/index.html", "政务服务", ["bszn"], [("常德市政务服务网", "http://127.0.0.2:9/"),
                                                         ("湖南政务服务网", "http://zwfw-new.hunan.gov.cn/")]),
        Channel("/hdjl/index.html", "互动交流", ["dcyj"], [("市长信箱", "http://127.0.0.2:9/szxx/"), ("在线访谈", "/hdjl/zxft/index.html")]),
        Channel("/zjcd/index.html", "走进常德", ["cdgk", "jgsz"]),
    ]
    site.channels.append(Channel("/wzdt/index.html", "网站地图", list(site.columns)))
    site.info = {
        "report_column": "zfxxgknb", "built": datetime(2018, 4, 20, 18, 0),
        "site_name": "常德市人民政府", "domain": "www.changde.gov.cn", "site_code": "4307000001",
        "welcome": "欢迎访问常德市人民政府办公室网站!", "province": "湖南省人民政府", "province_url": "http://www.hunan.gov.cn/",
        "sponsor": "常德市人民政府办公室", "operator": "常德市人民政府门户网站管理中心", "icp": "湘ICP备05005872号",
        "police": "湘公网安备 43070202000111号",
        "nav": [("首页", "/"), ("新闻中心", "/xwzx/index.html"), ("政务公开", "/zwgk/index.html"),
                ("政务服务", "/zwfw/index.html"), ("互动交流", "/hdjl/index.html"), ("走进常德", "/zjcd/index.html")],
        "home_columns": ["cdyw", "bmdt", "tzgg"],
        "home_links": [("政府文件", "/zwgk/zfwj/index.html"), ("政府信息公开指南", "/zwgk/zfxxgkzn/index.html"),
                       ("统计信息", "/zwgk/tjxx/index.html"), ("政务服务网", "http://127.0.0.2:9/")],
        "external": [("湖南省人民政府", "http://www.hunan.gov.cn/"), ("常德市政务服务网", "http://127.0.0.2:9/")],
    }
    return site


# --- 长沙市开福区人民政府 (old ASP site, GBK) -------------------------------------------------------------

def kaifu_site() -> Site:
    rnd = random.Random("kaifu")
    place, agency, src = "开福区", "长沙市开福区人民政府", "开福区政务服务中心"
    reports = Column("12", "政府信息公开年度报告", "/xxgk/", per_page=4, section="政府信息公开", articles=[
        _corpus("004", datetime(2017, 3, 10, 16, 32), src),
        Article("关于报送2016年度政府信息公开工作年度报告的通知", datetime(2017, 1, 6, 10, 0),
                text.notice_lines(2016, "开福区政务公开领导小组办公室", "各街道办事处，区直各单位", "2017年1月20日"), "decoy", src),
        _report("长沙市开福区2015年政府信息公开年度报告", datetime(2016, 3, 25, 9, 40), "长沙市开福区人民政府办公室", 2015, rnd, src, "我区"),
        _report("长沙市开福区2014年政府信息公开年度报告", datetime(2015, 3, 20, 11, 5), "长沙市开福区人民政府办公室", 2014, rnd, src, "我区"),
        _report("长沙市开福区2013年政府信息公开年度报告", datetime(2014, 3, 18, 15, 20), "长沙市开福区人民政府办公室", 2013, rnd, src, "我区"),
    ])
    news = Column("21", "开福要闻", "/news/", per_page=8, articles=_news(rnd, [
        "区委副书记周喆调研重点项目建设", "开福区召开2017年经济工作会议", "区政府召开第三次常务会议",
        "开福区启动“双创”活动周", "区领导检查节前安全生产工作", "开福区召开城市管理工作推进会",
        "四方坪街道开展志愿服务进社区活动", "开福区举办民营企业招聘周活动", "区政务服务中心推出延时服务",
        "开福区部署2017年棚户区改造工作", "开福区召开河长制工作会议", "开福区召开2017年度政府信息公开工作培训会"],
        datetime(2017, 4, 18, 9, 20), place, src, "区"))
    dept = Column("22", "部门动态", "/news/", articles=_news(rnd, [
        "区教育局开展校园安全大检查", "区卫计局开展健康义诊活动", "区城管局开展占道经营专项整治",
        "区人社局召开就业创业工作会", "区市场监管局开展春季食品安全检查", "区民政局走访慰问困难群众"],
        datetime(2017, 4, 12, 15, 0), place, src, "区"))
    notices = Column("23", "通知公告", "/news/", articles=_news(rnd, [
        "开福区2017年公开招聘教师公告", "关于开展2017年度区级预算编制工作的通知", "开福区征收补偿方案公示", "关于清明节期间文明祭扫的倡议"],
        datetime(2017, 3, 28, 10, 0), place, src, "区"))
    for a in notices.articles:
        a.kind = "decoy"
    guide = Column("11", "政府信息公开指南", "/xxgk/", articles=[
        Article("长沙市开福区人民政府政府信息公开指南", datetime(2016, 9, 1, 9, 0),
                text.guide_lines(agency, "区政务服务中心", "长沙市开福区三一大道589号", "0731-84563021"), "decoy", src)])
    rules = Column("13", "政府信息公开制度", "/xxgk/", articles=_news(rnd, [
        "开福区政府信息公开工作考核办法", "开福区政府信息公开责任追究制度"], datetime(2016, 6, 12, 9, 0), place, src, "区"))
    stats = Column("14", "统计信息", "/xxgk/", articles=[
        Article("开福区2016年国民经济和社会发展统计公报", datetime(2017, 4, 6, 10, 0),
                text.bulletin_lines("开福区", 2016, rnd), "decoy", "开福区统计局")])
    money = Column("15", "财政资金", "/xxgk/", articles=[
        Article("长沙市开福区人民政府办公室2017年部门预算", datetime(2017, 2, 20, 15, 0),
                text.budget_lines("长沙市开福区人民政府办公室", 2017, rnd), "decoy", "开福区财政局")])
    service = Column("31", "办事指南", "/bsfw/", articles=_news(rnd, [
        "居住证办理指南", "城乡居民养老保险参保登记指南", "个体工商户设立登记指南"], datetime(2017, 2, 10, 9, 0), place, src, "区"))
    about = Column("41", "开福概况", "/zjkf/", articles=[
        Article("开福区情简介", datetime(2017, 1, 3, 9, 0), text.news_lines(rnd, place, "区", 5), "page", src),
        Article("开福区人民政府机构设置", datetime(2017, 1, 3, 9, 30),
                text.org_lines("长沙市开福区三一大道589号", "410008", "0731-84563000"), "page", src)])
    site = Site("kaifu", "长沙市开福区人民政府", "湖南省长沙市开福区", "county", "asp-gbk", "old",
                _columns(news, dept, notices, guide, reports, rules, stats, money, service, about))
    site.channels = [
        Channel("/news/index.asp", "政务动态", ["21", "22", "23"]),
        Channel("/xxgk/index.asp", "政府信息公开", ["11", "13", "12", "14", "15"],
                [("长沙市政府信息公开平台", "http://127.0.0.2:9/xxgk/"), ("依申请公开", "/xxgk/ysqgk.asp")]),
        Channel("/bsfw/index.asp", "网上办事", ["31"], [("湖南政务服务网", "http://127.0.0.2:9/")]),
        Channel("/zjkf/index.asp", "走进开福", ["41"]),
    ]
    site.info = {
        "report_column": "12", "built": datetime(2017, 4, 18, 18, 0),
        "sponsor": "长沙市开福区人民政府办公室", "operator": "开福区政务服务中心", "address": "长沙市开福区三一大道589号",
        "phone": "0731-84563000", "icp": "湘ICP备06001826号", "site_code": "4301050002", "copyright": "2010-2017 长沙市开福区人民政府",
        "nav": [("首页", "/"), ("政务动态", "/news/index.asp"), ("政府信息公开", "/xxgk/index.asp"),
                ("网上办事", "/bsfw/index.asp"), ("走进开福", "/zjkf/index.asp"), ("互动交流", "/hdjl/index.asp")],
        "home_columns": ["21", "22", "23", "31"],
        "home_links": [("政府信息公开", "/xxgk/index.asp"), ("区长信箱", "/hdjl/mail.asp"), ("长沙市人民政府", "http://www.changsha.gov.cn/")],
        "external": [("长沙市人民政府", "http://www.changsha.gov.cn/"), ("开福区政务服务网", "http://127.0.0.2:9/")],
    }
    return site


# --- 常德经济技术开发区 (开普云) ---------------------------------------------------------------------------

def cdjkq() -> Site:
    rnd = random.Random("cdjkq")
    place, agency, office = "经开区", "常德经济技术开发区管理委员会", "常德经济技术开发区管委会办公室"

    def meta(n: int, year: int, topic: str = "政务公开") -> dict:
        return {"index_no": f"11430700MB1D39425X/{year}-{n:05d}", "publisher": office, "topic": topic,
                "views": 150 + n * 7 % 400}

    r2022 = _corpus("003", datetime(2023, 1, 18, 10, 12), "", table_spans=TABLES_003, meta=meta(12, 2023))
    r2017 = _corpus("000", datetime(2018, 1, 26, 15, 30), "", style="word", bookmark_at=-4, meta=meta(3, 2018))
    explain = Article("图文解读：常德经济技术开发区2022年度政府信息公开工作报告", datetime(2023, 1, 19, 9, 30),
                      text.interpretation_lines("常德经济技术开发区", 2022), "decoy", office, meta=meta(13, 2023, "政策解读"))
    r2022.related = [explain]
    explain.related = [r2022]
    reports = Column("xxgknb", "政府信息公开年报", "/xxgk/xxgknb/", per_page=5, section="信息公开", articles=[
        r2022,
        _report("常德经济技术开发区2021年度政府信息公开工作报告", datetime(2022, 1, 20, 16, 40), "常德经济技术开发区", 2021, rnd, office,
                "我区", meta=meta(9, 2022)),
        _report("常德经济技术开发区2020年度政府信息公开工作报告", datetime(2021, 1, 22, 11, 15), "常德经济技术开发区", 2020, rnd, office,
                "我区", meta=meta(7, 2021)),
        _report("常德经济技术开发区2019年度政府信息公开工作年度报告", datetime(2020, 1, 17, 9, 55), "常德经济技术开发区", 2019, rnd, office,
                "我区", meta=meta(5, 2020)),
        _attachment_only("常德经济技术开发区2018年度政府信息公开工作年度报告", datetime(2019, 1, 25, 17, 5), "常德经济技术开发区",
                         2018, rnd, office, "我区", "e3b1c2d4a5f6478899aabbccddeeff01.docx"),
        r2017,
    ])
    reports.articles[4].meta = meta(4, 2019)
    news = Column("jkyw", "经开要闻", "/xwdt/jkyw/", per_page=8, articles=_news(rnd, [
        "经开区召开2023年经济工作会议", "经开区举行重大项目集中开工仪式", "经开区开展安全生产大检查",
        "经开区召开优化营商环境工作推进会", "经开区企业服务中心开展“企业服务月”活动", "经开区举办2023年春风行动招聘会",
        "经开区与湖南文理学院签订校地合作协议", "经开区召开政务公开工作培训会", "经开区调度一季度重点项目建设",
        "德山街道开展文明创建志愿活动", "经开区召开党工委理论学习中心组学习会", "经开区部署春季森林防火工作"],
        datetime(2023, 4, 10, 10, 30), place, office, "区"))
    notices = Column("tzgg", "通知公告", "/xwdt/tzgg/", articles=_news(rnd, [
        "常德经济技术开发区2023年公开招聘工作人员公告", "关于开展2023年度企业安全生产标准化建设的通知",
        "常德经开区2023年春节期间值班安排", "关于征集2023年度重点民生实事项目的公告"],
        datetime(2023, 3, 20, 9, 0), place, office, "区"))
    for a in notices.articles:
        a.kind = "decoy"
    guide = Column("xxgkzn", "政府信息公开指南", "/xxgk/xxgkzn/", articles=[
        Article("常德经济技术开发区政府信息公开指南", datetime(2021, 3, 5, 9, 0),
                text.guide_lines("常德经济技术开发区管理委员会", "管委会办公室", "常德经开区德山大道369号", "0736-7312309"),
                "decoy", office, meta=meta(2, 2021))])
    rules = Column("xxgkzd", "政府信息公开制度", "/xxgk/xxgkzd/", articles=_news(rnd, [
        "常德经济技术开发区政府信息主动公开制度", "常德经济技术开发区政府信息公开保密审查制度"],
        datetime(2020, 6, 8, 9, 0), place, office, "区"))
    explains = Column("zcjd", "政策解读", "/xxgk/zcjd/", articles=[explain] + _news(rnd, [
        "《常德经济技术开发区促进产业发展若干政策》解读", "一图读懂经开区优化营商环境十条措施"],
        datetime(2023, 1, 5, 10, 0), place, office, "区"))
    stats = Column("tjsj", "统计数据", "/xxgk/tjsj/", articles=[
        Article("常德经济技术开发区2022年国民经济和社会发展统计公报", datetime(2023, 4, 18, 10, 33),
                text.bulletin_lines("常德经济技术开发区", 2022, rnd), "decoy", "经开区经济发展局", meta=meta(21, 2023, "统计数据")),
        Article("2023年1-3月经开区主要经济指标", datetime(2023, 4, 12, 16, 0), text.news_lines(rnd, place, "区"), "decoy",
                "经开区经济发展局", meta=meta(20, 2023, "统计数据"))])
    money = Column("czzj", "财政资金", "/xxgk/czzj/", articles=[
        Article("常德经济技术开发区管理委员会2023年部门预算", datetime(2023, 2, 15, 15, 0),
                text.budget_lines(agency, 2023, rnd), "decoy", "经开区财政局", meta=meta(16, 2023, "财政预决算")),
        Article("常德经济技术开发区管理委员会2021年部门决算", datetime(2022, 9, 9, 15, 0),
                text.budget_lines(agency, 2021, rnd), "decoy", "经开区财政局", meta=meta(31, 2022, "财政预决算"))])
    service = Column("bszn", "办事指南", "/zwfw/bszn/", articles=_news(rnd, [
        "企业投资项目备案办事指南", "建筑工程施工许可办事指南", "人力资源服务许可办事指南"],
        datetime(2022, 11, 2, 9, 0), place, office, "区"))
    invest = Column("zsdt", "招商动态", "/zsyz/zsdt/", articles=_news(rnd, [
        "经开区赴长三角开展招商推介活动", "总投资20亿元的新材料产业园项目签约", "经开区举行重点项目集中签约仪式",
        "经开区召开招商引资工作调度会"], datetime(2023, 3, 28, 11, 0), place, office, "区"))
    about = Column("jkgk", "经开概况", "/zjjk/jkgk/", articles=[
        Article("常德经济技术开发区简介", datetime(2022, 12, 1, 9, 0), text.news_lines(rnd, place, "区", 5), "page", office)])
    site = Site("cdjkq", "常德经济技术开发区", "湖南省常德市", "development-zone", "kaipuyun", "kpy",
                _columns(news, notices, guide, rules, reports, explains, stats, money, service, invest, about))
    site.channels = [
        Channel("/xwdt/index.shtml", "新闻动态", ["jkyw", "tzgg"]),
        Channel("/xxgk/index.shtml", "信息公开", ["xxgkzn", "xxgkzd", "xxgknb", "zcjd", "tjsj", "czzj"],
                [("常德市政府信息公开平台", "http://127.0.0.2:9/xxgk/")], "常德经济技术开发区政府信息公开平台"),
        Channel("/zwfw/index.shtml", "政务服务", ["bszn"], [("湖南政务服务网", "http://127.0.0.2:9/")]),
        Channel("/zsyz/index.shtml", "招商引资", ["zsdt"]),
        Channel("/zjjk/index.shtml", "走进经开", ["jkgk"]),
    ]
    site.channels.append(Channel("/wzdt/index.shtml", "网站地图", list(site.columns)))
    site.info = {
        "report_column": "xxgknb", "built": datetime(2023, 4, 18, 18, 0),
        "domain": "cdjkq.changde.gov.cn", "site_code": "4307000031", "sponsor": "常德经济技术开发区管理委员会",
        "operator": "常德经济技术开发区管委会办公室", "icp": "湘ICP备15010233号-1", "police": "湘公网安备 43070302000204号",
        "nav": [("首页", "/"), ("新闻动态", "/xwdt/index.shtml"), ("信息公开", "/xxgk/index.shtml"),
                ("政务服务", "/zwfw/index.shtml"), ("招商引资", "/zsyz/index.shtml"), ("走进经开", "/zjjk/index.shtml")],
        "home_columns": ["jkyw", "tzgg", "zsdt"],
        "home_links": [("政策解读", "/xxgk/zcjd/index.shtml"), ("办事指南", "/zwfw/bszn/index.shtml"),
                       ("领导信箱", "/hdjl/ldxx/index.shtml")],
        "external": [("常德市人民政府", "http://www.changde.gov.cn/"), ("湖南政务服务网", "http://127.0.0.2:9/")],
    }
    return site


# The 2021 standard template's three statistics tables as report 003 has them: (colspan, rowspan) per
# cell, "c3r3" = colspan 3 rowspan 3, "." = a plain cell; rows not listed are plain.
_C = "c4"
TABLES_003 = [
    {0: _C, 4: _C, 5: ". c3", 6: ". c3", 7: _C, 8: ". c3", 9: ". c3", 10: ". c3", 11: _C, 12: ". c3", 13: ". c3"},
    {0: "c3r3 c7", 1: "r2 c5 r2", 3: "c3 " + ". " * 7, 4: "c3 " + ". " * 7,
     5: "r22 c2 " + ". " * 7, 6: "c2 " + ". " * 7, 7: "r8 " + ". " * 8, 15: "r3 " + ". " * 8,
     18: "r5 " + ". " * 8, 23: "r3 " + ". " * 8, 26: "c2 " + ". " * 7, 27: "c3 " + ". " * 7},
    {0: "c5 c10", 1: "r2 r2 r2 r2 r2 c5 c5"},
]


# --- 金坛经济开发区 (TRS, table layout, var countPage) -----------------------------------------------------

def jintan() -> Site:
    rnd = random.Random("jintan")
    place, agency, src = "开发区", "江苏省金坛经济开发区管理委员会", "开发区管委会办公室"
    reports = Column("xxgknb", "信息公开年报", "/xxgk/xxgknb/", per_page=4, section="信息公开", articles=[
        _corpus("002", datetime(2018, 1, 29, 10, 5), src, style="word", align={0: "center", 1: "center", -1: "right"}),
        Article("开发区召开2018年度工作会议", datetime(2018, 2, 6, 15, 30), text.news_lines(rnd, place, "区"), "decoy", src),
        Article("转发区政府办关于做好2017年度政府信息公开工作年度报告编制工作的通知", datetime(2018, 1, 5, 9, 10),
                text.notice_lines(2017, "金坛区人民政府办公室", "开发区各部门、各园区", "2018年1月25日"), "decoy", src),
        _attachment_only("开发区2016年度政府信息公开工作年度报告", datetime(2017, 1, 20, 14, 0), agency, 2016, rnd, src, place,
                         "P020170120512303986521.docx"),
        _report("开发区2015年度政府信息公开工作年度报告", datetime(2016, 1, 22, 10, 30), agency, 2015, rnd, src, place),
    ])
    news = Column("gzdt", "工作动态", "/kfqdt/gzdt/", per_page=8, articles=_news(rnd, [
        "开发区召开安全生产工作会议", "开发区开展节前企业走访活动", "开发区新能源产业园项目集中开工",
        "开发区举办企业用工对接会", "开发区召开重点项目推进会", "开发区组织开展消防应急演练",
        "开发区与江苏理工学院共建产学研基地", "开发区召开环保督查整改推进会", "开发区开展“263”专项行动检查",
        "开发区举行新春团拜会"], datetime(2018, 4, 12, 9, 0), place, src, "区"))
    notices = Column("tzgg", "通知公告", "/kfqdt/tzgg/", articles=_news(rnd, [
        "开发区2018年公开招聘编外人员公告", "关于开展2018年度企业安全生产标准化达标的通知",
        "开发区关于春节期间值班安排的通知", "关于申报2018年度科技项目的通知"], datetime(2018, 3, 22, 10, 0), place, src, "区"))
    for a in notices.articles:
        a.kind = "decoy"
    guide = Column("xxgkzn", "信息公开指南", "/xxgk/xxgkzn/", articles=[
        Article("金坛经济开发区政府信息公开指南", datetime(2017, 6, 1, 9, 0),
                text.guide_lines(agency, src, "常州市金坛区金坛大道88号", "0519-82880000"), "decoy", src)])
    rules = Column("xxgkzd", "信息公开制度", "/xxgk/xxgkzd/", articles=_news(rnd, [
        "开发区政府信息公开工作制度", "开发区政府信息发布协调制度"], datetime(2017, 5, 10, 9, 0), place, src, "区"))
    money = Column("czxx", "财政信息", "/xxgk/czxx/", articles=[
        Article("开发区管委会2018年部门预算公开", datetime(2018, 2, 12, 16, 0), text.budget_lines(agency, 2018, rnd), "decoy", src)])
    stats = Column("tjxx", "统计信息", "/xxgk/tjxx/", articles=[
        Article("金坛经济开发区2017年国民经济和社会发展统计公报", datetime(2018, 3, 15, 9, 0),
                text.bulletin_lines("金坛经济开发区", 2017, rnd), "decoy", "开发区经发局")])
    env = Column("tzhj", "投资环境", "/tzzn/tzhj/", articles=_news(rnd, [
        "开发区区位交通", "开发区产业配套"], datetime(2017, 12, 1, 9, 0), place, src, "区"))
    policy = Column("yhzc", "优惠政策", "/tzzn/yhzc/", articles=_news(rnd, [
        "开发区鼓励企业上市扶持办法", "开发区人才引进优惠政策"], datetime(2017, 11, 20, 9, 0), place, src, "区"))
    about = Column("kfqgk", "开发区概况", "/zjkfq/kfqgk/", articles=[
        Article("金坛经济开发区简介", datetime(2017, 10, 9, 9, 0), text.news_lines(rnd, place, "区", 5), "page", src)])
    site = Site("jintan", "金坛经济开发区管理委员会", "江苏省常州市金坛区", "development-zone", "trs-table", "trs",
                _columns(news, notices, guide, rules, reports, money, stats, env, policy, about))
    site.channels = [
        Channel("/kfqdt/index.html", "开发区动态", ["gzdt", "tzgg"]),
        Channel("/xxgk/index.html", "信息公开", ["xxgkzn", "xxgkzd", "xxgknb", "czxx", "tjxx"],
                [("金坛区政府信息公开平台", "http://127.0.0.2:9/xxgk/")]),
        Channel("/tzzn/index.html", "投资指南", ["tzhj", "yhzc"]),
        Channel("/zjkfq/index.html", "走进开发区", ["kfqgk"]),
    ]
    site.info = {
        "report_column": "xxgknb", "built": datetime(2018, 4, 12, 18, 0),
        "sponsor": "江苏省金坛经济开发区管理委员会", "address": "常州市金坛区金坛大道88号", "phone": "0519-82880000",
        "icp": "苏ICP备12034518号", "site_code": "3204130027",
        "nav": [("首页", "/"), ("开发区动态", "/kfqdt/index.html"), ("信息公开", "/xxgk/index.html"),
                ("投资指南", "/tzzn/index.html"), ("走进开发区", "/zjkfq/index.html")],
        "home_columns": ["gzdt", "tzgg"],
        "home_links": [("信息公开", "/xxgk/index.html"), ("投资环境", "/tzzn/tzhj/index.html"), ("在线咨询", "/hdjl/zxzx/index.html")],
        "external": [("常州市金坛区人民政府", "http://www.jintan.gov.cn/"), ("江苏政务服务网", "http://127.0.0.2:9/")],
    }
    return site


BUILDERS = [changde, kaifu_site, cdjkq, jintan]
