"""Checks of generated text against its sources.

- ``verify``: every sentence of a generated answer must cite passages that exist and share enough words (or
  meaning) with them; unsupported sentences are dropped by the caller.
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
from core.text import shared_token_count, split_sentences, tokenize

MARKER = re.compile(r"\s?\[(\d{1,2})\]")
QUOTED = re.compile(r"[”“\"«]([^”“\"«»]{8,}?)[”“\"»]")
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
        passage = " ".join(hits[n - 1].chunk.indexed_text() for n in valid)
        supported, reason = _supported(sentence, passage, embedder, min_overlap, min_similarity)
        result.sentences.append(CheckedSentence(sentence, valid, supported, reason))
    return result


def _supported(
    sentence: str, passage: str, embedder: Embedder | None, min_overlap: float, min_similarity: float
) -> tuple[bool, str]:
    words = set(tokenize(sentence))
    overlap = shared_token_count(words, set(tokenize(passage))) / len(words) if words else 0.0
    if overlap >= min_overlap or embedder is None:
        return overlap >= min_overlap, f"word overlap {overlap:.2f}"
    a, b = embedder.embed_passages_array([sentence, passage])
    similarity = float(np.dot(a, b))
    return similarity >= min_similarity, f"word overlap {overlap:.2f}, similarity {similarity:.3f}"


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
