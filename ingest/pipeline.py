"""Ingest: corpus files -> documents -> sections -> chunks -> a new index generation, switched in atomically.

Incremental and idempotent: when no file, manifest entry or setting changed, nothing is touched. When
something changed, every readable document is re-chunked (cheap) and only chunks whose indexed text is
new are embedded; the rest reuse their stored vectors. A file that cannot be read is reported and skipped,
and whatever it had in the index before is carried over unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from tqdm import tqdm

from ingest.chunker import ChunkerConfig, chunk_document
from core.embedders import Embedder, build_embedder, embedder_id
from store.index_store import COLLECTION_PREFIX, IndexedDocument, IndexNotReadyError, IndexState, IndexStore, QuarantinedChunk
from ingest.injection import SCREEN_VERSION, instruction_like
from store.keyword_index import KeywordIndex
from ingest.loaders import DocumentLoadError, load_document
from ingest.manifest import discover_files, load_manifest
from core.models import Chunk, DocumentKind, GoalAreaModel, LoadedDocument
from ingest.sections import parse_sections
from core.settings import Settings
from ingest.structure import GoalAreaLinker, StructureError, parse_goal_area_model

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    documents: int = 0
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    chunks: int = 0
    embedded: int = 0
    reused: int = 0
    seconds: float = 0.0
    generation: int | None = None
    quarantined: list[str] = field(default_factory=list)  # chunks that read as instructions to an AI

    @property
    def nothing_changed(self) -> bool:
        return not self.changed and not self.removed

    def summary(self) -> str:
        lines = [
            f"documents: {self.documents} ({len(self.changed)} new or changed, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed, {len(self.errors)} skipped)",
            f"chunks: {self.chunks} ({self.embedded} embedded, {self.reused} reused)",
        ]
        if self.quarantined:
            lines.append(f"quarantined: {len(self.quarantined)} chunk(s) read as instructions to an AI and are not searchable:")
            lines += [f"  - {q}" for q in self.quarantined]
        if self.nothing_changed:
            lines.append("index unchanged: nothing re-embedded")
        lines.append(f"time: {self.seconds:.2f} s")
        return "\n".join(lines)


def embed_hash(model_id: str, text: str) -> str:
    return hashlib.sha256(f"{model_id}\n{text}".encode("utf-8")).hexdigest()[:24]


def document_hash(doc: LoadedDocument) -> str:
    return hashlib.sha256(f"{doc.content_hash}\n{doc.meta.model_dump_json()}".encode("utf-8")).hexdigest()


class LazyEmbedder:
    """Loads the embedding model on first use, so an ingest with nothing to embed never loads it."""

    def __init__(self, factory: Callable[[], Embedder]):
        self._factory = factory
        self._embedder: Embedder | None = None

    def get(self) -> Embedder:
        if self._embedder is None:
            self._embedder = self._factory()
        return self._embedder

    @property
    def loaded(self) -> Embedder | None:
        return self._embedder


class Indexer:
    def __init__(self, settings: Settings, embedder_factory: Callable[[], Embedder] | None = None, progress: bool = True):
        self.settings = settings
        self.store = IndexStore(settings)
        self.embedder = LazyEmbedder(embedder_factory or (lambda: build_embedder(settings)))
        self.chunker = ChunkerConfig(max_chars=settings.chunk_max_chars, min_chars=settings.chunk_min_chars)
        self.fingerprint = f"{self.chunker.fingerprint}:{SCREEN_VERSION}"  # what decides the chunks
        self.progress = progress
        self.model_id = embedder_id(settings)

    def ingest(self, corpus_dir: Path | None = None, rebuild: bool = False) -> IngestReport:
        started = time.perf_counter()
        corpus_dir = Path(corpus_dir or self.settings.corpus_dir)
        report = IngestReport()
        manifest = load_manifest(corpus_dir)
        if rebuild:
            try:
                self.store.read_state()
                self.store.collection_names()
            except IndexNotReadyError:
                self.store.wipe_store()  # damaged beyond reading: --rebuild starts from nothing
        state = self.store.read_state()
        fresh = (
            rebuild
            or state is None
            or state.embedder_id != self.model_id
            or state.chunker != self.fingerprint
            or state.collection not in self.store.collection_names()
        )

        docs: dict[str, LoadedDocument] = {}
        failed: set[str] = set()
        for path in discover_files(corpus_dir):
            meta = manifest.meta_for(path)
            try:
                doc = load_document(path, meta, self.settings.max_file_bytes)
            except DocumentLoadError as exc:
                report.errors.append(str(exc))
                failed.add(meta.id)
                log.error("skipped %s", exc)
                continue
            if meta.id in docs:
                report.errors.append(f"{path}: document id '{meta.id}' already used by {docs[meta.id].source_path}")
                continue
            docs[meta.id] = doc
        report.documents = len(docs)

        previous = state.documents if state and not fresh else {}
        for doc_id, doc in docs.items():
            old = previous.get(doc_id)
            (report.unchanged if old and old.content_hash == document_hash(doc) else report.changed).append(doc_id)
        kept_failed = {d: previous[d] for d in failed if d in previous}
        report.removed = sorted(set(previous) - set(docs) - set(kept_failed))
        if state and not fresh and report.nothing_changed:
            report.quarantined = [q.describe(d.title) for d in state.documents.values() for q in d.quarantined]
            report.chunks = state.chunk_count
            report.generation = state.generation
            report.seconds = time.perf_counter() - started
            return report

        self.store.drop_unreferenced(keep=_kept_names(state))
        goal_model, chunks = self._chunk_all(docs, report)
        chunks, quarantined = screen_chunks(chunks)
        report.quarantined = [q.describe(docs[doc_id].meta.title) for doc_id, qs in quarantined.items() for q in qs]
        for line in report.quarantined:
            log.warning("quarantined %s", line)
        report.generation = self._write_generation(state, fresh, docs, chunks, kept_failed, goal_model, report, quarantined)
        report.seconds = time.perf_counter() - started
        return report

    def _chunk_all(self, docs: dict[str, LoadedDocument], report: IngestReport) -> tuple[GoalAreaModel | None, list[Chunk]]:
        parsed = {doc_id: parse_sections(doc) for doc_id, doc in docs.items()}
        goal_model = None
        for doc_id, doc in docs.items():
            if doc.meta.kind == DocumentKind.programme:
                try:
                    goal_model = parse_goal_area_model(parsed[doc_id])
                except StructureError as exc:
                    report.errors.append(f"{doc.source_path}: {exc}")
                if goal_model:
                    break
        linker = None
        if goal_model:
            linker = GoalAreaLinker(
                goal_model, self.embedder.get, self.settings.link_min_similarity, self.settings.link_min_margin
            )
        chunks = [c for doc_id in docs for c in chunk_document(parsed[doc_id], self.chunker, linker)]
        return goal_model, chunks

    def _write_generation(self, state, fresh, docs, chunks, kept_failed, goal_model, report, quarantined) -> int:
        generation = (state.generation if state else 0) + 1
        name = f"{COLLECTION_PREFIX}{generation}"
        old_collection = None
        if state and state.collection in self.store.collection_names():
            old_collection = self.store.get_collection(state.collection, None, state.embedder_id)

        reusable = {}
        if old_collection is not None and not fresh:
            got = old_collection.get(include=["embeddings", "metadatas"])
            for cid, emb, meta in zip(got["ids"], got["embeddings"], got["metadatas"]):
                reusable[meta.get("embed_hash")] = emb

        hashes = [embed_hash(self.model_id, c.indexed_text()) for c in chunks]
        vectors: list = [reusable.get(h) for h in hashes]
        todo = [i for i, v in enumerate(vectors) if v is None]
        report.reused = len(chunks) - len(todo)
        report.embedded = len(todo)
        collection = self.store.create_collection(name, self.embedder.loaded, self.model_id)
        batch = self.settings.embed_batch_size
        if todo:
            embedder = self.embedder.get()
            bar = tqdm(total=len(todo), desc="embedding", unit="chunk", disable=not self.progress)
            for start in range(0, len(todo), batch):
                idx = todo[start : start + batch]
                for i, vec in zip(idx, embedder.embed_passages_array([chunks[i].indexed_text() for i in idx])):
                    vectors[i] = vec
                bar.update(len(idx))
            bar.close()

        for start in range(0, len(chunks), 256):
            part = range(start, min(start + 256, len(chunks)))
            collection.add(
                ids=[chunks[i].chunk_id for i in part],
                embeddings=[list(map(float, vectors[i])) for i in part],
                documents=[chunks[i].text for i in part],
                metadatas=[{**chunks[i].to_chroma_metadata(), "embed_hash": hashes[i]} for i in part],
            )
        carried: list[Chunk] = []
        if kept_failed and old_collection is not None:  # unreadable now: keep what was indexed before
            ids = [cid for d in kept_failed.values() for cid in d.chunk_ids]
            got = old_collection.get(ids=ids, include=["embeddings", "metadatas", "documents"])
            if got["ids"]:
                collection.add(ids=got["ids"], embeddings=got["embeddings"], documents=got["documents"], metadatas=got["metadatas"])
                carried = [Chunk.from_chroma(i, t, m) for i, t, m in zip(got["ids"], got["documents"], got["metadatas"])]

        keyword_file = f"keyword_g{generation}.json"
        self.store.write_json(keyword_file, KeywordIndex.build(chunks + carried).to_json())
        goal_file = None
        if goal_model is not None:
            goal_file = f"goal_areas_g{generation}.json"
            self.store.write_goal_area_model(goal_file, goal_model)
        elif state and state.goal_area_file and kept_failed:
            goal_file = f"goal_areas_g{generation}.json"  # the programme is unreadable now: keep its model
            self.store.write_goal_area_model(goal_file, self.store.read_goal_area_model(state))  # type: ignore[arg-type]

        documents = {d.id: d for d in kept_failed.values()}
        for doc_id, doc in docs.items():
            documents[doc_id] = IndexedDocument(
                id=doc_id,
                path=doc.meta.path,
                title=doc.meta.title,
                kind=doc.meta.kind,
                content_hash=document_hash(doc),
                chunk_ids=[c.chunk_id for c in chunks if c.document_id == doc_id],
                quarantined=quarantined.get(doc_id, []),
                year=doc.meta.year,
                source_url=doc.meta.source_url,
            )
        new_state = IndexState(
            generation=generation,
            collection=name,
            embedder_id=self.model_id,
            chunker=self.fingerprint,
            keyword_index_file=keyword_file,
            goal_area_file=goal_file,
            documents=documents,
            updated_at=dt.datetime.now(dt.timezone.utc),
            previous=sorted(state.names) if state else [],
        )
        self.store.write_state(new_state)  # the switch: from here on the new generation serves
        report.chunks = new_state.chunk_count
        self.store.drop_unreferenced(keep=_kept_names(new_state))
        return generation


def screen_chunks(chunks: list[Chunk]) -> tuple[list[Chunk], dict[str, list[QuarantinedChunk]]]:
    """Keep out of the index every chunk that reads as instructions to an AI (see ingest/injection.py)."""
    kept: list[Chunk] = []
    quarantined: dict[str, list[QuarantinedChunk]] = {}
    for chunk in chunks:
        phrase = instruction_like(chunk.text)
        if phrase is None:
            kept.append(chunk)
            continue
        quarantined.setdefault(chunk.document_id, []).append(
            QuarantinedChunk(chunk_id=chunk.chunk_id, section=chunk.section, page=chunk.page, phrase=phrase)
        )
    return kept, quarantined


def _kept_names(state: IndexState | None) -> set[str]:
    """What an ingest must not delete: the current generation, and the previous one other processes may still serve."""
    return (state.names | set(state.previous)) if state else set()
