"""Extractive answers: the sentences (or lists) of the top chunks that best answer the question, quoted
verbatim, each followed by its citation marker, under a header naming the goal areas and their SDGs."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.models import Citation, GoalAreaRef
from assistant.retrieval.searcher import RetrievedChunk
from core.citations import page_label
from core.embedders import Embedder
from core.models import Chunk, GoalAreaModel
from core.strings import message
from core.text import shared_token_count, split_sentences, tokenize

LIST_LINE = re.compile(r"^\s*- ")


@dataclass
class Unit:
    """A sentence, or a list with its lead-in, inside one chunk: an exact substring of the chunk's text."""

    chunk: Chunk
    text: str
    position: int  # order inside the chunk
    rank: int  # rank of the chunk in retrieval (1 = best)
    score: float = 0.0


def split_units(chunk: Chunk, rank: int = 1) -> list[Unit]:
    units: list[Unit] = []
    for block in chunk.text.split("\n\n"):
        lines = block.split("\n")
        if any(LIST_LINE.match(line) for line in lines):
            units.append(Unit(chunk, block, len(units), rank))
        else:
            for sentence in split_sentences(block):
                units.append(Unit(chunk, sentence.strip(), len(units), rank))
    return units


class SentenceEmbeddings:
    """Passage embeddings of units, computed once per text and kept (the corpus is small and fixed)."""

    def __init__(self, embedder: Embedder, limit: int = 20000):
        self.embedder = embedder
        self.limit = limit
        self._cache: dict[str, np.ndarray] = {}

    def get(self, texts: list[str]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if todo:
            if len(self._cache) + len(todo) > self.limit:
                self._cache.clear()
            for text, vector in zip(todo, self.embedder.embed_passages_array(todo)):
                self._cache[text] = vector
        return np.vstack([self._cache[t] for t in texts]) if texts else np.zeros((0, 1), dtype=np.float32)


def score_units(
    question: str, question_vector: np.ndarray, units: list[Unit], embeddings: SentenceEmbeddings
) -> list[Unit]:
    """Meaning (embedding similarity) and shared words with the question, with a prior for better-ranked chunks.
    The weights were set on the golden set's key facts (see README, "Answer composition")."""
    if not units:
        return []
    sims = embeddings.get([u.text for u in units]) @ np.asarray(question_vector, dtype=np.float32)
    low, high = float(sims.min()), float(sims.max())
    spread = high - low if high > low else 1.0
    q_tokens = set(tokenize(question))
    for unit, sim in zip(units, sims):
        lexical = shared_token_count(q_tokens, set(tokenize(unit.text))) / len(q_tokens) if q_tokens else 0.0
        unit.score = 0.40 * (float(sim) - low) / spread + 0.30 * lexical + 0.30 / unit.rank
    return sorted(units, key=lambda u: -u.score)


def select_units(scored: list[Unit], max_units: int = 3, max_chars: int = 700, keep_ratio: float = 0.7) -> list[Unit]:
    """The best unit, then others close to it in score while the answer stays short; in reading order."""
    if not scored:
        return []
    best = scored[0]
    chosen = [best]
    size = len(best.text)
    for unit in scored[1:]:
        if len(chosen) >= max_units or unit.score < keep_ratio * best.score:
            break
        if size + len(unit.text) > max_chars:
            continue
        chosen.append(unit)
        size += len(unit.text)
    # reading order: chunks by retrieval rank, sentences in their order within the chunk
    return sorted(chosen, key=lambda u: (u.rank, u.position))


def citation_for(n: int, unit_chunk: Chunk, quote: str) -> Citation:
    if quote not in unit_chunk.text:
        raise ValueError(f"quote is not verbatim in chunk {unit_chunk.chunk_id}: {quote[:60]!r}")
    return Citation(
        n=n,
        chunk_id=unit_chunk.chunk_id,
        document=unit_chunk.document_title,
        section=unit_chunk.section,
        page=unit_chunk.page_of(quote),
        goal_area=unit_chunk.goal_area,
        sdgs=list(unit_chunk.sdgs),
        quote=quote,
    )


def sdg_list(model: GoalAreaModel, numbers: list[int], language: str) -> str:
    return ", ".join(f"{n} {model.sdg_goals[n].name(language)}" for n in numbers)


def header_lines(
    model: GoalAreaModel | None, goal_areas: list[GoalAreaRef], language: str, section_hint: Chunk | None
) -> list[str]:
    if model and goal_areas:
        label, sdg_label = message("label_goal_area", language), message("label_sdgs", language)
        return [f"**{label}:** {ga.name} · {sdg_label}: {sdg_list(model, ga.sdgs, language)}" for ga in goal_areas]
    if section_hint is not None and section_hint.section_path:
        page = f" ({page_label(section_hint.page, language)})" if section_hint.page else ""
        label = message("label_section", language)
        return [f"**{label}:** {section_hint.section_path[-1]}, {section_hint.document_title}{page}"]
    return []


def quote_block(text: str, n: int) -> str:
    """A quoted unit in Markdown, its marker after it."""
    lines = text.split("\n")
    lines[-1] = f"{lines[-1]} [{n}]"
    return "\n".join(f"> {line}" for line in lines)


def answer_units(
    question: str,
    question_vector: np.ndarray,
    hits: list[RetrievedChunk],
    embeddings: SentenceEmbeddings,
    top_chunks: int = 3,
    max_units: int = 3,
    keep_ratio: float = 0.7,
    max_chars: int = 700,
) -> list[Unit]:
    """The units of the top chunks that best answer the question, in reading order (``keep_ratio``: how close to
    the best a further unit must score; material for a text to write wants more than an answer does)."""
    units = [u for rank, hit in enumerate(hits[:top_chunks], start=1) for u in split_units(hit.chunk, rank)]
    scored = score_units(question, question_vector, units, embeddings)
    return select_units(scored, max_units=max_units, max_chars=max_chars, keep_ratio=keep_ratio)


def render_extractive(
    units: list[Unit], model: GoalAreaModel | None, goal_areas: list[GoalAreaRef], language: str
) -> tuple[str, list[Citation]]:
    """Header, a short lead and the quoted units, each followed by its marker; citations numbered in order."""
    citations = [citation_for(n, u.chunk, u.text) for n, u in enumerate(units, start=1)]
    intro = message("quotes_intro", language)
    parts = header_lines(model, goal_areas, language, units[0].chunk if units else None)
    parts += [intro] + [quote_block(u.text, c.n) for u, c in zip(units, citations)]
    return "\n\n".join(parts), citations
