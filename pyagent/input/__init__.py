"""Input: bytes to validated persons.

The vocabulary of codes and aliases, case files (YAML/JSON with places), rosters (CSV, JSONL),
durations, and the model of a person.  May import only the foundation (``pyagent.errors``,
``pyagent.kb``); nothing here knows about clingo models or explanations.
"""
