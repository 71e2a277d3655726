"""Explain: models to trees and sentences.

Explanation trees (``tree``), the answers with their clauses and unknowns (``answers``), why and
why-not (``why``), what-if (``whatif``) and the sentence templates read from the knowledge base.
Returns plain data; drawing it is the faces' job.  May import the foundation, ``pyagent.input``
and ``pyagent.engine``.
"""
