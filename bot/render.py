"""Answers as Telegram HTML (every Hub-provided string escaped) or plain text, split under Telegram's limit.

A rendered answer is a list of blocks; each block's tags open and close inside it, so messages are cut only
between blocks (or between lines of an oversized block) and every message is valid HTML on its own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

from recommender.reasons import Reason
from recommender.recommend import Answer, Result
from recommender.related import TOP_LISTS

from .texts import FIT_LEVELS, REASONS, RELAXED_NAMES, say

MESSAGE_LIMIT = 4096
_TAG_RE = re.compile(r"<[^>]+>")
_LINK_RE = re.compile(r'<a href="([^"]*)">(.*?)</a>')


def esc(value: object) -> str:
    """Text for Telegram HTML: &, < and > escaped (quotes too, for attribute values)."""
    return html.escape(str(value), quote=True)


def link(url: str, text: str) -> str:
    return f'<a href="{esc(url)}">{esc(text)}</a>'


def split_blocks(blocks: Iterable[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Messages of whole blocks joined by blank lines, each at most `limit` characters; a block longer than
    the limit is cut between its lines (its lines are self-contained), a line longer than that is cut hard
    (plain text only reaches that: rendered lines are short)."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        pieces = [block] if len(block) <= limit else _cut(block, limit)
        for piece in pieces:
            candidate = f"{current}\n\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages or [""]


def _cut(block: str, limit: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for line in block.split("\n"):
        while len(line) > limit:
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = line
    if current:
        pieces.append(current)
    return pieces


def strip_tags(text: str) -> str:
    """Plain text from our own rendered HTML (for the terminal): links keep their address, "text (URL)"."""
    return html.unescape(_TAG_RE.sub("", _LINK_RE.sub(r"\2 (\1)", text)))


# -- reasons -----------------------------------------------------------------------------------------------
def _context_text(tokens: int) -> str:
    return f"{tokens // 1024}k" if tokens >= 1024 and tokens % 1024 == 0 else f"{tokens:,}"


def reason_text(reason: Reason, lang: str) -> str:
    """One reason in words (plain text: escape it for HTML)."""
    words = REASONS.get(lang, REASONS["en"])
    values = reason.values
    if reason.code == "fits":
        level = values["level"]
        where = FIT_LEVELS.get(lang, FIT_LEVELS["en"]).get(level, level)
        if values["kind"] == "unified":
            where = words["on_gpu"] if level == "gpu" else FIT_LEVELS.get(lang, FIT_LEVELS["en"])["cpu"]
        usable = words["usable"].format(**values) if values.get("usable_gb") else ""
        if level == "no":
            return words["fits_no"].format(
                **{**values, "context": _context_text(values["context"]), "kind": words[values["kind"]]}, usable=usable
            )
        if level == "partial" and values.get("offload_gb") is not None:
            return words["fits_offload"].format(**{**values, "context": _context_text(values["context"])})
        return words["fits"].format(
            **{**values, "context": _context_text(values["context"]), "kind": words[values["kind"]]},
            usable=usable,
            where=where,
        )
    if reason.code == "license":
        commercial = words.get(f"c_{values['commercial']}", str(values["commercial"]))
        return words["license"].format(license=values["license"] or words["no_license"], commercial=commercial)
    if reason.code == "speed":
        extra = (words["speed_assumed"] if values["assumed"] else "") + (
            words["speed_offloaded"] if values.get("offloaded") else ""
        )
        return words["speed"].format(**{**values, "assumed": extra})
    if reason.code == "score":
        label = words.get(values["source"], words["arena"])
        origin = words["inherited"] if values["inherited"] else ""
        return words["score"].format(label=label, average=values["average"], origin=origin)
    return words[reason.code].format(**values)


def note_of(data: dict[str, Any]) -> Reason:
    """A reason back from its JSON form ({"code": ..., values...})."""
    values = dict(data)
    return Reason(values.pop("code"), values)


def why_lines(result: Result, lang: str) -> list[str]:
    return [reason_text(reason, lang) for reason in result.reasons]


# -- answers -----------------------------------------------------------------------------------------------
def result_block(position: int, result: Result, lang: str) -> str:
    model, download = result.model, result.download
    size = f"{model.params / 1e9:.1f}B" if model.params else "?"
    better = result.better
    reasons = why_lines(result, lang)
    lines = [
        f"<b>{position}. {link(model.url, model.id)}</b> · {esc(model.family or '?')} · {esc(size)}"
        + (f" · ✅ {esc(say(lang, 'better'))}" if better else "")
    ]
    if download is not None:
        target = esc(download.repo) + (f" → <code>{esc(download.file)}</code>" if download.file else "")
        if download.size_bytes:
            target += f" ({download.size_bytes / 1e9:.1f} GB)"
        lines.append(f"⬇️ {esc(say(lang, 'download'))}: {target}")
    if result.fit is not None:
        level = FIT_LEVELS.get(lang, FIT_LEVELS["en"]).get(result.fit.level, result.fit.level)
        lines.append(f"💾 {esc(level)}")
    lines += [f"• {esc(reason)}" for reason in reasons[:6]]
    return "\n".join(lines)


def answer_blocks(answer: Answer, lang: str, prefs_line: str | None = None) -> list[str]:
    if not answer.results:
        return [esc(say(lang, "nothing"))]
    blocks: list[str] = []
    if answer.relaxed:
        names = RELAXED_NAMES.get(lang, {})
        relaxed = ", ".join(names.get(name, name) for name in answer.relaxed)
        blocks.append(f"<i>{esc(say(lang, 'relaxed', relaxed=relaxed))}</i>")
    blocks += [result_block(position, result, lang) for position, result in enumerate(answer.results, 1)]
    if prefs_line:
        blocks.append(f"<i>{esc(prefs_line)}</i>")
    return blocks


def results_blocks(results: Sequence[Result], lang: str, title: str | None = None) -> list[str]:
    blocks = [f"<b>{esc(title)}</b>"] if title else []
    if not results:
        return [*blocks, esc(say(lang, "nothing"))]
    return blocks + [result_block(position, result, lang) for position, result in enumerate(results, 1)]


def compare_blocks(table: dict[str, Any]) -> list[str]:
    """A comparison as a monospaced table (the best value per row starred)."""
    models = [model_id.rpartition("/")[2][:22] for model_id in table["models"]]
    width = max(len(key) for key in table["rows"])
    header = " " * width + " | " + " | ".join(models)
    lines = [header]
    for key, values in table["rows"].items():
        cells = []
        for position, value in enumerate(values):
            text = "-" if value is None else (f"{value:,}" if isinstance(value, int) else str(value))
            cells.append(text[:22] + (" *" if table["best"].get(key) == position else ""))
        lines.append(key.ljust(width) + " | " + " | ".join(cells))
    links = " · ".join(link(f"https://huggingface.co/{model_id}", model_id) for model_id in table["models"])
    return [f"<pre>{esc(chr(10).join(lines))}</pre>", f"{links}\n* = best"]


def fit_block(answer: dict[str, Any], lang: str) -> str:
    level = FIT_LEVELS.get(lang, FIT_LEVELS["en"]).get(answer["fits"], answer["fits"])
    lines = [f"<b>{esc(answer['id'])}</b>: {esc(level)}"]
    if answer["quant"]:
        lines.append(
            f"{esc(answer['quant'])}: {answer['weights_gb']} GB + {answer['kv_cache_gb']} GB KV at "
            f"{answer['context']:,} + {answer['overhead_gb']} GB = {answer['needed_gb']} GB / "
            f"{answer['memory']['budget_gb']:g} GB {esc(answer['memory']['kind'])}"
        )
    if answer["download"]["repo"]:
        file = f" → <code>{esc(answer['download']['file'])}</code>" if answer["download"]["file"] else ""
        lines.append(f"⬇️ {esc(answer['download']['repo'])}{file}")
    lines += run_lines(answer.get("run") or [])
    if answer.get("speed"):
        lines.append(f"⚡ {esc(reason_text(Reason('speed', answer['speed']), lang))}")
    lines += [f"• {esc(reason_text(note_of(note), lang))}" for note in answer["notes"]]
    return "\n".join(lines)


def run_lines(commands: Sequence[dict[str, str]]) -> list[str]:
    """The launch commands (recommender/launch.py, their JSON form) as lines to copy."""
    return [f"▶️ <code>{esc(command['command'])}</code>" for command in commands]


def derived_block(found: dict[str, Any]) -> list[str]:
    counts = ", ".join(f"{count} {relation}" for relation, count in found["counts"].items()) or "0"
    blocks = [f"<b>{esc(found['base'])}</b>: {esc(counts)}"]
    for relation, items in found["top"].items():
        lines = [f"<b>{esc(relation)}</b>"]
        lines += [f"• {link(item['url'], item['id'])} · {item['downloads']:,} ⬇️" for item in items]
        blocks.append("\n".join(lines))
    return blocks


def list_names() -> str:
    return ", ".join(TOP_LISTS)
