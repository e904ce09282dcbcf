"""The shapes phase of a sync: read config.json files and GGUF headers within a call budget, store what they
say, and let quants, fine-tunes and merges inherit it from their base chain.

Order: originals with a config.json, weighted by their own downloads plus those of every model naming them as
its base (so the base of a popular quant repo comes before a little-used original); then GGUF repos whose
geometry is still unknown after that (no base in the catalog, or a base without a config), most downloaded
first, one file's header each by range requests. A repo is skipped while its revision (sha) is the one already
read, whatever the outcome was (a missing config.json is not asked again until the repo changes).

Every result is written at once, in its own transaction (the `shapes` table and the model's row): a sync killed
in this phase keeps everything read so far, and the next sync does not pay for it again. The budget counts
every request, retries included: the phase never spends more than `call_budget` calls.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import HubError, HubRateLimited, HubUnavailable
from .gguf_header import NotGGUF, read_header
from .hub import Hub
from .lineage import apply_known_bases
from .shapes import ModelShape, shape_from_config, shape_from_gguf
from .store import Catalog, write_error

log = logging.getLogger(__name__)

# the columns of `models` a shape fills in (the recommender reads them; the full shape is in models.shape)
SHAPE_COLUMNS = ("context_length", "n_layers", "n_kv_heads", "head_dim", "sliding_window")
MAX_CONFIG_BYTES = 4 << 20


@dataclass(frozen=True, slots=True)
class ShapeOptions:
    call_budget: int = 300  # requests per sync for config.json files and GGUF headers (anonymous Hub)
    gguf_header_bytes: int = 4 << 20  # first range request of a GGUF header
    gguf_header_max_bytes: int = 16 << 20  # the most read of one header (the tokenizer can be 8 MB)
    max_failures: int = 20  # stop after this many failures in a row (a Hub refusing everything)
    gguf_share: float = 0.25  # of the budget kept for GGUF headers while configs are read


@dataclass(slots=True)
class ShapeReport:
    configs: int = 0
    headers: int = 0
    missing: int = 0
    skipped_unchanged: int = 0
    calls: int = 0
    budget_left: bool = True
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "configs": self.configs,
            "gguf_headers": self.headers,
            "missing": self.missing,
            "calls": self.calls,
            "budget_spent": not self.budget_left,
        }


class _BudgetSpent(Exception):
    pass


class _Budget:
    def __init__(self, hub: Hub, calls: int) -> None:
        self.hub = hub
        self.start = hub.calls
        self.calls = calls

    @property
    def spent(self) -> int:
        return self.hub.calls - self.start

    @property
    def left(self) -> int:
        return max(0, self.calls - self.spent)

    def attempts(self) -> int:
        """Requests the next call may make (its retries included); raises when nothing is left."""
        if self.left <= 0:
            raise _BudgetSpent()
        return min(self.left, self.hub.options.max_retries + 1)


def config_candidates(catalog: Catalog) -> list[tuple[str, str | None]]:
    """Repos with a config.json whose shape is not known at their listed revision, by weight."""
    rows = catalog.db.execute(
        """
        WITH children AS (
            SELECT base_model AS id, sum(coalesce(downloads, 0)) AS downloads FROM models
            WHERE base_model IS NOT NULL GROUP BY base_model
        )
        SELECT m.id, m.sha FROM models m
        LEFT JOIN model_details d ON d.num = m.num
        LEFT JOIN shapes s ON s.id = m.id
        LEFT JOIN children c ON c.id = m.id
        WHERE (s.id IS NULL OR s.sha IS NOT m.sha)
          AND (d.siblings LIKE '%"config.json"%'
               OR (d.siblings IS NULL AND coalesce(m.formats, '') NOT LIKE '%"gguf"%'))
        ORDER BY coalesce(m.downloads, 0) + coalesce(c.downloads, 0) DESC, m.id
        """
    ).fetchall()
    return [(row[0], row[1]) for row in rows]


def gguf_candidates(catalog: Catalog) -> list[tuple[str, str | None, str]]:
    """GGUF repos whose geometry is still unknown and whose header was not read at this revision, most
    downloaded first, with the file to read (the smallest model file of the tree, else of the listing)."""
    rows = catalog.db.execute(
        """
        SELECT m.id, m.sha, m.num, d.quant_files FROM models m
        LEFT JOIN model_details d ON d.num = m.num
        LEFT JOIN shapes s ON s.id = m.id
        WHERE m.formats LIKE '%"gguf"%' AND m.n_layers IS NULL
          AND (s.id IS NULL OR s.sha IS NOT m.sha)
        ORDER BY coalesce(m.downloads, 0) DESC, m.id
        """
    ).fetchall()
    found = []
    for repo_id, sha, num, quant_files in rows:
        tree = catalog.db.execute(
            "SELECT path FROM files WHERE num = ? AND quant IS NOT NULL AND size > 0 "
            "AND path NOT LIKE '%-0000_-of-%' ORDER BY size, path LIMIT 1",
            [num],
        ).fetchone()
        first_parts = catalog.db.execute(
            "SELECT path FROM files WHERE num = ? AND quant IS NOT NULL AND path LIKE '%-00001-of-%' "
            "ORDER BY size, path LIMIT 1",
            [num],
        ).fetchone()
        path = tree[0] if tree else first_parts[0] if first_parts else _listed_file(quant_files)
        if path:
            found.append((repo_id, sha, path))
    return found


def _listed_file(quant_files: str | None) -> str | None:
    try:
        items = json.loads(quant_files) if quant_files else []
    except ValueError:
        return None
    paths: list[str] = [item["path"] for item in items if isinstance(item, dict) and isinstance(item.get("path"), str)]
    paths = [path for path in paths if "-of-" not in path or "-00001-of-" in path]
    return sorted(paths)[0] if paths else None


def sync_shapes(
    catalog: Catalog,
    hub: Hub,
    options: ShapeOptions,
    *,
    now: str,
    on_step: Callable[[ShapeReport], None] | None = None,
) -> ShapeReport:
    """Read shapes within the call budget and store them; never raises for a Hub fault (stops and says so)."""
    report = ShapeReport()
    budget = _Budget(hub, options.call_budget)
    step = on_step or (lambda _: None)
    in_a_row = 0
    config_cap = options.call_budget - int(options.call_budget * max(0.0, min(1.0, options.gguf_share)))
    try:
        for repo_id, sha in config_candidates(catalog):
            if budget.spent >= config_cap:
                break
            ok = _read_config(catalog, hub, budget, repo_id, sha, now, report)
            in_a_row = 0 if ok else in_a_row + 1
            step(report)
            if in_a_row >= options.max_failures:
                report.warnings.append(f"stopped reading config.json files after {in_a_row} failures in a row")
                break
        _inherit(catalog)
        in_a_row = 0
        for repo_id, sha, path in gguf_candidates(catalog):
            ok = _read_gguf(catalog, hub, budget, options, repo_id, sha, path, now, report)
            in_a_row = 0 if ok else in_a_row + 1
            step(report)
            if in_a_row >= options.max_failures:
                report.warnings.append(f"stopped reading GGUF headers after {in_a_row} failures in a row")
                break
    except _BudgetSpent:
        report.budget_left = False
    except (HubUnavailable, HubRateLimited) as error:
        report.warnings.append(f"shapes: {error}")
    except sqlite3.Error as error:  # a full disk: what was written stays, the sync goes on to finish
        if write_error(error) is None:
            raise
        report.warnings.append("shapes could not be written (disk full?)")
        report.calls = budget.spent
        return report
    report.calls = budget.spent
    _inherit(catalog)
    if report.configs or report.headers:  # views of the catalog reload with the new shapes
        with catalog.db.atomic():
            catalog.db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
    step(report)
    return report


def _read_config(
    catalog: Catalog, hub: Hub, budget: _Budget, repo_id: str, sha: str | None, now: str, report: ShapeReport
) -> bool:
    try:
        content = hub.file_bytes(repo_id, "config.json", sha, attempts=budget.attempts())
        config = json.loads(content[:MAX_CONFIG_BYTES])
        if not isinstance(config, dict):
            raise ValueError("config.json is not an object")
    except (HubUnavailable, HubRateLimited):
        if budget.left <= 0:
            raise _BudgetSpent() from None
        raise
    except (HubError, ValueError) as error:
        log.info("No readable config.json for %s: %s", repo_id, type(error).__name__)
        _store(catalog, repo_id, sha, "config.json", "missing", None, now)
        report.missing += 1
        return False
    shape = shape_from_config(config)
    _store(catalog, repo_id, sha, "config.json", "ok", shape, now)
    report.configs += 1
    return True


def _read_gguf(
    catalog: Catalog,
    hub: Hub,
    budget: _Budget,
    options: ShapeOptions,
    repo_id: str,
    sha: str | None,
    path: str,
    now: str,
    report: ShapeReport,
) -> bool:
    def fetch(first: int, last: int) -> bytes:
        return hub.file_bytes(repo_id, path, sha, (first, last), attempts=budget.attempts())

    source = f"gguf:{path}"
    try:
        header, _requests = read_header(fetch, options.gguf_header_bytes, options.gguf_header_max_bytes)
    except (HubUnavailable, HubRateLimited):
        if budget.left <= 0:
            raise _BudgetSpent() from None
        raise
    except (HubError, NotGGUF) as error:
        log.info("No readable GGUF header for %s/%s: %s", repo_id, path, type(error).__name__)
        _store(catalog, repo_id, sha, source, "missing", None, now)
        report.missing += 1
        return False
    shape = shape_from_gguf(header.metadata, header.params or None)
    _store(catalog, repo_id, sha, source, "ok" if shape.architecture else "missing", shape, now)
    report.headers += 1
    return True


def _store(
    catalog: Catalog,
    repo_id: str,
    sha: str | None,
    source: str,
    status: str,
    shape: ModelShape | None,
    now: str,
) -> None:
    """Record one result and put it on the model's row, in one transaction."""
    payload = json.dumps(shape.as_dict(), separators=(",", ":"), sort_keys=True) if shape else None
    db = catalog.db
    with db.atomic():
        db.execute(
            "INSERT OR REPLACE INTO shapes(id, sha, source, status, shape, fetched_at) VALUES (?, ?, ?, ?, ?, ?)",
            [repo_id, sha, source, status, payload, now],
        )
        if status == "ok" and shape is not None:
            _apply_own(catalog, repo_id, shape, payload or "{}", source)


def _apply_own(catalog: Catalog, repo_id: str, shape: ModelShape, payload: str, source: str) -> None:
    row = catalog.db.execute(
        f"SELECT num, inherited, params, params_source, {', '.join(SHAPE_COLUMNS)} FROM models WHERE id = ?",
        [repo_id],
    ).fetchone()
    if row is None:
        return
    num, inherited_json, params, params_source = row[:4]
    inherited = set(json.loads(inherited_json)) if inherited_json else set()
    # a config without geometry (a trimmed or custom one) leaves the row free to inherit its base's shape
    changes: dict[str, Any] = {"shape": payload, "shape_source": source} if shape.has_geometry else {}
    for name in SHAPE_COLUMNS:
        value = getattr(shape, name)
        if value is not None:
            changes[name] = value
            inherited.discard(name)
    if shape.has_geometry:
        inherited.discard("shape")
    if shape.params and (params is None or params_source in (None, "name")):
        changes["params"], changes["params_source"] = shape.params, "gguf header"
    changes["inherited"] = json.dumps(sorted(inherited)) if inherited else None
    assignments = ", ".join(f"{name} = ?" for name in changes)
    catalog.db.execute(f"UPDATE models SET {assignments} WHERE num = ?", [*changes.values(), num])


def reapply_shapes(catalog: Catalog) -> int:
    """Put every stored shape back on its model's row (after a sync rewrote rows from the listing), and
    clear shapes no longer backed by an own reading so that lineage can inherit them afresh."""
    db = catalog.db
    count = 0
    with db.atomic():
        db.execute(  # inherited shapes are inherited afresh (the base may have changed)
            "UPDATE models SET shape = NULL WHERE shape IS NOT NULL AND shape_source IS NULL"
        )
        db.execute(
            "UPDATE models SET shape = NULL, shape_source = NULL WHERE shape_source IS NOT NULL "
            "AND id NOT IN (SELECT id FROM shapes WHERE status = 'ok')"
        )
        rows = db.execute(
            "SELECT s.id, s.shape, s.source FROM shapes s JOIN models m ON m.id = s.id "
            "WHERE s.status = 'ok' AND ((m.shape IS NOT s.shape OR m.shape_source IS NOT s.source) "
            "AND s.shape LIKE '%\"n_layers\"%' OR m.n_layers IS NULL OR m.context_length IS NULL)"
        ).fetchall()
        for repo_id, payload, source in rows:
            shape = ModelShape.from_dict(json.loads(payload))
            _apply_own(catalog, repo_id, shape, payload, source)
            count += 1
    return count


def _inherit(catalog: Catalog) -> None:
    reapply_shapes(catalog)
    apply_known_bases(catalog)
    with catalog.db.atomic():
        catalog._apply_lineage()  # the catalog's own lineage pass, rerun with the new shapes
