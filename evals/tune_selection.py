"""Fit the sentence selector's weights on the dev split only (never on test): ``python -m evals.tune_selection``.

For every dev item that is answered (not declined) and names key facts, the selector's candidate units are
gathered exactly as at run time, and a unit is a positive when it holds one of the item's key facts verbatim. A
logistic regression over the selector's features is compared, by 5-fold cross-validation grouped by item, with
the weights in use (how often the best unit holds a key fact), then fitted on all of dev and written to
``assistant/data/selection_weights.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from assistant.chain import Assistant
from assistant.known_answers import EXAMPLES_FILE
from assistant.selection import FEATURES, SelectionWeights
from evals.golden import GoldenItem, load_split
from evals.metrics import normalise
from evals.runner import held_out


@dataclass
class TrainingSet:
    features: np.ndarray
    labels: np.ndarray
    groups: np.ndarray


def gather(assistant: Assistant, items: list[GoldenItem]) -> TrainingSet:
    """Candidates and labels for each dev item whose key facts some candidate holds."""
    feats, labels, groups = [], [], []
    for g, item in enumerate(items):
        vector = assistant.embedder.embed_queries_array([item.question])[0]
        hits = assistant.retrieve(item.question).hits
        with held_out(assistant, item):  # the item does not meet itself among the known questions
            found = assistant.selector.candidates(item.question, vector, hits)
        facts = [normalise(f) for f in item.key_facts]
        y = [any(f in normalise(assistant.selector.index.units[i].text) for f in facts) for i in found.rows]
        if any(y):
            feats.append(found.features)
            labels += y
            groups += [g] * len(y)
    return TrainingSet(np.vstack(feats), np.asarray(labels), np.asarray(groups))


def top1_rate(scores: np.ndarray, data: TrainingSet, mask: np.ndarray) -> float:
    """Share of items whose best-scored candidate holds a key fact."""
    hits = []
    for g in np.unique(data.groups[mask]):
        rows = np.flatnonzero(mask & (data.groups == g))
        hits.append(bool(data.labels[rows[np.argmax(scores[rows])]]))
    return float(np.mean(hits))


def pairwise(data: TrainingSet, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise learning to rank: within an item, each positive minus each negative (and the reverse)."""
    diffs = []
    for g in np.unique(data.groups[rows]):
        mine = rows[data.groups[rows] == g]
        pos, neg = mine[data.labels[mine]], mine[~data.labels[mine]]
        diffs += [data.features[p] - data.features[n] for p in pos for n in neg]
    x = np.vstack(diffs)
    return np.vstack([x, -x]), np.r_[np.ones(len(x)), np.zeros(len(x))]


def fit(data: TrainingSet, rows: np.ndarray, c: float) -> LogisticRegression:
    x, y = pairwise(data, rows)
    return LogisticRegression(C=c, max_iter=5000, fit_intercept=False).fit(x, y)


def cross_validate(data: TrainingSet, c: float) -> tuple[float, float]:
    """Mean top-1 rate of the fitted model and of the weights in use, over grouped folds."""
    fitted, current = [], []
    in_use = SelectionWeights.packaged()
    for train, test in GroupKFold(n_splits=5).split(data.features, data.labels, data.groups):
        model = fit(data, train, c)
        mask = np.zeros(len(data.labels), dtype=bool)
        mask[test] = True
        fitted.append(top1_rate(data.features @ model.coef_[0], data, mask))
        current.append(top1_rate(in_use.score(data.features), data, mask))
    return float(np.mean(fitted)), float(np.mean(current))


def write_answer_examples(items: list[GoldenItem]) -> Path:
    """The dev questions that are answered, each with its key facts, as the selector's known answers."""
    path = Path(str(resources.files("assistant").joinpath(EXAMPLES_FILE)))
    lines = [json.dumps({"question": i.question, "phrases": i.key_facts}, ensure_ascii=False) for i in items]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    items = [i for i in load_split("dev") if i.key_facts and not i.refuse and not i.history]
    known = [i for i in items if i.category != "sdg_mapping"]
    print("wrote", write_answer_examples(known), f"({len(known)} known questions)")
    data = gather(Assistant(), items)
    print(f"{len(np.unique(data.groups))} dev items, {len(data.labels)} candidates, {int(data.labels.sum())} positive")
    best_c, best = 1.0, -1.0
    for c in (0.3, 1.0, 3.0, 10.0, 30.0):
        fitted, current = cross_validate(data, c)
        print(f"C={c}: top-1 holds a key fact {fitted:.3f} (weights in use: {current:.3f})")
        if fitted > best:
            best_c, best = c, fitted
    model = fit(data, np.arange(len(data.labels)), best_c)
    out = {
        "features": list(FEATURES),
        "coefficients": [round(float(x), 4) for x in model.coef_[0]],
        "intercept": 0.0,
        "source": f"evals/tune_selection.py on dev ({len(np.unique(data.groups))} items), C={best_c}, "
        f"cross-validated top-1 {best:.3f}",
    }
    path = Path(str(resources.files("assistant").joinpath("data/selection_weights.json")))
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print("wrote", path, dict(zip(FEATURES, out["coefficients"])))


if __name__ == "__main__":
    main()
