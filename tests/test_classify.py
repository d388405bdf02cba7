"""Classification: is it an information-disclosure annual report, which year, which body."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem

from crawler.items import ReportCandidate
from pipelines.classify import (
    ClassifyPipeline,
    is_annual_report,
    looks_like_report_link,
    report_agency,
    report_year,
)

REPORT_TEXT = (
    "本报告根据《中华人民共和国政府信息公开条例》编制。本年度报告中所列数据的统计期限自2016年1月1日起至12月31日止。\n"
    "一、主动公开政府信息情况\n二、依申请公开情况\n三、行政复议和行政诉讼情况\n长沙市开福区人民政府办公室"
)

REPORTS = [
    "常德经济技术开发区2017年度政府信息公开工作年度报告",
    "常德市人民政府2017年度政府信息公开工作报告",
    "开发区2017年度政府信息公开工作年度报告",
    "长沙市开福区2016年政府信息公开年度报告",
    "常德经济技术开发区2022年度政府信息公开工作报告",
    "某某局2018年政务公开工作年度报告",
    "某某县信息公开年报（2019）",
    "二〇一八年度某某县政府信息公开工作年度报告",
    "某某市人民政府关于2017年度政府信息公开工作的报告",
    "【某某局】2019年政府信息公开工作年度报告",
]
NOT_REPORTS = [
    ("万载县2022年国民经济和社会发展统计公报", "统计公报"),
    ("某某局2018年部门预算", "预算"),
    ("某某局2017年部门决算公开", "决算"),
    ("某某有限公司2019年企业年度报告", "企业"),
    ("某某公司企业年报公示", "企业"),
    ("某某市政府信息公开指南", "指南"),
    ("某某区政府信息公开制度", "制度"),
    ("关于做好2017年度政府信息公开工作年度报告编制工作的通知", "通知"),
    ("关于报送2018年政府信息公开工作年度报告的通知", "通知"),
    ("政府信息公开年度报告目录", "目录"),
    ("一图读懂某某区2022年政府信息公开工作年度报告", "图解"),
    ("某某市2018年政府工作报告", "does not name"),
]


@pytest.mark.parametrize("title", REPORTS)
def test_report_titles(title):
    ok, reason = is_annual_report(title)
    assert ok, reason
    assert looks_like_report_link(title, "http://example.gov.cn/art/2018/1/1/art_1_2.html")


@pytest.mark.parametrize("title, why", NOT_REPORTS)
def test_not_report_titles(title, why):
    ok, reason = is_annual_report(title, REPORT_TEXT)
    assert not ok and why in reason
    assert not looks_like_report_link(title, "")


def test_column_name_alone_is_not_a_report_when_the_text_is_a_listing():
    listing = "平潭综合实验区2022年度政府信息公开工作年度报告\n2023-02-20\n平潭综合实验区2021年度政府信息公开工作年度报告"
    assert not is_annual_report("政府信息公开年报", listing)[0]
    assert is_annual_report("政府信息公开年报", REPORT_TEXT)[0]


def test_weak_title_confirmed_by_text():
    assert is_annual_report("2017年度报告", REPORT_TEXT)[0]
    assert not is_annual_report("2017年度报告", "今年的工作报告。")[0]
    assert is_annual_report("", "长沙市开福区2016年政府信息公开年度报告\n" + REPORT_TEXT)[0]


@pytest.mark.parametrize("title, text, published, year", [
    ("常德经济技术开发区2017年度政府信息公开工作年度报告", "", None, 2017),
    ("长沙市开福区2016年政府信息公开年度报告", "", "2017-03-10", 2016),
    ("二〇一八年度某某县政府信息公开工作年度报告", "", None, 2018),
    ("某某县信息公开年报（2019）", "", None, 2019),
    ("政府信息公开年报", REPORT_TEXT, "2017-03-10", 2016),
    ("政府信息公开年报", "无统计期限", "2018-02-01", 2017),
    ("政府信息公开年报", "", None, None),
    ("（2019年1月）某某区2018年政务公开工作年度报告", "", None, 2018),
])
def test_report_year(title, text, published, year):
    assert report_year(title, text, published) == year


@pytest.mark.parametrize("title, text, publisher, portal, agency", [
    ("长沙市开福区2016年政府信息公开年度报告", "", None, None, "长沙市开福区"),
    ("常德市人民政府2017年度政府信息公开工作报告", "", "市政府办", None, "常德市人民政府"),
    ("开发区2017年度政府信息公开工作年度报告", "……\n下一步工作。\n江苏省金坛经济开发区管理委员会", None, "金坛区", "江苏省金坛经济开发区管理委员会"),
    ("开发区2017年度政府信息公开工作年度报告", "……\n江苏省金坛经济开发区管理委员会\n2018年1月20日", None, None, "江苏省金坛经济开发区管理委员会"),
    ("我区2017年政府信息公开工作年度报告", "正文。", "某某区政务服务中心", "某某区", "某某区政务服务中心"),
    ("2017年政府信息公开工作年度报告", "正文。", None, "某某区人民政府", "某某区人民政府"),
    ("2017年度某某县政府信息公开工作年度报告", "", None, None, "某某县"),
    ("【某某局】2019年政府信息公开工作年度报告", "", None, None, "某某局"),
    ("某某市人民政府关于2017年度政府信息公开工作的报告", "", None, None, "某某市人民政府"),
])
def test_report_agency(title, text, publisher, portal, agency):
    assert report_agency(title, text, publisher, portal) == agency


def test_looks_like_report_link():
    assert looks_like_report_link("2019年度报告", "")
    assert looks_like_report_link("常德市人民政府2017年度政府信息公开工...", "/zwgk/zfxxgknb/201803/t20180326_1.html")
    assert looks_like_report_link("常德市人民政府2017年度政府信息公开…", "")
    # column names are navigation, not reports
    assert not looks_like_report_link("政府信息公开年报", "/zwgk/zfxxgknb/")
    assert not looks_like_report_link("年度报告", "/xxgk/ndbg/")
    assert not looks_like_report_link("我市召开2017年度政府信息公开工作年度报告编制培训会", "")
    assert not looks_like_report_link("政府信息公开指南", "")
    assert not looks_like_report_link("首页", "/")
    assert not looks_like_report_link("", "/ndbg/")


def _item(title, text, link_text="", portal="kaifu", publish_date=None, publisher=None):
    return ReportCandidate(url="http://example.gov.cn/t.html", portal=portal, portal_name="长沙市开福区人民政府",
                           link_text=link_text, extracted={"title": title, "text": text, "publish_date": publish_date,
                                                           "publisher": publisher})


def test_classify_pipeline_keeps_reports_and_fills_year_and_agency():
    pipeline = ClassifyPipeline()
    item = pipeline.process_item(_item("长沙市开福区2016年政府信息公开年度报告", REPORT_TEXT, publish_date="2017-03-10"))
    assert item.extracted["report_year"] == 2016 and item.extracted["agency"] == "长沙市开福区"
    assert item.extracted["is_report"] is True
    item = pipeline.process_item(_item("2016年政府信息公开年度报告", "正文。"))
    assert item.extracted["agency"] == "长沙市开福区人民政府"  # the portal's name, the last resort


def test_classify_pipeline_falls_back_to_link_text():
    pipeline = ClassifyPipeline()
    item = pipeline.process_item(_item("", REPORT_TEXT, link_text="某某区2016年政府信息公开年度报告"))
    assert item.extracted["report_year"] == 2016 and item.extracted["agency"] == "某某区"


def test_classify_pipeline_drops_non_reports_with_reason():
    with pytest.raises(DropItem, match="统计公报"):
        ClassifyPipeline().process_item(_item("万载县2022年国民经济和社会发展统计公报", "正文"))


@pytest.mark.parametrize("title", [
    "我市召开2017年度政府信息公开工作年度报告编制培训会",
    "某某区2017年政府信息公开年度报告发布会召开",
])
def test_pages_about_a_report_are_not_reports(title):
    ok, reason = is_annual_report(title)
    assert not ok and "about a report" in reason


@pytest.mark.parametrize("title", ["某某市2017年度政府信息公开工作年度报告（全文）", "某某县信息公开年报（2019）",
                                   "某某局2018年政府信息公开工作年度报告。"])
def test_report_titles_with_trailing_brackets(title):
    assert is_annual_report(title)[0]
