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
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from core.embedders import Embedder, build_embedder, embedder_id
from core.errors import IndexNotReadyError
from core.models import Chunk, DocumentKind, GoalAreaModel, LoadedDocument
from core.settings import Settings
from ingest.chunker import ChunkerConfig, chunk_document
from ingest.goal_area_model import StructureError, parse_goal_area_model
from ingest.injection import SCREEN_VERSION, screen_chunks
from ingest.instruction_classifier import CLASSIFIER_VERSION, InstructionClassifier
from ingest.linker import GoalAreaLinker
from ingest.loaders import DocumentLoadError, PdfOptions, load_document
from ingest.manifest import Manifest, discover_files, load_manifest
from ingest.sections import parse_sections
from store.index_store import COLLECTION_PREFIX, IndexStore
from store.keyword_index import FORMAT as KEYWORD_FORMAT
from store.keyword_index import KeywordIndex
from store.state import IndexedDocument, IndexState, QuarantinedChunk

log = logging.getLogger(__name__)
ADD_BATCH = 256  # chunks per Chroma add

# Test hook: HALLBAR_TEST_CRASH_AT=<stage> makes the ingest kill itself (SIGKILL) at that stage, so that the fault
# tests crash at known points. The stages of an ingest, in order:
CRASH_STAGES = (
    "after_load",
    "after_chunk",
    "after_create_collection",
    "during_embed",
    "after_embed",
    "after_add",
    "after_blobs",
    "before_state_switch",
    "after_state_switch",
    "after_cleanup",
)


def crash_point(stage: str) -> None:
    """Kill this process at ``stage`` when HALLBAR_TEST_CRASH_AT names it (tests only; unset, nothing happens)."""
    if os.environ.get("HALLBAR_TEST_CRASH_AT") == stage:
        os.kill(os.getpid(), signal.SIGKILL)


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
    notices: list[str] = field(default_factory=list)  # per-page remarks: PDF pages without a text layer

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
            lines.append(
                f"quarantined: {len(self.quarantined)} chunk(s) read as instructions to an AI and are not searchable:"
            )
            lines += [f"  - {q}" for q in self.quarantined]
        lines += [f"page: {n}" for n in self.notices]
        if self.nothing_changed:
            lines.append("index unchanged: nothing re-embedded")
        lines.append(f"time: {self.seconds:.2f} s")
        return "\n".join(lines)


@dataclass
class GenerationPlan:
    """Everything the next generation is built from."""

    previous: IndexState | None  # the generation serving now
    fresh: bool  # nothing of the previous generation may be reused (new embedder or chunker, --rebuild)
    documents: dict[str, LoadedDocument]  # readable now
    chunks: list[Chunk]  # their chunks, screened
    carried: dict[str, IndexedDocument]  # unreadable now: what they had indexed before is kept
    goal_model: GoalAreaModel | None
    quarantined: dict[str, list[QuarantinedChunk]]

    @property
    def generation(self) -> int:
        return (self.previous.generation if self.previous else 0) + 1

    @property
    def collection(self) -> str:
        return f"{COLLECTION_PREFIX}{self.generation}"


def released_chunks(docs: dict[str, LoadedDocument]) -> set[str]:
    """The chunks administrators released from the quarantine (the manifest's ``released_chunks``)."""
    return {cid for doc in docs.values() for cid in doc.meta.released_chunks}


def embed_hash(model_id: str, text: str) -> str:
    return hashlib.sha256(f"{model_id}\n{text}".encode()).hexdigest()[:24]


def document_hash(doc: LoadedDocument) -> str:
    return hashlib.sha256(f"{doc.content_hash}\n{doc.meta.model_dump_json()}".encode()).hexdigest()


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
    def __init__(
        self, settings: Settings, embedder_factory: Callable[[], Embedder] | None = None, progress: bool = True
    ):
        self.settings = settings
        self.store = IndexStore(settings)
        self.embedder = LazyEmbedder(embedder_factory or (lambda: build_embedder(settings)))
        self.chunker = ChunkerConfig(max_chars=settings.chunk_max_chars, min_chars=settings.chunk_min_chars)
        self.fingerprint = (  # what decides the index
            f"{self.chunker.fingerprint}:{SCREEN_VERSION}:{CLASSIFIER_VERSION}@{settings.instruction_min_p}:"
            f"{KEYWORD_FORMAT}"
        )
        self.progress = progress
        self.model_id = embedder_id(settings)
        self.pdf_options = PdfOptions.from_settings(settings)

    def ingest(self, corpus_dir: Path | None = None, rebuild: bool = False) -> IngestReport:
        started = time.perf_counter()
        corpus_dir = Path(corpus_dir or self.settings.corpus_dir)
        report = IngestReport()
        manifest = load_manifest(corpus_dir)
        if rebuild:
            self._wipe_if_damaged()
        state = self.store.read_state()
        fresh = self._must_start_fresh(state, rebuild)
        docs, failed = self._load_documents(corpus_dir, manifest, report)
        crash_point("after_load")
        previous = state.documents if state and not fresh else {}
        for doc_id, doc in docs.items():
            old = previous.get(doc_id)
            (report.unchanged if old and old.content_hash == document_hash(doc) else report.changed).append(doc_id)
        carried = {d: previous[d] for d in failed if d in previous}
        report.removed = sorted(set(previous) - set(docs) - set(carried))
        if state and not fresh and report.nothing_changed:
            self.store.drop_unreferenced(keep=state.kept_names())  # leftovers of an ingest killed after its switch
            report.quarantined = [q.describe(d.title) for d in state.documents.values() for q in d.quarantined]
            report.chunks, report.generation = state.chunk_count, state.generation
        else:
            plan = self._plan(state, fresh, docs, carried, report)
            report.generation = self._write_generation(plan, report)
        report.seconds = time.perf_counter() - started
        return report

    # -- reading the corpus -------------------------------------------------------------------------
    def _wipe_if_damaged(self) -> None:
        try:
            self.store.read_state()
            self.store.collection_names()
        except IndexNotReadyError:
            self.store.wipe_store()  # damaged beyond reading: --rebuild starts from nothing

    def _must_start_fresh(self, state: IndexState | None, rebuild: bool) -> bool:
        return (
            rebuild
            or state is None
            or state.embedder_id != self.model_id
            or state.chunker != self.fingerprint
            or state.collection not in self.store.collection_names()
        )

    def _load_documents(
        self, corpus_dir: Path, manifest: Manifest, report: IngestReport
    ) -> tuple[dict[str, LoadedDocument], set[str]]:
        """The readable documents by id, and the ids of the files that could not be read."""
        docs: dict[str, LoadedDocument] = {}
        failed: set[str] = set()
        for path in discover_files(corpus_dir):
            meta = manifest.meta_for(path)
            try:
                doc = load_document(path, meta, self.settings.max_file_bytes, self.pdf_options)
            except DocumentLoadError as exc:
                report.errors.append(str(exc))
                failed.add(meta.id)
                log.debug("skipped %s", exc)  # reported once, as the report's `skipped:` line
                continue
            if meta.id in docs:
                report.errors.append(f"{path}: document id '{meta.id}' already used by {docs[meta.id].source_path}")
                continue
            docs[meta.id] = doc
            report.notices += doc.notices
        report.documents = len(docs)
        return docs, failed

    def _plan(
        self,
        state: IndexState | None,
        fresh: bool,
        docs: dict[str, LoadedDocument],
        carried: dict[str, IndexedDocument],
        report: IngestReport,
    ) -> GenerationPlan:
        self.store.drop_unreferenced(keep=state.kept_names() if state else set())
        goal_model, chunks = self._chunk_all(docs, report)
        chunks, quarantined = screen_chunks(chunks, released_chunks(docs))
        crash_point("after_chunk")
        report.quarantined = [q.describe(docs[doc_id].meta.title) for doc_id, qs in quarantined.items() for q in qs]
        for line in report.quarantined:
            log.warning("quarantined %s", line)
        return GenerationPlan(state, fresh, docs, chunks, carried, goal_model, quarantined)

    def _chunk_all(
        self, docs: dict[str, LoadedDocument], report: IngestReport
    ) -> tuple[GoalAreaModel | None, list[Chunk]]:
        parsed = {doc_id: parse_sections(doc) for doc_id, doc in docs.items()}
        goal_model = None
        for doc_id, doc in docs.items():
            if doc.meta.kind != DocumentKind.programme:
                continue
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
        return goal_model, [c for doc_id in docs for c in chunk_document(parsed[doc_id], self.chunker, linker)]

    # -- writing the generation ---------------------------------------------------------------------
    def _write_generation(self, plan: GenerationPlan, report: IngestReport) -> int:
        """Build the plan's generation beside the serving one, then switch the state to it."""
        old = self._previous_collection(plan)
        hashes = [embed_hash(self.model_id, c.indexed_text()) for c in plan.chunks]
        vectors = self._reused_vectors(plan, old, hashes, report)
        collection = self.store.create_collection(plan.collection, self.embedder.loaded, self.model_id)
        crash_point("after_create_collection")
        self._embed_missing(plan.chunks, vectors)
        self._screen_by_meaning(plan, vectors, hashes, report)
        crash_point("after_embed")
        self._add_chunks(collection, plan.chunks, vectors, hashes)
        carried = self._carry_unreadable(plan, old, collection)
        crash_point("after_add")
        blobs = self._write_blobs(plan, plan.chunks + carried)
        crash_point("after_blobs")
        new_state = self._state(plan, *blobs)
        crash_point("before_state_switch")
        self.store.write_state(new_state)  # the switch: from here on the new generation serves
        crash_point("after_state_switch")
        report.chunks = new_state.chunk_count
        self.store.drop_unreferenced(keep=new_state.kept_names())
        crash_point("after_cleanup")
        return plan.generation

    def _previous_collection(self, plan: GenerationPlan) -> Any:
        state = plan.previous
        if state and state.collection in self.store.collection_names():
            return self.store.get_collection(state.collection, None, state.embedder_id)
        return None

    def _reused_vectors(self, plan: GenerationPlan, old: Any, hashes: list[str], report: IngestReport) -> list[Any]:
        """A vector per chunk where the previous generation has one for the same indexed text; None elsewhere."""
        reusable: dict[str, Any] = {}
        if old is not None and not plan.fresh:
            got = old.get(include=["embeddings", "metadatas"])
            reusable = {meta.get("embed_hash"): emb for emb, meta in zip(got["embeddings"], got["metadatas"])}
        vectors: list[Any] = [reusable.get(h) for h in hashes]
        report.embedded = sum(v is None for v in vectors)
        report.reused = len(vectors) - report.embedded
        return vectors

    def _embed_missing(self, chunks: list[Chunk], vectors: list[Any]) -> None:
        todo = [i for i, v in enumerate(vectors) if v is None]
        if todo:
            for i, vector in zip(todo, self._embed([chunks[i].indexed_text() for i in todo])):
                vectors[i] = vector

    def _embed(self, texts: list[str]) -> list[np.ndarray]:
        embedder, batch = self.embedder.get(), self.settings.embed_batch_size
        out: list[np.ndarray] = []
        with tqdm(total=len(texts), desc="embedding", unit="chunk", disable=not self.progress) as bar:
            for start in range(0, len(texts), batch):
                out.extend(embedder.embed_passages_array(texts[start : start + batch]))
                bar.update(min(batch, len(texts) - start))
                crash_point("during_embed")  # after the first batch: some vectors made, none stored
        return out

    def _screen_by_meaning(self, plan: GenerationPlan, vectors: list[Any], hashes: list[str], report: IngestReport):
        """Quarantine the chunks the classifier reads as instructions to a reader or an AI (by their vectors)."""
        if not plan.chunks:
            return
        classifier = InstructionClassifier.trained(self.embedder.get(), self.settings.instruction_min_p)
        probabilities = classifier.probabilities(np.vstack([np.asarray(v, dtype=np.float32) for v in vectors]))
        released = released_chunks(plan.documents)
        keep = []
        for i, (chunk, p) in enumerate(zip(plan.chunks, probabilities)):
            if p < classifier.min_p or chunk.chunk_id in released:
                keep.append(i)
                continue
            phrase = " ".join(chunk.text.split())[:120]
            q = QuarantinedChunk(
                chunk_id=chunk.chunk_id,
                section=chunk.section,
                page=chunk.page,
                phrase=phrase,
                method="meaning",
                probability=round(float(p), 3),
            )
            plan.quarantined.setdefault(chunk.document_id, []).append(q)
            report.quarantined.append(q.describe(plan.documents[chunk.document_id].meta.title))
            log.warning("quarantined by meaning (p=%.2f) %s", p, chunk.chunk_id)
        plan.chunks[:] = [plan.chunks[i] for i in keep]
        vectors[:] = [vectors[i] for i in keep]
        hashes[:] = [hashes[i] for i in keep]

    @staticmethod
    def _add_chunks(collection: Any, chunks: list[Chunk], vectors: list[Any], hashes: list[str]) -> None:
        for start in range(0, len(chunks), ADD_BATCH):
            part = range(start, min(start + ADD_BATCH, len(chunks)))
            collection.add(
                ids=[chunks[i].chunk_id for i in part],
                embeddings=[list(map(float, vectors[i])) for i in part],
                documents=[chunks[i].text for i in part],
                metadatas=[{**chunks[i].to_chroma_metadata(), "embed_hash": hashes[i]} for i in part],
            )

    @staticmethod
    def _carry_unreadable(plan: GenerationPlan, old: Any, collection: Any) -> list[Chunk]:
        """Files unreadable now keep what was indexed before: copied from the previous generation."""
        if not plan.carried or old is None:
            return []
        ids = [cid for d in plan.carried.values() for cid in d.chunk_ids]
        got = old.get(ids=ids, include=["embeddings", "metadatas", "documents"])
        if not got["ids"]:
            return []
        collection.add(
            ids=got["ids"], embeddings=got["embeddings"], documents=got["documents"], metadatas=got["metadatas"]
        )
        return [Chunk.from_chroma(i, t, m) for i, t, m in zip(got["ids"], got["documents"], got["metadatas"])]

    def _write_blobs(self, plan: GenerationPlan, chunks: list[Chunk]) -> tuple[str, str | None]:
        """The keyword index and the goal-area model of the generation; their names."""
        keyword_file = f"keyword_g{plan.generation}.json"
        self.store.write_json(keyword_file, KeywordIndex.build(chunks).to_json())
        goal_model = plan.goal_model
        if goal_model is None and plan.previous and plan.previous.goal_area_file and plan.carried:
            goal_model = self.store.read_goal_area_model(
                plan.previous
            )  # the programme is unreadable now: keep its model
        if goal_model is None:
            return keyword_file, None
        goal_file = f"goal_areas_g{plan.generation}.json"
        self.store.write_goal_area_model(goal_file, goal_model)
        return keyword_file, goal_file

    def _state(self, plan: GenerationPlan, keyword_file: str, goal_file: str | None) -> IndexState:
        documents = dict(plan.carried)
        for doc_id, doc in plan.documents.items():
            documents[doc_id] = IndexedDocument(
                id=doc_id,
                path=doc.meta.path,
                title=doc.meta.title,
                kind=doc.meta.kind,
                content_hash=document_hash(doc),
                chunk_ids=[c.chunk_id for c in plan.chunks if c.document_id == doc_id],
                quarantined=plan.quarantined.get(doc_id, []),
                year=doc.meta.year,
                source_url=doc.meta.source_url,
            )
        return IndexState(
            generation=plan.generation,
            collection=plan.collection,
            embedder_id=self.model_id,
            chunker=self.fingerprint,
            keyword_index_file=keyword_file,
            goal_area_file=goal_file,
            documents=documents,
            updated_at=dt.datetime.now(dt.UTC),
            previous=sorted(plan.previous.names) if plan.previous else [],
        )
