"""The inputs of a case as an analyst names them, and the document that usually shows each.

A path of a case file (``certificates[0].obtained``, ``annual_assessments.2024``,
``parameters.application_years.technician``) reads as 「证书取得日期（certificates[0]）」 or
"the date the certificate was obtained (certificates[0])": words first, the place in the case file set apart in
brackets, so that the reader can find it and the sentence stays in one language.

>>> input_name("certificates[0].obtained", "zh")
'证书取得日期（certificates[0]）'
>>> input_name("annual_assessments.2024", "en")
'the 2024 assessment (not listed in annual_assessments)'
>>> input_document("annual_assessments[2].grade", "zh")
'年度考核登记表'
"""

from __future__ import annotations

import re
from typing import NamedTuple


class _Row(NamedTuple):
    """One input: how it is named and the document that usually shows it, in both languages.

    ``claim``: for an input that is a yes or a no, what it states when it is yes (「2023年度考核
    在现工作岗位上」, "the work brought economic benefit"), said instead of "whether … is yes".
    ``ruling``: for a value the case states but a reading leaves open (an unlisted field under
    field_list=open), what settles it instead of the document: no record shows it."""

    pattern: str
    en: str
    zh: str
    document_en: str
    document_zh: str
    claim: tuple[str, str] = ("", "")  # (en, zh)
    ruling: tuple[str, str] = ("", "")  # (en, zh)


# The first pattern that matches the whole path names it.  {k}: an index, {y}: a year (with a
# person, looked up from the index), {x}: the rest.
_NAMES: tuple[_Row, ...] = tuple(
    _Row(*row)
    for row in (
        (
            r"certificates\[(?P<k>\d+)\]\.obtained",
            "the date the certificate was obtained (certificates[{k}])",
            "证书取得日期（certificates[{k}]）",
            "the certificate",
            "职业资格证书或职业技能等级证书",
        ),
        (
            r"certificates\[(?P<k>\d+)\](\.\w+)?",
            "the certificate (certificates[{k}])",
            "证书（certificates[{k}]）",
            "the certificate",
            "职业资格证书或职业技能等级证书",
        ),
        (
            r"certificates",
            "the certificates held (certificates)",
            "所持证书（certificates）",
            "the certificates",
            "职业资格证书或职业技能等级证书",
        ),
        (
            r"titles\[(?P<k>\d+)\]\.obtained",
            "the date the title was obtained (titles[{k}])",
            "职称取得日期（titles[{k}]）",
            "the title certificate",
            "职称证书",
        ),
        (
            r"titles\[(?P<k>\d+)\](\.\w+)?",
            "the title (titles[{k}])",
            "职称（titles[{k}]）",
            "the title certificate",
            "职称证书",
        ),
        (
            r"titles",
            "the titles held (titles)",
            "所持职称（titles）",
            "the title certificates",
            "职称证书",
        ),
        (
            r"technical_work(\[\d+\].*)?",
            "the periods of technical work (technical_work)",
            "从事技术技能工作的经历（technical_work）",
            "the employment record",
            "聘用证明或工作经历证明",
        ),
        (
            r"field",
            "the field of the current post (field)",
            "现岗位所属领域（field）",
            "the employment record",
            "聘用证明",
            ("", ""),  # no claim
            (  # a field stated but not listed, left open by field_list=open: no record settles it
                "a ruling of the human-resources department on whether the 'and the like' 「等」 ending the list of P2.S2 covers the field",
                "人力资源和社会保障部门关于P2.S2的「等」是否涵盖该领域的解释",
            ),
        ),
        (
            r"current_post\.occupation",
            "the occupation of the current post (current_post.occupation)",
            "现岗位的职业（工种）（current_post.occupation）",
            "the employment record",
            "聘用证明",
        ),
        (
            r"current_post\.since",
            "the date the current post began (current_post.since)",
            "现岗位起始日期（current_post.since）",
            "the employment record",
            "聘用证明",
        ),
        (
            r"current_post",
            "the current post (current_post)",
            "现工作岗位（current_post）",
            "the employment record",
            "聘用证明",
        ),
        (
            r"annual_assessments\[(?P<k>\d+)\]\.at_current_post",
            "whether assessment annual_assessments[{k}] was at the current post",
            "该年度考核是否在现工作岗位（annual_assessments[{k}]）",
            "the annual assessment form",
            "年度考核登记表",
            (
                "the {y} assessment was at the current post (annual_assessments[{k}])",
                "{y}年度考核在现工作岗位上（annual_assessments[{k}]）",
            ),
        ),
        (
            r"annual_assessments\[(?P<k>\d+)\](\.grade)?",
            "the grade of annual_assessments[{k}]",
            "年度考核结果（annual_assessments[{k}]）",
            "the annual assessment form",
            "年度考核登记表",
        ),
        (
            r"annual_assessments\.(?P<y>\d{4})\.at_current_post",
            "whether the {y} assessment was at the current post",
            "{y}年度考核是否在现工作岗位（annual_assessments）",
            "the annual assessment form",
            "年度考核登记表",
            (
                "the {y} assessment was at the current post (annual_assessments)",
                "{y}年度考核在现工作岗位上（annual_assessments）",
            ),
        ),
        (
            r"annual_assessments\.(?P<y>\d{4})",
            "the {y} annual assessment (annual_assessments)",
            "{y}年度考核结果（annual_assessments）",
            "the annual assessment form",
            "年度考核登记表",
        ),
        (
            r"annual_assessments",
            "the annual assessments (annual_assessments)",
            "历年年度考核结果（annual_assessments）",
            "the annual assessment forms",
            "年度考核登记表",
        ),
        (
            r"honours\[(?P<k>\d+)\]\.class",
            "the contest class of the honour (honours[{k}])",
            "荣誉所属赛事类别（honours[{k}]）",
            "the award certificate",
            "获奖证书",
        ),
        (
            r"honours\[(?P<k>\d+)\]\.category",
            "the category of the honour (honours[{k}])",
            "荣誉类别（honours[{k}]）",
            "the award document",
            "表彰文件",
        ),
        (
            r"honours(\[(?P<k>\d+)\])?",
            "the honours held (honours)",
            "所获荣誉（honours）",
            "the award certificates",
            "获奖证书或表彰文件",
        ),
        (
            r"outstanding_contribution",
            "whether the person made an outstanding contribution (outstanding_contribution)",
            "是否有突出贡献（outstanding_contribution）",
            "the recommendation of the employer",
            "单位推荐材料",
            (
                "the person made an outstanding contribution (outstanding_contribution)",
                "有突出贡献（outstanding_contribution）",
            ),
        ),
        (
            r"social_benefit",
            "whether the work brought social benefit (social_benefit)",
            "是否带来社会效益（social_benefit）",
            "the recommendation of the employer",
            "单位推荐材料",
            (
                "the work brought social benefit (social_benefit)",
                "带来社会效益（social_benefit）",
            ),
        ),
        (
            r"economic_benefit",
            "whether the work brought economic benefit (economic_benefit)",
            "是否带来经济效益（economic_benefit）",
            "the recommendation of the employer",
            "单位推荐材料",
            (
                "the work brought economic benefit (economic_benefit)",
                "带来经济效益（economic_benefit）",
            ),
        ),
        (
            r"cumulative_work_years",
            "the cumulative work years (cumulative_work_years)",
            "累计工作年限（cumulative_work_years）",
            "the employment record",
            "工作经历证明",
        ),
        (
            r"parameters\.application_years\.(?P<x>\w+)",
            "the cumulative work years the standard for {x} requires (parameter application_years.{x})",
            "{x}申报条件要求的累计工作年限（参数application_years.{x}）",
            "the application requirements 「申报条件」 of the skill standard",
            "相应职业技能标准的申报条件",
        ),
        (
            r"notice_date",
            "the date the notice took effect",
            "《通知》的施行日期",
            "the notice itself",
            "《通知》原文",
        ),
        (
            r"notice_in_force",
            "whether the notice was in force (notice_in_force)",
            "《通知》是否已施行（notice_in_force）",
            "the notice itself",
            "《通知》原文",
            ("the notice was in force (notice_in_force)", "《通知》已施行（notice_in_force）"),
        ),
        (r"as_of", "the date asked on (as_of)", "查询日（as_of）", "", ""),
    )
)
_COMPILED = tuple((re.compile(row.pattern), row) for row in _NAMES)
_LEVEL_ZH = {"senior_worker": "高级工", "technician": "技师", "senior_technician": "高级技师"}


def _match(path: str) -> tuple[re.Match[str], _Row] | None:
    for pattern, row in _COMPILED:
        m = pattern.fullmatch(path)
        if m is not None:
            return m, row
    return None


# An assessment by its index, named by its year when the person is known: {y}, {k}.
_BY_YEAR = (
    (
        re.compile(r"annual_assessments\[(?P<k>\d+)\]\.at_current_post"),
        "whether the {y} assessment was at the current post (annual_assessments[{k}])",
        "{y}年度考核是否在现工作岗位上（annual_assessments[{k}]）",
    ),
    (
        re.compile(r"annual_assessments\[(?P<k>\d+)\](\.grade)?"),
        "the {y} assessment (annual_assessments[{k}])",
        "{y}年度考核结果（annual_assessments[{k}]）",
    ),
    (
        re.compile(r"annual_assessments\.(?P<y>\d{4})(\.grade)?"),
        "the {y} assessment (not listed in annual_assessments)",
        "{y}年度考核（annual_assessments中未列出）",
    ),
)


# Several years of one kind of input, named together: {y} is the years (a run: 2033–2035).
_YEARS = (
    (
        re.compile(r"annual_assessments\.(?P<y>\d{4})(\.grade)?"),
        "the {y} assessments (not listed in annual_assessments)",
        "{y}年度考核（annual_assessments中未列出）",
    ),
)


def inputs_named(paths, lang: str = "en", person=None) -> str:
    """Several inputs named in one phrase: the years of one kind together (「2033–2035年度考核
    （annual_assessments中未列出）」, a run of years by its ends), the others one by one."""
    zh = lang == "zh"
    sep = "、" if zh else ", "
    said: list[str] = []
    years: dict[int, list[int]] = {}
    for path in paths:
        for k, (pattern, _, _) in enumerate(_YEARS):
            m = pattern.fullmatch(path)
            if m is not None:
                years.setdefault(k, []).append(int(m.group("y")))
                break
        else:
            said.append(input_name(path, lang, person))
    for k, ys in years.items():
        ys = sorted(set(ys))
        if len(ys) == 1:
            said.append(input_name(f"annual_assessments.{ys[0]}", lang, person))
            continue
        run = ys == list(range(ys[0], ys[-1] + 1))
        y = f"{ys[0]}–{ys[-1]}" if run else sep.join(map(str, ys))
        said.append((_YEARS[k][2] if zh else _YEARS[k][1]).format(y=y))
    return sep.join(said)


def input_name(path: str, lang: str = "en", person=None) -> str:
    """How an analyst names the input at ``path``: words, then the place in the case file.
    With ``person`` (`pyagent.input.model.Person`), an assessment is named by its year:
    「2025年度考核结果（annual_assessments[2]）」, never by its index alone."""
    for pattern, en, zh in _BY_YEAR:
        m = pattern.fullmatch(path)
        if m is None:
            continue
        values = {k: v for k, v in m.groupdict().items() if v is not None}
        if "k" in values:
            listed = getattr(person, "annual_assessments", None) or ()
            if int(values["k"]) >= len(listed):
                break
            values["y"] = str(listed[int(values["k"])].year)
        return (zh if lang == "zh" else en).format(**values)
    own = _item_name(path, lang, person) if person is not None else None
    if own is not None:
        return own
    found = _match(path)
    if found is None:
        return path if lang == "en" else f"输入项（{path}）"
    m, row = found
    en, zh = row.en, row.zh
    values = {k: (v or "") for k, v in m.groupdict().items()}
    if "x" in values:
        code = values["x"]
        values["x"] = _LEVEL_ZH.get(code, code) if lang == "zh" else _alias(code, lang)
        return (
            (zh if lang == "zh" else en)
            .format(**values)
            .replace(f"application_years.{values['x']}", f"application_years.{code}")
        )
    return (zh if lang == "zh" else en).format(**values)


# A certificate, title or honour of the person, named by what it is: {what}, {k}.
_ITEMS = (
    (
        re.compile(r"certificates\[(?P<k>\d+)\]\.obtained"),
        "certificates",
        "level",
        "the date the {what} certificate was obtained (certificates[{k}])",
        "{what}证书取得日期（certificates[{k}]）",
    ),
    (
        re.compile(r"titles\[(?P<k>\d+)\]\.obtained"),
        "titles",
        "rank",
        "the date the {what} title was obtained (titles[{k}])",
        "{what}职称取得日期（titles[{k}]）",
    ),
    (
        re.compile(r"honours\[(?P<k>\d+)\]\.class"),
        "honours",
        "code",
        "the contest class of the {what} (honours[{k}])",
        "{what}的赛事类别（honours[{k}]）",
    ),
    (
        re.compile(r"honours\[(?P<k>\d+)\]\.category"),
        "honours",
        "code",
        "the category of the {what} (honours[{k}])",
        "{what}的类别（honours[{k}]）",
    ),
    (
        re.compile(r"honours\[(?P<k>\d+)\]"),
        "honours",
        "code",
        "the {what} held (honours[{k}])",
        "所获{what}（honours[{k}]）",
    ),
)


def _alias(code: str, lang: str) -> str:
    from pyagent.explain.templates import ALIASES

    alias = ALIASES.get(code)
    if alias is None:
        return code
    return alias if lang == "zh" else f"{alias} ({code})"


def _item_name(path: str, lang: str, person) -> str | None:
    for pattern, field, attr, en, zh in _ITEMS:
        m = pattern.fullmatch(path)
        if m is None:
            continue
        items = getattr(person, field, None) or ()
        k = int(m.group("k"))
        if k >= len(items):
            return None
        what = _alias(getattr(items[k], attr), lang)
        return (zh if lang == "zh" else en).format(what=what, k=k)
    return None


# Where each input predicate comes from in a case file (for an input that is not there).
INPUT_FIELDS = {
    "person": "id",
    "certificate": "certificates",
    "certificate_months": "certificates",
    "field": "field",
    "unlisted_field_may_be_listed": "field",
    "current_post": "current_post",
    "post_occupation": "current_post.occupation",
    "assessment": "annual_assessments",
    "grade_may_pass": "annual_assessments",
    "post_began": "current_post.since",
    "at_post_may_hold": "annual_assessments",
    "honour": "honours",
    "honour_class": "honours",
    "honour_category": "honours",
    "prize_may_be_medal": "honours",
    "outstanding_contribution": "outstanding_contribution",
    "title": "titles",
    "cumulative_work_years": "cumulative_work_years",
    "notice_issued_by_as_of": "as_of",
    "as_of_date": "as_of",
    "as_of_year": "as_of",
    "reading_override": "readings",
}


def input_document(path: str, lang: str = "en", stated: bool = False) -> str:
    """The document that usually shows the input at ``path`` ('' where none is obvious);
    ``stated``: the case states the value and it is still open (a reading leaves it so), so
    what settles it is the row's ruling where it has one, not a record."""
    found = _match(path)
    if found is None:
        return ""
    row = found[1]
    ruling = row.ruling[lang == "zh"]
    if stated and ruling:
        return ruling
    return row.document_zh if lang == "zh" else row.document_en


def input_claim(path: str, lang: str = "en", person=None) -> str:
    """What a yes-or-no input states when it is yes, with its place set apart (「2023年度考核在
    现工作岗位上（annual_assessments[2]）」); '' for an input that is not a yes or a no, or
    whose year is not known."""
    found = _match(path)
    if found is None:
        return ""
    m, row = found
    text = row.claim[lang == "zh"]
    if not text:
        return ""
    values = {k: v for k, v in m.groupdict().items() if v is not None}
    if "k" in values and "{y}" in text:
        listed = getattr(person, "annual_assessments", None) or ()
        if int(values["k"]) >= len(listed):
            return ""
        values["y"] = str(listed[int(values["k"])].year)
    return text.format(**values)


def is_parameter(path: str) -> bool:
    return path.startswith("parameters.")


__all__ = ["inputs_named", "input_claim", "input_document", "input_name", "is_parameter"]
