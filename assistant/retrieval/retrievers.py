"""LangChain retrievers over the one hybrid searcher: the answer chain retrieves through ``HybridRetriever``, and
a user can reuse any of the three in chains of their own. ``filters``, ``language`` and ``k`` may be given per call:
``retriever.invoke("bostäder", filters=RetrievalFilters(kind="programme"), language="sv", k=3)``."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from assistant.retrieval.filters import RetrievalFilters
from assistant.retrieval.searcher import RetrievalResult, RetrieverName


class SearcherRetriever(BaseRetriever):
    searcher: Any  # HybridSearcher (Any: pydantic need not validate it)
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
        k: int | None = None,
    ) -> list[Document]:
        result = self.searcher.search(
            query,
            k=k or self.k,
            filters=filters or self.filters,
            language=language or self.language,
            retriever=self.mode,
        )
        return result.documents()

    def results(
        self, query: str, language: str, filters: RetrievalFilters | None = None, k: int | None = None
    ) -> RetrievalResult:
        """``invoke``, with the documents turned back into scored hits over the searcher's chunks."""
        documents = self.invoke(query, filters=filters, language=language, k=k)
        return RetrievalResult.from_documents(documents, self.searcher.index.chunks)


class KeywordRetriever(SearcherRetriever):
    mode: RetrieverName = "keyword"


class DenseRetriever(SearcherRetriever):
    mode: RetrieverName = "dense"


class HybridRetriever(SearcherRetriever):
    mode: RetrieverName = "fused"
