"""Filters that narrow retrieval: a document kind, a goal area, one document."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from core.models import Chunk, DocumentKind


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
