"""`sommelier sync | search | reindex | parse | model | stats | import-scores`: the catalog from the terminal."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, replace
from typing import Any, TextIO

from index.scores import import_scores
from index.store import Catalog
from index.sync import Progress, SyncOptions, SyncReport
from recommender.errors import UnknownModel
from recommender.parse import RequestParser

from .services import make_embedder, sync_catalog, update_index
from .settings import Settings


def open_catalog(settings: Settings) -> Catalog:
    return Catalog(settings.catalog_path)


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    options = settings.sync
    if args.limit is not None:
        options = replace(options, limit=max(1, args.limit))
    if args.no_trees:
        options = replace(options, gguf_tree_top_n=0)
    if args.no_scores:
        options = replace(options, score_sources=())
    if args.allow_drops:
        options = replace(options, allow_drops=True)
    return sync_and_report(settings, options, bar=not (args.quiet or args.json), as_json=args.json,
                           index=not args.no_index)  # fmt: skip


def sync_and_report(
    settings: Settings, options: SyncOptions, *, bar: bool = True, as_json: bool = False, index: bool = True
) -> int:
    """One sync (and the search index) with a progress bar on stderr, then its summary (or JSON figures)."""
    with open_catalog(settings) as catalog:
        progress = ProgressBar(sys.stderr) if bar else None
        try:
            report, index_report = sync_catalog(
                settings, catalog, options, on_progress=progress.update if progress else None, index=index
            )
        finally:
            if progress:
                progress.close()
        if as_json:
            figures = report.as_dict()
            if index_report is not None:
                figures["index"] = asdict(index_report)
            print(json.dumps(figures, indent=2))
        else:
            print(summary(report, catalog))
            if index_report is not None:
                print(
                    f"Search index: {index_report.added:,} added, {index_report.changed:,} re-embedded, "
                    f"{index_report.removed:,} removed, {index_report.unchanged:,} unchanged "
                    f"({index_report.seconds:.1f} s)."
                )
    return 0


def cmd_reindex(args: argparse.Namespace, settings: Settings) -> int:
    import shutil

    shutil.rmtree(settings.index_dir, ignore_errors=True)
    with open_catalog(settings) as catalog:
        report = update_index(settings, catalog)
    print(f"Search index rebuilt: {report.added:,} models embedded in {report.seconds:.1f} s.")
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from index.vectors import VectorIndex

    embedder = make_embedder(settings)
    options = settings.search
    with open_catalog(settings) as catalog:
        index = VectorIndex.open(
            settings.index_dir,
            catalog,
            embedder,
            kind=options.kind,
            hnsw_m=options.hnsw_m,
            ef_search=options.ef_search,
        )
        found = index.hybrid_search(catalog, args.text, embedder, k=max(1, min(args.limit, 200)))
        briefs = catalog.briefs([model_id for model_id, _ in found])
        results = []
        for model_id, score in found:
            record = briefs.get(model_id.lower(), {})
            results.append(
                {
                    "id": model_id,
                    "score": round(float(score), 4),
                    "family": record.get("family"),
                    "params_b": round(record["params"] / 1e9, 2) if record.get("params") else None,
                    "kind": record.get("kind"),
                    "downloads": record.get("downloads"),
                }
            )
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return 0
    if not results:
        print("Nothing found.")
    for item in results:
        size = f"{item['params_b']}B" if item["params_b"] else "?"
        print(f"{item['score']:6.3f}  {item['id']}  ({item['family'] or '?'}, {size}, {item['kind']})")
    return 0


def summary(report: SyncReport, catalog: Catalog) -> str:
    stats = catalog.stats()
    lines = [
        f"Synced in {report.seconds:.1f} s ({report.calls} Hub calls): {report.listed:,} models listed, "
        f"{report.added:,} added, {report.updated:,} updated, {report.dropped:,} dropped"
        + ("" if report.complete else " (partial listing: nothing dropped)"),
        f"Catalog: {report.total:,} models, {stats['gguf_repos_with_sizes']:,} GGUF repos with file sizes, "
        f"{stats['scored_models']:,} with leaderboard scores (generation {report.generation}).",
    ]
    families = ", ".join(f"{name} {count:,}" for name, count in list(stats["by_family"].items())[:8])
    lines.append(f"Families: {families}")
    commercial = ", ".join(f"{name} {count:,}" for name, count in stats["by_commercial"].items())
    lines.append(f"Commercial use: {commercial}")
    if report.skipped:
        lines.append(f"Skipped {report.skipped} unreadable records (see the log).")
    lines.extend(f"Warning: {warning}" for warning in report.warnings)
    return "\n".join(lines)


class ProgressBar:
    """A tqdm bar on stderr: pages, models, GGUF trees and the listing rate."""

    def __init__(self, stream: TextIO) -> None:
        from tqdm import tqdm

        self._tqdm = tqdm
        self.stream = stream
        self.bar: Any = None
        self.phase = ""

    def update(self, progress: Progress) -> None:
        if progress.phase != self.phase:
            self.close()
            self.phase = progress.phase
            if progress.phase in {"listing", "trees"}:
                total = progress.trees_total if progress.phase == "trees" else None
                unit = "tree" if progress.phase == "trees" else "model"
                self.bar = self._tqdm(
                    total=total,
                    unit=unit,
                    desc=progress.phase,
                    file=self.stream,
                    mininterval=0.2 if self.stream.isatty() else 5.0,
                )
            elif progress.phase != "done":
                print(f"{progress.phase}…", file=self.stream)
        if self.bar is None:
            return
        if progress.phase == "listing":
            self.bar.set_postfix(
                pages=progress.pages, rate=f"{progress.rate:,.0f}/s", calls=progress.calls, refresh=False
            )
            self.bar.update(progress.models - self.bar.n)
        else:
            self.bar.set_postfix(failed=progress.tree_failures, calls=progress.calls, refresh=False)
            self.bar.update(progress.trees_done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    options = replace(settings.parser, use_model=settings.parser.use_model and not args.rules)
    result = RequestParser(options).parse(args.text)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
        return 0
    stated = {key: value for key, value in result.to_dict().items() if value not in (None, []) and key != "parser"}
    for key, value in stated.items():
        print(f"{key:14} {', '.join(map(str, value)) if isinstance(value, list) else value}")
    if not stated:
        print("nothing to filter on: every model is a candidate")
    print(f"{'parser':14} {result.parser}")
    return 0


def cmd_model(args: argparse.Namespace, settings: Settings) -> int:
    with open_catalog(settings) as catalog:
        record = catalog.model(args.id)
        if record is None:
            candidates = catalog.search_names(args.id, limit=5)
            raise UnknownModel(args.id, tuple(candidates))
    if args.json:
        print(json.dumps(record, indent=2, ensure_ascii=False))
        return 0
    print(describe_model(record))
    return 0


def _gb(size: int | None) -> str:
    return f"{size / 1e9:.2f} GB" if size else "size unknown"


def describe_model(record: dict[str, Any]) -> str:
    params = f"{record['params'] / 1e9:.2f}B" if record.get("params") else "unknown"
    if record.get("active_params"):
        params += f" ({record['active_params'] / 1e9:.1f}B active)"
    lines = [
        record["id"],
        f"  family {record.get('family') or 'unknown'}, {params} parameters, kind {record.get('kind')}",
        f"  context {record.get('context_length') or 'unknown'}, "
        f"formats {', '.join(record.get('formats') or []) or '-'}",
        f"  licence {record.get('license') or 'none stated'} → commercial use: {record.get('commercial')}",
        f"  downloads {record.get('downloads') or 0:,}, likes {record.get('likes') or 0:,}, "
        f"3-day trend {record.get('trend_3d') if record.get('trend_3d') is not None else 'n/a'}",
    ]
    if record.get("base_model"):
        lines.append(f"  base model {record['base_model']} ({record.get('relation') or 'derived'})")
    for file in record.get("files", [])[:20]:
        lines.append(f"  {file['quant']:<8} {_gb(file['size']):>14}  {file['path']}")
    for source, score in record.get("scores", {}).items():
        origin = f" (from {score['inherited_from']})" if score.get("inherited_from") else ""
        lines.append(f"  {source}: {score['average']}{origin}")
    return "\n".join(lines)


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    with open_catalog(settings) as catalog:
        stats = catalog.stats()
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    print(f"{stats['models']:,} models (generation {stats['generation']}), {stats['file_bytes'] / 1e6:.1f} MB")
    for key in ("by_family", "by_commercial", "by_kind"):
        print(f"{key[3:]}: " + ", ".join(f"{name} {count:,}" for name, count in stats[key].items()))
    last = stats.get("last_sync")
    if last:
        print(f"last sync {last['finished_at']}: +{last['added']} ~{last['updated']} -{last['dropped']}")
    return 0


def cmd_import_scores(args: argparse.Namespace, settings: Settings) -> int:
    with open_catalog(settings) as catalog:
        result = import_scores(catalog, args.file, args.source)
    print(
        f"{result.source}: {result.stored:,} models scored from {result.rows:,} rows, "
        f"{result.in_catalog:,} of them in the catalog, {result.unmatched:,} rows not matched"
    )
    return 0
