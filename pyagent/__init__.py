"""pyagent: the 2021 Xinjiang skills/titles through-path notice as an explained ASP knowledge base.

>>> from pyagent import answer_case, load_case
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pyagent")
except PackageNotFoundError:  # running from a checkout without installing
    __version__ = "0+unknown"

from .answers import Answer, Answers, PersonAnswers, answer_case, solve_case  # noqa: E402
from .case import load_case, parse_case  # noqa: E402
from .errors import InputError  # noqa: E402

__all__ = [
    "Answer",
    "Answers",
    "InputError",
    "PersonAnswers",
    "__version__",
    "answer_case",
    "load_case",
    "parse_case",
    "solve_case",
]
