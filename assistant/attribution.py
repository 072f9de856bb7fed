"""Which document a quote is from, said where it is quoted: each document's quotes under their own intro
("Programmet säger:", "Handlingsplan 2024 för Bäckby säger:"), the programme's first; citations that carry the
document's id, kind and year, and how the quote's section was linked to its goal area."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from assistant.models import Citation
from core.citations import document_intro, document_label
from core.models import Chunk, DocumentKind
from core.strings import message

T = TypeVar("T")


def programme_first(items: list[T], chunk_of: Callable[[T], Chunk]) -> list[T]:
    """Grouped by document: the programme's first, then the others in the order they first appear; within a
    document the order given."""
    first_seen: dict[str, int] = {}
    for i, item in enumerate(items):
        first_seen.setdefault(chunk_of(item).document_id, i)

    def key(item: T) -> tuple[bool, int]:
        chunk = chunk_of(item)
        return chunk.kind != DocumentKind.programme, first_seen[chunk.document_id]

    return sorted(items, key=key)


def citation_fields(chunk: Chunk) -> dict:
    """The document and link fields of a chunk's citation."""
    return {
        "document_id": chunk.document_id,
        "document_kind": chunk.kind.value,
        "document_year": chunk.document_year,
        "link_method": chunk.link_method,
    }


def quoted_by_document(citations: list[Citation], blocks: list[str], language: str) -> list[str]:
    """The quote blocks (one per citation, in order), each document's run introduced by its own line."""
    parts: list[str] = []
    current: str | None = None
    for citation, block in zip(citations, blocks):
        document = citation.document_id or citation.document
        if document != current:
            parts.append(document_intro(citation.document, citation.document_kind, language))
            current = document
        parts.append(block)
    return parts


def verbatim_note(citations: list[Citation | None], programme_title: str, adopted: str, language: str) -> str:
    """ "Citaten är ordagranna ur …" naming every document quoted, the programme first."""
    documents = dict.fromkeys((c.document, c.document_kind, c.document_year) for c in citations if c is not None)
    if all(kind in (None, DocumentKind.programme.value) for _, kind, _ in documents):
        return message("draft_verbatim", language, title=programme_title, adopted=adopted)
    ordered = sorted(documents, key=lambda d: d[1] != DocumentKind.programme.value)
    labels = [
        f"{title} (Västerås stad{adopted})"
        if kind == DocumentKind.programme.value
        else document_label(title, kind, year, language)
        for title, kind, year in ordered
    ]
    return message("draft_verbatim_documents", language, documents="; ".join(labels))
