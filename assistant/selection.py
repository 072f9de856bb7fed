"""Sentence-level selection: the answer's sentences are chosen from the whole corpus, not only from the top chunks.

``SentenceIndex`` holds every unit (sentence, or list with its lead-in) of every chunk, with a keyword index over
the units and their headings. ``UnitSelector`` gathers candidates (the units of the best retrieved chunks, and
the corpus's best units by meaning and by keywords), describes each by a handful of features, and scores them
with a small logistic regression fitted on the dev split (``evals/tune_selection.py`` writes
``assistant/data/selection_weights.json``; nothing is fitted on the test split)."""

from __future__ import annotations

import contextlib
import json
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass
from importlib import resources

import numpy as np
from rank_bm25 import BM25Okapi

from assistant.compose import SentenceEmbeddings, Unit, select_units, split_units
from assistant.known_answers import KnownAnswers
from assistant.retrieval.filters import RetrievalFilters
from assistant.retrieval.searcher import RetrievedChunk
from assistant.understanding.glossary import Glossary
from core.models import Chunk, DocumentKind
from core.text import shared_token_count, tokenize
from store.keyword_index import closest_terms

FEATURES = (
    "dense",  # cosine similarity of question and unit
    "dense_gap",  # how far below the best candidate's similarity
    "lexical",  # share of the question's words in the unit, each weighted by its rarity among the units (IDF)
    "keyword",  # the unit's BM25 score over units, relative to the best candidate's
    "chunk_rank",  # 1 / rank of the unit's chunk in retrieval (0 when not retrieved)
    "heading_lexical",  # the same share in the unit's headings
    "heading_dense",  # cosine similarity of question and the unit's section heading
    "chunk_dense",  # cosine similarity of question and the unit's whole chunk (with its headings)
    "length",  # log of the unit's length
    "is_list",  # a list with its lead-in
    "first",  # the first unit of its chunk
    "sdg_line",  # the line that lists a goal area's SDGs (the answer's header names them already)
    "hubness",  # how close the unit is to questions in general: the mean of its 50 best similarities to the
    # example questions (a unit near every question, "Programmet utgår från …", is no answer to any one)
    "known_similarity",  # similarity of the question to the closest known question this unit answers (0 for none)
    "known",  # the unit answers some known question (with known_similarity: how far above a typical likeness)
)
HUB_NEIGHBOURS = 50


@dataclass(frozen=True)
class SelectionWeights:
    """A fitted linear scorer over FEATURES; ``source`` says where it was fitted."""

    coefficients: tuple[float, ...]
    intercept: float
    source: str = ""

    @classmethod
    def packaged(cls) -> SelectionWeights:
        data = json.loads(resources.files("assistant").joinpath("data/selection_weights.json").read_text("utf-8"))
        if tuple(data["features"]) != FEATURES:
            raise ValueError("selection weights were fitted on other features; run evals/tune_selection.py")
        return cls(tuple(float(c) for c in data["coefficients"]), float(data["intercept"]), data.get("source", ""))

    def score(self, features: np.ndarray) -> np.ndarray:
        """The linear ranking score of each unit (higher answers the question better)."""
        return features @ np.asarray(self.coefficients) + self.intercept


@dataclass(frozen=True)
class Prepared:
    """What a sentence index is built from: its units, their headings, their chunks' indexed texts, the units as
    described, and which unit each footnote belongs to ({referring unit: footnote unit})."""

    units: list[Unit]
    headings: list[str]
    chunk_texts: list[str]
    descriptions: list[str]
    notes: dict[int, int]


class SentenceIndex:
    """Every unit of the corpus, with passage vectors of units and headings, and BM25 over unit + headings.
    Built on first use (a few seconds for the programme), then kept."""

    def __init__(
        self,
        chunks: dict[str, Chunk],
        embeddings: SentenceEmbeddings,
        sdg_lines: frozenset[str] = frozenset(),
        questions: np.ndarray | None = None,
        answers: KnownAnswers | None = None,
    ):
        """``questions``: query vectors of typical questions (the classifiers' examples), for each unit's hubness;
        ``answers``: questions whose answering phrases are known (assistant/known_answers.py)."""
        self.chunks = chunks
        self.embeddings = embeddings
        self.sdg_lines = sdg_lines
        self.questions = questions
        self.answers = answers
        self._lock = threading.Lock()
        self._built = False

    def _texts(self) -> Prepared:
        """The units, their headings, their chunks' indexed texts and the units as described (a footnote with the
        sentence that refers to it): what the index embeds."""
        units = [u for c in self.chunks.values() for u in split_units(c)]
        headings = [" > ".join(u.chunk.section_path) or u.chunk.document_title for u in units]
        notes = footnotes(units)
        return Prepared(units, headings, [u.chunk.indexed_text() for u in units], described(units, notes), notes)

    def warm(self, lock: threading.Lock | None = None, batch: int = 32) -> None:
        """Embed everything the index needs ``batch`` texts at a time, each batch under ``lock`` (a serving
        process's models lock: questions on the generation in service wait for one batch at most), then build."""
        prepared = self._texts()
        texts = list(dict.fromkeys(prepared.descriptions + prepared.headings + prepared.chunk_texts))
        for start in range(0, len(texts), batch):
            with lock or contextlib.nullcontext():
                self.embeddings.get(texts[start : start + batch])
        with lock or contextlib.nullcontext():
            self._build(prepared)

    def _build(self, prepared: Prepared | None = None) -> None:
        with self._lock:
            if self._built:
                return
            prepared = prepared or self._texts()
            self.units, self.headings, self.footnote_of = prepared.units, prepared.headings, prepared.notes
            self.unit_vectors = self.embeddings.get(prepared.descriptions)
            self.heading_vectors = self.embeddings.get(self.headings)
            self.chunk_vectors = self.embeddings.get(prepared.chunk_texts)
            self.hubness = _hubness(self.unit_vectors, self.questions)
            self.answered_by = self.answers.answered_by([u.text for u in self.units]) if self.answers else None
            self.units_answering: list[list[int]] = [[] for _ in (self.answers.examples if self.answers else [])]
            for row, known in enumerate(self.answered_by or []):
                for e in known.tolist():
                    self.units_answering[e].append(row)
            self.tokens = [tokenize(text) for text in prepared.descriptions]
            self.heading_tokens = [set(tokenize(h)) for h in self.headings]
            self.bm25 = (
                BM25Okapi([t + list(h) for t, h in zip(self.tokens, self.heading_tokens)]) if self.units else None
            )
            self.policy = np.asarray([u.chunk.kind != DocumentKind.other for u in self.units], dtype=bool)
            self.row_of_text = {}
            for i, u in enumerate(self.units):
                self.row_of_text.setdefault(u.text, i)
            self.position = {(u.chunk.chunk_id, u.position): i for i, u in enumerate(self.units)}
            frequency = Counter(t for tokens in self.tokens for t in set(tokens))
            n = len(self.units)
            self.idf = {t: math.log((n + 1) / (df + 0.5)) for t, df in frequency.items()}
            self.idf[""] = math.log((n + 1) / 0.5)  # a word no unit has: as rare as can be
            self.vocabulary = sorted({t for tokens in self.tokens for t in tokens} | set().union(*self.heading_tokens))
            self.known = set(self.vocabulary)
            self._built = True

    @property
    def built(self) -> bool:
        return self._built

    def ready(self) -> SentenceIndex:
        if not self._built:
            self._build()
        return self


FOOTNOTE = re.compile(r"^(\d{1,2}) \S")


def footnotes(units: list[Unit]) -> dict[int, int]:
    """Which unit a footnote ("1 hämtad ur Brundtland-rapporten …") belongs to: the one of its document that refers
    to it ("… sina behov.”1"), as {referring unit: footnote unit}."""
    found: dict[int, int] = {}
    for i, unit in enumerate(units):
        note = FOOTNOTE.match(unit.text)
        if note is None:
            continue
        marker = re.compile(rf"[^\s\d]{note.group(1)}(?=[\s,.;:]|$)")
        referring = next(
            (j for j, u in enumerate(units) if j != i and u.chunk.document_id == unit.chunk.document_id
             and marker.search(u.text)),
            None,
        )  # fmt: skip
        if referring is not None:
            found[referring] = i
    return found


def described(units: list[Unit], notes: dict[int, int]) -> list[str]:
    """Each unit's text, a footnote preceded by the sentence that refers to it, so that a question about what
    the sentence says finds its source."""
    texts = [u.text for u in units]
    for referring, note in notes.items():
        texts[note] = f"{units[referring].text} {units[note].text}"
    return texts


def _hubness(units: np.ndarray, questions: np.ndarray | None) -> np.ndarray:
    """Each unit's mean similarity to its ``HUB_NEIGHBOURS`` closest typical questions (0 without them)."""
    if questions is None or not len(questions) or not len(units):
        return np.zeros(len(units))
    similarities = units @ np.asarray(questions, dtype=np.float32).T
    k = min(HUB_NEIGHBOURS, similarities.shape[1])
    return np.sort(similarities, axis=1)[:, -k:].mean(axis=1).astype(np.float64)


def _known_similarity(ix: SentenceIndex, asked: np.ndarray | None, rows: list[int]) -> list[float]:
    """For each unit (row), the similarity of the question to the closest known question it answers (0 for none,
    or when all such questions are held out); ``asked``: the question's similarity to each known question."""
    if asked is None or ix.answered_by is None:
        return [0.0] * len(rows)
    out = []
    for i in rows:
        known = ix.answered_by[i]
        out.append(max(float(asked[known].max()), 0.0) if len(known) else 0.0)
    return out


def _share(question_tokens: set[str], tokens: set[str], idf: dict[str, float] | None = None) -> float:
    """Share of the question's words found among ``tokens``, each word weighted by its rarity among the units
    (``idf``): "programmet", in nearly every unit, counts little; "tillit" much."""
    if not question_tokens:
        return 0.0
    if idf is None:
        return shared_token_count(question_tokens, tokens) / len(question_tokens)
    weight = {t: idf.get(t, idf.get("", 1.0)) for t in question_tokens}
    found = sum(w for t, w in weight.items() if shared_token_count({t}, tokens))
    return found / sum(weight.values())


def _best(scores: np.ndarray, n: int, policy: np.ndarray) -> list[int]:
    """The ``n`` best-scored units, and the ``n`` best of the policy documents (the programme, action plans) when
    unrelated documents (kind "other") are indexed too, so that they cannot crowd the programme out."""
    order = np.argsort(-scores)
    best = [int(i) for i in order[:n]]
    if not policy.all():
        best += [int(i) for i in order[policy[order]][:n]]
    return best


@dataclass
class Candidates:
    """Candidate units (as positions in the sentence index) and their features."""

    rows: list[int]
    features: np.ndarray


class UnitSelector:
    """Chooses the units that answer a question from the whole corpus, scored by fitted weights."""

    def __init__(
        self,
        index: SentenceIndex,
        weights: SelectionWeights,
        pool_chunks: int = 8,
        pool_dense: int = 12,
        pool_keyword: int = 12,
        other_kind_penalty: float = 0.0,
        glossary: Glossary | None = None,
        pool_known: int = 3,
    ):
        """``glossary``: Swedish terms for an English question's words, searched by keyword beside them;
        ``pool_known``: the units answering this many closest known questions join the candidates (dev pass
        0.839 without, 0.841 with 1 or 3)."""
        self.glossary = glossary
        self.pool_known = pool_known
        self.index = index
        self.weights = weights
        self.pool_chunks = pool_chunks
        self.pool_dense = pool_dense
        self.pool_keyword = pool_keyword
        self.other_kind_penalty = other_kind_penalty

    def candidates(
        self,
        question: str,
        vector: np.ndarray,
        hits: list[RetrievedChunk],
        filters: RetrievalFilters | None = None,
        include: tuple[int, ...] = (),
    ) -> Candidates:
        """The units of the best retrieved chunks, and the corpus's best units by meaning and by keywords (within
        ``filters`` when given); ``include``: units (rows) to describe as well."""
        ix = self.index.ready()
        if not ix.units:
            return Candidates([], np.zeros((0, len(FEATURES))))
        dense = ix.unit_vectors @ np.asarray(vector, dtype=np.float32)
        searched = self.glossary.expand(question) if self.glossary else question
        terms = closest_terms(tokenize(searched), ix.vocabulary, ix.known)  # "bostader", "segregaton" match too
        keyword = np.asarray(ix.bm25.get_scores(terms), dtype=np.float64) if terms else np.zeros(len(ix.units))
        rank = {h.chunk.chunk_id: r for r, h in enumerate(hits[: self.pool_chunks], start=1)}
        rows = [i for i, u in enumerate(ix.units) if u.chunk.chunk_id in rank]
        rows += _best(dense, self.pool_dense, ix.policy)
        rows += [i for i in _best(keyword, self.pool_keyword, ix.policy) if keyword[i] > 0] + list(include)
        asked = ix.answers.similarities(vector) if ix.answers is not None else None  # once, for pool and features
        rows += self._known_rows(asked)
        rows = [i for i in dict.fromkeys(rows) if filters is None or filters.accepts(ix.units[i].chunk)]
        if not rows:
            return Candidates([], np.zeros((0, len(FEATURES))))
        return Candidates(rows, self._features(set(terms), vector, rows, dense, keyword, rank, asked))

    def _known_rows(self, asked: np.ndarray | None) -> list[int]:
        """The units that answered the known questions closest to this one (``pool_known`` of them) as candidates:
        a passage the pools by meaning and by keywords miss can still be found through a question like this."""
        if not self.pool_known or asked is None or not len(asked):
            return []
        closest = [int(e) for e in np.argsort(-asked)[: self.pool_known] if asked[e] > 0]  # held out: -1
        return [row for e in closest for row in self.index.units_answering[e]]

    def _features(
        self,
        q_tokens: set[str],
        vector: np.ndarray,
        rows: list[int],
        dense: np.ndarray,
        keyword: np.ndarray,
        rank: dict[str, int],
        asked: np.ndarray | None,
    ) -> np.ndarray:
        ix = self.index
        best_dense = max(float(dense[i]) for i in rows)
        best_keyword = max(float(keyword[i]) for i in rows) or 1.0
        heading_dense = ix.heading_vectors[rows] @ np.asarray(vector, dtype=np.float32)
        chunk_dense = ix.chunk_vectors[rows] @ np.asarray(vector, dtype=np.float32)
        known = _known_similarity(ix, asked, rows)
        out = np.zeros((len(rows), len(FEATURES)))
        for j, i in enumerate(rows):
            unit = ix.units[i]
            out[j] = (
                float(dense[i]),
                float(dense[i]) - best_dense,
                _share(q_tokens, set(ix.tokens[i]), ix.idf),
                float(keyword[i]) / best_keyword,
                1.0 / rank[unit.chunk.chunk_id] if unit.chunk.chunk_id in rank else 0.0,
                _share(q_tokens, ix.heading_tokens[i], ix.idf),
                float(heading_dense[j]),
                float(chunk_dense[j]),
                math.log(max(len(unit.text), 1)) / 6.0,
                1.0 if "\n- " in unit.text or unit.text.startswith("- ") else 0.0,
                1.0 if unit.position == 0 else 0.0,
                1.0 if unit.text in ix.sdg_lines else 0.0,
                float(ix.hubness[i]),
                known[j],
                1.0 if known[j] > 0 else 0.0,
            )
        return out

    def top_score(
        self, question: str, vector: np.ndarray, hits: list[RetrievedChunk], filters: RetrievalFilters | None = None
    ) -> float:
        """The fitted score of the best candidate unit (within ``filters``), -inf when there is none."""
        found = self.candidates(question, vector, hits, filters)
        return float(self.weights.score(found.features).max()) if found.rows else float("-inf")

    def score_texts(
        self, question: str, vector: np.ndarray, hits: list[RetrievedChunk], texts: list[str]
    ) -> list[float | None]:
        """The fitted score of each of ``texts`` as an answer to ``question`` (None for a text that is not a unit
        of the index), among the question's candidates as at answer time."""
        ix = self.index.ready()
        wanted = [ix.row_of_text.get(t) for t in texts]
        found = self.candidates(question, vector, hits, include=tuple(r for r in wanted if r is not None))
        score = dict(zip(found.rows, self.weights.score(found.features).tolist())) if found.rows else {}
        return [score.get(r) if r is not None else None for r in wanted]

    def scored(
        self, question: str, vector: np.ndarray, hits: list[RetrievedChunk], filters: RetrievalFilters | None = None
    ) -> list[Unit]:
        """Candidate units, best first, each with its score."""
        found = self.candidates(question, vector, hits, filters)
        if not found.rows:
            return []
        z = self.weights.score(found.features)
        if self.other_kind_penalty:  # the policy documents before unrelated ones (kind "other")
            z = z - self.other_kind_penalty * (~self.index.policy[found.rows]).astype(float)
        # the pairwise model's probability that a unit answers better than the best one (the best has 0.5), so
        # that select_units' keep_ratio keeps the units nearly as good as the best
        scores = 1.0 / (1.0 + np.exp(-(z - z.max())))
        rank = {h.chunk.chunk_id: r for r, h in enumerate(hits, start=1)}
        units = []
        for i, score in zip(found.rows, scores):
            unit = self.index.units[i]
            units.append(Unit(unit.chunk, unit.text, unit.position, rank.get(unit.chunk.chunk_id, len(rank) + 1)))
            units[-1].score = float(score)
        return sorted(units, key=lambda u: -u.score)

    def select(
        self,
        question: str,
        vector: np.ndarray,
        hits: list[RetrievedChunk],
        max_units: int = 4,
        keep_ratio: float = 0.1,
        max_chars: int = 900,
        filters: RetrievalFilters | None = None,
    ) -> list[Unit]:
        """The units that best answer the question, in reading order. Dev pass rate by (units, characters, keep):
        (3, 700, 0.0) 0.726, (4, 900, 0.0) 0.733, (4, 900, 0.1) 0.731, (4, 900, 0.2) 0.726, (6, 1200, 0.0) 0.749;
        four short quotes keep an answer readable. With the passage questions the fitted scores fall away steeply
        and many answers are one quote; quoting more buys little for much precision: dev (1121) pass / citation
        precision at keep 0.1 0.870 / 0.788, 0.05 0.873 / 0.771, 0.03 0.873 / 0.758, 0.0 0.877 / 0.709 (an unseen
        batch: 0.817 at 0.1 and 0.05, 0.825 at 0.0)."""
        chosen = select_units(self.scored(question, vector, hits, filters), max_units, max_chars, keep_ratio)
        return self.with_footnotes(chosen)

    def with_footnotes(self, units: list[Unit]) -> list[Unit]:
        """The units, each followed by its footnote when it has one (a quoted definition with its source)."""
        ix = self.index.ready()
        out: list[Unit] = []
        for unit in units:
            out.append(unit)
            row = ix.position.get((unit.chunk.chunk_id, unit.position))
            note = ix.footnote_of.get(row) if row is not None else None
            if note is not None and all(u.text != ix.units[note].text for u in units + out):
                footnote = ix.units[note]
                out.append(Unit(footnote.chunk, footnote.text, footnote.position, unit.rank, unit.score))
        return out
