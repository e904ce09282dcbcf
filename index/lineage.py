"""Lineage beyond the catalog: the licence class of a model whose base model is not in the catalog, from
configs/base_licenses.toml (the licences of well-known bases: Llama, Gemma, DeepSeek, Phi, Mistral, Qwen ...).

A fine-tune, quant or merge is bound by its base's licence (PRODUCT.md). The catalog's own lineage pass
(`Catalog._apply_lineage`) covers bases it holds; a base that is gated, not text-generation or below the sync's
thresholds is not there, and its descendants would stay "unknown" when their cards state no licence. Run before
the catalog's pass, so that a model two steps away from such a base inherits through the one in between.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path

from .licenses import license_class
from .store import Catalog, _lineage_class

BASE_LICENSES = Path(__file__).resolve().parent.parent / "configs" / "base_licenses.toml"


@dataclass(frozen=True, slots=True)
class KnownBase:
    pattern: str
    license: str
    license_name: str | None
    source: str


@cache
def known_bases(path: Path = BASE_LICENSES) -> tuple[KnownBase, ...]:
    try:
        with path.open("rb") as handle:
            rows = tomllib.load(handle).get("base", [])
    except OSError:
        return ()
    return tuple(
        KnownBase(str(row["pattern"]).lower(), str(row["license"]), row.get("license_name"), str(row.get("source")))
        for row in rows
        if isinstance(row, dict) and row.get("pattern") and row.get("license")
    )


def known_base(base_id: str) -> KnownBase | None:
    lower = base_id.lower()
    return next((base for base in known_bases() if fnmatchcase(lower, base.pattern)), None)


def apply_known_bases(catalog: Catalog) -> int:
    """Give models whose base is not in the catalog the class their base's known licence implies (the stricter
    of the two when they state their own); returns how many rows changed."""
    rows = catalog.db.execute(
        """
        SELECT m.num, m.base_model, m.license, m.commercial_own, m.commercial, m.inherited FROM models m
        WHERE m.base_model IS NOT NULL AND NOT EXISTS (SELECT 1 FROM models b WHERE b.id = m.base_model)
        """
    ).fetchall()
    updates = []
    for num, base_id, own_license, own_class, current, inherited_json in rows:
        base = known_base(base_id)
        if base is None:
            continue
        effective = _lineage_class(own_license, own_class, license_class(base.license, base.license_name))
        if effective == current:
            continue
        inherited = set(json.loads(inherited_json)) if inherited_json else set()
        if own_license is None or own_class == "unknown":
            inherited.add("license")
        updates.append((effective, json.dumps(sorted(inherited)) if inherited else None, num))
    if updates:
        with catalog.db.atomic():
            catalog.db.conn.executemany("UPDATE models SET commercial = ?, inherited = ? WHERE num = ?", updates)
    return len(updates)
