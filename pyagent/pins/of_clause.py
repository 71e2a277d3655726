"""The pins of a clause, as ``pyagent clauses`` and the notice page list them.

A pin *fixes* a clause when

- one of its expected answers rests on the clause (cites it in ``clauses``), or
- it sits in the clause's directory of ``queries/`` (``queries/p2_s1_in_force/`` for P2.S1:
  one directory per clause, queries/README.md): it was written to fix that clause even where
  its answers do not cite it.  On the report date the notice is in force, so the pin's answer
  is yes without citing P2.S1, and it is what fixes P2.S1's first day; P2.S3.b (education,
  papers and languages never decide) is cited by no answer at all, by design.

Counting the citations alone (as ``pyagent clauses`` did) said P2.S1 had 5 pins and P2.S3.b
none; the notice page said 7 and 2.  Both now call `pins_by_clause`.
"""

from __future__ import annotations

from pathlib import Path

from pyagent.errors import InputError


def _clause_refs(kb: Path) -> list[str]:
    """Every clause reference of kb/clauses.lp (encoded or not), in the notice's order."""
    from pyagent.kb import _static_model

    atoms = _static_model(kb / "clauses.lp")
    order = {a.arguments[0].name: a.arguments[1].number for a in atoms if a.name == "clause_order"}
    encoded = sorted(
        (order.get(a.arguments[0].name, 999), a.arguments[1].string)
        for a in atoms
        if a.name == "clause_text"
    )
    refs = [ref for _, ref in encoded]
    refs += sorted(a.arguments[0].string for a in atoms if a.name == "not_encoded")
    return list(dict.fromkeys(refs))


def directory_clause(directory: str, refs: list[str]) -> str | None:
    """The clause whose directory of queries/ ``directory`` is (``p2_s3_a_gate``: P2.S3.a;
    the longest clause id that names it), or None (``readings``, ``whatif``)."""
    best = None
    for ref in refs:
        cid = ref.lower().replace(".", "_")
        if (directory == cid or directory.startswith(cid + "_")) and (
            best is None or len(cid) > len(best[0])
        ):
            best = (cid, ref)
    return best[1] if best else None


def pins_by_clause(
    queries: Path | None = None, kb: Path | None = None
) -> dict[str, list[tuple[str, str]]]:
    """Clause reference -> the pins that fix it, each once, as (its file under ``queries``,
    its name), in the order the pins are read.  ``queries``: beside the knowledge base
    (wherever the command is run from); none there, or a pin file that cannot be read (that
    is ``pyagent check``'s to report): no pins."""
    from pyagent.kb import kb_dir
    from pyagent.pins.check import load_pins

    kb = Path(kb) if kb is not None else kb_dir()
    queries = Path(queries) if queries is not None else kb.parent / "queries"
    if not queries.is_dir():
        return {}
    try:
        pins = load_pins([queries])
    except InputError:
        return {}
    refs = _clause_refs(kb)
    top = queries.resolve()
    out: dict[str, list[tuple[str, str]]] = {}
    for pin in pins:
        rel = Path(pin.source).resolve().relative_to(top).as_posix()
        cited = {c for e in pin.expectations for c in (getattr(e, "clauses", None) or ())}
        home = directory_clause(rel.split("/")[0], refs) if "/" in rel else None
        for ref in refs:
            if ref in cited or ref == home:
                out.setdefault(ref, []).append((rel, pin.name))
    return out
