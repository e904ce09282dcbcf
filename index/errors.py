"""Errors raised by the catalog.

CatalogError                 base class; its docstring (or the message given) is user-facing
├── NotInCatalog             no model with that id
├── CatalogBusy              another sync holds the catalog
├── CatalogCorrupt           the database file cannot be opened as a catalog
├── CatalogWriteFailed       SQLite could not write (disk full, I/O error); the sync changed nothing
├── TooManyDrops             a complete listing would drop more of the catalog than allowed
├── IndexWriteFailed         the search index could not be written; the previous one stays in use
├── HubError                 talking to the Hub failed
│   ├── HubUnavailable       the Hub stayed down (5xx, timeouts, dropped connections) after retries
│   ├── HubRateLimited       the Hub kept answering 429 after waiting as asked
│   └── HubBadResponse       the Hub kept sending answers that are not what the API promises
└── ScoresError              a leaderboard file could not be read
"""

from __future__ import annotations


class CatalogError(Exception):
    "The catalog could not do that"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or (self.__doc__ or "").strip())


class NotInCatalog(CatalogError):
    "No model with that id is in the catalog"


class CatalogBusy(CatalogError):
    "Another sync is running on this catalog; try again when it has finished"


class CatalogCorrupt(CatalogError):
    "The catalog file is damaged and cannot be opened"


class CatalogWriteFailed(CatalogError):
    "The catalog could not be written (disk full?); nothing was changed"


class TooManyDrops(CatalogError):
    "This sync would drop too many models; the catalog was left as it was"

    def __init__(self, dropped: int, total: int, max_share: float) -> None:
        self.dropped = dropped
        self.total = total
        self.max_share = max_share
        super().__init__(
            f"This sync would drop {dropped:,} of the catalog's {total:,} models ({dropped / max(total, 1):.0%}), "
            f"more than the {max_share:.0%} allowed (sync.max_drop_share): the catalog was left as it was. "
            "Check the listing settings (sync.pipeline_tags, sync.filters), or sync again allowing drops "
            "(sommelier sync --allow-drops) if the Hub really lost them."
        )


class IndexWriteFailed(CatalogError):
    "The search index could not be written (disk full?); the previous index stays in use"


class HubError(CatalogError):
    "The Hugging Face Hub could not be reached"


class HubUnavailable(HubError):
    "The Hugging Face Hub is not answering; the catalog was left as it was"


class HubRateLimited(HubError):
    "The Hugging Face Hub is rate-limiting us; the catalog was left as it was, try again later"


class HubBadResponse(HubError):
    "The Hugging Face Hub sent answers we could not read; the catalog was left as it was"


class ScoresError(CatalogError):
    "The leaderboard file could not be read"
