"""The catalog's schema, as named migrations applied in order and recorded in `_migrations`.

An old catalog upgrades in place: each migration runs once, inside the transaction that records it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable

import sqlite_utils

# Columns a sync writes for every listed model, in staging and in `models` alike.
# (name, SQL type). JSON-valued columns hold compact JSON text.
MODEL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "TEXT NOT NULL COLLATE NOCASE"),
    ("author", "TEXT"),
    ("sha", "TEXT"),
    ("pipeline_tag", "TEXT"),
    ("library_name", "TEXT"),
    ("tags", "TEXT"),
    ("created_at", "TEXT"),
    ("last_modified", "TEXT"),
    ("gated", "INTEGER"),
    ("description", "TEXT"),
    ("card", "TEXT"),
    ("config", "TEXT"),
    ("safetensors", "TEXT"),
    ("gguf", "TEXT"),
    ("siblings", "TEXT"),
    ("params", "INTEGER"),
    ("params_source", "TEXT"),
    ("active_params", "INTEGER"),
    ("architecture", "TEXT"),
    ("family", "TEXT"),
    ("formats", "TEXT"),
    ("quant_files", "TEXT"),
    ("context_length", "INTEGER"),
    ("n_layers", "INTEGER"),
    ("n_kv_heads", "INTEGER"),
    ("head_dim", "INTEGER"),
    ("sliding_window", "INTEGER"),
    ("license", "TEXT"),
    ("license_name", "TEXT"),
    ("commercial_own", "TEXT"),
    ("base_models", "TEXT"),
    ("base_model", "TEXT COLLATE NOCASE"),
    ("relation", "TEXT"),
    ("kind", "TEXT"),
    ("tasks", "TEXT"),
    ("languages", "TEXT"),
    ("uncensored", "INTEGER"),
    ("weight_bits", "TEXT"),  # non-GGUF quantized repos: format, bits, weight bytes (index/weight_bits.py)
    ("hash", "TEXT"),
    # counters: refreshed on every sync, not part of the content hash
    ("downloads", "INTEGER"),
    ("downloads_all_time", "INTEGER"),
    ("likes", "INTEGER"),
    ("trending_score", "REAL"),
)
COUNTER_COLUMNS = ("downloads", "downloads_all_time", "likes", "trending_score")
# Large raw JSON kept beside the model in `model_details`, so `models` rows stay narrow: scans,
# filters and row updates touch a few hundred bytes per model, not the cards and file lists.
DETAIL_COLUMNS = ("card", "config", "safetensors", "gguf", "siblings", "quant_files")
NARROW_COLUMNS = tuple((name, kind) for name, kind in MODEL_COLUMNS if name not in DETAIL_COLUMNS)
CONTENT_COLUMNS = tuple(name for name, _ in NARROW_COLUMNS if name not in COUNTER_COLUMNS)

# Columns filled in by the catalog itself (lineage, trends, bookkeeping).
CATALOG_COLUMNS: tuple[tuple[str, str], ...] = (
    ("commercial", "TEXT"),
    ("inherited", "TEXT"),
    ("trend_3d", "REAL"),
    ("downloads_delta_3d", "INTEGER"),
    ("likes_delta_3d", "INTEGER"),
    ("tree_sha", "TEXT"),
    ("first_seen", "TEXT"),
    ("updated_at", "TEXT"),
)

JSON_COLUMNS = frozenset(
    {
        "tags",
        "card",
        "config",
        "safetensors",
        "gguf",
        "siblings",
        "formats",
        "quant_files",
        "base_models",
        "tasks",
        "languages",
        "inherited",
        "shape",
        "weight_bits",
    }
)


def _run(db: sqlite_utils.Database, script: str) -> None:
    """Run a script statement by statement (executescript would commit the open transaction)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement!r}")


def _columns_sql(columns: tuple[tuple[str, str], ...]) -> str:
    return ",\n    ".join(f"{name} {kind}" for name, kind in columns)


def create_staging(db: sqlite_utils.Database, schema: str) -> None:
    """The staging tables of a sync, in the attached database `schema` (a scratch file of its own:
    never in the catalog file, deleted when the sync ends, and by the next sync if one was killed)."""
    _run(
        db,
        f"""
CREATE TABLE IF NOT EXISTS {schema}.staging (
    {_columns_sql(MODEL_COLUMNS)}
);
CREATE UNIQUE INDEX IF NOT EXISTS {schema}.staging_id ON staging(id);
CREATE TABLE IF NOT EXISTS {schema}.staging_trees (
    id TEXT PRIMARY KEY COLLATE NOCASE,
    sha TEXT,
    files TEXT NOT NULL
);
""",
    )


def m001_create_models(db: sqlite_utils.Database) -> None:
    _run(
        db,
        f"""
CREATE TABLE models (
    num INTEGER PRIMARY KEY,
    {_columns_sql(NARROW_COLUMNS)},
    {_columns_sql(CATALOG_COLUMNS)}
);
CREATE UNIQUE INDEX models_id ON models(id);
CREATE INDEX models_downloads ON models(downloads);
CREATE INDEX models_base_model ON models(base_model);

CREATE TABLE model_details (
    num INTEGER PRIMARY KEY REFERENCES models(num),
    {", ".join(f"{name} TEXT" for name in DETAIL_COLUMNS)}
);
""",
    )


def m002_create_files(db: sqlite_utils.Database) -> None:
    _run(
        db,
        """
CREATE TABLE files (
    num INTEGER NOT NULL REFERENCES models(num),
    path TEXT NOT NULL,
    size INTEGER,
    quant TEXT,
    PRIMARY KEY (num, path)
) WITHOUT ROWID;
""",
    )


def m003_create_snapshots(db: sqlite_utils.Database) -> None:
    _run(
        db,
        """
CREATE TABLE snapshots (
    num INTEGER NOT NULL,
    day TEXT NOT NULL,
    downloads INTEGER,
    likes INTEGER,
    PRIMARY KEY (num, day)
) WITHOUT ROWID;
CREATE INDEX snapshots_day ON snapshots(day);
""",
    )


def m004_create_scores(db: sqlite_utils.Database) -> None:
    _run(
        db,
        """
CREATE TABLE scores (
    model_key TEXT NOT NULL,
    source TEXT NOT NULL,
    average REAL,
    details TEXT NOT NULL,
    name TEXT,
    imported_at TEXT,
    PRIMARY KEY (model_key, source)
) WITHOUT ROWID;
""",
    )


def m005_create_syncs_and_meta(db: sqlite_utils.Database) -> None:
    _run(
        db,
        """
CREATE TABLE syncs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    complete INTEGER NOT NULL DEFAULT 0,
    listed INTEGER DEFAULT 0,
    added INTEGER DEFAULT 0,
    updated INTEGER DEFAULT 0,
    dropped INTEGER DEFAULT 0,
    trees INTEGER DEFAULT 0,
    skipped INTEGER DEFAULT 0,
    message TEXT
);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES ('generation', '0');
""",
    )


def m006_create_fts(db: sqlite_utils.Database) -> None:
    # External-content FTS5 kept in step by triggers that fire only when an indexed column is
    # written, so refreshing download counts never touches the text index.
    _run(
        db,
        """
CREATE VIRTUAL TABLE models_fts USING fts5(
    id, author, tags, description,
    content='models', content_rowid='num',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER models_fts_insert AFTER INSERT ON models BEGIN
    INSERT INTO models_fts(rowid, id, author, tags, description)
    VALUES (new.num, new.id, new.author, new.tags, new.description);
END;
CREATE TRIGGER models_fts_delete AFTER DELETE ON models BEGIN
    INSERT INTO models_fts(models_fts, rowid, id, author, tags, description)
    VALUES ('delete', old.num, old.id, old.author, old.tags, old.description);
END;
CREATE TRIGGER models_fts_update AFTER UPDATE OF id, author, tags, description ON models BEGIN
    INSERT INTO models_fts(models_fts, rowid, id, author, tags, description)
    VALUES ('delete', old.num, old.id, old.author, old.tags, old.description);
    INSERT INTO models_fts(rowid, id, author, tags, description)
    VALUES (new.num, new.id, new.author, new.tags, new.description);
END;
""",
    )


def m007_models_num_never_reused(db: sqlite_utils.Database) -> None:
    """`models.num` becomes AUTOINCREMENT: a num freed by a dropped model is never handed to another one, so
    anything keyed by num outside the catalog (the search index's vectors) can never point at another model.

    SQLite cannot alter a key in place: the table is copied into one declared with AUTOINCREMENT (the
    columns as they are now, whatever earlier migrations added), then its indexes and triggers are made
    again. Nums keep their values, so `models_fts` (keyed by num) stays valid."""
    (table_sql,) = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'models'").fetchone()
    new_sql, count = re.subn(
        r"^CREATE TABLE models \(\s*num INTEGER PRIMARY KEY\b",
        "CREATE TABLE models_autoincrement (\n    num INTEGER PRIMARY KEY AUTOINCREMENT",
        table_sql,
    )
    if count != 1:
        raise ValueError(f"unexpected models table: {table_sql[:200]!r}")
    dependents = db.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'models' AND type IN ('index', 'trigger') AND sql IS NOT NULL"
    ).fetchall()
    db.execute(new_sql)
    db.execute("INSERT INTO models_autoincrement SELECT * FROM models")
    db.execute("DROP TABLE models")
    db.execute("ALTER TABLE models_autoincrement RENAME TO models")
    for (sql,) in dependents:
        db.execute(sql)


def m008_create_shapes(db: sqlite_utils.Database) -> None:
    """Model shapes read from config.json files and GGUF headers (index/shape_sync.py), one row per repo and
    the revision it was read at; `models.shape` holds the shape in use (own or inherited, see `inherited`)
    and `models.shape_source` where an own shape came from."""
    _run(
        db,
        """
CREATE TABLE shapes (
    id TEXT PRIMARY KEY COLLATE NOCASE,
    sha TEXT,
    source TEXT NOT NULL,
    status TEXT NOT NULL,
    shape TEXT,
    fetched_at TEXT NOT NULL
);
ALTER TABLE models ADD COLUMN shape TEXT;
ALTER TABLE models ADD COLUMN shape_source TEXT;
""",
    )


def m009_models_weight_bits(db: sqlite_utils.Database) -> None:
    """`models.weight_bits`: a GPTQ/AWQ/bnb/EXL2/MLX repo's format, bits per weight and weight bytes (JSON), derived
    at sync like every content column; NULL until the next sync rewrites the row. A catalog created after the
    column joined MODEL_COLUMNS already has it (m001 builds `models` from the current columns)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(models)").fetchall()}
    if "weight_bits" not in columns:
        db.execute("ALTER TABLE models ADD COLUMN weight_bits TEXT")


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (
    m001_create_models,
    m002_create_files,
    m003_create_snapshots,
    m004_create_scores,
    m005_create_syncs_and_meta,
    m006_create_fts,
    m007_models_num_never_reused,
    m008_create_shapes,
    m009_models_weight_bits,
)


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations not yet applied; return their names."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    done = {row[0] for row in db.execute("SELECT name FROM _migrations").fetchall()}
    applied = []
    for migration in MIGRATIONS:
        name = migration.__name__
        if name in done:
            continue
        with db.atomic():
            migration(db)
            db.execute(
                "INSERT INTO _migrations(name, applied_at) VALUES (?, datetime('now'))",
                [name],
            )
        applied.append(name)
    return applied
