"""Extractive answers: the sentences (or lists) of the top chunks that best answer the question, quoted
verbatim, each followed by its citation marker, under a header naming the goal areas and their SDGs."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.attribution import citation_fields, programme_first, quoted_by_document
from assistant.models import Citation, GoalAreaRef
from assistant.retrieval.searcher import RetrievedChunk
from assistant.understanding.conversation import last_question
from core.citations import page_label
from core.embedders import Embedder
from core.models import Chunk, GoalAreaModel
from core.strings import message
from core.text import shared_token_count, split_sentences, tokenize

LIST_LINE = re.compile(r"^\s*- ")
LEAD_IN_MAX_PARAGRAPH = 400  # a lead-in takes a following paragraph only when it is this short


@dataclass
class Unit:
    """A sentence, or a list with its lead-in, inside one chunk: an exact substring of the chunk's text."""

    chunk: Chunk
    text: str
    position: int  # order inside the chunk
    rank: int  # rank of the chunk in retrieval (1 = best)
    score: float = 0.0


def _blocks(text: str) -> list[tuple[int, int]]:
    """Start and end offsets of the paragraphs and lists of a chunk (blocks are separated by a blank line)."""
    spans, start = [], 0
    for part in text.split("\n\n"):
        spans.append((start, start + len(part)))
        start += len(part) + 2
    return spans


def _is_list(block: str) -> bool:
    return any(LIST_LINE.match(line) for line in block.split("\n"))


def _introduced_end(text: str, blocks: list[tuple[int, int]], after: int) -> int | None:
    """Where what a lead-in ending in ':' introduces ends: the next list (through one more lead-in such as
    'Alltid bästa möjliga möte, vilket betyder:'), or a short next paragraph; None when nothing follows."""
    for j in range(after + 1, min(after + 3, len(blocks))):
        block = text[slice(*blocks[j])]
        if _is_list(block) or not block.rstrip().endswith(":"):
            return blocks[j][1] if _is_list(block) or len(block) <= LEAD_IN_MAX_PARAGRAPH else None
    return None


def split_units(chunk: Chunk, rank: int = 1) -> list[Unit]:
    """The chunk's sentences and lists, each an exact substring of its text; a lead-in ending in ':' is kept with
    what it introduces."""
    text, units = chunk.text, []
    blocks = _blocks(text)
    consumed_until = -1
    for b, (start, end) in enumerate(blocks):
        if start < consumed_until:
            continue
        block = text[start:end]
        if _is_list(block):
            units.append(Unit(chunk, block, len(units), rank))
            continue
        sentences = [s.strip() for s in split_sentences(block)]
        for k, sentence in enumerate(sentences):
            last = k == len(sentences) - 1
            stop = _introduced_end(text, blocks, b) if last and sentence.endswith(":") else None
            if stop is not None:
                begin = text.index(sentence, start)
                units.append(Unit(chunk, text[begin:stop], len(units), rank))
                consumed_until = stop
            else:
                units.append(Unit(chunk, sentence, len(units), rank))
    return units


class SentenceEmbeddings:
    """Passage embeddings of units, computed once per text and kept (the corpus is small and fixed)."""

    def __init__(self, embedder: Embedder, limit: int = 20000):
        self.embedder = embedder
        self.limit = limit
        self._cache: dict[str, np.ndarray] = {}

    def seed(self, vectors: dict[str, np.ndarray]) -> None:
        """Vectors already computed for these texts (the index's stored chunk vectors), kept as if embedded."""
        if len(self._cache) + len(vectors) <= self.limit:
            self._cache.update(vectors)

    def get(self, texts: list[str]) -> np.ndarray:
        """The vectors of ``texts``. Safe to share between the generation in service and the next one being
        warmed in another thread: a full cache is replaced, never emptied under a reader."""
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        cache = self._cache
        found = {t: v for t in dict.fromkeys(texts) if (v := cache.get(t)) is not None}
        todo = [t for t in dict.fromkeys(texts) if t not in found]
        if todo:
            if len(cache) + len(todo) > self.limit:
                self._cache = cache = {}
            for text, vector in zip(todo, self.embedder.embed_passages_array(todo)):
                cache[text] = found[text] = vector
        return np.vstack([found[t] for t in texts])


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


def _repeats(text: str, other: str) -> bool:
    """One passage holds the other (the same sentence in the summary and in its section)."""
    a, b = (" ".join(t.split()).rstrip(".!?:;") for t in (text, other))
    return a in b or b in a


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
        if size + len(unit.text) > max_chars or any(_repeats(unit.text, c.text) for c in chosen):
            continue
        chosen.append(unit)
        size += len(unit.text)
    # reading order: chunks by retrieval rank, sentences in their order within the chunk
    return sorted(chosen, key=lambda u: (u.rank, u.position))


def lead_and_quote(lead: str, chunk: Chunk, quote: str) -> tuple[str, Citation]:
    """A short answer: one line, then one quote cited as [1]."""
    return "\n\n".join([lead, quote_block(quote, 1)]), citation_for(1, chunk, quote)


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
        **citation_fields(unit_chunk),
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


YES_NO = re.compile(
    r"^\s*(?:och\s+|men\s+|så\s+|and\s+|but\s+|so\s+)?(är|har|finns|ska|skall|kan|får|följs|gäller|ingår|säger|nämns|"
    r"nämner|tar|handlar|bygger|omfattar|berörs|berör|innebär|betyder|står|is|are|does|do|did|can|will|should|has|have|"
    r"was|were)\b",
    re.IGNORECASE,
)
ALTERNATIVES = re.compile(r"\b(?:eller|or)\b", re.IGNORECASE)  # "X eller Y?" is no yes-or-no question
NEGATIONS = frozenset("inte ej icke aldrig ingen inga inget ingenting not never no none nothing nor".split())


def direct_line(question: str, units: list[Unit], language: str) -> str | None:
    """For a yes-or-no question whose best quote says what it asks about, without a negation, one line that answers
    "yes" and points at that quote; otherwise None (the quotes speak for themselves)."""
    asked = last_question(question) or question  # "Har precis börjat här. Vad är syftet …?" asks no yes or no
    if not units or not YES_NO.search(asked) or ALTERNATIVES.search(asked):
        return None
    best = max(range(len(units)), key=lambda i: units[i].score)
    q_tokens, u_words = set(tokenize(question)), set(units[best].text.casefold().split())
    shared = shared_token_count(q_tokens, set(tokenize(units[best].text)))
    if u_words & NEGATIONS or shared < max(1, len(q_tokens) // 3):
        return None
    return message("direct_yes", language, n=best + 1)


def render_extractive(
    units: list[Unit], model: GoalAreaModel | None, goal_areas: list[GoalAreaRef], language: str, question: str = ""
) -> tuple[str, list[Citation]]:
    """Header, a direct answer when the evidence gives one, a short lead and the quoted units, each followed by its
    marker; citations numbered in order."""
    units = programme_first(units, lambda u: u.chunk)
    citations = [citation_for(n, u.chunk, u.text) for n, u in enumerate(units, start=1)]
    parts = header_lines(model, goal_areas, language, units[0].chunk if units else None)
    direct = direct_line(question, units, language)
    parts += [direct] if direct else []
    parts += quoted_by_document(citations, [quote_block(u.text, c.n) for u, c in zip(units, citations)], language)
    return "\n\n".join(parts), citations
