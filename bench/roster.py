"""A seeded generator of realistic synthetic rosters (JSONL, one SPEC section 2 person a line).

    python bench/roster.py 100000 -o /tmp/roster.jsonl --seed 7
    python bench/roster.py 1000 -o /tmp/roster.csv          # CSV columns of the README

The mix, for a registry of certificate holders asked about on ``AS_OF``: skill levels weighted
towards 高级工 and 技师, certificates of either kind obtained 1995..2026 (a few dated after
``AS_OF``, a few undated), technical-work histories of one to three periods with gaps, listed
fields, their Chinese aliases and unlisted ones, posts (and no post), three to five annual
assessments with every grade including pending and 基本合格, honours with and without contest
class, titles of every rank (the reverse path), work years, credentials that never decide —
and every one of these fields sometimes left out (unknown) or empty.  ``bad_rate`` of the rows
are bad on purpose, each in one of the ways ``BAD_ROWS`` lists.

The same ``(n, seed, bad_rate)`` always gives the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

AS_OF = dt.date(2026, 7, 1)

LEVELS = (
    ("junior_worker", 4),
    ("intermediate_worker", 14),
    ("senior_worker", 38),
    ("高级工", 4),
    ("technician", 24),
    ("senior_technician", 14),
    ("高级技师", 2),
)
KINDS = (("skill_level", 58), ("vocational_qualification", 34), ("职业技能等级", 3), (None, 5))
OCCUPATIONS = (
    "电工",
    "焊工",
    "钳工",
    "车工",
    "铣工",
    "数控车工",
    "汽车维修工",
    "电梯安装维修工",
    "农艺工",
    "园艺工",
    "茶艺师",
    "工艺品雕刻工",
    "地毯设计师",
    "文物修复师",
    "化学检验员",
    "育婴员",
    "美容师",
    "厨师",
    "维吾尔族刺绣工",
    "架子工",
)
FIELDS = (
    ("engineering", 40),
    ("工程", 4),
    ("agriculture", 12),
    ("农业", 2),
    ("arts_and_crafts", 5),
    ("cultural_heritage", 2),
    ("laboratory", 5),
    ("art", 3),
    ("sports", 2),
    ("technical_school_teaching", 6),
    ("技工院校教师", 1),
    ("finance", 4),
    ("卫生", 4),
    ("教育", 3),
    ("商贸", 3),
    ("物流", 2),
    ("旅游", 2),
)
GRADES = (
    ("qualified", 60),
    ("合格", 3),
    ("excellent", 19),
    ("basically_qualified", 7),
    ("unqualified", 3),
    ("none", 3),
)
HONOURS = (
    "worldskills_gold",
    "worldskills_silver",
    "worldskills_bronze",
    "worldskills_excellence",
    "national_contest_gold",
    "national_contest_silver",
    "national_contest_bronze",
    "national_contest_first_prize",
    "national_contest_second_prize",
    "national_selection_trial",
    "provincial_contest_gold",
    "provincial_contest_silver",
    "china_skills_award",
    "national_technical_expert",
    "regional_technical_expert",
    "national_master_studio_leader",
    "provincial_master_studio_leader",
    "state_council_allowance",
    "全国技术能手",
)
RANKS = (
    ("junior", 10),
    ("assistant", 30),
    ("助理级", 2),
    ("intermediate", 34),
    ("中级", 3),
    ("associate_senior", 16),
    ("full_senior", 5),
)
EDUCATION = ("初中", "高中", "中专", "大专", "本科", "硕士")

# Ways a row can be bad; each is reported with its line number and the batch goes on.
BAD_ROWS = (
    "truncated JSON",
    "not an object",
    "unknown skill level",
    "impossible date",
    "missing id",
    "numeric id",
    "misspelt key",
    "years as text",
    "period ends before it starts",
    "duplicate assessment year",
)


def _pick(rng: random.Random, weighted: tuple) -> object:
    values = [v for v, _ in weighted]
    weights = [w for _, w in weighted]
    return rng.choices(values, weights)[0]


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def person(rng: random.Random, pid: str) -> dict:
    """One realistic person (SPEC section 2) as plain JSON data."""
    out: dict[str, object] = {"id": pid}
    career_start = _day(rng, dt.date(1988, 1, 1), dt.date(2022, 12, 31))

    r = rng.random()
    if r >= 0.05:
        certs = []
        if r >= 0.13:
            for _ in range(rng.choices((1, 2, 3), (62, 30, 8))[0]):
                cert: dict[str, object] = {"level": _pick(rng, LEVELS)}
                kind = _pick(rng, KINDS)
                if kind is not None:
                    cert["kind"] = kind
                u = rng.random()
                if u < 0.03:
                    pass  # date unknown
                elif u < 0.04:
                    cert["obtained"] = _day(rng, AS_OF, dt.date(2027, 6, 30)).isoformat()  # not yet
                else:
                    cert["obtained"] = _day(
                        rng, max(career_start, dt.date(1995, 1, 1)), AS_OF
                    ).isoformat()
                if rng.random() < 0.7:
                    cert["occupation"] = rng.choice(OCCUPATIONS)
                certs.append(cert)
        out["certificates"] = certs

    r = rng.random()
    if r >= 0.08:
        periods = []
        if r >= 0.11:
            start = career_start
            for k in range(rng.choices((1, 2, 3), (60, 30, 10))[0]):
                if start >= AS_OF:
                    break
                if rng.random() < 0.65 and k < 2:
                    periods.append({"from": start.isoformat()})
                    break
                end = _day(rng, start, min(AS_OF, start + dt.timedelta(days=365 * 9)))
                periods.append({"from": start.isoformat(), "to": end.isoformat()})
                start = end + dt.timedelta(days=rng.choice((1, 1, 30, 200, 700)))
        out["technical_work"] = periods

    if rng.random() >= 0.05:
        out["field"] = _pick(rng, FIELDS)

    r = rng.random()
    if r < 0.05:
        pass
    elif r < 0.10:
        out["current_post"] = "none"
    else:
        post: dict[str, object] = {"since": _day(rng, career_start, AS_OF).isoformat()}
        if rng.random() < 0.9:
            post["occupation"] = rng.choice(OCCUPATIONS)
        out["current_post"] = post

    r = rng.random()
    if r >= 0.07:
        assessments = []
        if r >= 0.10:
            first = AS_OF.year - rng.choices((3, 4, 5), (60, 25, 15))[0]
            for year in range(first, AS_OF.year):
                if rng.random() < 0.06:
                    continue  # a year missing from the list: unknown
                grade = (
                    "pending"
                    if year == AS_OF.year - 1 and rng.random() < 0.08
                    else _pick(rng, GRADES)
                )
                a: dict[str, object] = {"year": year, "grade": grade}
                if rng.random() < 0.05:
                    a["at_current_post"] = False
                assessments.append(a)
        out["annual_assessments"] = assessments

    r = rng.random()
    if r >= 0.10:
        honours: list[object] = []
        if r >= 0.85:
            for code in rng.sample(HONOURS, rng.choice((1, 1, 2))):
                if "contest" in code and "provincial" not in code and rng.random() < 0.6:
                    honours.append({"code": code, "class": rng.choice(("i", "ii"))})
                elif code == "state_council_allowance" and rng.random() < 0.7:
                    honours.append(
                        {"code": code, "category": rng.choice(("high_skill", "professional"))}
                    )
                else:
                    honours.append(code)
        out["honours"] = honours

    for key, p_true in (
        ("outstanding_contribution", 0.12),
        ("social_benefit", 0.25),
        ("economic_benefit", 0.25),
    ):
        r = rng.random()
        if r < 0.25:
            continue  # unknown
        if r < 0.28:
            out[key] = "unknown"
        else:
            out[key] = rng.random() < p_true

    r = rng.random()
    if r >= 0.15:
        titles = []
        if r >= 0.65:
            for _ in range(rng.choice((1, 1, 1, 2))):
                title: dict[str, object] = {"rank": _pick(rng, RANKS)}
                u = rng.random()
                if u < 0.75:
                    title["series"] = _pick(rng, FIELDS)
                if rng.random() < 0.9:
                    title["obtained"] = _day(rng, career_start, dt.date(2027, 3, 1)).isoformat()
                titles.append(title)
        out["titles"] = titles

    if rng.random() >= 0.10:
        years = (AS_OF - career_start).days / 365.25 + rng.choice((0, 0, 1, 3, 6))
        out["cumulative_work_years"] = int(years) if rng.random() < 0.5 else round(years, 1)

    if rng.random() < 0.3:
        out["education"] = rng.choice(EDUCATION)
    return out


def registry_person(rng: random.Random, pid: str) -> dict:
    """A person as a registry exports one: `person`'s variety, but dates kept to the month
    (the first of it) and, more often than not, absent details left out (no occupation, no
    kind, no class).  Many persons share a situation; ids stay distinct."""
    out = person(rng, pid)

    def month(text: object) -> object:
        return text[:8] + "01" if isinstance(text, str) and len(text) == 10 else text

    for cert in out.get("certificates") or []:
        cert["obtained"] = month(cert.get("obtained")) if "obtained" in cert else None
        if cert["obtained"] is None:
            del cert["obtained"]
        cert.pop("occupation", None)
        if rng.random() < 0.7:
            cert.pop("kind", None)
    for period in out.get("technical_work") or []:
        for k in ("from", "to"):
            if k in period:
                period[k] = month(period[k])
    post = out.get("current_post")
    if isinstance(post, dict):
        post.pop("occupation", None)
        if "since" in post:
            post["since"] = month(post["since"])
    for title in out.get("titles") or []:
        if "obtained" in title:
            title["obtained"] = month(title["obtained"])
    for k in ("education", "papers", "foreign_language", "computer_skills"):
        out.pop(k, None)
    return out


_POOL: list[dict] = []
POOL_SIZE = 500


def repeated_person(rng: random.Random, pid: str) -> dict:
    """One of `POOL_SIZE` varied persons (the same pool for every seed) under a new id: a
    roster whose rows repeat few situations, so that answering costs little and the rest of
    the pipeline (reading, validating, keying, joining, writing) shows."""
    if not _POOL:
        pool_rng = random.Random(0)
        _POOL.extend(person(pool_rng, f"pool{i}") for i in range(POOL_SIZE))
    return {**rng.choice(_POOL), "id": pid}


KINDS_OF_ROSTER = {"varied": person, "registry": registry_person, "repeated": repeated_person}


def bad_row(rng: random.Random, pid: str) -> str:
    """A row that is bad in one of the ways of ``BAD_ROWS``."""
    kind = rng.choice(BAD_ROWS)
    good = person(rng, pid)
    if kind == "truncated JSON":
        text = json.dumps(good, ensure_ascii=False)
        return text[: rng.randint(1, len(text) - 1)]
    if kind == "not an object":
        return json.dumps([pid], ensure_ascii=False)
    if kind == "unknown skill level":
        good["certificates"] = [{"level": "tecnician", "obtained": "2019-05-01"}]
    elif kind == "impossible date":
        good["current_post"] = {"since": "2021-02-30"}
    elif kind == "missing id":
        del good["id"]
    elif kind == "numeric id":
        good["id"] = rng.randint(1, 10**6)
    elif kind == "misspelt key":
        good["honors"] = []
    elif kind == "years as text":
        good["cumulative_work_years"] = "12"
    elif kind == "period ends before it starts":
        good["technical_work"] = [{"from": "2020-01-01", "to": "2019-01-01"}]
    elif kind == "duplicate assessment year":
        good["annual_assessments"] = [
            {"year": 2024, "grade": "qualified"},
            {"year": 2024, "grade": "excellent"},
        ]
    return json.dumps(good, ensure_ascii=False)


def rows(n: int, seed: int = 0, bad_rate: float = 0.001, kind: str = "varied") -> Iterator[str]:
    """``n`` JSONL lines (without newline): persons, ``bad_rate`` of them bad."""
    rng = random.Random(seed)
    make = KINDS_OF_ROSTER[kind]
    for i in range(n):
        pid = f"p{i:07d}"
        if rng.random() < bad_rate:
            yield bad_row(rng, pid)
        else:
            yield json.dumps(make(rng, pid), ensure_ascii=False, separators=(",", ":"))


def write(path: Path, n: int, seed: int = 0, bad_rate: float = 0.001, kind: str = "varied") -> Path:
    """Write the roster to ``path``: JSONL, or CSV when the name ends in ``.csv``."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        from pyagent.input.roster import write_csv_persons

        with path.open("w", encoding="utf-8", newline="") as handle:
            rng = random.Random(seed)
            write_csv_persons(handle, (person(rng, f"p{i:07d}") for i in range(n)))
        return path
    with path.open("w", encoding="utf-8") as handle:
        for line in rows(n, seed, bad_rate, kind):
            handle.write(line)
            handle.write("\n")
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("persons", type=int)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--bad-rate", type=float, default=0.001)
    parser.add_argument(
        "--kind",
        choices=sorted(KINDS_OF_ROSTER),
        default="varied",
        help="varied (every detail) or registry (dates to the month, fewer details)",
    )
    args = parser.parse_args(argv)
    write(args.output, args.persons, args.seed, args.bad_rate, args.kind)
    print(f"{args.persons:,} persons -> {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
