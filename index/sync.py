"""One sync run: list the Hub → derive → stage → fetch GGUF trees → apply atomically → scores.

Nothing is dropped unless the listing was walked to its end, and a listing that would drop more than
`max_drop_share` of the catalog (an empty page, a mistyped pipeline tag) is refused with TooManyDrops unless
drops are allowed. A Hub that stays down stops the run with a HubError, a disk that refuses the write with
CatalogWriteFailed: either way the catalog is left exactly as it was.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .errors import CatalogError, HubError, TooManyDrops
from .hub import Hub
from .rows import build_row, file_size, record_id
from .scores import ScoreSource, refresh_scores
from .shape_sync import ShapeOptions, sync_shapes
from .store import Catalog, write_error

log = logging.getLogger(__name__)

# Fewer drops than this are never refused, unless they empty the catalog: a small catalog losing a
# model or two is no accident.
DROP_CHECK_MIN = 10


@dataclass(frozen=True, slots=True)
class Listing:
    """One listing walked by a sync: by pipeline tag or by a filter (tag or library)."""

    pipeline_tag: str | None = None
    filter: str | None = None

    def describe(self) -> str:
        if self.pipeline_tag:
            return f"pipeline_tag={self.pipeline_tag}"
        return f"filter={self.filter}" if self.filter else "all models"


@dataclass(frozen=True, slots=True)
class SyncOptions:
    limit: int | None = None
    # image-text-to-text: the Hub tags many current chat models so (Gemma 3, Qwen 3.5, Mistral Small 3.1+)
    listings: tuple[Listing, ...] = (
        Listing(pipeline_tag="text-generation"),
        Listing(pipeline_tag="image-text-to-text"),
        Listing(filter="gguf"),
    )
    min_downloads: int = 1
    stale_days: int = 365
    stale_min_downloads: int = 10
    gguf_tree_top_n: int = 500
    gguf_tree_new_max: int = 200
    max_tree_failures: int = 10
    history_days: int = 30
    batch_size: int = 2000
    score_sources: tuple[ScoreSource, ...] = ()
    cache_dir: Path | None = None
    max_drop_share: float = 0.2  # refuse a complete listing that would drop more of the catalog than this
    allow_drops: bool = False  # ...unless asked
    shapes: ShapeOptions | None = None  # read config.json files and GGUF headers after applying (None: skip)


@dataclass(slots=True)
class Progress:
    """What a sync has done so far; passed to the progress callback after every step."""

    phase: str = "listing"
    listing: str = ""
    pages: int = 0
    models: int = 0
    skipped: int = 0
    trees_done: int = 0
    trees_total: int = 0
    tree_failures: int = 0
    calls: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        """Models listed per second."""
        return self.models / self.elapsed if self.elapsed > 0 else 0.0


@dataclass(frozen=True, slots=True)
class SyncReport:
    listed: int
    added: int
    updated: int
    dropped: int
    below_thresholds: int
    skipped: int
    trees: int
    tree_failures: int
    complete: bool
    total: int
    generation: int
    calls: int
    seconds: float
    scores: dict[str, int]
    warnings: tuple[str, ...]
    shapes: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


ProgressCallback = Callable[[Progress], None]


def run_sync(
    catalog: Catalog,
    hub: Hub,
    options: SyncOptions,
    *,
    on_progress: ProgressCallback | None = None,
    now: datetime | None = None,
) -> SyncReport:
    """Bring the catalog up to date with the Hub. Raises HubError when the Hub stays unreachable,
    TooManyDrops when the listing would drop too much of the catalog, CatalogWriteFailed when the disk
    refuses the write (the catalog is unchanged in all three) and CatalogBusy when another sync is running."""
    moment = now or datetime.now(UTC)
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    progress = Progress()
    notify: ProgressCallback = on_progress or (lambda _: None)
    with catalog.sync_lock():
        try:
            sync_id = catalog.start_sync(stamp)
        except sqlite3.Error as error:
            failure = write_error(error)
            if failure is None:
                raise
            raise failure from error
        try:
            catalog.begin_staging()
            complete = _list(catalog, hub, options, progress, notify)
            if options.limit is not None:
                catalog.keep_top_staged(options.limit)
            listed = catalog.staged_count()
            stale_before = (moment - timedelta(days=options.stale_days)).strftime("%Y-%m-%dT%H:%M:%S")
            below = catalog.drop_staged_below(options.min_downloads, stale_before, options.stale_min_downloads)
            if complete:
                _check_drops(catalog, options)
            warnings = _fetch_trees(catalog, hub, options, progress, notify)
            progress.phase = "applying"
            notify(progress)
            result = catalog.apply(
                complete=complete, now=stamp, day=moment.date().isoformat(), history_days=options.history_days
            )
        except Exception as error:
            failure = write_error(error) if isinstance(error, sqlite3.Error) else None
            _record_failure(catalog, sync_id, failure or error, progress.models)
            if failure is not None:
                raise failure from error
            raise
        shapes: dict[str, Any] = {}
        if options.shapes is not None:  # after apply: everything read is kept even if the run dies here
            progress.phase = "shapes"
            notify(progress)
            shape_report = sync_shapes(catalog, hub, options.shapes, now=stamp, on_step=lambda _: notify(progress))
            shapes = shape_report.as_dict()
            warnings.extend(shape_report.warnings)
        scores: dict[str, int] = {}
        if options.score_sources:
            progress.phase = "scores"
            notify(progress)
            scores, score_warnings = refresh_scores(catalog, hub, options.score_sources, options.cache_dir)
            warnings.extend(score_warnings)
        try:
            catalog.finish_sync(
                sync_id,
                _stamp(),
                "ok",
                complete=int(complete),
                listed=listed,
                added=result.added,
                updated=result.updated,
                dropped=result.dropped,
                trees=result.trees,
                skipped=progress.skipped,
                message="; ".join(warnings)[:500] or None,
            )
        except sqlite3.Error as error:  # the catalog is updated; only its log line could not be written
            if write_error(error) is None:
                raise
            log.warning("The sync was applied but could not be recorded in the syncs table: %s", error)
            warnings.append("the sync could not be recorded in the syncs table (disk full?)")
    progress.phase = "done"
    progress.calls = hub.calls
    notify(progress)
    return SyncReport(
        listed=listed,
        added=result.added,
        updated=result.updated,
        dropped=result.dropped,
        below_thresholds=below,
        skipped=progress.skipped,
        trees=result.trees,
        tree_failures=progress.tree_failures,
        complete=complete,
        total=result.total,
        generation=result.generation,
        calls=hub.calls,
        seconds=round(progress.elapsed, 3),
        scores=scores,
        warnings=tuple(warnings),
        shapes=shapes,
    )


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _check_drops(catalog: Catalog, options: SyncOptions) -> None:
    """Refuse a complete listing that would drop more than `max_drop_share` of the catalog."""
    if options.allow_drops:
        return
    total = catalog.count()
    dropped = catalog.unstaged_count()
    if dropped > total * options.max_drop_share and dropped >= min(DROP_CHECK_MIN, total):
        raise TooManyDrops(dropped, total, options.max_drop_share)


def _record_failure(catalog: Catalog, sync_id: int, error: BaseException, listed: int) -> None:
    """Mark the run failed in the syncs table, as well as the disk allows: on a full disk even that may fail,
    and the error the caller raises must stay the sync's own."""
    message = str(error) if isinstance(error, CatalogError) else f"{type(error).__name__}: {error}"
    try:
        catalog.end_staging()
    except sqlite3.Error as failure:
        log.warning("Could not remove the staging tables of the failed sync: %s", failure)
    try:
        catalog.finish_sync(sync_id, _stamp(), "failed", message=message[:500], listed=listed)
    except sqlite3.Error as failure:
        log.warning("Could not record the failed sync: %s", failure)


def _list(catalog: Catalog, hub: Hub, options: SyncOptions, progress: Progress, notify: ProgressCallback) -> bool:
    """Walk every listing into staging; True when all were walked to their end (no limit)."""
    complete = options.limit is None
    for listing in options.listings:
        progress.listing = listing.describe()
        taken = 0
        batch: list[tuple[Any, ...]] = []
        for page in hub.list_pages(pipeline_tag=listing.pipeline_tag, filter=listing.filter):
            progress.pages += 1
            for record in page:
                if options.limit is not None and taken >= options.limit:
                    break
                row = _row_or_none(record)
                if row is None:
                    progress.skipped += 1
                    continue
                batch.append(row)
                taken += 1
            if len(batch) >= options.batch_size:
                catalog.stage(batch)
                progress.models += len(batch)
                batch = []
            progress.calls = hub.calls
            notify(progress)
            if options.limit is not None and taken >= options.limit:
                break
        if batch:
            catalog.stage(batch)
            progress.models += len(batch)
            notify(progress)
    return complete


def _row_or_none(record: dict[str, Any]) -> tuple[Any, ...] | None:
    try:
        row = build_row(record)
    except Exception:  # a record no rule foresaw: skip it, keep the sync going
        log.exception("Skipping a record that could not be read: %.200r", record_id(record) or record)
        return None
    if row is None:
        log.warning("Skipping a record without a usable id: %.200r", record)
    return row


def _fetch_trees(
    catalog: Catalog, hub: Hub, options: SyncOptions, progress: Progress, notify: ProgressCallback
) -> list[str]:
    """File trees (with sizes) of the GGUF repos that matter. A failing tree is logged and
    skipped (the repo keeps its previous sizes); after too many failures in a row the step stops."""
    warnings: list[str] = []
    if options.gguf_tree_top_n <= 0:
        return warnings
    candidates = catalog.tree_candidates(options.gguf_tree_top_n, options.gguf_tree_new_max)
    progress.phase = "trees"
    progress.trees_total = len(candidates)
    notify(progress)
    in_a_row = 0
    for repo_id, sha in candidates:
        try:
            files = hub.repo_files(repo_id, revision=sha)
        except Exception as error:  # HubError, HTTP errors, a repo gone since the listing
            progress.tree_failures += 1
            in_a_row += 1
            log.warning("Could not fetch the file tree of %s: %s", repo_id, type(error).__name__)
            if in_a_row >= options.max_tree_failures:
                message = f"stopped fetching GGUF file trees after {in_a_row} failures in a row"
                log.warning(message)
                warnings.append(message)
                break
            continue
        in_a_row = 0
        catalog.stage_tree(repo_id, sha, ((item.path, file_size(item.size)) for item in files))
        progress.trees_done += 1
        progress.calls = hub.calls
        notify(progress)
    if progress.tree_failures:
        warnings.append(f"{progress.tree_failures} GGUF file trees could not be fetched")
    return warnings


__all__ = ["HubError", "Listing", "Progress", "SyncOptions", "SyncReport", "TooManyDrops", "run_sync"]
