"""The one exception bad input raises: a message naming the file, the place and what is wrong.

>>> err = InputError("case.yaml", "persons[0].certificates[1].level",
...                  "'tecnician' is not a skill level; did you mean 'technician'?", 12, 7)
>>> print(err)  # doctest: +NORMALIZE_WHITESPACE
case.yaml:12:7: persons[0].certificates[1].level:
'tecnician' is not a skill level; did you mean 'technician'?
>>> str(InputError("--reading", "field_list", "expected NAME=VALUE"))
'--reading: field_list: expected NAME=VALUE'

The command line prints ``str(err)`` on stderr and exits with status 2 (SPEC section 7).

A solve that does not finish within the time limit the user set (``--timeout``) raises
`TimeLimitError`; the command line prints its one message and exits with status 3:

>>> print(TimeLimitError(2.5, "case.yaml", 4))
case.yaml: the solver did not finish within 2.5 s (--timeout); nothing was answered for its 4 persons
"""

from __future__ import annotations


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

    def _format(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.place:
            return f"{where}: {self.place}: {self.message}"
        return f"{where}: {self.message}"

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

    def _format(self) -> str:
        whom = "its person" if self.persons == 1 else f"its {self.persons:,} persons"
        return (
            f"{self.source}: the solver did not finish within {self.seconds:g} s (--timeout); "
            f"nothing was answered for {whom}"
        )

    def __str__(self) -> str:
        return self._format()

    def __reduce__(self):  # keep the fields across pickling (e.g. multiprocessing)
        return (type(self), (self.seconds, self.source, self.persons))
