"""The one exception bad input raises: a message naming the file, the place and what is wrong.

>>> err = InputError("case.yaml", "persons[0].certificates[1].level",
...                  "'tecnician' is not a skill level; did you mean 'technician'?", 12, 7)
>>> print(err)  # doctest: +NORMALIZE_WHITESPACE
case.yaml:12:7: persons[0].certificates[1].level:
'tecnician' is not a skill level; did you mean 'technician'?
>>> str(InputError("--reading", "field_list", "expected NAME=VALUE"))
'--reading: field_list: expected NAME=VALUE'

The command line prints ``err.text(lang)`` on stderr and exits with status 2 (SPEC section 7).
A message is written in both languages with `msg` (SPEC section 9: one language per output);
``str(err)`` is the English one, ``err.text("zh")`` the Chinese one:

>>> err = InputError("case.yaml", "as_of", msg("{v!r} is not a date (YYYY-MM-DD)",
...                                          "「{v}」不是日期（YYYY-MM-DD）", v="2026-13-01"))
>>> str(err)
"case.yaml: as_of: '2026-13-01' is not a date (YYYY-MM-DD)"
>>> err.text("zh")
'case.yaml：as_of：「2026-13-01」不是日期（YYYY-MM-DD）'

A message given as a plain ``str`` has no Chinese text yet and shows in English under zh too
(write new ones with `msg`).

A solve that does not finish within the time limit the user set (``--timeout``) raises
`TimeLimitError`; the command line prints its one message and exits with status 3:

>>> print(TimeLimitError(2.5, "case.yaml", 4))
case.yaml: the solver did not finish within 2.5 s (--timeout); nothing was answered for its 4 persons
"""

from __future__ import annotations


class Msg(str):
    """A message: the English text (the string itself) and its Chinese text (``zh``)."""

    zh: str

    def __new__(cls, en: str, zh: str) -> Msg:
        out = super().__new__(cls, en)
        out.zh = zh
        return out

    def text(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else str(self)

    def __add__(self, other: object) -> Msg:  # msg + msg (or + plain str, the same in both)
        if isinstance(other, Msg):
            return Msg(str(self) + str(other), self.zh + other.zh)
        if isinstance(other, str):
            return Msg(str(self) + other, self.zh + other)
        return NotImplemented

    def __reduce__(self):  # keep both texts across pickling (batch workers)
        return (Msg, (str(self), self.zh))


def shown(value: object, limit: int = 60) -> str:
    """Text from outside (a file name, an id, a number) as it may be printed: control and
    other non-printable characters escaped (a name cannot drive the terminal), and cut to
    ``limit`` characters (a 100,000-character --person is not echoed in full)."""
    text = str(value)
    if not text.isprintable():
        text = "".join(
            c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
        )
    return text if len(text) <= limit else text[: limit - 1] + "…"


def msg(en: str, zh: str, **values: object) -> Msg:
    """A message in both languages, each formatted with ``values`` (``str.format``); a value
    that is itself a `Msg` goes into each text in that text's language."""
    zh_values = {k: v.zh if isinstance(v, Msg) else v for k, v in values.items()}
    return Msg(en.format(**values), zh.format(**zh_values))


def listed(items) -> Msg:
    """Items of a list in a message (ids, names): a comma between them in English, 、 in
    Chinese."""
    items = [str(x) for x in items]
    return Msg(", ".join(items), "、".join(items))


def in_lang(message: str, lang: str) -> str:
    """A message in ``lang``: its Chinese text when it has one (`Msg`), else as written."""
    return message.text(lang) if isinstance(message, Msg) else message


class InputError(Exception):
    """Bad input: one clear message naming the file, the place and what is wrong.

    ``source`` is the file (or ``--reading``, ``--as-of``, ``<case>``); ``place`` a path
    into the document such as ``persons[1].annual_assessments[0].grade`` (empty for the
    document as a whole); ``line`` and ``column`` are 1-based, or None when unknown.
    """

    def __init__(
        self,
        source: str,
        place: str,
        message: str,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.source = source
        self.place = place
        self.message = message
        self.line = line
        self.column = column
        super().__init__(self._format())

    def _format(self, lang: str = "en") -> str:
        where = shown(self.source, 1000)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        sep = "：" if lang == "zh" and isinstance(self.message, Msg) else ": "
        message = in_lang(self.message, lang)
        if self.place:  # a place may be said in both languages too (a CSV cell's entry)
            return f"{where}{sep}{in_lang(self.place, lang)}{sep}{message}"
        return f"{where}{sep}{message}"

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (en, zh)."""
        return self._format(lang)

    def __str__(self) -> str:
        return self._format()

    def __reduce__(self):  # keep the fields across pickling (e.g. multiprocessing)
        return (type(self), (self.source, self.place, self.message, self.line, self.column))


EXIT_TIME_LIMIT = 3  # the exit status of a command stopped by --timeout


class TimeLimitError(Exception):
    """The solver did not finish within ``seconds``: nothing of ``source`` was answered."""

    def __init__(self, seconds: float, source: str = "<case>", persons: int = 1) -> None:
        self.seconds = seconds
        self.source = source
        self.persons = persons
        super().__init__(self._format())

    def _format(self, lang: str = "en") -> str:
        if lang == "zh":
            return (
                f"{self.source}：求解器未在{self.seconds:g}秒内完成（--timeout）；"
                f"其{self.persons:,}人均未作答"
            )
        whom = "its person" if self.persons == 1 else f"its {self.persons:,} persons"
        return (
            f"{self.source}: the solver did not finish within {self.seconds:g} s (--timeout); "
            f"nothing was answered for {whom}"
        )

    def text(self, lang: str = "en") -> str:
        return self._format(lang)

    def __str__(self) -> str:
        return self._format()

    def __reduce__(self):  # keep the fields across pickling (e.g. multiprocessing)
        return (type(self), (self.seconds, self.source, self.persons))


class NearMatchWarning(UserWarning):
    """Input accepted as it is but close to something listed (a field 工程技术 near 工程): the
    command line prints it on stderr, in the language asked for (``text(lang)``)."""

    def __init__(self, en: str, zh: str | None = None) -> None:
        super().__init__(en)
        self.en, self.zh = en, zh or en

    def text(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en
