"""Explain: models to trees and sentences.

Explanation trees (``tree`` builds them over ``nodes``, with ``atoms`` for the values it walks),
the answers with their clauses and unknowns (``answers``), why and why-not (``why``: ``steps`` the
data, ``sentences`` the words, ``decide`` what decides an unknown, ``casedata`` the case as
written), what-if (``whatif``) and the sentence templates read from the knowledge base.
Returns plain data; drawing it is the faces' job.  May import the foundation, ``pyagent.input``
and ``pyagent.engine``.
"""
