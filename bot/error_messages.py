"""One table from errors to what a user reads, in English and Russian. The CLI, the conversation and the bot
all word errors through `user_message`; nothing shows `str(error)` of an error it did not write itself.

The table is ordered subclass-first: the first row whose type matches wins. Errors of index/ that are not in
the table are worded by their class docstring (written by us, never text from the Hub or a traceback).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from index import errors as catalog_errors
from recommender.errors import ParserConfigError, ParserModelError, RecommenderError, UnknownModel

from .arguments import BadArgument
from .errors import FrontError
from .prefs import PrefsError
from .texts import say


class RequestTooSlow(FrontError):
    "The request took longer than its time budget"


def _unknown(error: BaseException, lang: str) -> str:
    assert isinstance(error, UnknownModel)
    name = error.name[:80]
    if error.candidates:
        return say(lang, "err_unknown_model_hint", name=name, candidates=", ".join(error.candidates[:5]))
    return say(lang, "err_unknown_model", name=name)


def _keyed(error: BaseException, lang: str) -> str:
    assert isinstance(error, BadArgument | PrefsError)
    return say(lang, error.key, **error.values)


def _drops(error: BaseException, lang: str) -> str:
    assert isinstance(error, catalog_errors.TooManyDrops)
    share = error.dropped / max(error.total, 1)
    return say(lang, "err_drops_refused", dropped=error.dropped, total=error.total, share=share, limit=error.max_share)


def _docstring(error: BaseException, lang: str) -> str:
    for kind in type(error).__mro__:
        text = (kind.__doc__ or "").strip().splitlines()
        if text and kind not in (Exception, BaseException, object):
            return text[0]
    return say(lang, "error")


def _text(key: str) -> Callable[[BaseException, str], str]:
    return lambda error, lang: say(lang, key)


# (error type, wording), subclasses before their bases
MESSAGES: tuple[tuple[type[BaseException], Callable[[BaseException, str], str]], ...] = (
    (UnknownModel, _unknown),  # AmbiguousModel too: its candidates are offered as buttons where possible
    (ParserModelError, _text("err_parser")),
    (ParserConfigError, _text("err_parser")),
    (RecommenderError, _text("err_recommender")),
    (BadArgument, _keyed),
    (PrefsError, _keyed),
    (RequestTooSlow, _text("err_too_slow")),
    (catalog_errors.TooManyDrops, _drops),
    (catalog_errors.CatalogWriteFailed, _text("err_catalog_write")),
    (catalog_errors.IndexWriteFailed, _text("err_index_write")),
    (catalog_errors.NotInCatalog, _text("err_not_in_catalog")),
    (catalog_errors.CatalogBusy, _text("err_catalog_busy")),
    (catalog_errors.CatalogCorrupt, _text("err_catalog_corrupt")),
    (catalog_errors.HubRateLimited, _text("err_hub_rate_limited")),
    (catalog_errors.HubUnavailable, _text("err_hub_unavailable")),
    (catalog_errors.HubBadResponse, _text("err_hub_bad_response")),
    (catalog_errors.HubError, _text("err_hub")),
    (catalog_errors.ScoresError, _text("err_scores")),
    (
        catalog_errors.CatalogError,
        lambda error, lang: say(lang, "err_catalog") if lang != "en" else _docstring(error, lang),
    ),
    (sqlite3.Error, _text("err_database")),
    (OSError, _text("err_files")),
    (FrontError, lambda error, lang: str(error)),  # our own messages (settings, usage), written for the operator
)


def user_message(error: BaseException, lang: str = "en") -> str:
    """What to tell a user about `error` (plain text: escape it for HTML)."""
    for kind, wording in MESSAGES:
        if isinstance(error, kind):
            return wording(error, lang)
    return say(lang, "error")
