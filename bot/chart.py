"""A comparison as a PNG bar chart (matplotlib, no display): memory at Q4_K_M and the leaderboard score."""

from __future__ import annotations

import io
from typing import Any

CHART_ROWS = (("memory_q4_k_m_gb", "memory at Q4_K_M, GB (4k context)"), ("score_open_llm_v2", "Open LLM v2 average"))


def compare_png(table: dict[str, Any]) -> bytes | None:
    """PNG bytes, or None when no row has numbers to draw."""
    rows = [
        (key, title) for key, title in CHART_ROWS if any(isinstance(v, int | float) for v in table["rows"].get(key, []))
    ]
    if not rows:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    names = [model_id.rpartition("/")[2][:28] for model_id in table["models"]]
    figure, axes = pyplot.subplots(len(rows), 1, figsize=(7, 2.4 * len(rows)), squeeze=False)
    try:
        for axis, (key, title) in zip(axes[:, 0], rows, strict=True):
            values = [value if isinstance(value, int | float) else 0 for value in table["rows"][key]]
            bars = axis.barh(names, values, color="#7b2d43")
            best = table["best"].get(key)
            if best is not None:
                bars[best].set_color("#2e8b57")
            axis.set_title(title, fontsize=10)
            axis.invert_yaxis()
            axis.bar_label(bars, fmt="%.1f", fontsize=8, padding=2)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110)
        return buffer.getvalue()
    finally:
        pyplot.close(figure)
