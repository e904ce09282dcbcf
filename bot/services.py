"""The one place the fronts assemble what they serve: the catalog, the request parser, the semantic search index
and the `Sommelier` service over them; and the one way any front syncs (the catalog, then its search index).

Every front (the CLI commands, the terminal chat, the Telegram bot) goes through `open_service` and
`sync_catalog`, so the index is built and refreshed the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from index.hub import Hub
from index.store import Catalog
from index.sync import Progress, SyncOptions, SyncReport, run_sync
from recommender.parse import RequestParser
from recommender.recommend import Search
from recommender.service import Sommelier

from .settings import Settings


def make_embedder(settings: Settings) -> Any:
    from index.embed import SentenceEmbedder

    return SentenceEmbedder(settings.search.embedder, batch_size=settings.search.batch_size)


def update_index(settings: Settings, catalog: Catalog, embedder: Any | None = None) -> Any:
    """Bring the search index in step with the catalog: only new or changed documents are embedded, written
    atomically; every `LiveIndex` over the folder (a running bot) serves it on its next read."""
    from index.vectors import refresh_index

    options = settings.search
    return refresh_index(
        settings.index_dir,
        catalog,
        embedder or make_embedder(settings),
        kind=options.kind,
        hnsw_m=options.hnsw_m,
        ef_search=options.ef_search,
    )


def make_search(settings: Settings, *, background: bool = False) -> Search | None:
    """Semantic relevance from the search index, when enabled; None otherwise. The newest index on disk is
    served: one written by a later sync (of this process or another) replaces the old one without a restart
    (`background`: loaded in a thread of its own while answers go on with the old one: the bot)."""
    if not (settings.semantic and settings.search.enabled):
        return None
    from index.live_index import LiveIndex

    options = settings.search
    live = LiveIndex(
        settings.index_dir,
        make_embedder(settings),
        kind=options.kind,
        hnsw_m=options.hnsw_m,
        ef_search=options.ef_search,
        background=background,
    )

    def search(text: str, allowed: set[int] | None, k: int) -> list[tuple[int, float]]:
        return live.search(text, allowed=allowed, k=k)

    return search


@contextmanager
def open_service(
    settings: Settings, *, search: bool = True, parses: bool = True, threaded: bool = False
) -> Iterator[Sommelier]:
    """The service for one front; fronts that read no request text skip loading the GGUF parser.
    `threaded`: the catalog connection is used from worker threads (the bot), one at a time."""
    options = settings.parser if parses else replace(settings.parser, use_model=False)
    with Catalog(settings.catalog_path, check_same_thread=not threaded) as catalog:
        found = make_search(settings, background=threaded) if search else None
        yield Sommelier(catalog, RequestParser(options), settings.recommend, found)


def sync_catalog(
    settings: Settings,
    catalog: Catalog,
    options: SyncOptions | None = None,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    index: bool = True,
) -> tuple[SyncReport, Any]:
    """One sync from the Hub, then the search index brought in step (when enabled): (sync report, index report
    or None). Every front syncs through here, so a running bot sees the new index after any sync."""
    report = run_sync(catalog, Hub(settings.hub), options or settings.sync, on_progress=on_progress)
    index_report = update_index(settings, catalog) if index and settings.search.enabled else None
    return report, index_report
