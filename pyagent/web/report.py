"""The decision report: one self-contained HTML file (inline CSS, no script) for a person or a
roster, from the page (`pyagent.web.app`) and from the command line (`pyagent report`).

It holds the answers with their reasons and clauses, every explanation tree (clause quotes in
full, actual against required), the readings and parameters in force, ``as_of`` and the version
of the knowledge base; it prints well (``@media print``: no navigation, no breaks inside a row).
Jinja2 renders it with autoescape on: text of a case is always escaped.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from pyagent.engine.questions import QUESTIONS
from pyagent.explain.drawn import drawn, inputs_shown, readings_shown, suffix
from pyagent.kb import readings as kb_readings
from pyagent.web.i18n import STATUS, WORDS

HERE = Path(__file__).resolve().parent
MARKS = {"yes": "✓", "no": "✗", "unknown": "?"}


def first_quotes(root, notes: Sequence = ()) -> set[int]:
    """The steps (by id) at which a clause is quoted: its first appearance in the tree."""
    seen: set[str] = set()
    out: set[int] = set()

    def walk(step) -> None:
        # a clause of the notice is quoted where it first appears (not SPEC's own contract)
        if (
            step.clause is not None
            and step.clause.ref not in seen
            and step.clause.kind != "contract"
        ):
            seen.add(step.clause.ref)
            out.add(id(step))
        for c in step.children:
            walk(c)

    walk(root)
    for n in notes:
        walk(n)
    return out


def value_text(value: object, lang: str) -> str:
    """An input's value as the page shows it; None is "not stated" (SPEC section 9)."""
    if value is None:
        return WORDS[lang]["not_stated"]
    if isinstance(value, bool):
        return WORDS[lang]["true" if value else "false"]
    if isinstance(value, (list, tuple, dict)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


def decider_text(decider, lang: str) -> str:
    from pyagent.explain.why import phrase_decider

    return phrase_decider(decider, lang)


def answer_extra(answer, name: str):
    """A field the library may carry on an answer (``reason``, ``to_settle``), or None."""
    return getattr(answer, name, None)


def settle_text(item, lang: str) -> str:
    """One entry of an answer's ``to_settle``, worded as ``pyagent ask`` and a batch's tables
    word it (`pyagent.batch.tables.settle_text`)."""
    from pyagent.batch.tables import settle_text as said

    return said(item, lang)


def tree_html(step, quoted, w, lang: str, collapsible: bool = True, depth: int = 0) -> Markup:
    """An explanation tree as HTML (each step's mark, sentence, clause, readings, comparisons,
    inputs, and the clause's quote where it first appears), collapsible with ``<details>``
    (open at the top) or laid out flat; every text escaped.  Written out here rather than as
    a recursive template macro: a page has nine trees of hundreds of steps, and the macro
    took a fifth of the page's time."""
    out: list[str] = []
    _tree(step, quoted, w, lang, collapsible, depth, out)
    return Markup("".join(out))


def _tree(step, quoted, w, lang: str, collapsible: bool, depth: int, out: list[str]) -> None:
    holds = escape(step.holds)
    children = drawn(step.children)
    if not children:
        out.append(f'\n<div class="step leaf step-{holds}">')
        _body(step, quoted, lang, out)
        out.append("</div>")
        return
    if collapsible:
        out.append(f'\n<details class="step step-{holds}"{" open" if depth < 1 else ""}><summary>')
        _body(step, quoted, lang, out)
        out.append('</summary>\n<ul class="children">')
    else:
        out.append(f'\n<div class="step step-{holds}">')
        _body(step, quoted, lang, out)
        out.append('</div>\n<ul class="children">')
    for c in children:
        out.append("<li>")
        _tree(c, quoted, w, lang, collapsible, depth + 1, out)
        out.append("</li>")
    out.append("</ul>\n</details>" if collapsible else "</ul>")


def _body(step, quoted, lang: str, out: list[str]) -> None:
    """A step as the terminal's tree draws it (`pyagent.explain.drawn`): mark, sentence, "(see
    above)", clause, the readings in words, the inputs as ``path: value``."""
    e = escape
    out.append(
        f'<span class="mark mark-{e(step.holds)}">{e(MARKS[step.holds])}</span>\n'
        f'<span class="step-text">{e(step.text)}{e(suffix(step, lang))}</span>'
    )
    if step.clause:
        out.append(f' <span class="clause">{e(step.clause.ref)}</span>')
    readings = readings_shown(step, lang)
    if readings:
        out.append(f' <span class="readings-of">{e(readings.strip())}</span>')
    inputs = inputs_shown(step, lang)
    if inputs:
        said = listed(inputs, lang)
        out.append(f'\n<span class="inputs">← {e(said)}</span>')
    if step.clause and id(step) in quoted:
        out.append(
            f'\n<blockquote class="quote"><span class="clause">{e(step.clause.ref)}</span> '
            f"{e(step.clause.text)}</blockquote>"
        )


def figure(n: float) -> str:
    """A count in a summary as ``pyagent batch`` prints it, in both languages: 5,000 persons;
    seconds to a tenth (12.3)."""
    return f"{n:,}" if isinstance(n, int) else f"{n:,.1f}"


def listed(items, lang: str) -> str:
    """Items of a list (the inputs an answer depends on) as every list of ``lang`` is joined:
    、 in zh, a comma in en (`pyagent.errors.listed`)."""
    from pyagent.errors import listed as joined

    return joined(items).text(lang)


GLOBALS = dict(
    figure=figure,
    listed=listed,
    tree_html=tree_html,
    first_quotes=first_quotes,
    is_quoted=lambda step, quoted: id(step) in quoted,
    value_text=value_text,
    decider_text=decider_text,
    answer_extra=answer_extra,
    settle_text=settle_text,
    marks=MARKS,
)


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.globals.update(GLOBALS)
    return env


@functools.cache
def _css() -> str:
    return (HERE / "static" / "style.css").read_text(encoding="utf-8")


def _common(
    lang: str, as_of: dt.date, readings: Mapping[str, str], parameters: Mapping[str, int]
) -> dict:
    from pyagent import __version__
    from pyagent.web.compute import kb_version

    defaults = {n: r.default for n, r in kb_readings().items()}
    return dict(
        lang=lang,
        w=WORDS[lang],
        status_words=STATUS[lang],
        questions=QUESTIONS,
        css=_css(),
        as_of=as_of.isoformat(),
        readings=dict(readings),
        defaults=defaults,
        about=kb_readings(),
        parameters=dict(parameters),
        kb_version=kb_version(),
        version=__version__,
        generated=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    )


def person_report(result, lang: str = "zh") -> str:
    """The report of one person (a `pyagent.web.compute.PersonResult`)."""
    case = result.case
    return (
        environment()
        .get_template("report_person.html")
        .render(
            **_common(lang, case.as_of, result.answers.readings, case.parameters),
            result=result,
            person=result.person,
        )
    )


def counts_of(rows: Iterable[Mapping]) -> dict[str, dict[str, int]]:
    """yes / no / unknown per question over rows of ``{"id", "answers": [...]}``."""
    counts = {q: {"yes": 0, "no": 0, "unknown": 0} for q in QUESTIONS}
    for row in rows:
        for a in row["answers"]:
            counts[a["question"]][a["status"]] += 1
    return counts


def roster_report(result, lang: str = "zh") -> str:
    """The report of a roster (a `pyagent.web.roster.RosterResult`): the summary chart and every
    person's answers."""
    from pyagent.web.roster import chart

    return (
        environment()
        .get_template("report_roster.html")
        .render(
            **_common(lang, result.as_of, result.readings, result.parameters),
            name=result.name,
            summary=result.summary,
            rows=result.rows,
            errors=result.errors_in(lang),
            bars=chart(result.summary["counts"], STATUS[lang]),
        )
    )


def case_report(case, person: str | None = None, lang: str = "zh") -> str:
    """`pyagent report`: one person's report (``person``, or the only person of ``case``), or
    the report of every person of the case as a roster."""
    from pyagent.web.compute import one_person, person_result

    if person is not None or len(case.persons) == 1:
        return person_report(person_result(one_person(case, person), lang), lang)
    from pyagent.explain.answers import answer_case
    from pyagent.web.roster import RosterResult

    doc = answer_case(case).to_json()
    rows = doc["persons"]
    counts = counts_of(rows)
    summary = {"persons_in": len(rows), "persons_out": len(rows), "errors": 0, "counts": counts}
    result = RosterResult(
        "",
        Path(case.source).name,
        "case",
        summary,
        rows,
        [],
        {},
        case.as_of,
        doc["readings"],
        dict(case.parameters),
        "",
    )
    return roster_report(result, lang)
