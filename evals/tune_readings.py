"""Thresholds for the example-trained classifiers, chosen on the dev split only (never on test).

For each decision, the rate it catches what it should (true positives) and wrongly catches (false positives) on
dev at a range of thresholds: ``python -m evals.tune_readings``. The thresholds in ``core/settings.py`` were
picked from this table (the lowest threshold whose false-positive rate stays within the budget)."""

from __future__ import annotations

import numpy as np

from assistant.understanding.classifiers import Classifiers, QuestionReader, Reading
from core.embedders import build_embedder
from core.settings import Settings
from evals.golden import GoldenItem, load_split

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def readings(items: list[GoldenItem], settings: Settings) -> list[Reading]:
    embedder = build_embedder(settings)
    reader = QuestionReader(Classifiers(embedder, settings.cache_dir))
    vectors = embedder.embed_queries_array([i.question for i in items])
    return [reader.read(i.question, v) for i, v in zip(items, vectors)]


def curve(scores: list[float], positive: list[bool]) -> list[tuple[float, float, float]]:
    s, p = np.asarray(scores), np.asarray(positive)
    return [
        (t, float((s[p] >= t).mean()) if p.any() else 0.0, float((s[~p] >= t).mean()) if (~p).any() else 0.0)
        for t in THRESHOLDS
    ]


def main() -> None:
    items = load_split("dev")
    read = readings(items, Settings())
    decisions = {
        "injection": ([r.injection_p for r in read], [i.category == "injection" for i in items]),
        "out_of_scope": ([r.out_of_scope_p for r in read], [i.refuse for i in items]),
        "draft": ([r.intent_p if r.intent == "draft" else 0.0 for r in read], [i.category == "draft" for i in items]),
        "work": ([r.intent_p if r.intent == "work" else 0.0 for r in read], [i.category == "relate" for i in items]),
        "typed_answer": (
            [r.answer_type_p if r.answer_type not in ("none", "count_in_programme") else 0.0 for r in read],
            [bool(i.answer_type) for i in items],
        ),
    }
    for name, (scores, positive) in decisions.items():
        print(f"{name} ({sum(positive)} of {len(items)} dev items)")
        for t, tpr, fpr in curve(scores, positive):
            print(f"  >= {t:.1f}: catches {tpr:.3f}, wrongly {fpr:.3f}")


if __name__ == "__main__":
    main()
