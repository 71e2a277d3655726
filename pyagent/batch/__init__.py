"""Batch: rosters at scale.

The pipeline that answers a roster of persons row by row, in parallel, with its side files.
May import every layer below: the foundation, ``pyagent.input``, ``pyagent.engine`` and
``pyagent.explain`` (not ``pyagent.pins``).
"""
