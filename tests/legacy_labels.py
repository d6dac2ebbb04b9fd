"""Every value of the statistics tables of the real pre-2019 reports in
tests/fixtures/legacy, both columns, read off the printed text by hand (not from the
tool's output): {fixture: [(row, this_year, cumulative), ...]}.  None = the row prints no
value for that column.  Run-together rows ("条18535395") were split by reading them with
their 其中 rows and the prose; see the notes.  Shared by test_legacy and bench/legacy_labels.py.

The fixtures are page.txt files of changwu/pingtan-gov-zwgk-archive (fixtures/legacy/
SOURCES.csv: path, commit, body), three bodies: 平潭县人民政府, 平潭综合实验区管委会 and a
department, 平潭县财政局 (平潭综合实验区财政金融局 from 2012).
Those marked "excerpt" keep the crawler's header, the opening paragraph, the sections on
proactive disclosure, requests, fees and reviews, and the statistics table verbatim; the
long 概述 / 问题 sections without figures are cut, each cut marked " …… " in the line.
The 2018 report is corpus/pingtan_2018.txt.  The archive's folder also holds a
department's report (平潭综合实验区地方税务局 2013) that prints no statistics table."""

from __future__ import annotations

Label = tuple[str, float | None, float | None]

_ZERO_6_CHANNELS = [
    ("requests_in_person", 0, 0),
    ("requests_fax", 0, 0),
    ("requests_email", 0, 0),
    ("requests_online", 0, 0),
    ("requests_letter", 0, 0),
]
_ZERO_3_OUTCOMES = [("replies_granted", 0, 0), ("replies_partial", 0, 0), ("replies_refused", 0, 0)]
_ZERO_3_REMEDIES = [("admin_reviews", 0, 0), ("lawsuits", 0, 0), ("lawsuits_and_complaints", 0, 0)]

_2011 = (
    [
        ("proactive_total", 425, 1516),
        ("proactive_website", 418, 1509),
        ("proactive_gazette", 7, 7),
        ("requests_received", 0, 0),
    ]
    + _ZERO_6_CHANNELS
    + [("requests_other", 0, 0), ("replies_total", 0, 0)]
    + _ZERO_3_OUTCOMES
    + _ZERO_3_REMEDIES
)

# 平潭综合实验区 2014–2017: 3 channels (信函、传真 together), 4 outcomes, fees waived (元).
_ZONE_2014_ON_REQUESTS = [("requests_in_person", 0, 0), ("requests_online", 0, 0)]
_ZONE_2014_ON_REMEDIES = [("lawsuits_and_complaints", 0, 0), ("admin_reviews", 0, 0), ("lawsuits", 0, 0)]


def _one_column(rows: list[tuple[str, float]]) -> list[Label]:
    return [(row, v, None) for row, v in rows]


# 平潭县财政局 / 平潭综合实验区财政金融局 (a department): one value column (年末统计, 数量)
# in 2009, 2011, 2013, 2014, 2016; the 福州 form of 2011 and 2013 nests three levels of
# 其中 rows and prints "其他" under two totals.
_FUZHOU_FORM = [
    ("requests_received", 0),
    ("requests_pending", 0),
    ("requests_completed", 0),
    ("replies_granted", 0),
    ("replies_refused", 0),
    ("refused_not_held", 0),
    ("refused_secret", 0),
    ("refused_unclear", 0),
    ("refused_excessive", 0),
    ("refused_third_party", 0),
    ("refused_other", 0),
    ("query_points", 0),
    ("query_point_queries", 0),
    ("consultations", 0),
    ("consultations_phone", 0),
    ("consultations_window", 0),
    ("consultations_online", 0),
    ("consultations_other", 0),
    ("admin_reviews", 0),
    ("lawsuits", 0),
]

LABELS: dict[str, list[Label]] = {
    # 平潭县 2011: run together ("条4251516").
    "pingtan_county_2011": _2011,
    # 平潭综合实验区 2011: separated by spaces.
    "pingtan_zone_2011": _2011,
    # 平潭县 2012: run together.  网站公开 "条179533042.政府公报…": 1795 (the prose's 1795
    # 条 on the internet) and 3304; the 其中 rows do not add up to the printed totals.
    "pingtan_county_2012": [
        ("proactive_total", 2026, 3542),
        ("proactive_website", 1795, 3304),
        ("proactive_gazette", 0, 7),
        ("requests_received", 21, 21),
        ("requests_in_person", 18, 18),
        ("requests_fax", 0, 0),
        ("requests_email", 3, 3),
        ("requests_online", 0, 0),
        ("requests_letter", 0, 0),
        ("requests_other", 0, 0),
        ("replies_total", 21, 21),
        ("replies_granted", 17, 17),
        ("replies_partial", 2, 2),
        ("replies_refused", 2, 2),
        *_ZERO_3_REMEDIES,
    ],
    # 平潭综合实验区 2012: spaced; 5 channels (no 其它); the prose says 1913, the table 739.
    "pingtan_zone_2012": [
        ("proactive_total", 739, 4359),
        ("proactive_website", 739, 4359),
        ("proactive_gazette", 0, 0),
        ("requests_received", 0, 0),
        *_ZERO_6_CHANNELS,
        ("replies_total", 0, 0),
        *_ZERO_3_OUTCOMES,
        *_ZERO_3_REMEDIES,
    ],
    # 平潭县 2013: run together.  Channels 0+0+3+4+0+0 = 7 and 18+0+6+4+0+0 = 28, outcomes
    # 2+1+0 = 3 and 19+3+2 = 24 (the table's channels and outcomes differ from the prose's).
    "pingtan_county_2013": [
        ("proactive_total", 1853, 5395),
        ("proactive_website", 1713, 5017),
        ("proactive_gazette", 0, 7),
        ("requests_received", 7, 28),
        ("requests_in_person", 0, 18),
        ("requests_fax", 0, 0),
        ("requests_email", 3, 6),
        ("requests_online", 4, 4),
        ("requests_letter", 0, 0),
        ("requests_other", 0, 0),
        ("replies_total", 3, 24),
        ("replies_granted", 2, 19),
        ("replies_partial", 1, 3),
        ("replies_refused", 0, 2),
        *_ZERO_3_REMEDIES,
    ],
    # 平潭综合实验区 2013: spaced; 政府公报公开 prints one value only.
    "pingtan_zone_2013": [
        ("proactive_total", 72804, 76424),
        ("proactive_website", 72804, 76424),
        ("proactive_gazette", 0, None),
        ("requests_received", 0, 0),
        *_ZERO_6_CHANNELS,
        ("replies_total", 0, 0),
        *_ZERO_3_OUTCOMES,
        *_ZERO_3_REMEDIES,
    ],
    # 平潭综合实验区 2014: spaced; the first year of the 3-channel, 4-outcome form.
    "pingtan_zone_2014": [
        ("proactive_total", 2543, 78967),
        ("proactive_website", 2543, 78967),
        ("proactive_gazette", 0, 0),
        ("requests_received", 1, 1),
        *_ZONE_2014_ON_REQUESTS,
        ("requests_letter_fax", 1, 1),
        ("replies_total", 1, 1),
        ("replies_granted", 1, 1),
        ("replies_partial", 0, 0),
        ("replies_refused", 0, 0),
        ("replies_other", 0, 0),
        ("fees_waived", 0, 0),
        *_ZONE_2014_ON_REMEDIES,
    ],
    # 2015–2017: run together again.  2015's cumulative 81916 = 78967 + 2949.
    "pingtan_zone_2015": [
        ("proactive_total", 2949, 81916),
        ("proactive_website", 2949, 81916),
        ("proactive_gazette", 0, 0),
        ("requests_received", 0, 1),
        *_ZONE_2014_ON_REQUESTS,
        ("requests_letter_fax", 0, 1),
        ("replies_total", 0, 1),
        ("replies_granted", 0, 1),
        ("replies_partial", 0, 0),
        ("replies_refused", 0, 0),
        ("replies_other", 0, 0),
        ("fees_waived", 0, 0),
        *_ZONE_2014_ON_REMEDIES,
    ],
    "pingtan_zone_2016": [
        ("proactive_total", 3460, 85376),
        ("proactive_website", 3460, 85376),
        ("proactive_gazette", 0, 0),
        ("requests_received", 0, 0),
        *_ZONE_2014_ON_REQUESTS,
        ("requests_letter_fax", 0, 0),
        ("replies_total", 0, 0),
        ("replies_granted", 0, 0),
        ("replies_partial", 0, 0),
        ("replies_refused", 0, 0),
        ("replies_other", 0, 0),
        ("fees_waived", 0, 0),
        *_ZONE_2014_ON_REMEDIES,
    ],
    # 2017: "条212210037" is 2122 (the prose's figure) and 10037 as printed, though 2016's
    # cumulative was 85376; no fees row.
    "pingtan_zone_2017": [
        ("proactive_total", 2122, 10037),
        ("proactive_website", 2122, 10037),
        ("proactive_gazette", 0, 0),
        ("requests_received", 0, 0),
        *_ZONE_2014_ON_REQUESTS,
        ("requests_letter_fax", 0, 0),
        ("replies_total", 0, 0),
        ("replies_granted", 0, 0),
        ("replies_partial", 0, 0),
        ("replies_refused", 0, 0),
        ("replies_other", 0, 0),
        *_ZONE_2014_ON_REMEDIES,
    ],
    "pingtan_finance_2009": _one_column(
        [
            ("proactive_total", 6),
            ("proactive_website", 6),
            ("proactive_gazette", 0),
            ("requests_received", 0),
            ("requests_in_person", 0),
            ("requests_fax", 0),
            ("requests_email", 0),
            ("requests_online", 0),
            ("requests_letter", 0),
            ("requests_other", 0),
            ("replies_total", 0),
            ("replies_granted", 0),
            ("replies_partial", 0),
            ("replies_refused", 0),
            ("admin_reviews", 0),
            ("lawsuits", 0),
            ("lawsuits_and_complaints", 0),
        ]
    ),
    # the header "指 标 名 称单位数量" runs into the first row: 主动公开信息数条20
    "pingtan_finance_2011": _one_column([("proactive_total", 20), *_FUZHOU_FORM]),
    # two columns run together: "条2626" is 26 / 26 (or 2 / 626: nothing in the table or
    # the prose, which says 38, tells them apart)
    "pingtan_finance_2012": [
        ("proactive_total", 26, 26),
        ("proactive_website", 26, 26),
        ("proactive_gazette", 0, 0),
        ("requests_received", 0, 0),
        *_ZERO_6_CHANNELS,
        ("replies_total", 0, 0),
        *_ZERO_3_OUTCOMES,
        *_ZERO_3_REMEDIES,
    ],
    # the prose says 主动公开政府信息26条, the table 32
    "pingtan_finance_2013": _one_column([("proactive_total", 32), *_FUZHOU_FORM]),
    # a table cut short after 电子邮件申请数, the signature after it
    "pingtan_finance_2014": _one_column(
        [
            ("proactive_total", 51),
            ("proactive_website", 7),
            ("proactive_gazette", 0),
            ("requests_received", 0),
            ("requests_in_person", 0),
            ("requests_fax", 0),
            ("requests_email", 0),
        ]
    ),
    "pingtan_finance_2016": _one_column(
        [
            ("proactive_total", 86),
            ("proactive_website", 86),
            ("proactive_gazette", 0),
            ("requests_received", 0),
            ("requests_in_person", 0),
            ("requests_fax", 0),
            ("requests_email", 0),
        ]
    ),
}


def values(name: str) -> list[tuple[str, str, float | None]]:
    """(row, col, value) for every labelled value, None where the row prints none; a
    table with one value column is labelled for this_year only."""
    both = any(cum is not None for _, _, cum in LABELS[name])
    return [
        (row, col, v)
        for row, this, cum in LABELS[name]
        for col, v in (("this_year", this), ("cumulative", cum))
        if both or col == "this_year"
    ]
