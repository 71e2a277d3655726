"""The web face: `pyagent serve`, a page in front of the same library calls as the command line.

Like ``cli``, a face: it parses what the browser sends into a case, calls the library
(`pyagent.input.case`, `pyagent.explain`, `pyagent.batch`, `pyagent.pins`) and shows the result
as server-rendered HTML (Jinja2) or as the CLI's JSON documents.  It never reasons on its own.
May import input, engine, explain, pins and batch; nothing below imports it (the command line
imports `pyagent.web.report` for `pyagent report`, and `pyagent.web.app` for `pyagent serve`).
Needs the optional extra ``web`` (Starlette, Jinja2, uvicorn, python-multipart).
"""
