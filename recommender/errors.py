"""Errors of the recommender: each one's docstring is the message a user may see."""

from __future__ import annotations


class RecommenderError(Exception):
    """The recommender could not answer."""


class ParserConfigError(RecommenderError):
    """A parser setting or table is unusable."""


class ParserModelError(RecommenderError):
    """The request-parsing model could not be loaded or run; parsing falls back to the rules alone."""
