"""Questions whose answers are known, each with the phrases of the programme that answer it:

- the answered questions of the dev split (``assistant/data/answer_examples.jsonl``, written by
  ``python -m evals.tune_selection``);
- questions written for every passage of the programme (``assistant/data/passage_questions.jsonl``, 1236): by
  writers who read only the programme's text, in two rounds of 4 to 6 per passage, in the forms users type (typos,
  no diacritics, colloquial, sceptical, short, long, English; the second round in the users' own words rather
  than the text's), as a FAQ is seeded before anyone has asked. Questions within rapidfuzz ratio 88 of a test
  question were left out (8 of 1276), and repeats.

Nothing comes from the test split.

A new question that reads like a known one is likely answered by the same passage, as a FAQ's answers are found
through the questions asked before. The sentence selector takes, for each unit, its closest known question as a
feature (``known_similarity``); the fitted weights decide how much it counts. A unit of a document the examples do
not know (a new action plan, an uploaded file) simply has no known question.

For an honest evaluation, ``holding_out`` hides the known questions that are near copies of the question being
evaluated (rapidfuzz ratio 88 or more), so that an item never meets itself."""

from __future__ import annotations

import bisect
import contextlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

from assistant.understanding.classifiers import ExampleVectors
from core.embedders import Embedder

NEAR_COPY = 88  # rapidfuzz ratio from which a known question counts as the question itself, reworded slightly
EXAMPLES_FILE = "data/answer_examples.jsonl"
PASSAGE_QUESTIONS_FILE = "data/passage_questions.jsonl"


@dataclass(frozen=True)
class AnswerExample:
    """A question, and the phrases (verbatim from the corpus) an answer to it holds."""

    question: str
    phrases: tuple[str, ...]


def load_answer_examples(files: tuple[str, ...] = (EXAMPLES_FILE, PASSAGE_QUESTIONS_FILE)) -> list[AnswerExample]:
    """The known questions of the packaged files (dev's answered questions, and the questions written for each
    passage of the programme), a question known twice kept once."""
    examples: dict[str, AnswerExample] = {}
    for name in files:
        path = resources.files("assistant").joinpath(name)
        if not path.is_file():
            continue
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                examples.setdefault(_normalise(row["question"]), AnswerExample(row["question"], tuple(row["phrases"])))
    return list(examples.values())


def _normalise(text: str) -> str:
    return " ".join(text.casefold().split())


class KnownAnswers:
    """Known questions with their query vectors, and which units answer each."""

    def __init__(self, examples: list[AnswerExample], vectors: np.ndarray):
        if len(examples) != len(vectors):
            raise ValueError("one vector per known question")
        self.examples = examples
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self._held_out = threading.local()

    @classmethod
    def packaged(cls, embedder: Embedder, cache_dir: Path | None) -> KnownAnswers:
        """The packaged examples, their questions embedded once and cached with the classifiers' examples."""
        examples = load_answer_examples()
        if not examples:
            return cls([], np.zeros((0, 1), dtype=np.float32))
        return cls(examples, ExampleVectors(embedder, cache_dir).get([e.question for e in examples]))

    def answered_by(self, unit_texts: list[str]) -> list[np.ndarray]:
        """For each unit, the known questions (as positions) whose phrases it holds."""
        joined, starts = "", []
        for text in unit_texts:
            starts.append(len(joined))
            joined += _normalise(text) + "\x00"
        found: list[set[int]] = [set() for _ in unit_texts]
        for e, example in enumerate(self.examples):
            for phrase in {_normalise(p) for p in example.phrases if p.strip()}:
                at = joined.find(phrase)
                while at >= 0:
                    found[bisect.bisect_right(starts, at) - 1].add(e)
                    at = joined.find(phrase, at + 1)
        return [np.asarray(sorted(s), dtype=np.int64) for s in found]

    def similarities(self, vector: np.ndarray) -> np.ndarray:
        """Cosine similarity of the question to each known question (-1 for one held out)."""
        if not self.examples:
            return np.zeros(0, dtype=np.float32)
        # einsum, not BLAS: a multi-threaded matrix product over ~1,800 questions leaves BLAS threads spinning that
        # slow the next query embedding on a small machine (answer p50 38 -> 72 ms on 2 cores)
        sims = np.einsum("ij,j->i", self.vectors, np.asarray(vector, dtype=np.float32))
        held = getattr(self._held_out, "mask", None)
        return np.where(held, -1.0, sims) if held is not None else sims

    @contextlib.contextmanager
    def holding_out(self, questions: list[str]) -> Iterator[None]:
        """Within the block (in this thread), the known questions near any of ``questions`` are ignored."""
        asked = [q.casefold() for q in questions if q.strip()]
        mask = np.asarray(
            [any(fuzz.ratio(e.question.casefold(), q) >= NEAR_COPY for q in asked) for e in self.examples], dtype=bool
        )
        previous = getattr(self._held_out, "mask", None)
        self._held_out.mask = mask if previous is None else mask | previous
        try:
            yield
        finally:
            self._held_out.mask = previous
