"""Extraction: bytes -> clean text + metadata, on hand-written pages of each CMS style and on the sample
portals' pages of the five corpus reports."""

from __future__ import annotations

import json
import pickle
import statistics
import time
import urllib.request
from pathlib import Path

import pytest

from pipelines.clean import CHROME_LINE_PATTERNS, clean_text, is_chrome_line
from pipelines.decode import decode_html
from pipelines.page import KEYS, extract_page, read_report
from pipelines.metadata import page_metadata
from tests.textcompare import assert_same_text, row_cells, text_diff

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"

# Phrases of site chrome that must never reach the clean text of the fixture pages.
CHROME_PHRASES = [
    "打印", "关闭", "扫一扫", "分享", "字号", "字体", "视力保护色", "版权所有", "主办", "网站标识码", "ICP备",
    "相关文档", "相关稿件", "关联稿件", "上一篇", "下一篇", "来源", "发布时间", "发布日期", "浏览次数", "访问量",
    "当前位置", "所在位置", "首页", "欢迎访问", "索引号", "索 引 号", "返回顶部", "技术支持", "收藏", "隐藏",
]


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


# -- the fixture pages: exact lines and metadata -----------------------------------------------------

EXPECTED = {
    "trs_report.html": dict(
        lines=[
            "本报告根据《中华人民共和国政府信息公开条例》编制。本报告所列数据的统计期限自2019年1月1日起至12月31日止。",
            "一、总体情况",
            "2019年，我市坚持以公开为常态、不公开为例外，全面推进政务公开。",
            "（一）主动公开全年主动公开政府信息1234条。",
            "第二十条第（一）项",
            "信息内容 | 本年 新制作数量 | 本年 新公开数量 | 对外公开总数量",
            "规章 | 0 | | 3",
            "规范性文件 | 5 | 5 | 40",
            "二、其他需要报告的事项",
            "无。",
            "示例市人民政府办公室",
            "2020年1月20日",
        ],
        meta=dict(title="示例市人民政府2019年政府信息公开工作年度报告", publish_date="2020-01-20",
                  publish_time="2020-01-20 09:30", source="市政府办公室", index_no=None, doc_no=None,
                  publisher=None, agency="示例市人民政府", report_year=2019, encoding="utf-8"),
    ),
    "kaipuyun_report.html": dict(
        lines=[
            "示例县教育体育局",
            "（2021年1月）",
            "一、总体情况",
            "2020年，我局认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开政府信息86条。",
            "（一）依申请公开",
            "全年收到政府信息公开申请2件，均按时答复。",
            "二、存在的主要问题及改进情况",
            "一是公开内容不够全面；二是解读形式较为单一。",
        ],
        meta=dict(title="示例县教育体育局2020年度政府信息公开工作年度报告", publish_date="2021-01-28",
                  publish_time=None, source=None, index_no="001234567B/2021-0001234", doc_no="示教体发〔2021〕3号",
                  publisher="示例县教育体育局", agency="示例县教育体育局", report_year=2020, encoding="utf-8"),
    ),
    "govcn_report.html": dict(
        lines=[
            "本报告由国家示例局根据《中华人民共和国政府信息公开条例》要求编制。",
            "一、概述",
            "2018年，国家示例局认真落实党中央、国务院关于政务公开的部署。",
            "二、主动公开政府信息情况",
            "全年通过门户网站主动公开信息2345条。",
        ],
        meta=dict(title="国家示例局2018年政府信息公开工作年度报告", publish_date="2019-03-29",
                  source="国家示例局网站", agency="国家示例局", report_year=2018, encoding="utf-8"),
    ),
    "hanweb_report.html": dict(
        lines=[
            "根据《中华人民共和国政府信息公开条例》规定，现公布本局2021年政府信息公开工作年度报告。",
            "一、总体情况",
            "2021年，本局共主动公开政府信息58条。",
            "行政复议 | 行政诉讼",
            "0 | 0",
            "二、其他需要报告的事项",
            "本年度无收费情况。",
        ],
        meta=dict(title="示例区发展和改革局2021年政府信息公开工作年度报告", publish_date="2022-01-25",
                  publish_time=None, source="区发展和改革局", agency="示例区发展和改革局", report_year=2021,
                  encoding="utf-8"),
    ),
    # No known container: trafilatura locates the body, which is rendered like the others.
    "oldtable_gbk.html": dict(
        lines=[
            "本报告根据《中华人民共和国政府信息公开条例》编制，所列数据的统计期限自2016年1月1日起至2016年12月31日止。"
            "报告全文包括概述、主动公开情况、依申请公开情况、复议诉讼情况和存在的问题及改进措施。",
            "一、概述",
            "2016年，我县政府信息公开工作在县委、县政府的领导下有序开展，公开的及时性和规范性不断提高，群众满意度明显提升。",
            "二、依申请公开情况",
            "申请方式 | 当面申请 | 网络申请 | 信函申请",
            "件数 | 3 | 12 | 1",
            "三、存在的问题及改进措施",
            "个别单位公开不及时。下一步，我县将加强督查考核，确保信息公开及时准确。",
        ],
        meta=dict(title="长河县2016年政府信息公开年度报告", publish_date="2017-03-08", publish_time=None,
                  source="县政府办", agency="长河县", report_year=2016, encoding="gb18030"),
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_page_lines_and_metadata(name):
    want = EXPECTED[name]
    got = read_report(page(name), f"http://example.gov.cn/{name}")
    assert got["text"].splitlines() == want["lines"]
    for key, value in want["meta"].items():
        assert got[key] == value, key
    assert got["is_report"] is True, got["reason"]
    assert got["chars"] == len(got["text"])
    assert set(got) == set(KEYS)
    assert got["extractor"].startswith("govarchive-clean/") and "trafilatura/" in got["extractor"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_chrome_phrase_survives(name):
    text = read_report(page(name), "http://example.gov.cn/")["text"]
    for phrase in CHROME_PHRASES:
        assert phrase not in text, phrase
    for line in text.splitlines():
        assert line == line.strip() and line, repr(line)


def test_gbk_page_declared_only_in_meta():
    body = page("oldtable_gbk.html")
    text, encoding = decode_html(body, "text/html")
    assert encoding == "gb18030"
    assert "长河县2016年政府信息公开年度报告" in text and "\ufffd" not in text


def test_wrong_header_charset_falls_back_to_meta():
    body = page("wrong_header_gbk.html")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text, encoding = decode_html(body, "text/html; charset=utf-8")
    assert encoding == "gb18030" and "\ufffd" not in text
    got = read_report(body, "http://example.gov.cn/", "text/html; charset=utf-8")
    assert got["title"] == "南岭镇人民政府2022年度政府信息公开工作年度报告"
    assert got["text"].splitlines() == [
        "现公布南岭镇人民政府2022年度政府信息公开工作年度报告。",
        "一、总体情况",
        "2022年，本镇主动公开政府信息75条，办理依申请公开1件。",
    ]
    assert got["report_year"] == 2022 and got["agency"] == "南岭镇人民政府"


@pytest.mark.parametrize(
    "body, content_type, encoding",
    [
        ("<meta charset=gb2312><p>政府信息公开</p>".encode("gbk"), "", "gb18030"),
        ("<p>政府信息公开</p>".encode("gbk"), "text/html; charset=GBK", "gb18030"),
        ("<p>政府信息公开</p>".encode("gbk"), "", "gb18030"),  # undeclared: detected
        ("<p>政府信息公开</p>".encode("utf-8"), "text/html; charset=gbk", "utf-8"),  # valid UTF-8 wins
        ("<p>政府信息公开</p>".encode("utf-8"), "text/html; charset=ISO-8859-1", "utf-8"),  # Tomcat default
        (b"\xef\xbb\xbf" + "<p>政府信息公开</p>".encode("utf-8"), "text/html; charset=gbk", "utf-8"),  # BOM first
        (b"<p>ascii only</p>", "", "utf-8"),
    ],
)
def test_decode_order(body, content_type, encoding):
    text, used = decode_html(body, content_type)
    assert used == encoding
    assert "\ufffd" not in text and not text.startswith("\ufeff")


@pytest.mark.parametrize("name, reason", [("decoy_budget.html", "预算"), ("decoy_notice.html", "通知")])
def test_decoys_are_not_reports(name, reason):
    got = read_report(page(name), "http://example.gov.cn/")
    assert got["is_report"] is False and reason in got["reason"]
    assert got["report_year"] is None and got["agency"] is None


def test_extract_page_is_picklable_for_a_process_pool():
    assert pickle.loads(pickle.dumps(extract_page)) is extract_page


def test_extract_pipeline_in_a_process_pool():
    import asyncio

    from crawler.items import ReportCandidate
    from pipelines.extract import ExtractPipeline

    pipeline = ExtractPipeline(processes=1)
    pipeline.open_spider()
    try:
        item = ReportCandidate(url="http://example.gov.cn/a.html", portal="p", html=page("trs_report.html").decode(),
                               encoding="utf-8", extracted={"kept": 1})
        item = asyncio.run(pipeline.process_item(item))
    finally:
        pipeline.close_spider()
    assert item.extracted["kept"] == 1
    assert item.extracted["title"] == "示例市人民政府2019年政府信息公开工作年度报告"
    assert item.extracted["text"].splitlines() == EXPECTED["trs_report.html"]["lines"]
    assert pipeline.pool is None


@pytest.mark.parametrize("cpus, processes", [(1, 1), (2, 1), (3, 2), (16, 2)])
def test_extraction_workers_by_default_leave_the_crawl_a_cpu(monkeypatch, cpus, processes):
    """The crawl's reactor takes a CPU; the extraction workers get the others, at most two (one crawl's pages
    need about half a core), at least one. An explicit EXTRACT_PROCESSES wins."""
    import os

    from scrapy.settings import Settings

    from pipelines.extract import ExtractPipeline

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cpus)))
    crawler = type("Crawler", (), {"settings": Settings({"EXTRACT_PROCESSES": None}), "stats": None})
    assert ExtractPipeline.from_crawler(crawler).processes == processes
    crawler.settings = Settings({"EXTRACT_PROCESSES": "3"})
    assert ExtractPipeline.from_crawler(crawler).processes == 3


@pytest.mark.parametrize("processes", [1, 2])
def test_extraction_workers_load_the_extraction_and_not_scrapy(processes):
    """Scrapy and Twisted are the crawl process's: in each extraction worker they would cost ~0.5 s of CPU
    at start and ~25 MB of its own memory (a forkserver re-runs the crawl's main module, tests/extraction_probe.py).
    A single worker is the crawl's one extra process: no forkserver, no resource tracker (13 MB)."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "tests.extraction_probe", str(processes)], capture_output=True,
                         text=True, check=True, cwd=Path(__file__).resolve().parent.parent, timeout=120).stdout
    probe = json.loads(out)
    assert probe["loaded"] == {"scrapy": False, "twisted": False, "pipelines.page": True, "trafilatura": True}
    if processes == 1:
        assert len(probe["processes"]) == 1 and "resource_tracker" not in probe["processes"][0], probe["processes"]


def sleep_forever(body: bytes, url: str, content_type: str) -> dict:
    """An extraction that never ends (a pathological PDF, say), picklable for the pool."""
    time.sleep(3600)
    return {}


def sleep_deaf(body: bytes, url: str, content_type: str) -> dict:
    """Never ends and cannot be interrupted by the alarm (as if stuck in C code)."""
    import signal

    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    time.sleep(3600)
    return {}


def die_in_worker(body: bytes, url: str, content_type: str) -> dict:
    """A file that crashes the worker reading it (a segfault in a parser, say)."""
    import os

    os._exit(9)


def report_candidate():
    from crawler.items import ReportCandidate

    return ReportCandidate(url="http://example.gov.cn/a.html", portal="p", html=page("trs_report.html").decode(),
                           encoding="utf-8", extracted={})


def run_in_pipeline(pipeline, scenario):
    import asyncio

    pipeline.open_spider()
    try:
        return asyncio.run(scenario())
    finally:
        pipeline.close_spider()


def test_an_extraction_that_hangs_times_out_in_its_worker_and_the_worker_goes_on():
    from pipelines.extract import ExtractionTimeout, ExtractPipeline

    pipeline = ExtractPipeline(processes=1, timeout=1.0)

    async def scenario():
        first = pipeline.pool
        with pytest.raises(ExtractionTimeout, match="longer than 1 s"):
            await pipeline._run(sleep_forever, b"", "http://example.gov.cn/huge.pdf", "application/pdf")
        item = await pipeline.process_item(report_candidate())
        return item, first is pipeline.pool

    item, same_pool = run_in_pipeline(pipeline, scenario)
    assert item.extracted["title"] == "示例市人民政府2019年政府信息公开工作年度报告"
    assert same_pool and pipeline.restarts == 0


def test_a_worker_that_dies_under_a_file_is_replaced_and_the_file_tried_once_more():
    from pipelines.extract import ExtractPipeline, WorkerDied

    pipeline = ExtractPipeline(processes=1, timeout=5.0)

    async def scenario():
        with pytest.raises(WorkerDied, match="died twice"):
            await pipeline._run(die_in_worker, b"", "http://example.gov.cn/crash.pdf", "application/pdf")
        return await pipeline.process_item(report_candidate())

    item = run_in_pipeline(pipeline, scenario)
    assert item.extracted["title"] == "示例市人民政府2019年政府信息公开工作年度报告"
    assert pipeline.restarts == 2 and pipeline.processes == 1


def test_a_worker_deaf_to_its_alarm_is_killed_and_the_work_queued_behind_it_is_done():
    import asyncio

    from pipelines.extract import ExtractionTimeout, ExtractPipeline

    pipeline = ExtractPipeline(processes=1, timeout=1.0, kill_grace=1.0)

    async def scenario():
        hung = asyncio.ensure_future(pipeline._run(sleep_deaf, b"", "http://example.gov.cn/x.pdf", ""))
        await asyncio.sleep(0.2)
        queued = asyncio.ensure_future(pipeline.process_item(report_candidate()))  # behind it, one worker
        await asyncio.sleep(0.5)
        workers = [worker.process for worker in pipeline.pool.workers]
        with pytest.raises(ExtractionTimeout):
            await hung
        return await queued, workers

    item, workers = run_in_pipeline(pipeline, scenario)
    assert item.extracted["title"] == "示例市人民政府2019年政府信息公开工作年度报告"
    assert workers and not any(worker.is_alive() for worker in workers)
    assert pipeline.restarts == 0  # a kill of ours is not a crash


# -- pieces ------------------------------------------------------------------------------------------


def test_clean_text_drops_title_line_and_chrome_at_head_and_tail():
    html = """<html><body><div class="article">
      <p>欢迎访问示例市人民政府网站!</p><p>示例报告</p><p>2018-03-26 17:44 来源:市政府办</p><p>字号:【大 中 小】</p>
      <p>正文第一段，说明本报告的编制依据和统计期限，内容足够长以便被识别为正文。正文第一段还有更多的内容。</p>
      <p>正文第二段，继续说明公开情况，内容同样足够长以便被识别为正文。正文第二段还有更多内容。</p>
      <p>相关文档:</p><p>扫一扫在手机打开</p><p>分享到:</p><p>2018cxghj_close.png 关闭 2018cxghj_close.png 打印</p>
    </div></body></html>"""
    lines = clean_text(html, title="示例报告").splitlines()
    assert lines == [
        "正文第一段，说明本报告的编制依据和统计期限，内容足够长以便被识别为正文。正文第一段还有更多的内容。",
        "正文第二段，继续说明公开情况，内容同样足够长以便被识别为正文。正文第二段还有更多内容。",
    ]


def test_title_split_over_two_lines_is_kept():
    html = ('<div class="TRS_Editor"><p>开发区2017年度政府信息公开工作</p><p>年度报告</p>'
            "<p>根据《中华人民共和国政府信息公开条例》规定编制本报告。</p></div>")
    assert clean_text(html, title="开发区2017年度政府信息公开工作年度报告").splitlines()[:2] == [
        "开发区2017年度政府信息公开工作", "年度报告"]


def test_layout_table_becomes_lines_and_data_table_rows():
    first, last = "第一段正文" * 40, "第二段正文" * 40
    html = (f"<table><tr><td>发布时间：2017-03-10 来源：示例 字体大小：【大 中 小】</td></tr>"
            f"<tr><td><p>{first}</p><table><tr><td>项目</td><td>数量</td></tr><tr><td>申请</td><td>3</td></tr>"
            f"</table><p>{last}</p></td></tr></table>")
    assert clean_text(html).splitlines() == [first, "项目 | 数量", "申请 | 3", last]


def test_trafilatura_table_rows_are_normalised():
    from pipelines.clean import postclean

    assert postclean(["| 信息内容 | 本年制发件数 | | ", "| a | | b | |"]) == ["信息内容 | 本年制发件数", "a | | b"]


@pytest.mark.parametrize("line", [
    "打印", "【打印本页】【关闭窗口】", "字号：【大 中 小】", "字体：放大 正常 缩小", "视力保护色", "分享到：",
    "扫一扫在手机打开当前页", "2018cxghj_close.png 关闭 2018cxghj_close.png 打印", "上一篇：某某报告",
    "发布时间：2017-03-10 来源：开福区政务服务中心 字体大小：", "2018-03-26 17:44 来源:市政府办",
    "版权所有：示例市人民政府", "网站标识码4300000000", "湘ICP备05000000号", "相关文档：", "首页 > 政务公开",
    "当前位置：首页 > 政务公开", "欢迎访问常德市人民政府办公室网站!", "浏览次数：56",
    "本文首发于39深呼吸公众号（shenhuxi39）", "作者：佚名", "转载请注明:原文链接 - https://example.com/a/1",
    "免责声明：本站信息仅供参考", "凡本网注明“来源：示例网”的作品", "文章观点不代表本站立场", "技术支持：某某公司",
])
def test_chrome_lines(line):
    assert is_chrome_line(line)


@pytest.mark.parametrize("pattern", [p for p in CHROME_LINE_PATTERNS if p.startswith("^")])
def test_chrome_patterns_tried_at_the_line_start_are_anchored_throughout(pattern):
    """is_chrome_line tries a pattern that starts with ``^`` at the start of the line only: an alternative
    of it that is not anchored would never be searched."""
    from re import _constants, _parser

    first, *_ = _parser.parse(pattern)
    alternatives = first[1][1] if first[0] == _constants.BRANCH else [[first]]
    assert all(alternative[0] == (_constants.AT, _constants.AT_BEGINNING) for alternative in alternatives)


@pytest.mark.parametrize("line", [
    "无。", "一、概述", "2018年1月30日", "江苏省金坛经济开发区管理委员会", "规章 | 0 | 0 | 0",
    "（三）确保公开时效。根据省、市政务公开工作的要求，确保相关信息及时公开。", "本年度报告中所列数据的统计期限自2017年1月1日起至12月31日止。",
])
def test_body_lines_are_not_chrome(line):
    assert not is_chrome_line(line)


PARAGRAPH = "正文段落，说明本报告的编制依据、统计期限和公开情况，内容足够长以便被识别为正文。" * 20  # 760 chars


def test_a_body_revealed_by_script_is_kept_and_hidden_widgets_go():
    from pipelines.clean import parse_html, preclean

    root = parse_html(f"""<html><body><div id="js_content" style="visibility: hidden;"><p>{PARAGRAPH}</p></div>
      <div style="visibility:hidden">操作成功</div><div style="display: none"><p>{PARAGRAPH}弹窗</p></div>
      </body></html>""")
    preclean(root)
    assert root.xpath("string()").split() == [PARAGRAPH]


def test_an_unclosed_breadcrumb_that_swallowed_the_article_is_not_chrome():
    from pipelines.clean import parse_html, preclean

    root = parse_html(f"""<html><body><div class="breadcrumb"><a href="/">首页</a> &gt; 诗文</div>
      <div class="breadcrumb"><a href="/">首页</a> &gt; 诗文 <div><p>{PARAGRAPH}</p></div></body></html>""")
    preclean(root)
    assert root.xpath("string()").split() == ["首页", ">", "诗文", PARAGRAPH]


def test_a_placed_body_loses_its_summary_box_widget_lines_and_linked_ratings():
    from pipelines.clean import LINK_CLOSE, LINK_OPEN, postclean

    summary, second = PARAGRAPH[:60], PARAGRAPH[:50] + "第二段。"
    lines = [summary, "本文首发于某某公众号（abc）", summary, "加载中", f"{LINK_OPEN}8.6{LINK_CLOSE}", second]
    assert postclean(lines, placed=True) == [summary, second]
    assert postclean([summary, "加载中", second]) == [summary, "加载中", second]  # a container vouches for it


def test_verses_stop_the_head_scan_and_a_placed_body_ends_at_its_reprint_notice():
    """Short lines of prose (a poem's verses) are body text, so chrome after them (a 更多 link of the next
    section's head) does not cut them as the head; a byline between sections goes, and a reprint notice
    closes the article, the author's biography after it included."""
    from pipelines.clean import LINK_CLOSE, LINK_OPEN, postclean

    verses = ["我有所念人，隔在远远乡。", "我有所感事，结在深深肠。"]
    lines = ["原文：", *verses, "译文及注释", f"{LINK_OPEN}更多{LINK_CLOSE}", "译文", "作者：佚名", PARAGRAPH,
             "转载请注明:原文链接 - https://example.com/a/1", "白居易（772～846），字乐天。" + PARAGRAPH[:40]]
    assert postclean(lines, placed=True) == ["原文：", *verses, "译文及注释", "译文", PARAGRAPH]


def test_page_metadata_label_text_and_title_tag():
    html = """<html><head><title>某某局2019年政府信息公开工作年度报告_某某市人民政府门户网站</title></head><body>
      <table><tr><td>索引号：</td><td>11430700/2020-00012</td><td>发布机构：</td><td>某某局</td></tr>
      <tr><td>生成日期：</td><td>2020年01月15日</td><td>文号：</td><td></td></tr></table>
      <div class="TRS_Editor"><p>资料来源：统计局。发布时间：1999-01-01</p></div></body></html>"""
    meta = page_metadata(html)
    assert meta["title"] == "某某局2019年政府信息公开工作年度报告"
    assert meta["index_no"] == "11430700/2020-00012"
    assert meta["publisher"] == "某某局"
    assert meta["publish_date"] == "2020-01-15"
    assert meta["doc_no"] is None and meta["source"] is None


def test_page_metadata_missing_is_none():
    meta = page_metadata("<html><body><p>hello</p></body></html>")
    assert all(meta[k] is None for k in ("title", "publish_date", "publish_time", "source", "index_no", "doc_no",
                                         "publisher"))


def test_row_cells_helper():
    assert row_cells("第二十条第(一)项 | |||") == ["第二十条第(一)项"]
    assert row_cells("| a | | b | ") == ["a", "", "b"]
    assert text_diff("a | b |  | \nx  ", "a | b\nx") == []


# -- the sample portals: the five corpus reports as served -------------------------------------------


def _fetch(url: str) -> tuple[bytes, str]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read(), response.headers.get("Content-Type", "")


def _expected_reports(sp) -> list[tuple[str, str]]:
    """(url, corpus id) pairs from ``sp.expected_reports`` (a mapping or a sequence of pairs/objects)."""
    reports = sp.expected_reports
    if isinstance(reports, dict):
        pairs = list(reports.items())
    else:
        pairs = [(r.url, r.corpus_id) if hasattr(r, "url") else tuple(r) for r in reports]
    return [(url, cid if isinstance(cid, str) else getattr(cid, "corpus_id", cid)) for url, cid in pairs]


def _corpus_id(cid: str) -> str:
    if (CORPUS / f"{cid}.gold.txt").exists():
        return cid
    (match,) = [p.name.removesuffix(".gold.txt") for p in CORPUS.glob(f"{cid[:3]}_*.gold.txt")]
    return match


def test_sample_portal_reports_match_gold(sample_portals):
    failures, timings = [], []
    reports = _expected_reports(sample_portals)
    assert reports
    for url, cid in reports:
        cid = _corpus_id(cid)
        body, content_type = _fetch(url)
        if not content_type.startswith("text/html"):
            continue  # attachments (DOC/PDF) are pipelines/attachments.py's job
        read_report(body, url, content_type)  # warm
        start = time.perf_counter()
        got = read_report(body, url, content_type)
        timings.append((time.perf_counter() - start) * 1000)
        gold = (CORPUS / f"{cid}.gold.txt").read_text(encoding="utf-8")
        meta = json.loads((CORPUS / f"{cid}.meta.json").read_text(encoding="utf-8"))
        try:
            assert_same_text(got["text"], gold, f"{cid} at {url}")
            for key in ("title", "publish_date", "source", "report_year"):
                if meta.get(key) is not None:
                    assert got[key] == meta[key], f"{cid} at {url}: {key} {got[key]!r} != {meta[key]!r}"
            assert got["is_report"], f"{cid} at {url}: {got['reason']}"
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, "\n\n".join(failures)
    print(f"\nextraction per report page: median {statistics.median(timings):.1f} ms, max {max(timings):.1f} ms "
          f"over {len(timings)} pages")


def test_sample_portal_decoys_are_not_reports(sample_portals):
    urls = list(sample_portals.decoy_urls)
    assert urls
    for url in urls:
        body, content_type = _fetch(url)
        got = read_report(body, url, content_type)
        assert got["is_report"] is False, f"{url}: {got['title']!r} taken for a report ({got['reason']})"


@pytest.mark.parametrize("body", [b"", b"   ", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", b"PK\x03\x04\x14\x00\x06\x00",
                                  b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", b"<!-- nothing -->"])
def test_empty_or_binary_bodies_give_no_text(body):
    got = read_report(body, "http://example.gov.cn/x")
    assert got["text"] == "" and got["chars"] == 0 and got["is_report"] is False and got["title"] is None


def test_deeply_nested_unclosed_tags():
    html = "<html><head><title>某区2019年政府信息公开工作年度报告</title></head><body>" + "<font>" * 1500
    html += "<p>本报告根据《中华人民共和国政府信息公开条例》编制，深层嵌套也要读得出来。</p></body></html>"
    got = read_report(html.encode("utf-8"), "http://example.gov.cn/x")
    assert got["text"] == "本报告根据《中华人民共和国政府信息公开条例》编制，深层嵌套也要读得出来。"
