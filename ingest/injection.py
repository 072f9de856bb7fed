"""Text in a document that speaks to an AI model instead of to a reader ("ignore your instructions").

Passages are data, never instructions. The answer chain never follows what a passage says, but a passage that
tries to instruct a model is still a hazard: a generative backend could be swayed, and a question could be
answered by quoting the attack back. So the ingest screens every chunk: a chunk that reads as instructions to
an AI is quarantined, that is, kept out of the search index (no retrieval, no LLM context, no quote) and
reported, with its place, to whoever ran the ingest. The rest of the document is indexed as usual.

The patterns are narrow on purpose (Swedish and English): a policy text may well say "ignorera inte barnens
röster" or "act as a bridge"; it does not say "ignore all previous instructions". The real corpus has no hit
(tested).
"""

from __future__ import annotations

import re

from core.models import Chunk
from store.state import QuarantinedChunk

SCREEN_VERSION = "screen-v2"  # v2: also the classifier by meaning (ingest/instruction_classifier.py)

_QUALIFIER_EN = r"(?:all|any|previous|prior|above|earlier|preceding|system|original|your|my|these|those|the\s+above)"
_QUALIFIER_SV = r"(?:alla|allt|dina|de|era|tidigare|föregående|ovanstående|ursprungliga|system)"
PATTERNS = [
    re.compile(
        rf"\b(?:ignore|disregard|forget|override|bypass)\s+(?:{_QUALIFIER_EN}\s+){{1,3}}(?:instructions?|prompts?|rules|guidelines|directions|context)\b"
    ),
    re.compile(
        rf"\b(?:ignorera|strunta\s+i|bortse\s+från|glöm|åsidosätt)\s+(?:{_QUALIFIER_SV}\s+){{1,3}}(?:instruktion(?:er|erna)?|prompt(?:en|ar)?|regler(?:na)?|anvisning(?:ar|arna)?|direktiv(?:en)?)\b"
    ),
    re.compile(r"\byou\s+are\s+now\s+(?:an?|the|my|in)\b"),
    re.compile(r"\bdu\s+är\s+(?:nu|från\s+och\s+med\s+nu)\s+(?:en|ett|min|i)\b"),
    re.compile(r"\b(?:system\s*prompt|systemprompt(?:en)?)\b"),
    re.compile(r"\b(?:new|updated)\s+instructions?\s*:"),
    re.compile(r"\bnya\s+instruktioner\s*:"),
    re.compile(r"(?:<\|im_start\|>|<\|system\|>|\[/?INST\]|</?(?:system|assistant)>)"),
    re.compile(
        r"\b(?:as\s+an?\s+(?:ai|language\s+model|assistant)|som\s+(?:en\s+)?(?:ai|språkmodell|assistent))\s*,?\s+(?:you|du)\s+(?:must|should|ska|måste)\b"
    ),
]


def instruction_like(text: str) -> str | None:
    """The phrase that makes ``text`` read as instructions to an AI model, or None."""
    folded = " ".join(text.casefold().split())
    for pattern in PATTERNS:
        match = pattern.search(folded)
        if match:
            return match.group(0)
    return None


def screen_chunks(
    chunks: list[Chunk], released: set[str] | frozenset[str] = frozenset()
) -> tuple[list[Chunk], dict[str, list[QuarantinedChunk]]]:
    """Keep every chunk that reads as instructions to an AI out of the index: the kept chunks, and the
    quarantined ones by document. ``released``: chunk ids an administrator released (false positives)."""
    kept: list[Chunk] = []
    quarantined: dict[str, list[QuarantinedChunk]] = {}
    for chunk in chunks:
        phrase = None if chunk.chunk_id in released else instruction_like(chunk.text)
        if phrase is None:
            kept.append(chunk)
            continue
        quarantined.setdefault(chunk.document_id, []).append(
            QuarantinedChunk(chunk_id=chunk.chunk_id, section=chunk.section, page=chunk.page, phrase=phrase)
        )
    return kept, quarantined
