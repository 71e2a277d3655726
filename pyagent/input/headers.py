"""The header of a table roster: the English column names, their Chinese names, and the
nearest known name for a misspelt one (``assesment_2024`` -> ``assessment_2024``).

>>> zh_name("cert2_level"), english_name("2024年度考核"), near_header("assesment_2024")
('证书2等级', 'assessment_2024', 'assessment_2024')
"""

from __future__ import annotations

import difflib
import re

from pyagent.input.vocab import NEVER_DECISIVE as NEVER_DECISIVE_KEYS

# numbered groups of columns, one group per list entry (cert1_level, cert2_level, ...)
GROUPS = {
    "cert": ("certificates", ("level", "kind", "obtained", "occupation")),
    "work": ("technical_work", ("from", "to")),
    "title": ("titles", ("rank", "series", "obtained")),
}
LISTS = ("certificates", "technical_work", "annual_assessments", "honours", "titles")
SCALARS = (
    "id",
    "field",
    "outstanding_contribution",
    "social_benefit",
    "economic_benefit",
    "cumulative_work_years",
    *NEVER_DECISIVE_KEYS,
)
POST = ("current_post", "post_since", "post_occupation")
GROUP_COLUMN = re.compile(r"(cert|work|title)([1-9][0-9]?)_([a-z]+)")
ASSESSMENT_COLUMN = re.compile(r"assessment_([0-9]{4})(_at_current_post)?")

# The Chinese name of every column (numbered groups: N stands for the number).
ZH_NAMES = {
    "id": "编号",
    "field": "领域",
    "outstanding_contribution": "突出贡献",
    "social_benefit": "社会效益",
    "economic_benefit": "经济效益",
    "cumulative_work_years": "累计工作年限",
    "education": "学历",
    "papers": "论文",
    "foreign_language": "外语",
    "computer_skills": "计算机能力",
    "current_post": "现岗位",
    "post_since": "现岗位起始",
    "post_occupation": "现岗位职业",
    "certificates": "证书",
    "technical_work": "技术工作",
    "annual_assessments": "年度考核",
    "honours": "荣誉",
    "titles": "职称",
}
ZH_GROUPS = {
    ("cert", "level"): "证书N等级",
    ("cert", "kind"): "证书N类别",
    ("cert", "obtained"): "证书N取得日期",
    ("cert", "occupation"): "证书N职业",
    ("work", "from"): "技术工作N起始",
    ("work", "to"): "技术工作N截止",
    ("title", "rank"): "职称N级别",
    ("title", "series"): "职称N系列",
    ("title", "obtained"): "职称N取得日期",
}
# the first certificate's columns as an analyst writes them for one certificate
ZH_SHORT = {
    "证书等级": "cert1_level",
    "证书类别": "cert1_kind",
    "取得日期": "cert1_obtained",
    "证书取得日期": "cert1_obtained",
    "证书职业": "cert1_occupation",
    "职称级别": "title1_rank",
    "职称系列": "title1_series",
    "职称取得日期": "title1_obtained",
    "技术工作起始": "work1_from",
    "技术工作截止": "work1_to",
}
_ZH_SCALAR = {v: k for k, v in ZH_NAMES.items()}
_ZH_GROUP = re.compile(
    r"(证书|技术工作|职称)([1-9][0-9]?)(等级|类别|取得日期|职业|起始|截止|级别|系列)"
)
_ZH_PREFIX = {"证书": "cert", "技术工作": "work", "职称": "title"}
_ZH_ASSESSMENT = re.compile(r"([0-9]{4})年度?考核(在现岗位)?")


def zh_name(name: str) -> str:
    """The Chinese header of an English column name (``cert2_level`` -> ``证书2等级``)."""
    if name in ZH_NAMES:
        return ZH_NAMES[name]
    m = GROUP_COLUMN.fullmatch(name)
    if m and (m.group(1), m.group(3)) in ZH_GROUPS:
        return ZH_GROUPS[m.group(1), m.group(3)].replace("N", m.group(2))
    a = ASSESSMENT_COLUMN.fullmatch(name)
    if a:
        return f"{a.group(1)}年度考核" + ("在现岗位" if a.group(2) else "")
    return name


def english_name(name: str) -> str:
    """The English column a header stands for (itself when it is English or unknown)."""
    if name in _ZH_SCALAR:
        return _ZH_SCALAR[name]
    if name in ZH_SHORT:
        return ZH_SHORT[name]
    m = _ZH_GROUP.fullmatch(name)
    if m:
        for (prefix, field), zh in ZH_GROUPS.items():
            if prefix == _ZH_PREFIX[m.group(1)] and zh.endswith(m.group(3)):
                return f"{prefix}{m.group(2)}_{field}"
    a = _ZH_ASSESSMENT.fullmatch(name)
    if a:
        return f"assessment_{a.group(1)}" + ("_at_current_post" if a.group(2) else "")
    return name


def _known_names(name: str) -> list[str]:
    """The header names a misspelt ``name`` may have meant (with its own numbers and years)."""
    numbers = re.findall(r"[0-9]+", name) or ["1"]
    years = [n for n in numbers if len(n) == 4] or ["2024"]
    out = [*SCALARS, *POST, *LISTS, *ZH_NAMES.values(), *ZH_SHORT]
    for n in numbers[:3]:
        for prefix, (_, fields) in GROUPS.items():
            out += [f"{prefix}{n}_{f}" for f in fields]
        out += [z.replace("N", n) for z in ZH_GROUPS.values()]
    for y in years[:3]:
        out += [
            f"assessment_{y}",
            f"assessment_{y}_at_current_post",
            f"{y}年度考核",
            f"{y}年度考核在现岗位",
        ]
    return out


def near_header(name: str) -> str | None:
    """The known header nearest to an unknown one, if any is near enough."""
    close = difflib.get_close_matches(name, _known_names(name), n=1, cutoff=0.75)
    if not close:
        close = difflib.get_close_matches(name.lower(), _known_names(name), n=1, cutoff=0.75)
    return close[0] if close else None
