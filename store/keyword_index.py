"""The keyword index: BM25 (Okapi) over Swedish-stemmed tokens of each chunk's headings and text."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rank_bm25 import BM25Okapi

from core.models import Chunk
from core.text import tokenize


@dataclass
class KeywordIndex:
    chunk_ids: list[str]
    tokens: list[list[str]]

    def __post_init__(self) -> None:
        # BM25Okapi cannot take an empty corpus; an index of nothing answers nothing.
        self._bm25 = BM25Okapi(self.tokens) if self.tokens else None
        self._position = {cid: i for i, cid in enumerate(self.chunk_ids)}

    @classmethod
    def build(cls, chunks: list[Chunk]) -> KeywordIndex:
        return cls([c.chunk_id for c in chunks], [tokenize(c.indexed_text()) for c in chunks])

    def to_json(self) -> dict:
        return {"format": "bm25-okapi-sv-stem-v1", "chunk_ids": self.chunk_ids, "tokens": self.tokens}

    @classmethod
    def from_json(cls, data: dict) -> KeywordIndex:
        return cls(list(data["chunk_ids"]), [list(t) for t in data["tokens"]])

    def search(self, query: str, k: int = 10, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """Best chunks for the query's stemmed words; chunks sharing no word with it are left out."""
        terms = tokenize(query)
        if self._bm25 is None or not terms:
            return []
        scores = np.asarray(self._bm25.get_scores(terms), dtype=np.float64)
        order = np.argsort(-scores)
        out = []
        for i in order:
            if scores[i] <= 0:
                break
            cid = self.chunk_ids[i]
            if allowed is not None and cid not in allowed:
                continue
            out.append((cid, float(scores[i])))
            if len(out) == k:
                break
        return out
