"""The question ids of SPEC section 3 and the terms the knowledge base answers them with.

>>> QUESTIONS["title.assistant"].term
Function('title', [Function('assistant', [], True)], True)
"""

from __future__ import annotations

from dataclasses import dataclass

from clingo import Function, Symbol


@dataclass(frozen=True)
class Question:
    id: str
    term: Symbol  # the second argument of answer/2 in kb/questions.lp
    en: str
    zh: str


def _q(qid: str, en: str, zh: str) -> Question:
    head, arg = qid.split(".")
    return Question(qid, Function(head, [Function(arg)]), en, zh)


QUESTIONS: dict[str, Question] = {
    q.id: q
    for q in (
        _q("title.participate", "may take part in professional title evaluation", "可参加职称评审"),
        _q(
            "title.assistant",
            "may apply for evaluation at 助理级 (assistant)",
            "可申报评审助理级职称",
        ),
        _q(
            "title.intermediate",
            "may apply for evaluation at 中级 (intermediate)",
            "可申报评审中级职称",
        ),
        _q(
            "title.associate_senior",
            "may apply for evaluation at 副高级 (associate_senior)",
            "可申报评审副高级职称",
        ),
        _q(
            "title.full_senior_recognition",
            "may be recognised at 正高级 (full_senior) through the green channel",
            "可通过绿色通道认定正高级职称",
        ),
        _q(
            "special_talent.apply",
            "may apply for special-talent recognition",
            "可申报自治区特殊人才认定",
        ),
        _q(
            "skill.senior_worker",
            "may apply for 高级工 (senior_worker) skill evaluation",
            "可申报高级工职业技能评价",
        ),
        _q(
            "skill.technician",
            "may apply for 技师 (technician) skill evaluation",
            "可申报技师职业技能评价",
        ),
        _q(
            "skill.senior_technician",
            "may apply for 高级技师 (senior_technician) skill evaluation",
            "可申报高级技师职业技能评价",
        ),
    )
}

BY_TERM: dict[Symbol, Question] = {q.term: q for q in QUESTIONS.values()}


def question_of(question_id: str) -> Question:
    """The question with this id, or InputError naming the closest and listing every one."""
    if question_id in QUESTIONS:
        return QUESTIONS[question_id]
    import difflib

    from pyagent.errors import InputError, listed, msg

    close = difflib.get_close_matches(question_id, list(QUESTIONS), n=1)
    hint = msg("did you mean {c!r}? ", "是否要找「{c}」？", c=close[0]) if close else msg("", "")
    raise InputError(
        "QUESTION",
        "",
        msg("{q!r} is not a question; ", "「{q}」不是问题；", q=question_id)
        + hint
        + msg("the questions are: {all}", "问题有：{all}", all=listed(QUESTIONS)),
    )
