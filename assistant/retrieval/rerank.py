"""The optional rerank stage: a sentence-transformers CrossEncoder from a local folder."""

from __future__ import annotations

from assistant.retrieval.searcher import RetrievedChunk


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
