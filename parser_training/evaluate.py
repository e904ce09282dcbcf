"""Compare parser adapters: macro F1 of the rules and the hybrid on the labelled eval/paraphrase splits and on
the real dev split at several `model_max_request` limits, one model pass a request.

    python -m parser_training.evaluate                                 # the bundled adapter
    python -m parser_training.evaluate --adapter /tmp/old-adapter/parser-lora.gguf --limits 120 300 600

The hybrid at limit N is what `RequestParser(ParserOptions(model_max_request=N))` answers: the model reads
`request_sentences` of the normalised request when it is at most N characters long, else the rules answer
alone. The real test split is never read here.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from collections.abc import Sequence
from pathlib import Path

from recommender.filters import KEYS, Filters
from recommender.model_parser import ADAPTER_PATH, ModelOptions, ModelParser
from recommender.parse import MERGE_POLICY, ParserOptions, RequestParser, bundled_model, merge, request_sentences
from recommender.rules import normalise


def macro(scores: dict[str, object]) -> float:
    return statistics.mean(entry.f1 for entry in scores.values())  # type: ignore[attr-defined]


def main(argv: Sequence[str] | None = None) -> None:
    from benchmarks.real_requests import real
    from tests.parse_eval import labelled, score

    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    cli.add_argument("--adapter", type=Path, default=ADAPTER_PATH)
    cli.add_argument("--limits", type=int, nargs="+", default=[120, 300, 600])
    cli.add_argument("--misses", action="store_true", help="print the real dev keys where hybrid and rules differ")
    cli.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = cli.parse_args(argv)

    rules = RequestParser(ParserOptions(use_model=False)).rules
    models_dir = Path(tempfile.gettempdir()) / "sommelier-models"
    model = ModelParser(ModelOptions(model_path=bundled_model(models_dir), adapter_path=args.adapter))
    figures: dict[str, object] = {"adapter": str(args.adapter)}

    for split in ("eval", "paraphrase"):
        rows = labelled(split)
        cached = {row["text"]: (rules.parse(row["text"]), model.extract(row["text"])) for row in rows}
        rule_scores, _ = score(rows, lambda text, c=cached: c[text][0])
        hybrid_scores, _ = score(rows, lambda text, c=cached: merge(*c[text], text, MERGE_POLICY))
        figures[split] = {"rules": round(macro(rule_scores), 4), "hybrid": round(macro(hybrid_scores), 4)}
        print(f"{split}: rules {macro(rule_scores):.4f} hybrid {macro(hybrid_scores):.4f}", flush=True)

    rows = real("dev")
    parsed: dict[str, tuple[str, Filters, Filters]] = {}
    for row in rows:
        clean = normalise(row["text"])
        parsed[row["text"]] = (clean, rules.parse(clean), model.extract(request_sentences(clean)))

    def hybrid(text: str, limit: int) -> Filters:
        clean, by_rules, by_model = parsed[text]
        if len(clean) > limit:
            return by_rules
        return merge(by_rules, by_model, clean, MERGE_POLICY)

    rule_scores, _ = score(rows, lambda text: parsed[text][1])
    real_figures: dict[str, object] = {"rules": round(macro(rule_scores), 4)}
    print(f"real dev ({len(rows)}): rules {macro(rule_scores):.4f}")
    for limit in args.limits:
        hybrid_scores, _ = score(rows, lambda text, n=limit: hybrid(text, n))
        real_figures[str(limit)] = round(macro(hybrid_scores), 4)
        worse = [key for key in KEYS if hybrid_scores[key].f1 < rule_scores[key].f1 - 1e-9]
        better = [key for key in KEYS if hybrid_scores[key].f1 > rule_scores[key].f1 + 1e-9]
        print(
            f"  hybrid <= {limit} chars: {macro(hybrid_scores):.4f}"
            + "".join(f" | {k} {rule_scores[k].f1:.3f}->{hybrid_scores[k].f1:.3f}" for k in better + worse)
        )
    figures["real_dev"] = real_figures
    if args.misses:
        limit = max(args.limits)
        for row in rows:
            got, base = hybrid(row["text"], limit), parsed[row["text"]][1]
            for key in KEYS:
                if getattr(got, key) != getattr(base, key):
                    ok = (
                        "+"
                        if getattr(got, key) == row["expect"].get(key)
                        or (key in ("tasks",) and sorted(getattr(got, key)) == sorted(row["expect"].get(key) or []))
                        else "-"
                    )
                    print(
                        f"  {ok} {key}: want {row['expect'].get(key)!r} rules {getattr(base, key)!r} hybrid "
                        f"{getattr(got, key)!r} :: {row['text'][:80]!r}"
                    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
