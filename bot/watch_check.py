"""What a watch has to say after a sync: its request asked again with the filters it was read into, and a notice
when a model the user was not shown has entered the top 3, worded with why it is there and what to download."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from recommender.recommend import Result
from recommender.service import Sommelier

from .render import esc, link, result_block
from .texts import say
from .watches import Watch

TOP = 3  # a model entering this many first answers is news
NOTICE_EVERY = 24 * 3600.0  # one notice per watch per day at most


@dataclass(frozen=True, slots=True)
class Notice:
    watch: Watch
    seen: tuple[str, ...]  # the top models, known to the watch from now on
    text: str  # the message (HTML)
    models: tuple[str, ...]  # the newcomers it announces


def check(service: Sommelier, watch: Watch, number: int, now: float) -> Notice | None:
    """The notice `watch` (number `number` in its user's list) should send now, or None: no unseen model in its
    top 3, the top only met with relaxed constraints, or a notice already sent within the day (then the
    newcomer is still unseen and announced on a later sync if it holds its place)."""
    answer = service.answer(watch.filters, watch.text, TOP + 2, watch.kv_cache, watch.ram_gb)
    if answer.relaxed:  # nothing meets the whole request yet: no news until something does
        return None
    results = answer.results
    top = results[:TOP]
    newcomers = [(position, result) for position, result in enumerate(top, 1) if result.model.id not in watch.seen]
    if not newcomers:
        return None
    if watch.notified is not None and now - watch.notified < NOTICE_EVERY:
        return None
    text = notice_text(watch, number, newcomers, results)
    return Notice(watch, tuple(result.model.id for result in top), text, tuple(r.model.id for _, r in newcomers))


def notice_text(watch: Watch, number: int, newcomers: Sequence[tuple[int, Result]], results: Sequence[Result]) -> str:
    lang = watch.lang
    blocks = [
        say(lang, "watch_notice", number=number, request=esc(_short(watch.text))),
    ]
    for position, result in newcomers:
        blocks.append(result_block(position, result, lang))
        beaten = _first_seen_below(watch, position, results)
        if beaten is not None:
            blocks.append(_why_better(result, beaten, lang))
    blocks.append(f"<i>{esc(say(lang, 'watch_stop', number=number))}</i>")
    return "\n\n".join(blocks)


def _first_seen_below(watch: Watch, position: int, results: Sequence[Result]) -> Result | None:
    """The best-ranked model the user was shown that now ranks below the newcomer."""
    return next((result for result in results[position:] if result.model.id in watch.seen), None)


def _why_better(result: Result, beaten: Result, lang: str) -> str:
    """Why it ranks where it does: above a model the user knows, with the leaderboard both share when there is
    one (else its ranking above it: fit, quality, popularity and recency together)."""
    line = say(lang, "watch_above", other=link(beaten.model.url, beaten.model.id))
    for source, value in result.model.scores.items():
        theirs = beaten.model.scores.get(source)
        if theirs and value.get("average") is not None and theirs.get("average") is not None:
            ours, other = float(value["average"]), float(theirs["average"])
            key = "watch_scores_better" if ours > other else "watch_scores"
            line += " " + say(lang, key, source=esc(source), ours=f"{ours:.1f}", other=f"{other:.1f}")
            break
    return "↑ " + line


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
