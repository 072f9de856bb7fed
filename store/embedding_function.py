"""Hands Chroma our embedder explicitly, so that Chroma never reaches for its downloading default."""

from __future__ import annotations

from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction

from core.embedders import Embedder


class ChromaEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma's embedding-function protocol over an ``Embedder`` (None: a collection only read by vector)."""

    def __init__(self, embedder: Embedder | None = None, model_id: str = ""):
        self._embedder = embedder
        self._model_id = model_id or (embedder.model_id if embedder else "")

    def _loaded(self) -> Embedder:
        if self._embedder is None:
            raise RuntimeError(f"embedder {self._model_id} is not loaded in this process")
        return self._embedder

    def __call__(self, input: Documents) -> list:  # noqa: A002 - Chroma's protocol names it so
        return list(self._loaded().embed_passages_array(list(input)))

    def embed_query(self, input: Documents) -> list:  # noqa: A002
        return list(self._loaded().embed_queries_array(list(input)))

    @staticmethod
    def name() -> str:
        return "hallbar"

    def get_config(self) -> dict[str, Any]:
        return {"model_id": self._model_id}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbeddingFunction:
        return ChromaEmbeddingFunction(None, model_id=config.get("model_id", ""))

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"
