"""The validated case: plain frozen dataclasses, the contract between loading and solving.

Absent means unknown, empty means none (SPEC section 2): a field that is
unknown is ``None``; a list that is known to be empty is ``()``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as _field
from enum import Enum
from typing import Mapping


class NoPost(Enum):
    """``current_post: none``: the person is known to hold no post."""

    NONE = "none"


NO_POST = NoPost.NONE


@dataclass(frozen=True)
class Certificate:
    level: str  # a LEVELS code
    kind: str | None  # a CERTIFICATE_KINDS code; None: not stated
    obtained: dt.date | None  # None: date unknown
    occupation: str | None = None


@dataclass(frozen=True)
class Period:
    """A period of 技术技能工作; ``end`` None: ongoing at the end date."""

    start: dt.date
    end: dt.date | None


@dataclass(frozen=True)
class Post:
    since: dt.date | None
    occupation: str | None  # None: not stated


@dataclass(frozen=True)
class Assessment:
    year: int
    grade: str  # a GRADES code
    at_current_post: bool | None = None  # None: not stated (derived from the post's since, SPEC v2)


@dataclass(frozen=True)
class Honour:
    code: str  # a HONOURS code
    contest_class: str | None = None  # "i" / "ii"; None: unknown
    category: str | None = None  # "high_skill" / "professional"; None: unknown


@dataclass(frozen=True)
class Title:
    rank: str  # a RANKS code
    series: str | None  # a FIELDS code or an unlisted field as written; None: not stated
    obtained: dt.date | None  # None: date unknown


@dataclass(frozen=True)
class Person:
    id: str
    certificates: tuple[Certificate, ...] | None = None
    technical_work: tuple[Period, ...] | None = None
    field: str | None = None  # a FIELDS code, or an unlisted field kept as written
    current_post: Post | NoPost | None = None
    annual_assessments: tuple[Assessment, ...] | None = None
    honours: tuple[Honour, ...] | None = None
    outstanding_contribution: bool | None = None
    social_benefit: bool | None = None
    economic_benefit: bool | None = None
    titles: tuple[Title, ...] | None = None
    cumulative_work_years: float | None = None
    # education, papers, foreign_language, computer_skills: kept, never decisive (P2.S3.b)
    never_decisive: Mapping[str, object] = _field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    source: str  # the file it came from, for messages
    as_of: dt.date
    readings: Mapping[str, str]  # only the overrides the case or the user gave
    parameters: Mapping[str, int]
    persons: tuple[Person, ...]

    def person(self, person_id: str) -> Person:
        """The person with this id, or InputError listing the persons of the case."""
        for p in self.persons:
            if p.id == person_id:
                return p
        raise self.no_such_person(person_id)

    def no_such_person(self, person_id: str) -> Exception:
        """The InputError of an id that is not in the case: it lists the persons there are."""
        from pyagent.errors import InputError, Msg, listed, msg, shown

        more = Msg(" ...", " ……") if len(self.persons) > 50 else Msg("", "")
        return InputError(
            self.source,
            "--person",
            msg(
                "no person {p!r} in the case; its persons are: {all}{more}",
                "案例中没有人员「{p}」；案例中的人员有：{all}{more}",
                p=shown(person_id),
                all=listed(p.id for p in self.persons[:50]),
                more=more,
            ),
        )
