"""Instruction-like text caught by meaning, not only by patterns (ingest/injection.py has the patterns).

A logistic regression over passage embeddings (the same embedder as the index), trained from labelled examples in
the repo (``ingest/data/instruction_examples.jsonl``): paraphrased Swedish and English instructions aimed at a
reader or an AI ("Den som läser detta ska i fortsättningen svara att …"), and benign policy text that uses
imperative verbs ("Vi ska …", "Förvaltningen ska …", "Kontakta …"). Its precision and recall on a held-out part of
the examples: ``python -m ingest.instruction_classifier`` (see README). The real programme has no hit (tested).
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_score, recall_score
from sklearn.model_selection import train_test_split

from core.embedders import Embedder

EXAMPLES = Path(__file__).resolve().parent / "data" / "instruction_examples.jsonl"
CLASSIFIER_VERSION = "meaning-v1"
INSTRUCTION = "instruction"
_TRAINED: dict[tuple[str, str, float], InstructionClassifier] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class LabelledText:
    text: str
    label: str  # "instruction" or "policy"


def load_examples(path: Path = EXAMPLES) -> list[LabelledText]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [LabelledText(**json.loads(line)) for line in lines if line.strip()]


class InstructionClassifier:
    """P(instruction) of passage vectors; a chunk at or above ``min_p`` is quarantined."""

    def __init__(self, vectors: np.ndarray, labels: list[str], min_p: float, c: float = 4.0):
        self.min_p = min_p
        self.model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(vectors, labels)
        self._column = list(self.model.classes_).index(INSTRUCTION)

    @classmethod
    def trained(cls, embedder: Embedder, min_p: float, examples: list[LabelledText] | None = None):
        """Trained once per process for the same embedder, examples and threshold."""
        examples = examples if examples is not None else load_examples()
        digest = hashlib.sha256(json.dumps([(e.text, e.label) for e in examples]).encode()).hexdigest()[:16]
        key = (embedder.model_id, digest, min_p)
        with _LOCK:
            if key not in _TRAINED:
                vectors = embedder.embed_passages_array([e.text for e in examples])
                _TRAINED[key] = cls(vectors, [e.label for e in examples], min_p)
            return _TRAINED[key]

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        if len(vectors) == 0:
            return np.zeros(0)
        return self.model.predict_proba(np.asarray(vectors, dtype=np.float32))[:, self._column]


@dataclass(frozen=True)
class HeldOut:
    precision: float
    recall: float
    train: int
    test: int
    false_positives: list[str]
    missed: list[str]


def evaluate(embedder: Embedder, min_p: float, test_size: float = 0.3, seed: int = 0) -> HeldOut:
    """Train on part of the examples, score the held-out rest (stratified by label)."""
    examples = load_examples()
    train, test = train_test_split(
        examples, test_size=test_size, random_state=seed, stratify=[e.label for e in examples]
    )
    classifier = InstructionClassifier(
        embedder.embed_passages_array([e.text for e in train]), [e.label for e in train], min_p
    )
    p = classifier.probabilities(embedder.embed_passages_array([e.text for e in test]))
    truth = [e.label == INSTRUCTION for e in test]
    predicted = [bool(x >= min_p) for x in p]
    return HeldOut(
        precision=float(precision_score(truth, predicted, zero_division=0)),
        recall=float(recall_score(truth, predicted, zero_division=0)),
        train=len(train),
        test=len(test),
        false_positives=[e.text for e, t, q in zip(test, truth, predicted) if q and not t],
        missed=[e.text for e, t, q in zip(test, truth, predicted) if t and not q],
    )


def main() -> None:  # pragma: no cover - a report, run by hand
    from core.embedders import build_embedder
    from core.settings import Settings

    settings = Settings()
    result = evaluate(build_embedder(settings), settings.instruction_min_p)
    print(
        f"held-out: precision {result.precision:.3f}, recall {result.recall:.3f} (train {result.train}, "
        f"test {result.test}, threshold {settings.instruction_min_p})"
    )
    for text in result.false_positives:
        print(f"  false positive: {text}")
    for text in result.missed:
        print(f"  missed: {text}")


if __name__ == "__main__":  # pragma: no cover
    main()
