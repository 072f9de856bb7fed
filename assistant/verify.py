"""Checks of generated text against its sources.

- ``verify``: every sentence of a generated answer must cite passages that exist and share enough words (or
  meaning) with them, without contradicting them: a negation the passages do not have near the same words (or
  one of theirs the sentence drops), a number they do not state, or a quote not verbatim in them makes the
  sentence unsupported; unsupported sentences are dropped by the caller.
- ``verify_draft``: a generated draft keeps only verbatim quotes, markers pointing at given passages, and the
  SDG numbers that the goal areas it names really have.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from assistant.retrieval.searcher import RetrievedChunk
from assistant.understanding.goal_areas import GoalAreaResolver
from core.embedders import Embedder
from core.models import GoalAreaModel
from core.text import shared_token_count, split_sentences, tokenize, words

MARKER = re.compile(r"\s?\[(\d{1,2})\]")
QUOTED = re.compile(r"[”“\"«]([^”“\"«»]{8,}?)[”“\"»]")
NUMBER = re.compile(r"\d+")
# Negations whose presence or absence turns a claim around (Swedish, English); "n't" is read as "not".
NEGATIONS = frozenset("inte ej icke aldrig ingen inga inget ingenting not never no none nothing nor".split())
SDG_LIST = re.compile(r"\b(mål(?:en)?|SDGs?|goals?)\s+((?:\d{1,2}(?:\s*,\s*|\s+och\s+|\s+and\s+)?)+)", re.IGNORECASE)


@dataclass
class CheckedSentence:
    text: str  # without markers
    cited: list[int]
    supported: bool
    reason: str = ""


@dataclass
class Verification:
    sentences: list[CheckedSentence] = field(default_factory=list)

    @property
    def kept(self) -> list[CheckedSentence]:
        return [s for s in self.sentences if s.supported]

    @property
    def faithfulness(self) -> float:
        return len(self.kept) / len(self.sentences) if self.sentences else 0.0


def verify(
    text: str,
    hits: list[RetrievedChunk],
    embedder: Embedder | None = None,
    min_overlap: float = 0.5,
    min_similarity: float = 0.86,
) -> Verification:
    """Each sentence must cite passages that exist, and share enough words (or meaning) with them."""
    result = Verification()
    lines = [MARKER.sub(lambda m: f" [{m.group(1)}]", line) for line in text.strip().splitlines()]
    for raw in (p for line in lines for p in split_sentences(line)):
        raw = raw.strip(" -*•")
        sentence = MARKER.sub("", raw).strip()
        if not sentence or not re.search(r"\w", sentence):
            continue
        numbers = [int(n) for n in MARKER.findall(raw)]
        valid = [n for n in dict.fromkeys(numbers) if 1 <= n <= len(hits)]
        if not valid:
            reason = "no citation" if not numbers else f"cites passages that were not given: {numbers}"
            result.sentences.append(CheckedSentence(sentence, [], False, reason))
            continue
        chunks = [hits[n - 1].chunk for n in valid]
        passage = " ".join(c.indexed_text() for c in chunks)
        # the cited chunks' pages (and PDF page labels) and SDGs
        stated = {str(n) for c in chunks for n in [*c.pages, *c.sdgs, *(s.page for s in c.page_spans)]}
        contradiction = _contradiction(sentence, passage, stated)
        if contradiction:
            result.sentences.append(CheckedSentence(sentence, valid, False, contradiction))
            continue
        supported, reason = _supported(sentence, passage, embedder, min_overlap, min_similarity)
        result.sentences.append(CheckedSentence(sentence, valid, supported, reason))
    return result


def _supported(
    sentence: str, passage: str, embedder: Embedder | None, min_overlap: float, min_similarity: float
) -> tuple[bool, str]:
    tokens = set(tokenize(sentence))
    overlap = shared_token_count(tokens, set(tokenize(passage))) / len(tokens) if tokens else 0.0
    if overlap >= min_overlap or embedder is None:
        return overlap >= min_overlap, f"word overlap {overlap:.2f}"
    a, b = embedder.embed_passages_array([sentence, passage])
    similarity = float(np.dot(a, b))
    return similarity >= min_similarity, f"word overlap {overlap:.2f}, similarity {similarity:.3f}"


def _contradiction(sentence: str, passage: str, stated: set[str]) -> str:
    """Why the sentence says something its passage does not, though their words may agree; empty when nothing."""
    if _negation_differs(sentence, passage):
        return "negation differs from the passage"
    numbers = [n for n in dict.fromkeys(NUMBER.findall(sentence)) if n not in stated | set(NUMBER.findall(passage))]
    if numbers:
        return f"numbers not in the passage: {', '.join(numbers)}"
    quote = next((q for q in QUOTED.findall(sentence) if _normal(q) not in _normal(passage)), None)
    return f"quote not in the passage: “{quote[:60]}”" if quote is not None else ""


def _negation_scopes(text: str) -> list[set[str]]:
    """Per negation, the (at most two) content words it negates: those after it, else those before it."""
    ws = words(re.sub(r"n[’']t\b", " not", text))
    content = [[] if w in NEGATIONS else tokenize(w) for w in ws]
    scopes = []
    for i, w in enumerate(ws):
        if w in NEGATIONS:
            after = [t for c in content[i + 1 : i + 5] for t in c][:2]
            scopes.append(set(after or [t for c in content[max(0, i - 4) : i] for t in c][-2:]))
    return scopes


def _negation_differs(sentence: str, passage: str) -> bool:
    """A negation in the sentence about the passage's words that the passage lacks near them, or a negation of the
    passage whose negated words the sentence repeats without it ("ska inte planera" against "ska planera")."""
    mine, theirs = _negation_scopes(sentence), _negation_scopes(passage)

    def negated_in(scope: set[str], scopes: list[set[str]]) -> bool:
        return any(shared_token_count(scope, other) for other in scopes)

    passage_words, sentence_words = set(tokenize(passage)), set(tokenize(sentence))
    if any(shared_token_count(s, passage_words) and not negated_in(s, theirs) for s in mine):
        return True
    return any(s and shared_token_count(s, sentence_words) == len(s) and not negated_in(s, mine) for s in theirs)


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def verify_draft(
    text: str, sources: list[str], model: GoalAreaModel | None, resolver: GoalAreaResolver | None, passages: int
) -> tuple[str, list[str]]:
    """Check a generated draft: quotes verbatim in a source (else the sentence goes), markers pointing at
    given passages (else the marker goes), SDG numbers true to the goal areas named (else corrected)."""
    normal_sources = [_normal(s) for s in sources]
    corrections: list[str] = []
    out_lines = []
    for line in text.strip().splitlines():
        kept = []
        for sentence in split_sentences(line):
            bad_quote = next(
                (q for q in QUOTED.findall(sentence) if not any(_normal(q) in s for s in normal_sources)), None
            )
            if bad_quote is not None:
                corrections.append(f"removed a sentence whose quote is not in the source: “{bad_quote[:60]}”")
                continue
            for n in {int(x) for x in MARKER.findall(sentence)}:
                if not 1 <= n <= passages:
                    sentence = re.sub(rf"\s?\[{n}\]", "", sentence)
                    corrections.append(f"removed marker [{n}]: no such passage")
            sentence, fixed, drop = _correct_sdgs(sentence, model, resolver)
            corrections += fixed
            if not drop:
                kept.append(sentence)
        out_lines.append(" ".join(kept))
    return "\n".join(out_lines).strip(), corrections


def _number_words(numbers: list[int], label: str) -> str:
    if len(numbers) == 1:
        return str(numbers[0])
    return ", ".join(map(str, numbers[:-1])) + (" och " if "mål" in label.casefold() else " and ") + str(numbers[-1])


def _correct_sdgs(
    sentence: str, model: GoalAreaModel | None, resolver: GoalAreaResolver | None
) -> tuple[str, list[str], bool]:
    if model is None:
        return sentence, [], False
    named = [m.goal_area for m in resolver.by_name(sentence)] if resolver else []
    right = sorted({n for ga in named for n in ga.sdgs})
    notes: list[str] = []
    for m in list(SDG_LIST.finditer(sentence)):
        numbers = sorted({int(x) for x in re.findall(r"\d{1,2}", m.group(2))})
        if named:
            if numbers != right:
                replacement = f"{m.group(1)} {_number_words(right, m.group(1))}".rstrip()
                sentence = sentence.replace(m.group(0), replacement + (" " if m.group(0).endswith(" ") else ""))
                notes.append(f"corrected SDGs {numbers} to {right} for {', '.join(ga.name for ga in named)}")
        elif any(n not in model.covered_sdgs for n in numbers):
            notes.append(f"removed a sentence naming SDGs {numbers} that the programme does not cover")
            return sentence, notes, True
    return sentence, notes, False
