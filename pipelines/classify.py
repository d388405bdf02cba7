"""Is a page an information-disclosure annual report, which year does it report on, who issued it.

Pure functions (``classify``, and the tests it is made of: ``is_annual_report``, ``report_year``,
``report_agency``; ``looks_like_report_link`` for the spider) and ``ClassifyPipeline``, which drops
non-reports and fills ``report_year`` and ``agency`` in ``item.extracted``. Vocabulary is data at the top of
the module.
"""

from __future__ import annotations

import datetime as dt
import re

from crawler.items import ReportCandidate

# -- vocabulary ----------------------------------------------------------------------------------------
# Titles that name a report: 政府信息公开工作年度报告, 政府信息公开年度报告, 政府信息公开工作报告,
# 政务公开工作年度报告, 信息公开年报 ...
REPORT_TITLE_RE = re.compile(
    r"(?:信息|政务)公开(?:工作)?(?:情况)?的?(?:年度)?(?:工作)?(?:报告|年报)"
    r"|(?:信息|政务)公开.{0,12}年度报告"
)
# Titles that are NOT reports, with the reason; checked before REPORT_TITLE_RE.
NOT_REPORT = [
    (r"统计公报", "statistics bulletin (统计公报)"),
    (r"预算|决算", "budget or final accounts (预算/决算)"),
    (r"企业.{0,6}年(?:度报告|报)|年报公示|工商年报|年度报告公示", "enterprise annual report (企业年报)"),
    (r"信息公开指南", "disclosure guide (政府信息公开指南)"),
    (r"信息公开(?:工作)?制度|信息公开(?:工作)?(?:规定|办法|细则)", "disclosure rules (政府信息公开制度)"),
    (r"(?:关于|做好|报送|编制|开展|印发).{0,40}(?:通知|函|意见|方案|办法)$|的通知", "a notice about reports (通知)"),
    (r"目录$|信息公开目录", "a catalogue (目录)"),
    (r"一图读懂|图解|解读", "an explainer, not the report (图解/解读)"),
    (r"工作要点|考核|测评|评估报告|申请表", "not a report (工作要点/考核/申请表)"),
]
_NOT_REPORT_RES = [(re.compile(p), reason) for p, reason in NOT_REPORT]
# What may follow the report's name in its title: brackets (（全文）, （2019）), punctuation, 全文/正文.
_TAIL_NOISE_RE = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]|全文|正文|修订版|更正版|[\s\W_]")
# Text of a report: the 条例 cited, the statistics period, the chapters.
TEXT_HALLMARKS = [r"政府信息公开条例", r"统计期限|统计期间", r"主动公开", r"依申请公开|申请公开", r"行政复议"]
_HALLMARK_RES = [re.compile(p) for p in TEXT_HALLMARKS]
# A weak title ("2017年度报告", "年报") counts when the text confirms.
WEAK_TITLE_RE = re.compile(r"年度?报告|年报")

# Prefixes that do not name a body ("开发区2017年度…", "我区…").
GENERIC_AGENCIES = {
    "", "开发区", "高新区", "经开区", "园区", "新区", "我区", "我市", "我县", "我镇", "我乡", "我局", "我委", "本区",
    "本市", "本县", "本局", "本机关", "本单位", "我单位", "区", "市", "县", "镇", "乡", "街道", "政府", "人民政府",
    "区政府", "市政府", "县政府", "管委会", "全区", "全市", "全县", "年度", "关于",
}
# A signature line naming a body, at the end of a report.
SIGNATURE_RE = re.compile(
    r"^[\u4e00-\u9fff（）()]{2,40}(?:委员会|人民政府|管委会|管理委员会|办公室|办公厅|政府|局|厅|委|办|中心|街道办事处|"
    r"办事处|公司|院|所|署)$"
)
# Where a report's agency name ends in its title.
AGENCY_END_RE = re.compile(r"(?:关于)?(?:(?:19|20)\d{2}|[〇零一二三四五六七八九]{4})\s*年度?|(?:政府|政务)?信息公开|政务公开")
_YEAR_IN_TITLE = [
    re.compile(r"((?:19|20)\d{2})\s*年度"),
    re.compile(r"([〇零一二三四五六七八九]{4})\s*年度"),
    re.compile(r"((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)"),  # not the date in "（2019年1月）"
    re.compile(r"([〇零一二三四五六七八九]{4})\s*年(?![一二三四五六七八九十]{1,2}月)"),
    re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)"),  # 信息公开年报（2019）
]
_PERIOD_RE = re.compile(r"(?:自|从)?\s*((?:19|20)\d{2})\s*年\s*(?:1|01|一)\s*月\s*(?:1|01|一)\s*日?\s*(?:起|至|到|—|-)")
_PERIOD_YEAR_RE = re.compile(r"统计(?:期限|期间|时限)[^。]{0,20}?((?:19|20)\d{2})\s*年")
_CN_DIGITS = {ch: str(i) for i, ch in enumerate("〇一二三四五六七八九")} | {"零": "0"}

# Link texts that name a report (with a year; see looks_like_report_link), and titles a listing cut short.
LINK_RE = re.compile(r"年度报告|年报")
TRUNCATED_RE = re.compile(r"(?:信息|政务)公开.{0,10}(?:…|\.{2,}|．{2,})$")


def is_annual_report(title: str, text: str = "") -> tuple[bool, str]:
    """``(True, reason)`` when the title (or, failing that, the text) names an information-disclosure
    annual report; ``(False, reason)`` otherwise."""
    title = _norm(title)
    for pattern, reason in _NOT_REPORT_RES:
        if pattern.search(title):
            return False, f"not a report: {reason}"
    hallmarks = sum(1 for p in _HALLMARK_RES if p.search(text[:20000]))
    named = list(REPORT_TITLE_RE.finditer(title))
    if named and _TAIL_NOISE_RE.sub("", title[named[-1].end():]):
        # "…年度报告编制培训会", "…年度报告发布会": a page about a report, not the report.
        return False, f"not a report: the title is about a report ({title[named[-1].end():]})"
    if named:
        # A column name (政府信息公开年报) over a listing names no year and its text reads as no report.
        if not text.strip() or any(p.search(title) for p in _YEAR_IN_TITLE) or hallmarks >= 2:
            return True, "title names an information-disclosure annual report"
        return False, "title names the report column, not a report (no year, and the text is no report)"
    head = _norm(" ".join(text.splitlines()[:3]))
    if (not title or WEAK_TITLE_RE.search(title)) and REPORT_TITLE_RE.search(head) and hallmarks >= 2:
        return True, "text opens as an information-disclosure annual report"
    if WEAK_TITLE_RE.search(title) and hallmarks >= 3:
        return True, "title says 年度报告/年报 and the text reads as a disclosure report"
    if not title:
        return False, "no title, and the text does not read as a report"
    return False, "title does not name an information-disclosure annual report"


def report_year(title: str, text: str = "", publish_date: str | None = None) -> int | None:
    """The year reported on: from the title, else the text's statistics period, else publish year - 1."""
    title = _norm(title)
    for pattern in _YEAR_IN_TITLE:
        match = pattern.search(title)
        if match:
            return _year(match.group(1))
    for pattern in (_PERIOD_RE, _PERIOD_YEAR_RE):
        match = pattern.search(text[:20000])
        if match:
            return int(match.group(1))
    if publish_date and re.match(r"\d{4}", publish_date):
        return int(publish_date[:4]) - 1
    return None


def report_agency(title: str, text: str = "", publisher: str | None = None,
                  portal_name: str | None = None) -> str | None:
    """The issuing body as the title names it (the part before the year), else a signature line at the
    end of the text, else 发布机构, else the portal's name."""
    title = _norm(title)
    marks = list(AGENCY_END_RE.finditer(title))
    # The agency is the part before the first year or 信息公开, or, in "2017年度XX县政府信息公开…",
    # the part between the year and 信息公开.
    spans = [(0, marks[0].start())] if marks else []
    if len(marks) > 1 and marks[0].start() == 0:
        spans.append((marks[0].end(), marks[1].start()))
    for start, end in spans:
        prefix = re.sub(r"^关于|关于$|的$", "", title[start:end].strip("【】[] ：:，,、")).strip("【】[] ：:，,、")
        if prefix and prefix not in GENERIC_AGENCIES and not prefix.startswith(("我", "本")):
            return prefix
    signature = signature_agency(text)
    if signature:
        return signature
    return publisher or portal_name or None


def signature_agency(text: str) -> str | None:
    """A body named on one of the last lines (skipping a date line), e.g. 江苏省金坛经济开发区管理委员会."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines[-4:]):
        line = line.replace(" ", "")
        if SIGNATURE_RE.match(line) and line not in GENERIC_AGENCIES:
            return line
    return None


def looks_like_report_link(text: str, url: str = "") -> bool:
    """Cheap test for the spider: does this anchor text (or page title) name one report?

    It must name a year and a report ("…2017年度政府信息公开工作年度报告", "2019年度报告"), or a year and
    信息公开 in a title the listing cut short ("…2017年度政府信息公开工..."). A column name without a year
    (政府信息公开年报, 年度报告) is a place to look for reports, not a report: False, so the spider follows it
    as navigation. ``url`` is accepted for the spider's convenience and not needed."""
    text = _norm(text)
    if not text or not any(p.search(text) for p in _YEAR_IN_TITLE):
        return False
    if any(p.search(text) for p, _reason in _NOT_REPORT_RES):
        return False
    named = list(REPORT_TITLE_RE.finditer(text)) or list(LINK_RE.finditer(text))
    if named:
        return not _TAIL_NOISE_RE.sub("", text[named[-1].end():])
    return bool(TRUNCATED_RE.search(text))


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def _year(digits: str) -> int:
    return int("".join(_CN_DIGITS.get(ch, ch) for ch in digits))


def classify(extracted: dict, link_text: str = "", portal_name: str | None = None) -> dict:
    """Is the extracted page (``title``, ``text``, ``publish_date``, ``publisher``) a report, on which year,
    by whom: ``{is_report, reason, report_year, agency}``. ``link_text`` (the anchor that led to the page,
    often the full title) is a second chance for a page whose own title is cut or generic; ``portal_name`` is
    the agency of last resort. Report year and agency are None for a page that is not a report."""
    title = extracted.get("title") or link_text or ""
    text = extracted.get("text") or ""
    ok, reason = is_annual_report(title, text)
    if not ok and link_text and _norm(link_text) != _norm(title):
        ok, reason = is_annual_report(link_text, text)
    if not ok:
        return {"is_report": False, "reason": reason, "report_year": None, "agency": None}
    published = extracted.get("publish_date")
    year = report_year(title, text, published)
    if year is None or _implausible(year, published):
        year = report_year(link_text or "", text, published) or year
    return {"is_report": True, "reason": reason, "report_year": year,
            "agency": report_agency(title, text, extracted.get("publisher"), portal_name)}


class ClassifyPipeline:
    """Drop pages that are not annual reports; set ``is_report``, ``report_year`` and ``agency``."""

    def process_item(self, item, spider=None):
        if not isinstance(item, ReportCandidate):
            return item
        item.extracted.update(classify(item.extracted, item.link_text, item.portal_name or item.portal))
        if not item.extracted["is_report"]:
            from scrapy.exceptions import DropItem  # here: the extraction workers import this module, not Scrapy

            raise DropItem(f"{item.url}: {item.extracted['reason']}")
        return item


def _implausible(year: int, publish_date: str | None) -> bool:
    latest = int(publish_date[:4]) if publish_date else dt.date.today().year
    return not 1990 <= year <= latest
