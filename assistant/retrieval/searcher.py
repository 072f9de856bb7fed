"""Retrieval: keyword (BM25, Swedish stems) and dense (Chroma) rankings, fused by reciprocal rank fusion,
then an optional rerank stage. Exposed as LangChain retrievers over one shared ``HybridSearcher``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import BaseModel, ConfigDict

from assistant.retrieval.fusion import reciprocal_rank_fusion
from core.embedders import Embedder
from store.index_store import IndexNotReadyError, IndexState, IndexStore, IndexUnavailableError
from store.keyword_index import KeywordIndex
from core.models import Chunk, DocumentKind, GoalAreaModel
from core.settings import Settings

if TYPE_CHECKING:
    from assistant.understanding.goal_areas import GoalAreaResolver

RetrieverName = Literal["keyword", "dense", "fused", "reranked"]


class RetrievalFilters(BaseModel):
    """Narrow retrieval to a document kind, a goal area or one document (all optional, combined with AND)."""

    model_config = ConfigDict(extra="forbid")

    kind: DocumentKind | None = None
    goal_area: str | None = None
    document_id: str | None = None

    def chroma_where(self) -> dict | None:
        conditions = [
            {key: value.value if isinstance(value, DocumentKind) else value}
            for key, value in (("kind", self.kind), ("goal_area", self.goal_area), ("document_id", self.document_id))
            if value is not None
        ]
        if not conditions:
            return None
        return conditions[0] if len(conditions) == 1 else {"$and": conditions}

    def accepts(self, chunk: Chunk) -> bool:
        return (
            (self.kind is None or chunk.kind == self.kind)
            and (self.goal_area is None or chunk.goal_area == self.goal_area)
            and (self.document_id is None or chunk.document_id == self.document_id)
        )


@dataclass
class RetrievedChunk:
    chunk: Chunk
    score: float  # the final ranking's score (fused or reranked)
    dense_similarity: float | None = None  # cosine similarity of question and chunk
    keyword_score: float | None = None
    dense_rank: int | None = None
    keyword_rank: int | None = None

    def to_document(self) -> Document:
        meta = self.chunk.to_chroma_metadata()
        meta.update(chunk_id=self.chunk.chunk_id, score=self.score, dense_similarity=self.dense_similarity, keyword_score=self.keyword_score)
        return Document(page_content=self.chunk.text, metadata=meta, id=self.chunk.chunk_id)


@dataclass
class RetrievalResult:
    hits: list[RetrievedChunk]
    dense: list[tuple[str, float]] = field(default_factory=list)
    keyword: list[tuple[str, float]] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def top_dense_similarity(self) -> float:
        return self.dense[0][1] if self.dense else 0.0


@dataclass
class LoadedIndex:
    """Everything a question needs from the index, loaded once."""

    state: IndexState
    collection: Any
    keyword: KeywordIndex
    goal_model: GoalAreaModel | None
    chunks: dict[str, Chunk]
    store: IndexStore

    @classmethod
    def load(cls, settings: Settings, embedder: Embedder, store: IndexStore | None = None) -> "LoadedIndex":
        """``store``: an open one to reuse (a serving process keeps one connection across reloads)."""
        store = store or IndexStore(settings)
        state = store.read_state()
        if state is None:
            raise IndexNotReadyError(f"no index in {store.location}: run 'hallbar ingest'")
        try:
            collection = store.get_collection(state.collection, embedder, state.embedder_id)
        except IndexUnavailableError:
            raise
        except Exception as exc:  # chromadb raises NotFoundError / ValueError across versions
            raise IndexNotReadyError(f"index collection {state.collection} unreadable ({exc}); run 'hallbar ingest --rebuild'") from exc
        if state.embedder_id != embedder.model_id:
            raise IndexNotReadyError(
                f"the index was built with {state.embedder_id}, but {embedder.model_id} is configured; run 'hallbar ingest'"
            )
        got = store.call(collection.get, include=["documents", "metadatas"])
        chunks = {cid: Chunk.from_chroma(cid, text, meta) for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"])}
        ordered = [cid for d in state.documents.values() for cid in d.chunk_ids if cid in chunks]
        chunks = {cid: chunks[cid] for cid in ordered}
        keyword = KeywordIndex.from_json(store.read_json(state.keyword_index_file))
        return cls(state, collection, keyword, store.read_goal_area_model(state), chunks, store)


class CrossEncoderReranker:
    """Reorders candidates with a sentence-transformers CrossEncoder loaded from a local folder."""

    def __init__(self, model_path: str):
        from sentence_transformers import CrossEncoder

        self.model = CrossEncoder(model_path, device="cpu", local_files_only=True)
        self.model_path = model_path

    def rerank(self, query: str, hits: list[RetrievedChunk]) -> list[RetrievedChunk]:
        if not hits:
            return hits
        scores = self.model.predict([(query, h.chunk.indexed_text()) for h in hits], show_progress_bar=False)
        for hit, score in zip(hits, scores):
            hit.score = float(score)
        return sorted(hits, key=lambda h: -h.score)


class HybridSearcher:
    def __init__(
        self,
        index: LoadedIndex,
        embedder: Embedder,
        settings: Settings,
        reranker: CrossEncoderReranker | None = None,
        resolver: "GoalAreaResolver | None" = None,
    ):
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.reranker = reranker
        self.resolver = resolver  # when set, a question naming a goal area also ranks that area's chunks

    def dense(self, query: str, k: int, filters: RetrievalFilters | None = None, vector: list[float] | None = None) -> list[tuple[str, float]]:
        vector = vector if vector is not None else self.embedder.embed_query(query)
        where = filters.chroma_where() if filters else None
        n = min(k, len(self.index.chunks)) or 1
        got = self.index.store.call(self.index.collection.query, query_embeddings=[vector], n_results=n, where=where, include=["distances"])
        return [(cid, 1.0 - float(d)) for cid, d in zip(got["ids"][0], got["distances"][0])]

    def keyword(self, query: str, k: int, filters: RetrievalFilters | None = None) -> list[tuple[str, float]]:
        allowed = {cid for cid, c in self.index.chunks.items() if filters.accepts(c)} if filters else None
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
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        dense = self.dense(query, depth, filters) if retriever != "keyword" else []
        t1 = time.perf_counter()
        keyword = self.keyword(query, depth, filters) if retriever != "dense" else []
        t2 = time.perf_counter()
        timings.update(dense=(t1 - t0) * 1000, keyword=(t2 - t1) * 1000)
        dense_rank = {cid: (i, s) for i, (cid, s) in enumerate(dense, start=1)}
        keyword_rank = {cid: (i, s) for i, (cid, s) in enumerate(keyword, start=1)}
        if retriever == "dense":
            ranked = dense
        elif retriever == "keyword":
            ranked = keyword
        else:
            # An English question shares few words with Swedish text: its keyword ranking counts for less.
            kw_weight = self.settings.keyword_weight_en if language == "en" else 1.0
            rankings = [[c for c, _ in dense], [c for c, _ in keyword]]
            weights = [1.0, kw_weight]
            named = {m.goal_area.name for m in self.resolver.by_name(query)} if self.resolver else set()
            if named:  # "bostadsfrågorna", "the jobs goal area": that goal area's own chunks, best first
                in_dense = [c for c, _ in dense if c in self.index.chunks and self.index.chunks[c].goal_area in named]
                rest = [cid for cid, c in self.index.chunks.items() if c.goal_area in named and cid not in in_dense]
                rankings.append(in_dense + [cid for cid in rest if filters is None or filters.accepts(self.index.chunks[cid])])
                weights.append(self.settings.goal_area_weight)
            ranked = reciprocal_rank_fusion(rankings, k=self.settings.rrf_k, weights=weights)
        hits = [
            RetrievedChunk(
                chunk=self.index.chunks[cid],
                score=score,
                dense_similarity=dense_rank.get(cid, (None, None))[1],
                keyword_score=keyword_rank.get(cid, (None, None))[1],
                dense_rank=dense_rank.get(cid, (None, None))[0],
                keyword_rank=keyword_rank.get(cid, (None, None))[0],
            )
            for cid, score in ranked
            if cid in self.index.chunks
        ]
        if self.reranker is not None and retriever in ("fused", "reranked"):
            t3 = time.perf_counter()
            hits = self.reranker.rerank(query, hits[: self.settings.rerank_depth]) + hits[self.settings.rerank_depth :]
            timings["rerank"] = (time.perf_counter() - t3) * 1000
        return RetrievalResult(hits=hits[:k], dense=dense, keyword=keyword, timings_ms=timings)


class _SearcherRetriever(BaseRetriever):
    """A LangChain retriever over the shared searcher; ``filters`` and ``language`` may be given per call."""

    searcher: Any
    k: int = 6
    filters: RetrievalFilters | None = None
    language: str = "sv"
    mode: RetrieverName = "fused"

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        filters: RetrievalFilters | None = None,
        language: str | None = None,
    ) -> list[Document]:
        result = self.searcher.search(query, k=self.k, filters=filters or self.filters, language=language or self.language, retriever=self.mode)
        return [hit.to_document() for hit in result.hits]


class KeywordRetriever(_SearcherRetriever):
    mode: RetrieverName = "keyword"


class DenseRetriever(_SearcherRetriever):
    mode: RetrieverName = "dense"


class HybridRetriever(_SearcherRetriever):
    mode: RetrieverName = "fused"
