"""The catalog in SQLite: staging a sync, applying it in one transaction, and reading it back.

A sync writes what it lists into `staging` (a scratch database attached for the sync, so the
catalog file is not touched and other writers are not blocked), then `apply()` moves it into
`models` in a single transaction. With WAL, readers see
the old catalog or the new one, never half of each; a process killed at any point leaves the last
committed catalog.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from .derive import stricter
from .errors import CatalogBusy, CatalogCorrupt, CatalogError, CatalogWriteFailed
from .quants import is_model_gguf, quant_of
from .renames import CatalogIds, renamed_base
from .schema import (
    CONTENT_COLUMNS,
    COUNTER_COLUMNS,
    DETAIL_COLUMNS,
    JSON_COLUMNS,
    MODEL_COLUMNS,
    NARROW_COLUMNS,
    create_staging,
    migrate,
)
from .shapes import shape_provenance

STAGING_COLUMNS = tuple(name for name, _ in MODEL_COLUMNS)
_INSERT_STAGING = (
    f"INSERT OR REPLACE INTO staging ({', '.join(STAGING_COLUMNS)}) VALUES ({', '.join('?' for _ in STAGING_COLUMNS)})"
)
# Fields a quantized copy or fine-tune takes from its base model when it does not state them.
_WORD_SPLIT = re.compile(r"[^\w]+")

INHERITED_FIELDS = (
    "family",
    "architecture",
    "params",
    "active_params",
    "context_length",
    "n_layers",
    "n_kv_heads",
    "head_dim",
    "sliding_window",
    "shape",
)


@dataclass(frozen=True, slots=True)
class ApplyResult:
    added: int
    updated: int
    dropped: int
    trees: int
    total: int
    generation: int


class Catalog:
    """The model catalog. Open one per process; it is not shared across threads by default."""

    def __init__(self, path: str | Path, *, check_same_thread: bool = True, cache_mb: int = 128) -> None:
        self.path = Path(path)
        self._staging = False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(str(self.path), check_same_thread=check_same_thread, isolation_level=None)
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA cache_size = -{cache_mb * 1024}")
            self.db = sqlite_utils.Database(conn)
            migrate(self.db)
            conn.create_function("lineage_class", 3, _lineage_class, deterministic=True)
        except sqlite3.DatabaseError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise CatalogBusy() from error
            raise CatalogCorrupt(f"The catalog file {self.path} is damaged: {error}") from error

    def close(self) -> None:
        self.end_staging()
        self.db.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the sync lock -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def sync_lock(self) -> Iterator[None]:
        """One sync at a time per catalog file; released by the OS if the process dies."""
        lock_path = self.path.with_name(self.path.name + ".sync-lock")
        handle = open(lock_path, "a+")  # noqa: SIM115 - held for the duration of the block
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as error:
                raise CatalogBusy() from error
            yield
        finally:
            handle.close()

    # -- staging -----------------------------------------------------------------------------------
    @property
    def staging_path(self) -> Path:
        return self.path.with_name(self.path.name + ".staging")

    def begin_staging(self) -> None:
        """Fresh, empty staging tables. Only a sync holding the sync lock calls this, so a file
        left by a killed sync can be removed."""
        self.end_staging()
        self._remove_staging_files()
        self.db.execute("ATTACH DATABASE ? AS stage", [str(self.staging_path)])
        self.db.execute("PRAGMA stage.journal_mode = OFF")
        self.db.execute("PRAGMA stage.synchronous = OFF")
        create_staging(self.db, "stage")
        self._staging = True

    def end_staging(self) -> None:
        """Drop this connection's staging tables: detach the scratch database and delete its file."""
        if self._staging:
            self.db.execute("DETACH DATABASE stage")
            self._staging = False
            self._remove_staging_files()

    def _remove_staging_files(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self.staging_path}{suffix}").unlink(missing_ok=True)

    def stage(self, rows: Sequence[Sequence[Any]]) -> None:
        """Write rows (values in STAGING_COLUMNS order) into staging, in one short transaction."""
        if not self._staging:
            self.begin_staging()
        with self.db.atomic():
            self.db.conn.executemany(_INSERT_STAGING, rows)

    def staged_count(self) -> int:
        if not self._staging:
            return 0
        return int(self.db.execute("SELECT count(*) FROM staging").fetchone()[0])

    def unstaged_count(self) -> int:
        """Catalog models absent from staging: those a complete sync would drop."""
        if not self._staging:
            return self.count()
        return int(
            self.db.execute("SELECT count(*) FROM models WHERE id NOT IN (SELECT id FROM staging)").fetchone()[0]
        )

    def keep_top_staged(self, limit: int) -> None:
        """Keep only the `limit` most downloaded staged models."""
        with self.db.atomic():
            self.db.execute(
                "DELETE FROM staging WHERE id NOT IN (SELECT id FROM staging ORDER BY downloads DESC, id LIMIT ?)",
                [limit],
            )

    def drop_staged_below(self, min_downloads: int, stale_before: str, stale_min_downloads: int) -> int:
        """Remove staged models below the thresholds: too few downloads, or stale and little used."""
        with self.db.atomic():
            cursor = self.db.execute(
                "DELETE FROM staging WHERE coalesce(downloads, 0) < ? "
                "OR (coalesce(last_modified, created_at) < ? AND coalesce(downloads, 0) < ?)",
                [min_downloads, stale_before, stale_min_downloads],
            )
        return int(cursor.rowcount)

    def tree_candidates(self, top_n: int, new_max: int) -> list[tuple[str, str | None]]:
        """GGUF repos whose file tree should be fetched: the top N by downloads, plus up to `new_max`
        repos new since the last sync (none on a first sync, when everything is new), skipping
        those whose tree is already known for the listed revision."""
        first_sync = self.count() == 0
        rows = self.db.execute(
            """
            WITH ranked AS (
                SELECT s.id, s.sha, m.num AS num, m.tree_sha AS tree_sha,
                       row_number() OVER (ORDER BY s.downloads DESC, s.id) AS rank,
                       row_number() OVER (PARTITION BY m.num IS NULL ORDER BY s.downloads DESC, s.id) AS new_rank
                FROM staging s LEFT JOIN models m ON m.id = s.id
                WHERE s.formats LIKE '%"gguf"%'
            )
            SELECT id, sha FROM ranked
            WHERE (tree_sha IS NULL OR tree_sha IS NOT sha)
              AND (rank <= :top OR (num IS NULL AND NOT :first AND new_rank <= :new_max))
            ORDER BY rank
            """,
            {"top": top_n, "first": first_sync, "new_max": new_max},
        ).fetchall()
        return [(row[0], row[1]) for row in rows]

    def stage_tree(self, repo_id: str, sha: str | None, files: Iterable[tuple[str, int | None]]) -> None:
        payload = json.dumps([[path, size] for path, size in files], separators=(",", ":"))
        if not self._staging:
            self.begin_staging()
        with self.db.atomic():
            self.db.execute(
                "INSERT OR REPLACE INTO staging_trees(id, sha, files) VALUES (?, ?, ?)",
                [repo_id, sha, payload],
            )

    # -- apply -------------------------------------------------------------------------------------
    def apply(self, *, complete: bool, now: str, day: str, history_days: int) -> ApplyResult:
        """Move staging into the catalog in one transaction.

        complete: the listing was walked to its end, so models absent from it are dropped.
        now: ISO timestamp of this sync; day: its UTC date (YYYY-MM-DD) for the snapshot.
        """
        run = self.db.execute
        with self.db.atomic():
            added = run("SELECT count(*) FROM staging WHERE id NOT IN (SELECT id FROM models)").fetchone()[0]
            updated = run(
                "SELECT count(*) FROM staging s JOIN models m ON m.id = s.id WHERE m.hash IS NOT s.hash"
            ).fetchone()[0]
            dropped = 0
            if complete:
                gone = "SELECT num FROM models WHERE id NOT IN (SELECT id FROM staging)"
                run(f"DELETE FROM files WHERE num IN ({gone})")
                run(f"DELETE FROM snapshots WHERE num IN ({gone})")
                run(f"DELETE FROM model_details WHERE num IN ({gone})")
                dropped = run("DELETE FROM models WHERE id NOT IN (SELECT id FROM staging)").rowcount
            columns = ", ".join(name for name, _ in NARROW_COLUMNS)
            content_updates = ", ".join(f"{name} = excluded.{name}" for name in CONTENT_COLUMNS)
            run(
                f"""
                INSERT INTO models ({columns}, commercial, first_seen, updated_at)
                SELECT {columns}, commercial_own, :now, :now FROM staging s
                WHERE NOT EXISTS (SELECT 1 FROM models m WHERE m.id = s.id AND m.hash = s.hash)
                ON CONFLICT(id) DO UPDATE SET {content_updates}, updated_at = excluded.updated_at,
                    commercial = excluded.commercial, inherited = NULL
                WHERE models.hash IS NOT excluded.hash
                """,
                {"now": now},
            )
            details = ", ".join(DETAIL_COLUMNS)
            run(
                f"""
                INSERT OR REPLACE INTO model_details (num, {details})
                SELECT m.num, {", ".join(f"s.{name}" for name in DETAIL_COLUMNS)}
                FROM staging s JOIN models m ON m.id = s.id WHERE m.updated_at = :now
                """,
                {"now": now},
            )
            counter_updates = ", ".join(f"{name} = s.{name}" for name in COUNTER_COLUMNS)
            counter_changed = " OR ".join(f"models.{name} IS NOT s.{name}" for name in COUNTER_COLUMNS)
            run(f"UPDATE models SET {counter_updates} FROM staging s WHERE s.id = models.id AND ({counter_changed})")
            trees = self._apply_trees()
            self._snapshot(day, history_days)
            self._resolve_renamed_bases()
            self._apply_lineage()
            generation = int(run("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0]) + 1
            run("UPDATE meta SET value = ? WHERE key = 'generation'", [str(generation)])
            total = run("SELECT count(*) FROM models").fetchone()[0]
        self.end_staging()
        return ApplyResult(added, updated, dropped, trees, total, generation)

    def _apply_trees(self) -> int:
        count = 0
        for repo_id, sha, payload in self.db.execute("SELECT id, sha, files FROM staging_trees").fetchall():
            row = self.db.execute("SELECT num FROM models WHERE id = ?", [repo_id]).fetchone()
            if row is None:
                continue
            num = row[0]
            self.db.execute("DELETE FROM files WHERE num = ?", [num])
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO files(num, path, size, quant) VALUES (?, ?, ?, ?)",
                [
                    (num, path, size, quant_of(path) if is_model_gguf(path) else None)
                    for path, size in json.loads(payload)
                ],
            )
            self.db.execute("UPDATE models SET tree_sha = ? WHERE num = ?", [sha, num])
            count += 1
        return count

    def _snapshot(self, day: str, history_days: int) -> None:
        run = self.db.execute
        run(
            "INSERT OR REPLACE INTO snapshots(num, day, downloads, likes) "
            "SELECT m.num, ?, m.downloads, m.likes FROM models m JOIN staging s ON s.id = m.id",
            [day],
        )
        cutoff = (date.fromisoformat(day) - timedelta(days=history_days)).isoformat()
        run("DELETE FROM snapshots WHERE day < ?", [cutoff])
        three_days_ago = (date.fromisoformat(day) - timedelta(days=3)).isoformat()
        # Baseline: the latest snapshot at least 3 days old, else the oldest one before today.
        run(
            """
            WITH base AS (
                SELECT s.num,
                    coalesce(
                        (SELECT day FROM snapshots b WHERE b.num = s.num AND b.day <= :old
                         ORDER BY day DESC LIMIT 1),
                        (SELECT day FROM snapshots b WHERE b.num = s.num AND b.day < :today
                         ORDER BY day LIMIT 1)
                    ) AS base_day
                FROM snapshots s WHERE s.day = :today
            ),
            deltas AS (
                SELECT base.num, now.downloads - old.downloads AS dd, now.likes - old.likes AS dl,
                       old.downloads AS old_downloads
                FROM base
                JOIN snapshots now ON now.num = base.num AND now.day = :today
                LEFT JOIN snapshots old ON old.num = base.num AND old.day = base.base_day
            )
            UPDATE models SET downloads_delta_3d = deltas.dd, likes_delta_3d = deltas.dl,
                trend_3d = CASE WHEN deltas.dd IS NULL THEN NULL
                    ELSE round(CAST(deltas.dd AS REAL) / max(coalesce(deltas.old_downloads, 0), 1), 4) END
            FROM deltas WHERE deltas.num = models.num
            """,
            {"today": day, "old": three_days_ago},
        )

    def _resolve_renamed_bases(self) -> int:
        """Point `base_model` at the catalog repo a renamed base now lives under (index/renames.py), so that a quant
        naming meta-llama/Meta-Llama-3.1-8B-Instruct joins meta-llama/Llama-3.1-8B-Instruct and inherits from it.
        The id the card states stays first in `base_models`; a row whose stated base is in the catalog again, or
        whose new name has left it, is resolved afresh from it. Returns how many rows changed."""
        run = self.db.execute
        stated = "json_extract(m.base_models, '$[0]')"
        rows = run(
            f"""
            SELECT m.num, m.base_model, coalesce({stated}, m.base_model) FROM models m
            WHERE m.base_model IS NOT NULL AND (m.base_model IS NOT {stated}
                OR NOT EXISTS (SELECT 1 FROM models b WHERE b.id = m.base_model))
            """
        ).fetchall()
        if not rows:
            return 0
        ids = CatalogIds(
            (model_id, json.loads(bases) if bases else ())
            for model_id, bases in run("SELECT id, base_models FROM models")
        )
        updates = []
        for num, current, named in rows:
            target = named if named in ids else renamed_base(named, ids) or named
            if target != current:
                updates.append((target, num))
        self.db.conn.executemany("UPDATE models SET base_model = ? WHERE num = ?", updates)
        return len(updates)

    def _apply_lineage(self) -> None:
        """Licence class from the base model (the stricter of the two) and missing fields inherited
        from the base, two levels deep (a quant of a fine-tune of a base). Only rows that need a
        change leave SQLite, so an unchanged catalog costs one scan."""
        run = self.db.execute
        has_base = "EXISTS (SELECT 1 FROM models b WHERE b.id = models.base_model AND b.num != models.num)"
        # a class taken from a known base outside the catalog (index/lineage.py) is marked inherited "license"
        run(
            "UPDATE models SET commercial = commercial_own WHERE commercial IS NOT commercial_own "
            f"AND NOT {has_base} AND coalesce(inherited, '') NOT LIKE '%\"license\"%'"
        )
        fields = ", ".join(f"m.{name}, b.{name}" for name in INHERITED_FIELDS)
        missing = " OR ".join(f"(m.{name} IS NULL AND b.{name} IS NOT NULL)" for name in INHERITED_FIELDS)
        for _ in range(2):
            rows = run(
                f"""
                SELECT m.num, m.license, m.commercial_own, b.commercial, m.commercial, m.inherited, {fields}
                FROM models m JOIN models b ON b.id = m.base_model AND b.num != m.num
                WHERE m.commercial IS NOT lineage_class(m.license, m.commercial_own, b.commercial)
                   OR (m.license IS NULL AND b.commercial IS NOT NULL
                       AND coalesce(m.inherited, '') NOT LIKE '%"license"%')
                   OR {missing}
                """
            ).fetchall()
            updates = []
            for row in rows:
                num, own_license, own_class, base_class, current, inherited_json = row[:6]
                values = row[6:]
                inherited = set(json.loads(inherited_json)) if inherited_json else set()
                changes: dict[str, Any] = {}
                effective = _lineage_class(own_license, own_class, base_class)
                if (own_license is None or own_class == "unknown") and base_class is not None:
                    inherited.add("license")
                if effective != current:
                    changes["commercial"] = effective
                for index, name in enumerate(INHERITED_FIELDS):
                    mine, theirs = values[2 * index], values[2 * index + 1]
                    if mine is None and theirs is not None:
                        changes[name] = theirs
                        inherited.add(name)
                if changes or (inherited and not inherited_json):
                    changes["inherited"] = json.dumps(sorted(inherited))
                    updates.append((num, changes))
            if not updates:
                break
            # one statement per set of changed columns, each run over all its rows at once
            by_columns: dict[tuple[str, ...], list[list[Any]]] = {}
            for num, changes in updates:
                by_columns.setdefault(tuple(changes), []).append([*changes.values(), num])
            for names, values in by_columns.items():
                assignments = ", ".join(f"{name} = ?" for name in names)
                self.db.conn.executemany(f"UPDATE models SET {assignments} WHERE num = ?", values)

    # -- syncs and meta ----------------------------------------------------------------------------
    def generation(self) -> int:
        return int(self.db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])

    def start_sync(self, now: str) -> int:
        with self.db.atomic():
            # a run still marked running was killed: the caller holds the sync lock
            self.db.execute("UPDATE syncs SET status = 'abandoned' WHERE status = 'running'")
            cursor = self.db.execute(
                "INSERT INTO syncs(started_at, status) VALUES (?, 'running')",
                [now],
            )
        return int(cursor.lastrowid or 0)

    def finish_sync(self, sync_id: int, now: str, status: str, **figures: Any) -> None:
        allowed = {"complete", "listed", "added", "updated", "dropped", "trees", "skipped", "message"}
        values = {key: value for key, value in figures.items() if key in allowed}
        assignments = "".join(f", {key} = :{key}" for key in values)
        with self.db.atomic():
            self.db.execute(
                f"UPDATE syncs SET finished_at = :now, status = :status{assignments} WHERE id = :id",
                {"now": now, "status": status, "id": sync_id, **values},
            )

    def last_sync(self) -> dict[str, Any] | None:
        rows = list(self.db.query("SELECT * FROM syncs WHERE status = 'ok' ORDER BY id DESC LIMIT 1"))
        return rows[0] if rows else None

    # -- scores ------------------------------------------------------------------------------------
    def replace_scores(self, source: str, rows: Iterable[tuple[str, float | None, str, str]], now: str) -> int:
        """Replace every score of one source: rows of (model id, average, details JSON, display name)."""
        with self.db.atomic():
            self.db.execute("DELETE FROM scores WHERE source = ?", [source])
            cursor = self.db.conn.executemany(
                "INSERT OR REPLACE INTO scores(model_key, source, average, details, name, imported_at) "
                "VALUES (lower(?), ?, ?, ?, ?, ?)",
                [(model_id, source, average, details, name, now) for model_id, average, details, name in rows],
            )
        return int(cursor.rowcount)

    def ids_and_names(self) -> list[tuple[str, int]]:
        """Every model id with its downloads, for matching leaderboard names."""
        return [(row[0], row[1] or 0) for row in self.db.execute("SELECT id, downloads FROM models")]

    # -- reading -----------------------------------------------------------------------------------
    def briefs(self, model_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """A few columns per id (family, params, kind, downloads), in one query, keyed by lower-case id."""
        if not model_ids:
            return {}
        placeholders = ", ".join("?" for _ in model_ids)
        rows = self.db.query(
            f"SELECT id, family, params, kind, downloads FROM models WHERE id IN ({placeholders})", list(model_ids)
        )
        return {row["id"].lower(): row for row in rows}

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM models").fetchone()[0])

    def model(self, model_id: str) -> dict[str, Any] | None:
        """Every stored and derived field of one model (JSON columns decoded), its files with
        sizes, its scores, its recent history and the counts of models derived from it."""
        rows = list(
            self.db.query(
                "SELECT m.*, "
                + ", ".join(f"d.{name}" for name in DETAIL_COLUMNS)
                + " FROM models m LEFT JOIN model_details d ON d.num = m.num WHERE m.id = ?",
                [model_id.strip()],
            )
        )
        if not rows:
            return None
        record = {key: _decode(key, value) for key, value in rows[0].items()}
        record["gated"] = bool(record["gated"]) if record["gated"] is not None else None
        record["uncensored"] = bool(record["uncensored"])
        record["shape_fields"] = shape_provenance(record)  # each shape field and where it came from
        record["files"] = self.files(record)
        record["scores"] = self.scores(record["id"], record.get("base_model"))
        record["history"] = [
            {"day": day, "downloads": downloads, "likes": likes}
            for day, downloads, likes in self.db.execute(
                "SELECT day, downloads, likes FROM snapshots WHERE num = ? ORDER BY day", [record["num"]]
            )
        ]
        record["derived_counts"] = {
            relation or "finetune": count
            for relation, count in self.db.execute(
                "SELECT relation, count(*) FROM models WHERE base_model = ? GROUP BY relation", [record["id"]]
            )
        }
        return record

    def files(self, record: dict[str, Any]) -> list[dict[str, Any]]:
        """GGUF files with sizes: the fetched tree when it matches the current revision; otherwise
        the listed file names, with sizes from an older tree where the same path existed."""
        tree = {
            path: (size, quant)
            for path, size, quant in self.db.execute(
                "SELECT path, size, quant FROM files WHERE num = ? ORDER BY path", [record["num"]]
            )
        }
        if tree and record.get("tree_sha") == record.get("sha"):
            files = [{"path": path, "size": size, "quant": quant} for path, (size, quant) in tree.items() if quant]
            return sorted(files, key=lambda item: (item["size"] or 0, item["path"]))
        listed = record.get("quant_files") or []
        return [
            {
                "path": item.get("path"),
                "size": item.get("size") or tree.get(item.get("path"), (None, None))[0],
                "quant": item.get("quant"),
            }
            for item in listed
            if isinstance(item, dict)
        ]

    def scores(self, model_id: str, base_model: str | None = None) -> dict[str, Any]:
        """Scores by source; a model without its own takes its base model's, marked inherited."""
        found: dict[str, Any] = {}
        for key, inherited in ((model_id, False), (base_model, True)):
            if not key:
                continue
            for source, average, details, name in self.db.execute(
                "SELECT source, average, details, name FROM scores WHERE model_key = lower(?)", [key]
            ):
                if source in found:
                    continue
                found[source] = {
                    "average": average,
                    "details": json.loads(details),
                    "name": name,
                    "inherited_from": key if inherited else None,
                }
        return found

    def search_names(self, text: str, limit: int = 20) -> list[str]:
        """Ids whose id, author, tags or description contain the words of `text` as a phrase,
        most downloaded first: "mistral-7b" finds every Mistral-7B repo."""
        words = [word for word in _WORD_SPLIT.split(text.lower()) if word]
        if not words:
            return []
        phrase = '"' + " ".join(word.replace('"', "") for word in words) + '"'
        try:
            rows = self.db.execute(
                "SELECT m.id FROM models_fts f JOIN models m ON m.num = f.rowid "
                "WHERE models_fts MATCH ? ORDER BY m.downloads DESC LIMIT ?",
                [phrase, limit],
            ).fetchall()
        except sqlite3.OperationalError:
            return []
        return [row[0] for row in rows]

    def stats(self) -> dict[str, Any]:
        run = self.db.execute
        figures: dict[str, Any] = {
            "models": self.count(),
            "generation": self.generation(),
            "gguf_repos_with_sizes": run("SELECT count(DISTINCT num) FROM files").fetchone()[0],
            "quant_files_with_sizes": run("SELECT count(*) FROM files WHERE quant IS NOT NULL").fetchone()[0],
            "scored_models": run(
                "SELECT count(DISTINCT m.num) FROM models m JOIN scores s ON s.model_key = lower(m.id)"
            ).fetchone()[0],
            "snapshot_days": run("SELECT count(DISTINCT day) FROM snapshots").fetchone()[0],
        }
        for column in ("family", "commercial", "kind"):
            figures[f"by_{column}"] = {
                (value or "unknown"): count
                for value, count in run(
                    f"SELECT {column}, count(*) AS n FROM models GROUP BY {column} ORDER BY n DESC LIMIT 15"
                )
            }
        figures["last_sync"] = self.last_sync()
        figures["file_bytes"] = sum(
            os.path.getsize(p) for p in (self.path, Path(f"{self.path}-wal")) if os.path.exists(p)
        )
        return figures


# SQLite's result codes for a write the disk refused, and what the admin is told.
_WRITE_FAILURES = (
    ("SQLITE_FULL", "database or disk is full", "the disk is full"),
    ("SQLITE_IOERR", "disk i/o error", "a disk I/O error"),
    ("SQLITE_READONLY", "readonly database", "the catalog file is read-only"),
    ("SQLITE_CANTOPEN", "unable to open database file", "a file could not be created"),
)


def write_error(error: sqlite3.Error) -> CatalogError | None:
    """The CatalogError for a SQLite error the disk or another process caused (disk full, I/O error,
    read-only file, a lock held too long, a damaged file); None for any other error (a bug: let it raise)."""
    name = str(getattr(error, "sqlite_errorname", "") or "")
    text = str(error).lower()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return CatalogBusy()
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text:
        return CatalogCorrupt()
    for code, words, cause in _WRITE_FAILURES:
        if name.startswith(code) or words in text:
            return CatalogWriteFailed(f"The catalog could not be written ({cause}); nothing was changed")
    return None


def _decode(key: str, value: Any) -> Any:
    if key in JSON_COLUMNS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _lineage_class(own_license: str | None, own_class: str, base_class: str | None) -> str:
    """A model's commercial-use class given its base model's: a model stating no licence is bound by
    its base's; one that states a licence by the stricter of the two."""
    if base_class is None:
        return own_class
    if own_license is None or own_class == "unknown":  # "other" with no name says nothing: the base binds
        return base_class
    return stricter(own_class, base_class)  # type: ignore[arg-type]
