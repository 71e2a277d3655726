"""Pins: the checks that fix an interpretation.

Pinned cases (``check``), their coverage of the rules, the knowledge base's lint, and the
answers that flip between readings (``diff``).  May import every layer below: the foundation,
``pyagent.input``, ``pyagent.engine`` and ``pyagent.explain``.
"""
