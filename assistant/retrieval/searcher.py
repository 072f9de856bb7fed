"""Hybrid search: keyword (BM25, Swedish stems) and dense (Chroma) rankings, plus the chunks of a goal area the
question names, fused by reciprocal rank fusion, then an optional rerank stage."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal, Protocol

from langchain_core.documents import Document

from assistant.retrieval.filters import RetrievalFilters
from assistant.retrieval.fusion import reciprocal_rank_fusion
from assistant.understanding.glossary import Glossary
from assistant.understanding.goal_areas import GoalAreaResolver
from core.embedders import Embedder
from core.models import Chunk, DocumentKind
from core.settings import Settings
from store.loaded_index import LoadedIndex

RetrieverName = Literal["keyword", "dense", "fused", "reranked"]
Ranking = list[tuple[str, float]]


@dataclass
class RetrievedChunk:
    chunk: Chunk
    score: float  # the final ranking's score (fused or reranked)
    dense_similarity: float | None = None  # cosine similarity of question and chunk
    keyword_score: float | None = None
    dense_rank: int | None = None
    keyword_rank: int | None = None

    def to_document(self, top_dense_similarity: float = 0.0) -> Document:
        meta = self.chunk.to_chroma_metadata()
        meta.update(
            chunk_id=self.chunk.chunk_id,
            score=self.score,
            dense_similarity=self.dense_similarity,
            keyword_score=self.keyword_score,
            dense_rank=self.dense_rank,
            keyword_rank=self.keyword_rank,
            top_dense_similarity=top_dense_similarity,
        )
        return Document(page_content=self.chunk.text, metadata=meta, id=self.chunk.chunk_id)

    @classmethod
    def from_document(cls, document: Document, chunks: dict[str, Chunk]) -> RetrievedChunk:
        meta = document.metadata
        chunk = chunks.get(meta["chunk_id"]) or Chunk.from_chroma(meta["chunk_id"], document.page_content, meta)
        return cls(
            chunk,
            meta["score"],
            meta.get("dense_similarity"),
            meta.get("keyword_score"),
            meta.get("dense_rank"),
            meta.get("keyword_rank"),
        )


@dataclass
class RetrievalResult:
    hits: list[RetrievedChunk]
    dense: Ranking = field(default_factory=list)
    keyword: Ranking = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    top_dense_similarity: float = 0.0  # the question's best dense similarity, whatever ranks first after fusion

    def documents(self) -> list[Document]:
        """The hits as LangChain documents, each carrying the query's top dense similarity in its metadata."""
        return [hit.to_document(self.top_dense_similarity) for hit in self.hits]

    @classmethod
    def from_documents(cls, documents: list[Document], chunks: dict[str, Chunk]) -> RetrievalResult:
        top = float(documents[0].metadata.get("top_dense_similarity", 0.0)) if documents else 0.0
        return cls(hits=[RetrievedChunk.from_document(d, chunks) for d in documents], top_dense_similarity=top)


class Reranker(Protocol):
    def rerank(self, query: str, hits: list[RetrievedChunk]) -> list[RetrievedChunk]: ...


class HybridSearcher:
    def __init__(
        self,
        index: LoadedIndex,
        embedder: Embedder,
        settings: Settings,
        reranker: Reranker | None = None,
        resolver: GoalAreaResolver | None = None,
        glossary: Glossary | None = None,
    ):
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.reranker = reranker
        self.resolver = resolver  # when set, a question naming a goal area also ranks that area's chunks
        self.glossary = glossary  # when set, keyword search adds the Swedish terms for an English question's words

    def dense(self, query: str, k: int, filters: RetrievalFilters | None = None) -> Ranking:
        vector = self.embedder.embed_query(query)
        where = filters.chroma_where() if filters else None
        n = min(k, len(self.index.chunks)) or 1
        got = self.index.store.call(
            self.index.collection.query, query_embeddings=[vector], n_results=n, where=where, include=["distances"]
        )
        return [(cid, 1.0 - float(d)) for cid, d in zip(got["ids"][0], got["distances"][0])]

    def keyword(self, query: str, k: int, filters: RetrievalFilters | None = None) -> Ranking:
        allowed = {cid for cid, c in self.index.chunks.items() if filters.accepts(c)} if filters else None
        query = self.glossary.expand(query) if self.glossary else query
        return self.index.keyword.search(query, k=k, allowed=allowed)

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: RetrievalFilters | None = None,
        language: str = "sv",
        retriever: RetrieverName = "fused",
    ) -> RetrievalResult:
        k = k or self.settings.retrieval_k
        depth = max(k, self.settings.retrieval_depth)
        t0 = time.perf_counter()
        dense = self.dense(query, depth, filters) if retriever != "keyword" else []
        t1 = time.perf_counter()
        keyword = self.keyword(query, depth, filters) if retriever != "dense" else []
        timings = {"dense": (t1 - t0) * 1000, "keyword": (time.perf_counter() - t1) * 1000}
        if retriever in ("dense", "keyword"):
            ranked = dense or keyword
        else:
            ranked = self._fuse(query, dense, keyword, filters, language)
        hits = self._hits(ranked, dense, keyword)
        if self.reranker is not None and retriever in ("fused", "reranked"):
            t2 = time.perf_counter()
            depth = self.settings.rerank_depth
            hits = self.reranker.rerank(query, hits[:depth]) + hits[depth:]
            timings["rerank"] = (time.perf_counter() - t2) * 1000
        top = self._policy_top(dense, filters)
        return RetrievalResult(
            hits=hits[:k], dense=dense, keyword=keyword, timings_ms=timings, top_dense_similarity=top
        )

    def _fuse(
        self, query: str, dense: Ranking, keyword: Ranking, filters: RetrievalFilters | None, language: str
    ) -> Ranking:
        # An English question shares few words with Swedish text: its keyword ranking counts for less.
        kw_weight = self.settings.keyword_weight_en if language == "en" else 1.0
        rankings = [[c for c, _ in dense], [c for c, _ in keyword]]
        weights = [1.0, kw_weight]
        named = {m.goal_area.name for m in self.resolver.by_name(query)} if self.resolver else set()
        if named:  # "bostadsfrågorna", "the jobs goal area": that goal area's own chunks, best first
            chunks = self.index.chunks
            in_dense = [c for c, _ in dense if c in chunks and chunks[c].goal_area in named]
            rest = [cid for cid, c in chunks.items() if c.goal_area in named and cid not in in_dense]
            rankings.append(in_dense + [cid for cid in rest if filters is None or filters.accepts(chunks[cid])])
            weights.append(self.settings.goal_area_weight)
        fused = reciprocal_rank_fusion(rankings, k=self.settings.rrf_k, weights=weights)
        return self._policy_first(fused)

    def _policy_top(self, dense: Ranking, filters: RetrievalFilters | None) -> float:
        """The best dense similarity of a policy document's chunk (the programme, an action plan): scope is judged
        against them, not against unrelated documents (kind "other"), unless ``other_kind_weight`` is 1 or no policy
        document is searched (none indexed, or the filters ask for unrelated documents only). Below the ranking's
        depth, its last similarity stands in."""
        chunks = self.index.chunks
        if not dense or self.settings.other_kind_weight == 1.0 or not self._searches_policy(filters):
            return dense[0][1] if dense else 0.0
        return next((s for cid, s in dense if cid in chunks and chunks[cid].kind != DocumentKind.other), dense[-1][1])

    def _searches_policy(self, filters: RetrievalFilters | None) -> bool:
        """Whether a policy document is indexed and within ``filters``."""
        return any(
            d.kind != DocumentKind.other
            and (filters is None or (filters.kind in (None, d.kind) and filters.document_id in (None, d.id)))
            for d in self.index.state.documents.values()
        )

    def _policy_first(self, fused: Ranking) -> Ranking:
        """Scores of chunks of unrelated documents (kind 'other') scaled by ``other_kind_weight``."""
        weight, chunks = self.settings.other_kind_weight, self.index.chunks
        if weight == 1.0:
            return fused
        scaled = [
            (cid, s * weight if cid in chunks and chunks[cid].kind == DocumentKind.other else s) for cid, s in fused
        ]
        return sorted(scaled, key=lambda kv: -kv[1])

    def _hits(self, ranked: Ranking, dense: Ranking, keyword: Ranking) -> list[RetrievedChunk]:
        dense_rank = {cid: (i, s) for i, (cid, s) in enumerate(dense, start=1)}
        keyword_rank = {cid: (i, s) for i, (cid, s) in enumerate(keyword, start=1)}
        none = (None, None)
        return [
            RetrievedChunk(
                chunk=self.index.chunks[cid],
                score=score,
                dense_similarity=dense_rank.get(cid, none)[1],
                keyword_score=keyword_rank.get(cid, none)[1],
                dense_rank=dense_rank.get(cid, none)[0],
                keyword_rank=keyword_rank.get(cid, none)[0],
            )
            for cid, score in ranked
            if cid in self.index.chunks
        ]
