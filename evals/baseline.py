"""The baseline every change is measured against: the plain LangChain recipe.

Whole files split by RecursiveCharacterTextSplitter (1000 characters, 200 overlap), dense-only Chroma
top-4 with the same embedder, and the same extractive answer composition; no structure, no keyword
index, no facts, no scope check, no goal-area header.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.compose import SentenceEmbeddings, answer_units, render_extractive
from assistant.models import Answer, Timings, Turn
from assistant.understanding.language import detect_language
from core.embedders import Embedder
from core.models import Chunk
from core.settings import Settings
from ingest.loaders import PAGE_MARKER, load_document
from ingest.manifest import discover_files, load_manifest
from store.embedding_function import ChromaEmbeddingFunction

HEADING = re.compile(r"(?m)^#{1,6}\s+(.*?)\s*$")


@dataclass
class BaselineChunk:
    chunk: Chunk
    sections: set[str]  # every heading whose text the chunk overlaps ('preamble' before the first)


class BaselinePipeline:
    name = "baseline"

    def __init__(self, settings: Settings, embedder: Embedder, chunk_size: int = 1000, overlap: int = 200, k: int = 4):
        self.embedder = embedder
        self.k = k
        self.sentences = SentenceEmbeddings(embedder)
        splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=overlap, add_start_index=True)
        manifest = load_manifest(settings.corpus_dir)
        self.chunks: dict[str, BaselineChunk] = {}
        t0 = time.perf_counter()
        for path in discover_files(settings.corpus_dir):
            doc = load_document(path, manifest.meta_for(path))
            raw = path.read_text(encoding="utf-8") if doc.format != "pdf" else "\n".join(p.text for p in doc.pages)
            text = re.sub(r"<!--(?!\s*page:).*?-->", "", raw, flags=re.S)
            for i, piece in enumerate(splitter.create_documents([text])):
                start = piece.metadata["start_index"]
                body = piece.page_content
                chunk = Chunk(
                    chunk_id=f"baseline/{doc.meta.id}/{i}",
                    document_id=doc.meta.id,
                    document_title=doc.meta.title,
                    kind=doc.meta.kind,
                    section_path=[],
                    pages=_pages(text, start, start + len(body)),
                    ordinal=i,
                    text=body,
                )
                self.chunks[chunk.chunk_id] = BaselineChunk(chunk, _sections(text, start, start + len(body)))
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.collection = client.create_collection(
            f"baseline_{uuid.uuid4().hex[:8]}",
            embedding_function=ChromaEmbeddingFunction(embedder),
            configuration={"hnsw": {"space": "cosine"}},
        )
        ids = list(self.chunks)
        vectors = embedder.embed_passages_array([self.chunks[i].chunk.text for i in ids])
        self.collection.add(
            ids=ids,
            embeddings=[list(map(float, v)) for v in vectors],
            documents=[self.chunks[i].chunk.text for i in ids],
        )
        self.build_seconds = time.perf_counter() - t0

    def rank(self, query: str, k: int = 10) -> list[str]:
        vector = self.embedder.embed_query(query)
        return self.collection.query(query_embeddings=[vector], n_results=min(k, len(self.chunks)))["ids"][0]

    def relevant(self, sections: list[str]) -> set[str]:
        wanted = set(sections)
        return {cid for cid, c in self.chunks.items() if c.sections & wanted}

    def ask(self, question: str, history: list[Turn] | None = None) -> Answer:
        t0 = time.perf_counter()
        language = detect_language(question)
        vector = self.embedder.embed_queries_array([question])[0]
        ids = self.rank(question, self.k)
        t1 = time.perf_counter()
        from assistant.retrieval.searcher import RetrievedChunk

        hits = [RetrievedChunk(self.chunks[i].chunk, 0.0) for i in ids]
        units = answer_units(question, vector, hits, self.sentences)
        text, citations = render_extractive(units, None, [], language)
        return Answer(
            question=question,
            answer=text,
            refused=False,
            language=language,
            citations=citations,
            timings_ms=Timings(retrieval=round((t1 - t0) * 1000, 2), total=round((time.perf_counter() - t0) * 1000, 2)),
        )


def _pages(text: str, start: int, end: int) -> list[int]:
    markers = [(m.start(), int(m.group(1))) for m in PAGE_MARKER.finditer(text)]
    current = [p for pos, p in markers if pos <= start]
    pages = ([current[-1]] if current else []) + [p for pos, p in markers if start < pos < end]
    return sorted(set(pages))


def _sections(text: str, start: int, end: int) -> set[str]:
    headings = [(m.start(), m.group(1)) for m in HEADING.finditer(text)]
    before = [h for pos, h in headings if pos <= start]
    inside = {h for pos, h in headings if start < pos < end}
    return ({before[-1]} if before else {"preamble"}) | inside
