"""The index state: which generation serves, and what each document put into it."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from core.citations import source_line
from core.models import DocumentKind

STATE_FILE = "index_state.json"


class QuarantinedChunk(BaseModel):
    """A chunk kept out of the index because it reads as instructions to an AI (ingest/injection.py)."""

    chunk_id: str
    section: str
    page: int | str | None = None  # as cited: a PDF page label ("ii") or "2 (OCR)" is a string
    phrase: str
    method: str = Field("pattern", description="pattern (ingest/injection.py) or meaning (the classifier).")
    probability: float | None = None

    def describe(self, document_title: str) -> str:
        return f"{source_line(document_title, self.section, self.page, 'sv')}: ”{self.phrase}”"


class IndexedDocument(BaseModel):
    id: str
    path: str
    title: str
    kind: DocumentKind
    content_hash: str
    chunk_ids: list[str]
    quarantined: list[QuarantinedChunk] = Field(default_factory=list)
    year: int | None = None
    source_url: str | None = None

    def listing(self) -> dict:
        """The one document listing (`hallbar info --json`, `GET /api/documents`)."""
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind.value,
            "year": self.year,
            "path": self.path,
            "source_url": self.source_url,
            "chunks": len(self.chunk_ids),
            "quarantined": [q.model_dump() for q in self.quarantined],
        }


class IndexState(BaseModel):
    version: int = 1
    generation: int
    previous: list[str] = Field(default_factory=list, description="Names kept from the generation before.")
    collection: str
    embedder_id: str
    chunker: str
    keyword_index_file: str
    goal_area_file: str | None = None
    documents: dict[str, IndexedDocument] = Field(default_factory=dict)
    updated_at: dt.datetime

    @property
    def chunk_count(self) -> int:
        return sum(len(d.chunk_ids) for d in self.documents.values())

    @property
    def names(self) -> set[str]:
        """The collection and blobs this generation reads."""
        return {n for n in (self.collection, self.keyword_index_file, self.goal_area_file) if n}

    def kept_names(self) -> set[str]:
        """What an ingest must not delete: this generation, and the previous one other processes may still serve."""
        return self.names | set(self.previous)
