"""Filler text for the pages around the reports: news, notices, guides, bulletins, budgets.

All of it is written for these sample portals (no text taken from real pages). It is deterministic:
every generator takes a ``random.Random`` seeded by the portal, so pages are byte-identical between
runs and a second crawl sees nothing new.
"""

from __future__ import annotations

import random

NEWS_SENTENCES = [
    "会议传达学习了上级有关会议精神，研究部署了下一阶段重点工作。",
    "会议强调，要坚持问题导向，压实工作责任，确保各项任务按时保质完成。",
    "与会人员围绕项目建设、营商环境、民生保障等方面进行了深入交流。",
    "检查组一行先后深入企业车间、项目工地和社区服务中心，详细了解生产经营和群众办事情况。",
    "{place}将以此为契机，进一步优化审批流程，提升服务效能，让企业和群众办事更加便捷。",
    "活动现场，工作人员向过往群众发放宣传资料{n}余份，解答群众咨询{m}人次。",
    "据统计，今年以来全{unit}共完成重点项目投资{n}亿元，同比增长{p}%。",
    "各相关单位要加强协调配合，形成工作合力，推动各项政策措施落地见效。",
    "下一步，{place}将持续加大督查力度，对工作推进不力的单位进行通报。",
    "培训采取专题授课与案例分析相结合的方式，参训人员普遍反映收获较大。",
    "座谈会上，企业代表就用工、融资、物流等方面的困难和问题提出了意见建议。",
    "现场办公会明确了时间表和路线图，要求各责任单位倒排工期、挂图作战。",
    "此次演练检验了应急预案的可操作性，提高了各部门协同处置突发事件的能力。",
    "截至目前，已累计受理各类诉求{n}件，办结率达到{p}%以上。",
    "{place}相关负责人表示，将认真梳理意见建议，逐条研究落实。",
]

ORG_LINES = [
    "一、主要职责",
    "贯彻执行国家、省、市关于经济社会发展的方针政策和法律法规，研究拟定本级发展规划和年度计划并组织实施。",
    "负责本级政务服务、政务公开、应急管理、安全生产等方面的综合协调工作。",
    "承办上级交办的其他事项。",
    "二、内设机构",
    "办公室、党政综合部、经济发展部、财政局、规划建设部、社会事务部、政务服务中心。",
    "三、联系方式",
    "办公地址：{address}；邮政编码：{postcode}；值班电话：{phone}。",
]


def fill(template: str, rnd: random.Random, place: str, unit: str = "市") -> str:
    return template.format(place=place, unit=unit, n=rnd.randint(12, 960), m=rnd.randint(30, 600),
                           p=rnd.randint(3, 30))


def news_lines(rnd: random.Random, place: str, unit: str = "市", count: int | None = None) -> list[str]:
    picks = rnd.sample(NEWS_SENTENCES, count or rnd.randint(3, 5))
    opening = f"近日，{place}召开专题会议，安排部署相关工作。"
    return [opening] + [fill(s, rnd, place, unit) for s in picks]


def annual_report_lines(agency: str, year: int, rnd: random.Random, place: str = "本地") -> list[str]:
    """A short, generic annual report (for reports that are not in the corpus)."""
    active = rnd.randint(300, 4000)
    applications = rnd.randint(0, 40)
    return [
        f"本报告根据《中华人民共和国政府信息公开条例》要求，由{agency}编制。全文包括概述、主动公开政府信息情况、"
        f"依申请公开政府信息情况、政府信息公开收费及减免情况、因政府信息公开申请提起行政复议和行政诉讼情况、"
        f"存在的主要问题及改进措施。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
        "一、概述",
        f"{year}年，{place}认真贯彻落实《条例》，坚持以公开为常态、不公开为例外，健全工作机制，"
        f"拓宽公开渠道，政府信息公开工作总体运行平稳。",
        "二、主动公开政府信息情况",
        f"全年共主动公开政府信息{active}条，其中通过政府网站公开{active - rnd.randint(10, 200)}条，"
        "其余通过政务微博、微信、公开栏等渠道公开。",
        "三、依申请公开政府信息情况",
        f"全年共受理政府信息公开申请{applications}件，均已按规定时限办结答复。",
        "四、政府信息公开收费及减免情况",
        "全年未收取政府信息公开检索、复制、邮寄等费用。",
        "五、因政府信息公开申请提起行政复议和行政诉讼情况",
        "全年未发生因政府信息公开申请提起行政复议、行政诉讼的情况。",
        "六、存在的主要问题及改进措施",
        "政府信息公开工作还存在公开内容不够全面、更新不够及时等问题。下一步将加强业务培训，"
        "完善工作制度，进一步提高政府信息公开工作水平。",
    ]


def guide_lines(agency: str, office: str, address: str, phone: str) -> list[str]:
    return [
        f"为更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。"
        f"需要获得{agency}政府信息公开服务的公民、法人或者其他组织，建议阅读本指南。",
        "一、公开主体",
        f"{agency}负责本机关的政府信息公开工作，日常工作由{office}承担。",
        "二、主动公开",
        "主动公开的政府信息包括机构职能、规范性文件、发展规划、财政预决算、重大建设项目、行政许可和行政处罚结果等。"
        "主动公开的信息自形成或者变更之日起二十个工作日内予以公开。",
        "三、依申请公开",
        "申请人可以通过当面提交、邮政寄送、网上申请等方式提出政府信息公开申请。"
        "行政机关收到申请后，能够当场答复的当场答复，不能当场答复的，自收到申请之日起二十个工作日内予以答复。",
        "四、受理机构",
        f"地址：{address}；联系电话：{phone}；受理时间：工作日上午8:30—12:00，下午14:30—17:30。",
        "五、监督和救济",
        "公民、法人或者其他组织认为行政机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关"
        "或者政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议或者提起行政诉讼。",
    ]


def notice_lines(year: int, issuer: str, addressees: str, deadline: str) -> list[str]:
    """A notice ABOUT the annual reports: it names them in its title but is not one."""
    return [
        f"{addressees}：",
        f"根据《中华人民共和国政府信息公开条例》规定，现就做好{year}年度政府信息公开工作年度报告编制和发布工作有关事项通知如下：",
        "一、编制内容",
        "年度报告应当包括主动公开政府信息情况、收到和处理政府信息公开申请情况、因政府信息公开工作被申请行政复议和"
        "提起行政诉讼情况、存在的主要问题及改进情况等内容，数据应当准确，文字应当简练。",
        "二、发布时间",
        f"各单位应于{deadline}前将年度报告报送{issuer}审核，并在本单位政府网站政府信息公开专栏发布。",
        "三、工作要求",
        "各单位要高度重视，明确专人负责，按时完成报告编制、审核和发布工作，逾期未报送的将予以通报。",
        issuer,
    ]


def bulletin_lines(place: str, year: int, rnd: random.Random) -> list[str]:
    gdp = rnd.randint(300, 3500)
    return [
        f"{year}年，全{place[-1]}上下坚持稳中求进工作总基调，经济运行总体平稳，民生事业持续改善。",
        "一、综合",
        f"全年实现地区生产总值{gdp}.{rnd.randint(1, 9)}亿元，按可比价格计算，比上年增长{rnd.randint(5, 9)}.{rnd.randint(0, 9)}%。"
        f"其中第一产业增加值{gdp // 10}.{rnd.randint(1, 9)}亿元，第二产业增加值{gdp * 2 // 5}.{rnd.randint(1, 9)}亿元，"
        f"第三产业增加值{gdp - gdp // 10 - gdp * 2 // 5}.{rnd.randint(1, 9)}亿元。",
        "二、农业",
        f"全年粮食播种面积{rnd.randint(20, 400)}.{rnd.randint(1, 9)}千公顷，粮食总产量{rnd.randint(10, 300)}.{rnd.randint(1, 9)}万吨。",
        "三、工业和建筑业",
        f"全年规模以上工业增加值比上年增长{rnd.randint(5, 12)}.{rnd.randint(0, 9)}%。",
        "四、固定资产投资",
        f"全年固定资产投资比上年增长{rnd.randint(5, 15)}.{rnd.randint(0, 9)}%。",
        "注：本公报中部分数据为初步统计数，各项数据均未包括港澳台地区。",
    ]


def budget_lines(agency: str, year: int, rnd: random.Random) -> list[str]:
    total = rnd.randint(800, 9000)
    basic = total * 3 // 5
    return [
        "一、部门基本情况",
        f"{agency}主要职责是贯彻执行国家有关方针政策和法律法规，负责本级政府日常事务的综合协调。",
        "二、收支预算总体情况",
        f"{year}年部门收支总预算{total}.{rnd.randint(10, 99)}万元，其中一般公共预算拨款{total - 50}.{rnd.randint(10, 99)}万元。",
        "项目 | 预算数（万元） | 占比 |",
        f"基本支出 | {basic} | 60% |",
        f"项目支出 | {total - basic} | 40% |",
        f"合计 | {total} | 100% |",
        "三、“三公”经费预算情况",
        f"{year}年“三公”经费预算{rnd.randint(10, 90)}.{rnd.randint(10, 99)}万元，比上年减少{rnd.randint(1, 9)}.{rnd.randint(10, 99)}万元。",
        "四、名词解释",
        "基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。",
    ]


def interpretation_lines(agency: str, year: int) -> list[str]:
    """A 解读 of a report: about the report, quotes its headings, is not the report."""
    return [
        f"近日，{agency}发布了{year}年度政府信息公开工作报告。为便于公众理解，现将报告主要内容解读如下。",
        "一、报告的主要内容",
        "报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
        "存在的主要问题及改进情况、其他需要报告的事项六个部分。",
        "二、主要特点",
        "一是公开平台建设进一步加强；二是重点领域信息公开进一步深化；三是政策解读和回应关切进一步强化。",
    ]


def org_lines(address: str, postcode: str, phone: str) -> list[str]:
    return [line.format(address=address, postcode=postcode, phone=phone) for line in ORG_LINES]
