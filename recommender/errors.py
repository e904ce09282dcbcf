"""Errors of the recommender: each one's docstring says what went wrong; the fronts word them for users
(bot/error_messages.py).

RecommenderError          base class
├── ParserConfigError     a parser setting or table is unusable
├── ParserModelError      the request-parsing model could not be loaded or run (the rules answer alone)
└── UnknownModel          no catalog model matches a name (`name`, `candidates`)
    └── AmbiguousModel    several catalog models match it (`candidates` to pick from)
"""

from __future__ import annotations


class RecommenderError(Exception):
    """The recommender could not answer."""


class ParserConfigError(RecommenderError):
    """A parser setting or table is unusable."""


class ParserModelError(RecommenderError):
    """The request-parsing model could not be loaded or run; parsing falls back to the rules alone."""


class UnknownModel(RecommenderError):
    """No catalog model matches that name."""

    def __init__(self, name: str, candidates: tuple[str, ...] = ()) -> None:
        self.name = name
        self.candidates = candidates
        hint = f"; did you mean: {', '.join(candidates)}" if candidates else ""
        super().__init__(f"no model {name!r} in the catalog{hint}")


class AmbiguousModel(UnknownModel):
    """Several catalog models match that name."""
