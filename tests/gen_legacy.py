"""Generated pre-2019 statistics tables (政府信息公开情况统计表) in the layouts real reports
and their crawls print them: one row per indicator, its unit (or none), this year's value
and the cumulative one (or this year only), 其中 rows numbered 1. / 1、 / （1）, the label
variants of several provinces, and the table as space-separated rows, rows on lines,
tab-separated lines, digits run together by a crawler, an HTML table or a Markdown table.

`LegacyCase.truth` holds every value as generated; `render` prints the case in one form.
Label variants must name the key given (patterns/legacy.toml), units the row's unit."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# key → label variants printed by different provinces (without numbering)
VARIANTS: dict[str, list[str]] = {
    "proactive_total": ["主动公开信息数", "主动公开文件数", "主动公开政府信息数", "主动公开信息总数"],
    "proactive_website": ["网站公开", "政府网站公开数", "网站公开数"],
    "proactive_gazette": ["政府公报公开", "政府公报公开数", "公报公开数"],
    "proactive_other": ["其他形式公开数", "其它方式公开"],
    "requests_received": ["受理依申请公开信息总数", "受理政府信息依申请公开总数", "依申请公开信息总数", "受理申请总数"],
    "requests_in_person": ["当面申请数", "当面申请"],
    "requests_fax": ["传真申请数"],
    "requests_email": ["电子邮件申请数", "电子邮箱申请数"],
    "requests_online": ["网上申请数", "网络申请数", "互联网申请数"],
    "requests_letter": ["信函申请数"],
    "requests_letter_fax": ["信函、传真申请数", "信函/传真申请数"],
    "requests_other": ["其它形式申请数", "其他形式申请数"],
    "replies_total": ["对申请的答复总数", "对申请的答复数", "答复总数"],
    "replies_granted": ["同意公开答复数", "同意公开数"],
    "replies_partial": ["同意部分公开答复数", "同意部分公开数"],
    "replies_refused": ["否决公开答复数", "不予公开答复数", "不同意公开答复数"],
    "replies_other": ["其他类型答复数", "其它答复数"],
    "admin_reviews": ["行政复议数", "行政复议案件数"],
    "lawsuits": ["行政诉讼数", "行政诉讼案件数"],
    "lawsuits_and_complaints": ["行政申诉、举报数", "行政申诉数", "申诉举报数"],
    "fees_waived": ["收费减免金额", "政府信息公开收费减免金额"],
}
# the breakdowns provinces print: a total and its 其中 rows
GROUPS: list[list[list[str]]] = [
    [
        ["proactive_total", "proactive_website", "proactive_gazette"],
        ["proactive_total", "proactive_website", "proactive_gazette", "proactive_other"],
    ],
    [
        [
            "requests_received",
            "requests_in_person",
            "requests_fax",
            "requests_email",
            "requests_online",
            "requests_letter",
            "requests_other",
        ],
        ["requests_received", "requests_in_person", "requests_online", "requests_letter_fax"],
    ],
    [
        ["replies_total", "replies_granted", "replies_partial", "replies_refused"],
        ["replies_total", "replies_granted", "replies_partial", "replies_refused", "replies_other"],
    ],
]
SINGLES = ["admin_reviews", "lawsuits", "lawsuits_and_complaints"]
NUMBERING = ["{n}.", "{n}、", "（{n}）"]
# the forms whose cells stay apart (never split; the other form is "run_together"), and
# the file suffix of each form
# rows on lines with their cells set apart by a run of separators: spaces (a crawler's
# padding; such lines may happen to align, and a reader take them for a grid), no-break
# spaces, ideographic spaces
GAPS = {
    "lines_2sp": "  ",
    "lines_3sp": "   ",
    "lines_5sp": "     ",
    "lines_nbsp": "\u00a0\u00a0",
    "lines_ideo": "\u3000",
}
SEPARATE = {"spaced", "lines", "tabs", "html", "markdown", *GAPS}
SUFFIX = {"html": ".html", "markdown": ".md"}


@dataclass
class Row:
    key: str  # "": a heading inside the table (一、主动公开情况), printed without values
    label: str  # as printed, numbering included
    unit: str
    this: int
    cum: int


@dataclass
class LegacyCase:
    year: int
    rows: list[Row]
    units: bool  # a 计量单位 column
    both: bool  # a 历年累计 column
    groups: list[list[int]] = field(default_factory=list)  # row indexes: total first, then its 其中 rows
    prose: dict[str, int] = field(default_factory=dict)  # key → this year's figure the prose states

    @property
    def truth(self) -> dict[tuple[str, str], int]:
        out = {}
        for r in self.rows:
            if not r.key:
                continue
            out[(r.key, "this_year")] = r.this
            if self.both:
                out[(r.key, "cumulative")] = r.cum
        return out


def _magnitude(rng: random.Random) -> int:
    return rng.choice([0, 0, 9, 99, 999, 9999, 99999])


def _parts(total: int, k: int, rng: random.Random) -> list[int]:
    """k non-negative numbers summing to total."""
    cuts = sorted(rng.randint(0, total) for _ in range(k - 1))
    return [b - a for a, b in zip([0] + cuts, cuts + [total])]


# headings printed before the groups when the table has them (a crawler runs them into the
# total after them: "一、主动公开情况（一）主动公开信息数条…")
HEADINGS = ["一、主动公开情况", "二、依申请公开情况", "三、答复情况"]


def make_case(rng: random.Random, prose: bool = True) -> LegacyCase:
    year = rng.randint(2008, 2018)
    units, both = rng.random() < 0.7, rng.random() < 0.75
    numbering = rng.choice(NUMBERING)
    qizhong = rng.random() < 0.7  # "其中：" before the first 其中 row
    headings = rng.random() < 0.4
    normative = rng.random() < 0.4  # 其中：主动公开规范性文件数, a part alone before the channels
    rows: list[Row] = []
    groups: list[list[int]] = []
    for g, variants in enumerate(GROUPS):
        keys = rng.choice(variants)
        this = rng.randint(0, _magnitude(rng))
        cum = this + rng.randint(0, _magnitude(rng))
        this_parts = _parts(this, len(keys) - 1, rng)
        # cumulative parts: this year's plus earlier years', so each ≥ this year's
        earlier = _parts(cum - this, len(keys) - 1, rng)
        cum_parts = [a + b for a, b in zip(this_parts, earlier)]
        if headings:
            rows.append(Row("", HEADINGS[g], "", 0, 0))
        group = [len(rows)]
        rows.append(Row(keys[0], ("（一）" if headings else "") + rng.choice(VARIANTS[keys[0]]), "条", this, cum))
        if g == 0 and normative:
            docs = rng.randint(0, this)
            rows.append(Row("proactive_normative_docs", "其中：主动公开规范性文件数", "条", docs, docs + cum - this))
        for i, (key, t, c) in enumerate(zip(keys[1:], this_parts, cum_parts), start=1):
            mark = ("其中：" if qizhong and i == 1 else "") + numbering.format(n=i)
            group.append(len(rows))
            rows.append(Row(key, mark + rng.choice(VARIANTS[key]), rng.choice(["条", "件"]), t, c))
        groups.append(group)
    for key in SINGLES:
        this = rng.choice([0, 0, 1, 3, 12])
        rows.append(Row(key, rng.choice(VARIANTS[key]), "件", this, this + rng.choice([0, 2, 25])))
    if rng.random() < 0.5:
        this = rng.choice([0, 0, 120, 3500])
        rows.append(Row("fees_waived", rng.choice(VARIANTS["fees_waived"]), "元", this, this + rng.choice([0, 800])))
    stated = {}
    if prose:
        for r in rows:
            if r.key in ("proactive_total", "requests_received") and rng.random() < 0.7:
                stated[r.key] = r.this
    return LegacyCase(year, rows, units, both, groups, stated)


# The national form of 2015–2018 (国办), row by row: (label as printed, key, unit); key ""
# for its headings.  One value column (统计数).
FORM_2015: list[tuple[str, str, str]] = [
    ("一、主动公开情况", "", ""),
    ("（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "proactive_total", "条"),
    ("其中：主动公开规范性文件数", "proactive_normative_docs", "条"),
    ("制发规范性文件总数", "normative_docs_issued", "件"),
    ("（二）通过不同渠道和方式公开政府信息的情况", "", ""),
    ("1.政府公报公开政府信息数", "proactive_gazette", "条"),
    ("2.政府网站公开政府信息数", "proactive_website", "条"),
    ("3.政务微博公开政府信息数", "proactive_weibo", "条"),
    ("4.政务微信公开政府信息数", "proactive_wechat", "条"),
    ("5.其他方式公开政府信息数", "proactive_other", "条"),
    ("二、回应解读情况", "", ""),
    ("（一）回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）", "responses_hotspots", "次"),
    ("（二）通过不同渠道和方式回应解读的情况", "", ""),
    ("1.参加或举办新闻发布会总次数", "press_conferences", "次"),
    ("其中：主要负责同志参加新闻发布会次数", "press_conferences_by_heads", "次"),
    ("2.政府网站在线访谈次数", "online_interviews", "次"),
    ("其中：主要负责同志参加政府网站在线访谈次数", "online_interviews_by_heads", "次"),
    ("3.政策解读稿件发布数", "policy_interpretations", "篇"),
    ("4.微博微信回应事件数", "responses_social_media", "次"),
    ("5.其他方式回应事件数", "responses_other", "次"),
    ("三、依申请公开情况", "", ""),
    ("（一）收到申请数", "requests_received", "件"),
    ("1.当面申请数", "requests_in_person", "件"),
    ("2.传真申请数", "requests_fax", "件"),
    ("3.网络申请数", "requests_online", "件"),
    ("4.信函申请数", "requests_letter", "件"),
    ("（二）申请办结数", "requests_completed", "件"),
    ("1.按时办结数", "requests_completed_on_time", "件"),
    ("2.延期办结数", "requests_completed_extended", "件"),
    ("（三）申请答复数", "replies_total", "件"),
    ("1.属于已主动公开范围数", "replies_already_public", "件"),
    ("2.同意公开答复数", "replies_granted", "件"),
    ("3.同意部分公开答复数", "replies_partial", "件"),
    ("4.不同意公开答复数", "replies_refused", "件"),
    ("其中：涉及国家秘密", "refused_secret", "件"),
    ("涉及商业秘密", "refused_commercial_secret", "件"),
    ("涉及个人隐私", "refused_privacy", "件"),
    ("危及国家安全、公共安全、经济安全和社会稳定", "refused_security", "件"),
    ("不是《条例》所指政府信息", "refused_not_gov_info", "件"),
    ("法律法规规定的其他情形", "refused_other", "件"),
    ("5.不属于本行政机关公开数", "replies_not_ours", "件"),
    ("6.申请信息不存在数", "replies_not_held", "件"),
    ("7.告知作出更改补充数", "replies_correction", "件"),
    ("8.告知通过其他途径办理数", "replies_other_route", "件"),
    ("四、行政复议数量", "admin_reviews", "件"),
    ("（一）维持具体行政行为数", "admin_reviews_upheld", "件"),
    ("（二）被依法纠错数", "admin_reviews_corrected", "件"),
    ("（三）其他情形数", "admin_reviews_other", "件"),
    ("五、行政诉讼数量", "lawsuits", "件"),
    ("（一）维持具体行政行为或者驳回原告诉讼请求数", "lawsuits_upheld", "件"),
    ("（二）被依法纠错数", "lawsuits_corrected", "件"),
    ("（三）其他情形数", "lawsuits_other", "件"),
    ("六、举报投诉数量", "lawsuits_and_complaints", "件"),
    ("七、依申请公开信息收取的费用", "fees_collected", "万元"),
    ("八、机构建设和保障经费情况", "", ""),
    ("（一）政府信息公开工作专门机构数", "dedicated_units", "个"),
    ("（二）设置政府信息公开查阅点数", "query_points", "个"),
    ("（三）从事政府信息公开工作人员数", "staff_total", "人"),
    ("1.专职人员数", "staff_full_time", "人"),
    ("2.兼职人员数", "staff_part_time", "人"),
    ("（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）", "special_funds", "万元"),
    ("九、政府信息公开会议和培训情况", "", ""),
    ("（一）召开政府信息公开工作会议或专题会议数", "meetings", "次"),
    ("（二）举办各类培训班数", "trainings", "次"),
    ("（三）接受培训人员数", "trainees", "人次"),
]
# the form's breakdowns: a total and the rows that sum to it
SUMS_2015 = {
    "requests_received": ["requests_in_person", "requests_fax", "requests_online", "requests_letter"],
    "requests_completed": ["requests_completed_on_time", "requests_completed_extended"],
    "replies_total": ["replies_already_public", "replies_granted", "replies_partial", "replies_refused",
                      "replies_not_ours", "replies_not_held", "replies_correction", "replies_other_route"],
    "replies_refused": ["refused_secret", "refused_commercial_secret", "refused_privacy", "refused_security",
                        "refused_not_gov_info", "refused_other"],
    "admin_reviews": ["admin_reviews_upheld", "admin_reviews_corrected", "admin_reviews_other"],
    "lawsuits": ["lawsuits_upheld", "lawsuits_corrected", "lawsuits_other"],
    "staff_total": ["staff_full_time", "staff_part_time"],
}  # fmt: skip


def make_2015_case(rng: random.Random) -> LegacyCase:
    """The 2015 form with values whose breakdowns add up (parts drawn first, totals summed;
    the 其中 rows of 主动公开 and of 新闻发布会 need not)."""
    value: dict[str, int] = {key: rng.choice([0, 0, 1, 3, 12, 40, 365]) for _, key, _ in FORM_2015 if key}
    for total in (
        "replies_refused",
        "replies_total",
        "requests_received",
        "requests_completed",
        "admin_reviews",
        "lawsuits",
        "staff_total",
    ):  # fmt: skip  (inner sums first)
        value[total] = sum(value[k] for k in SUMS_2015[total])
    rows = [Row(key, label, unit, value.get(key, 0), 0) for label, key, unit in FORM_2015]
    return LegacyCase(rng.randint(2015, 2018), rows, units=True, both=False)


# ---- printing ------------------------------------------------------------------------------


def _prose(case: LegacyCase) -> str:
    out = [f"本报告所列数据的统计期限自{case.year}年1月1日起至{case.year}年12月31日止。"]
    if "proactive_total" in case.prose:
        out.append(f"{case.year}年全区主动公开政府信息{case.prose['proactive_total']}条。")
    if "requests_received" in case.prose:
        out.append(f"{case.year}年共收到政府信息公开申请{case.prose['requests_received']}件。")
    return "".join(out)


def _cells(case: LegacyCase, row: Row) -> list[str]:
    if not row.key:
        return [row.label] + [""] * (len(_header(case)) - 1)
    cells = [row.label] + ([row.unit] if case.units else []) + [str(row.this)]
    return cells + ([str(row.cum)] if case.both else [])


def _header(case: LegacyCase) -> list[str]:
    return (
        ["指标名称"] + (["计量单位"] if case.units else []) + [f"{case.year}年度"] + (["历年累计"] if case.both else [])
    )


def render(case: LegacyCase, form: str) -> str:
    title = f"某某县人民政府{case.year}年政府信息公开工作年度报告"
    table_title = f"附件：某某县{case.year}年政府信息公开情况统计表"
    lines = [_header(case)] + [_cells(case, r) for r in case.rows]
    if form == "html":
        trs = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>" for cells in lines)
        return (
            f"<html><body><h1>{title}</h1><p>{_prose(case)}</p><p>{table_title}</p>"
            f"<table>{trs}</table><p>某某县人民政府办公室</p></body></html>"
        )
    if form == "markdown":
        md = ["| " + " | ".join(lines[0]) + " |", "|" + "---|" * len(lines[0])]
        md += ["| " + " | ".join(cells) + " |" for cells in lines[1:]]
        return "\n".join([f"# {title}", "", _prose(case), "", table_title, ""] + md) + "\n"
    if form == "tabs":
        body = "\n".join("\t".join(cells) for cells in lines)
    elif form == "lines":
        body = "\n".join(" ".join(cells) for cells in lines)
    elif form in GAPS:
        body = "\n".join(GAPS[form].join(cells) for cells in lines)
    elif form == "spaced":
        body = " ".join(" ".join(cells) for cells in lines)
    elif form == "run_together":
        body = "".join("".join(cells) for cells in lines)
    else:
        raise ValueError(form)
    return "\n".join([title, _prose(case), table_title, body]) + "\n"


def readings(digits: str, n: int) -> list[tuple[int, ...]]:
    """Every reading of a run of digits as n numbers without leading zeros."""
    if n == 1:
        return [(int(digits),)] if digits == "0" or not digits.startswith("0") else []
    out = []
    for i in range(1, len(digits)):
        head = digits[:i]
        if head != "0" and head.startswith("0"):
            continue
        out += [(int(head),) + rest for rest in readings(digits[i:], n - 1)]
    return out


def consistent(case: LegacyCase) -> dict[tuple[str, str], set[int]]:
    """For the run-together form: every value each cell can take under the reader's rules
    applied strictly — column count, cumulative ≥ this year, each group's total equal to
    the sum of its 其中 rows in every column, the prose's figure.  A cell with one value
    left is determined; more, and the reader must mark it ambiguous."""
    n = 2 if case.both else 1
    options: list[list[tuple[int, ...]]] = []
    for r in case.rows:
        if not r.key:
            options.append([])
            continue
        digits = str(r.this) + (str(r.cum) if case.both else "")
        opts = [o for o in readings(digits, n) if n == 1 or o[1] >= o[0]]
        if r.key in case.prose:
            opts = [o for o in opts if o[0] == case.prose[r.key]] or opts
        options.append(opts)
    grouped = {i for g in case.groups for i in g}
    kept: list[set[tuple[int, ...]]] = [set(o) if i not in grouped else set() for i, o in enumerate(options)]
    for g in case.groups:
        for combo in _sum_combos([options[i] for i in g], n):
            for i, o in zip(g, combo):
                kept[i].add(o)
    out: dict[tuple[str, str], set[int]] = {}
    for r, ks in zip(case.rows, kept):
        if not r.key:
            continue
        for c, col in enumerate(["this_year", "cumulative"][:n]):
            out[(r.key, col)] = {o[c] for o in ks}
    return out


def _sum_combos(opts: list[list[tuple[int, ...]]], n: int) -> list[tuple]:
    """Readings of a group (total first) under which the total equals its parts' sum in
    every column; a depth-first search that drops a branch once the parts exceed the total."""
    found: list[tuple] = []
    for total in opts[0]:

        def walk(i: int, acc: tuple[int, ...], chosen: list, total: tuple[int, ...] = total) -> None:
            if any(a > t for a, t in zip(acc, total)):
                return
            if i == len(opts):
                if acc == total:
                    found.append((total, *chosen))
                return
            for o in opts[i]:
                walk(i + 1, tuple(a + b for a, b in zip(acc, o)), chosen + [o])

        walk(1, (0,) * n, [])
    return found
