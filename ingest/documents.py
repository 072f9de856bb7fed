"""Document operations (add, replace, remove) that either complete or leave no trace.

One service, used by the admin API and by ``hallbar documents``. An operation:

1. takes the documents lock (a file lock in the data dir: one operation at a time, across processes) and first
   finishes or rolls back whatever an earlier, killed operation left (``recover``);
2. checks the request (file name, size, type, title, id collisions, the programme rule) without writing anything;
3. writes the journal (``data_dir/documents_journal.json``), then stages the corpus as it will be: a folder
   ``corpus/.hallbar-staging/<tx>/`` with the new file, links to the unchanged files and the new manifest;
4. refuses a file that yields no text (422), rolling the staging back;
5. builds the next index generation from the staged corpus; the index state switch inside the ingest is the
   commit point;
6. marks the journal switched, then moves the staged file and manifest into the corpus (``os.replace``, each step
   idempotent), removes a deleted file, writes the audit line and deletes the staging and the journal.

Recovery after ``kill -9``: a journal whose generation was switched (the state's generation is past the journal's
base) is rolled forward (steps of 6); any other is rolled back (staging deleted, leftover collections dropped).
Either way corpus, manifest and index agree afterwards.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import threading
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import filelock
from pydantic import BaseModel, Field

from core.audit import audit, audited
from core.embedders import Embedder
from core.models import DocumentKind, DocumentMeta
from core.settings import Settings
from ingest.loaders import DocumentLoadError, load_document
from ingest.manifest import (
    MANIFEST_NAME,
    ManifestError,
    discover_files,
    document_id_for,
    load_manifest,
    manifest_text,
)
from ingest.pipeline import Indexer, IngestReport, crash_point
from store.index_store import IndexStore
from store.state import IndexState

JOURNAL_FILE = "documents_journal.json"
LOCK_FILE = "documents.lock"
STAGING_DIR = ".hallbar-staging"
SAFE_NAME = r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}"
TEXT_SUFFIXES = (".md", ".markdown", ".txt")
MAX_TITLE = 300

# Test hook stages of a document operation (HALLBAR_TEST_CRASH_AT, see ingest/pipeline.py); the ingest's own stages
# (e.g. before_state_switch, after_state_switch) also apply, since the operation runs the ingest in its process.
DOCUMENT_CRASH_STAGES = (
    "documents_after_journal",
    "documents_after_stage",
    "documents_after_switch_mark",
    "documents_after_file_move",
    "documents_after_manifest",
    "documents_before_journal_clear",
)


class DocumentOpError(Exception):
    """A refused operation: an HTTP status and a string-table key (core/strings.py) with its values."""

    def __init__(self, status: int, key: str, **values: object):
        super().__init__(key)
        self.status, self.key, self.values = status, key, values


@dataclass
class Upload:
    name: str
    data: bytes
    title: str | None = None
    kind: DocumentKind = DocumentKind.action_plan
    year: int | None = None


@dataclass(frozen=True)
class Actor:
    """Who asked (the token's name, or the local user for the CLI) and from where."""

    name: str
    client: str


@dataclass
class OperationResult:
    action: str
    document: str
    path: str | None
    generation: int | None
    documents: int = 0
    chunks: int = 0
    embedded: int = 0
    skipped: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "id": self.document,
            "path": self.path,
            "generation": self.generation,
            "documents": self.documents,
            "chunks": self.chunks,
            "embedded": self.embedded,
            "skipped": self.skipped,
            "quarantined": self.quarantined,
        }


class Journal(BaseModel):
    """What a running operation will do; enough to finish it or undo it after a crash."""

    tx: str
    action: Literal["add", "replace", "remove", "reindex", "release"]
    document: str
    actor: str
    client: str
    base_generation: int | None
    target_path: str | None = Field(None, description="Where the new file goes in the corpus (add, replace).")
    remove_paths: list[str] = Field(default_factory=list, description="Corpus files to delete on commit.")
    detail: str | None = Field(None, description="The released chunk (release).")
    phase: Literal["staged", "switched"] = "staged"
    started_at: dt.datetime


@dataclass
class Plan:
    """A checked operation: the manifest entries after it, and its journal."""

    journal: Journal
    entries: list[DocumentMeta]
    upload: Upload | None = None


def check_file(name: str, data: bytes, limit: int) -> None:
    """A file name without paths, a size within the limit, and content the loaders read: else DocumentOpError."""
    if not re.fullmatch(SAFE_NAME, name) or ".." in name or name == MANIFEST_NAME:
        raise DocumentOpError(400, "api_bad_file_name")
    if len(data) > limit:
        raise DocumentOpError(413, "api_file_too_large", limit=limit)
    suffix = Path(name).suffix.lower()
    if data.startswith(b"%PDF-"):
        if suffix != ".pdf":
            raise DocumentOpError(415, "api_pdf_name")
        return
    if suffix not in TEXT_SUFFIXES:
        raise DocumentOpError(415, "api_unsupported")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise DocumentOpError(415, "api_not_utf8") from None
    if not data.strip() or b"\x00" in data:
        raise DocumentOpError(415, "api_empty_file")


def check_title(title: str) -> str:
    title = title.strip()
    if not title or len(title) > MAX_TITLE or any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in title):
        raise DocumentOpError(422, "api_bad_title")
    return title


class DocumentService:
    """Add, replace and remove documents transactionally (see the module docstring)."""

    def __init__(
        self,
        settings: Settings,
        embedder_factory: Callable[[], Embedder] | None = None,
        on_switch: Callable[[], object] | None = None,
    ):
        self.settings = settings
        self.corpus = Path(settings.corpus_dir)
        self.embedder_factory = embedder_factory
        self.on_switch = on_switch
        self.journal_file = Path(settings.data_dir) / JOURNAL_FILE
        self._thread_lock = threading.Lock()

    # -- the lock and recovery ----------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One operation at a time (threads of this process, and other processes through a file lock); whatever
        a killed operation left is finished or undone first. Busy: DocumentOpError 409."""
        if not self._thread_lock.acquire(blocking=False):
            raise DocumentOpError(409, "api_busy")
        try:
            Path(self.settings.data_dir).mkdir(parents=True, exist_ok=True)
            lock = filelock.FileLock(Path(self.settings.data_dir) / LOCK_FILE, thread_local=False)
            try:
                lock.acquire(timeout=0)
            except filelock.Timeout:
                raise DocumentOpError(409, "api_busy") from None
            try:
                self._recover_unlocked()
                yield
            finally:
                lock.release()
        finally:
            self._thread_lock.release()

    def recover(self) -> str | None:
        """Finish or undo an operation a killed process left; what was done, or None when nothing was pending."""
        with self._locked():
            return self._last_recovery

    _last_recovery: str | None = None

    def _recover_unlocked(self) -> None:
        self._last_recovery = None
        journal = self._read_journal()
        if journal is None:
            self._drop_stray_staging(keep=None)
            return
        state = IndexStore(self.settings).read_state()
        switched = journal.phase == "switched" or (
            state is not None and state.generation > (journal.base_generation or 0)
        )
        if switched:
            self._commit(journal, recovered=True)
            self._last_recovery = f"finished {journal.action} {journal.document}"
        else:
            self._roll_back(journal, outcome="rolled_back_after_crash")
            self._last_recovery = f"rolled back {journal.action} {journal.document}"
        if self.on_switch and switched:
            self.on_switch()

    def _read_journal(self) -> Journal | None:
        if not self.journal_file.exists():
            return None
        return Journal.model_validate_json(self.journal_file.read_text(encoding="utf-8"))

    def _write_journal(self, journal: Journal) -> None:
        from store.backends import atomic_write_text

        atomic_write_text(self.journal_file, journal.model_dump_json(indent=2))

    def _staging(self, tx: str) -> Path:
        return self.corpus / STAGING_DIR / tx

    def _drop_stray_staging(self, keep: str | None) -> None:
        root = self.corpus / STAGING_DIR
        if root.exists():
            for child in root.iterdir():
                if child.name != keep:
                    shutil.rmtree(child, ignore_errors=True)
            if not any(root.iterdir()):
                root.rmdir()

    # -- reading ------------------------------------------------------------------------------------
    def entries(self) -> list[DocumentMeta]:
        """The manifest's entries, and any file the manifest does not list (indexed as 'other' with its name)."""
        try:
            manifest = load_manifest(self.corpus)
        except ManifestError as exc:
            raise DocumentOpError(409, "api_manifest_broken", reason=exc) from exc
        listed = {m.path for m in manifest.documents}
        extra = [manifest.meta_for(p) for p in discover_files(self.corpus)]
        return manifest.documents + [m for m in extra if m.path not in listed]

    def listing(self) -> list[dict]:
        """Every document with what the index holds of it (chunks, quarantined chunks), after any recovery (while
        another operation runs: as the corpus is now)."""
        try:
            with self._locked():
                return self._rows()
        except DocumentOpError as exc:
            if exc.status != 409 or exc.key != "api_busy":
                raise
            return self._rows()

    def _rows(self) -> list[dict]:
        state = IndexStore(self.settings).read_state()
        indexed = state.documents if state else {}
        rows = []
        for meta in self.entries():
            doc = indexed.get(meta.id)
            row = doc.listing() if doc else {"id": meta.id, "title": meta.title, "kind": meta.kind.value}
            rows.append({**row, "path": meta.path, "year": meta.year, "indexed": doc is not None})
        return rows

    # -- planning -----------------------------------------------------------------------------------
    def _journal(self, action: str, document: str, actor: Actor, **fields: object) -> Journal:
        state = IndexStore(self.settings).read_state()
        return Journal(
            tx=uuid.uuid4().hex[:16],
            action=action,
            document=document,
            actor=actor.name,
            client=actor.client,
            base_generation=state.generation if state else None,
            started_at=dt.datetime.now(dt.UTC),
            **fields,
        )

    @staticmethod
    def _clash(entries: list[DocumentMeta], doc_id: str, path: str, skip: str | None = None) -> None:
        for meta in entries:
            if meta.id == skip:
                continue
            if meta.id == doc_id or meta.path.casefold() == path.casefold():
                raise DocumentOpError(409, "api_document_exists", doc_id=meta.id, title=meta.title, path=meta.path)

    def _plan_add(self, upload: Upload, actor: Actor) -> Plan:
        check_file(upload.name, upload.data, self.settings.max_upload_bytes)
        entries = self.entries()
        doc_id = document_id_for(Path(upload.name).stem)
        self._clash(entries, doc_id, upload.name)
        if upload.kind == DocumentKind.programme:
            programme = next((m for m in entries if m.kind == DocumentKind.programme), None)
            if programme:
                raise DocumentOpError(409, "api_programme_exists", doc_id=programme.id)
        meta = DocumentMeta(
            id=doc_id,
            path=upload.name,
            title=check_title(upload.title or Path(upload.name).stem),
            kind=upload.kind,
            year=upload.year,
        )
        journal = self._journal("add", doc_id, actor, target_path=upload.name)
        return Plan(journal, entries + [meta], upload)

    def _plan_replace(self, doc_id: str, upload: Upload, actor: Actor, programme: bool) -> Plan:
        check_file(upload.name, upload.data, self.settings.max_upload_bytes)
        entries = self.entries()
        old = self._known(entries, doc_id)
        if old.kind == DocumentKind.programme and not programme:
            raise DocumentOpError(409, "api_programme_explicit", doc_id=doc_id)
        if programme and old.kind != DocumentKind.programme:
            raise DocumentOpError(409, "api_not_programme", doc_id=doc_id)
        self._clash(entries, doc_id, upload.name, skip=doc_id)
        updates = {"path": upload.name, "title": check_title(upload.title or old.title)}
        if upload.year is not None:
            updates["year"] = upload.year
        new = old.model_copy(update=updates)
        removed = [old.path] if old.path != upload.name else []
        journal = self._journal("replace", doc_id, actor, target_path=upload.name, remove_paths=removed)
        return Plan(journal, [new if m.id == doc_id else m for m in entries], upload)

    def _plan_remove(self, doc_id: str, actor: Actor) -> Plan:
        entries = self.entries()
        old = self._known(entries, doc_id)
        if old.kind == DocumentKind.programme:
            raise DocumentOpError(409, "api_programme_delete")
        journal = self._journal("remove", doc_id, actor, remove_paths=[old.path])
        return Plan(journal, [m for m in entries if m.id != doc_id])

    def _plan_release(self, doc_id: str, chunk_id: str, actor: Actor) -> Plan:
        entries = self.entries()
        meta = self._known(entries, doc_id)
        state = IndexStore(self.settings).read_state()
        indexed = state.documents.get(doc_id) if state else None
        if indexed is None or chunk_id not in {q.chunk_id for q in indexed.quarantined}:
            raise DocumentOpError(404, "api_not_quarantined", doc_id=doc_id, chunk_id=chunk_id)
        released = meta.model_copy(update={"released_chunks": [*meta.released_chunks, chunk_id]})
        journal = self._journal("release", doc_id, actor, detail=chunk_id)
        return Plan(journal, [released if m.id == doc_id else m for m in entries])

    def _plan_reindex(self, actor: Actor) -> Plan:
        self.entries()  # a broken manifest is a 409 here, before anything is staged
        return Plan(self._journal("reindex", "*", actor), load_manifest(self.corpus).documents)

    @staticmethod
    def _known(entries: list[DocumentMeta], doc_id: str) -> DocumentMeta:
        found = next((m for m in entries if m.id == doc_id), None)
        if found is None:
            raise DocumentOpError(404, "api_unknown_document", doc_id=doc_id)
        return found

    # -- the operations -----------------------------------------------------------------------------
    def add(self, upload: Upload, actor: Actor, on_checked: Callable[[], None] | None = None) -> OperationResult:
        doc = document_id_for(Path(upload.name).stem)
        return self._run(lambda: self._plan_add(upload, actor), actor, "add", doc, on_checked)

    def replace(
        self,
        doc_id: str,
        upload: Upload,
        actor: Actor,
        programme: bool = False,
        on_checked: Callable[[], None] | None = None,
    ) -> OperationResult:
        action = "replace_programme" if programme else "replace"
        return self._run(
            lambda: self._plan_replace(doc_id, upload, actor, programme), actor, action, doc_id, on_checked
        )

    def remove(self, doc_id: str, actor: Actor, on_checked: Callable[[], None] | None = None) -> OperationResult:
        return self._run(lambda: self._plan_remove(doc_id, actor), actor, "remove", doc_id, on_checked)

    def release(
        self, doc_id: str, chunk_id: str, actor: Actor, on_checked: Callable[[], None] | None = None
    ) -> OperationResult:
        """Release a quarantined chunk (a false positive): it is indexed from the next generation on."""
        return self._run(lambda: self._plan_release(doc_id, chunk_id, actor), actor, "release", doc_id, on_checked)

    def reindex(self, actor: Actor, on_checked: Callable[[], None] | None = None) -> OperationResult:
        """Re-index the corpus as it is (after files were edited by hand), through the same staged switch."""
        return self._run(lambda: self._plan_reindex(actor), actor, "reindex", "*", on_checked)

    def _run(
        self,
        plan_for: Callable[[], Plan],
        actor: Actor,
        action: str,
        document: str,
        on_checked: Callable[[], None] | None,
    ) -> OperationResult:
        """Plan, stage, build, switch, commit; every attempt is audited (a refusal with its status)."""
        try:
            with self._locked():
                plan = plan_for()
                self._stage(plan)
                if on_checked:
                    on_checked()  # the request is accepted: what remains is the re-index
                return self._build_and_commit(plan)
        except DocumentOpError as exc:
            audit(
                self.settings,
                action,
                actor=actor.name,
                client=actor.client,
                outcome="failed" if exc.status >= 500 else "refused",
                status=exc.status,
                reason=exc.key,
                document=document,
            )
            raise

    def _stage(self, plan: Plan) -> None:
        """The journal first, then the corpus as it will be; a file without text is refused and rolled back."""
        journal = plan.journal
        self._write_journal(journal)
        crash_point("documents_after_journal")
        staged = self._staging(journal.tx) / "corpus"
        staged.mkdir(parents=True)
        replaced = set(journal.remove_paths) | ({journal.target_path} if journal.target_path else set())
        for path in discover_files(self.corpus):
            rel = path.relative_to(self.corpus).as_posix()
            if rel not in replaced:
                _link_or_copy(path, staged / rel)
        if plan.upload is not None:
            (staged / plan.upload.name).write_bytes(plan.upload.data)
        (staged / MANIFEST_NAME).write_text(manifest_text(self.corpus, plan.entries), encoding="utf-8")
        crash_point("documents_after_stage")
        if plan.upload is not None:
            meta = next(m for m in plan.entries if m.id == journal.document)
            self._check_text(plan, staged / plan.upload.name, meta)

    def _check_text(self, plan: Plan, path: Path, meta: DocumentMeta) -> None:
        try:
            load_document(path, meta, self.settings.max_file_bytes)
        except DocumentLoadError as exc:
            reason = str(exc).removeprefix(f"{path}: ")
            self._roll_back(plan.journal, outcome=None)
            key = "api_no_text" if "no text" in reason else "api_unreadable_file"
            raise DocumentOpError(422, key, reason=reason) from exc

    def _build_and_commit(self, plan: Plan) -> OperationResult:
        journal = plan.journal
        indexer = Indexer(self.settings, embedder_factory=self.embedder_factory, progress=False)
        try:
            report = indexer.ingest(self._staging(journal.tx) / "corpus")
        except Exception as exc:
            state = IndexStore(self.settings).read_state()
            if state is None or state.generation <= (journal.base_generation or 0):
                self._roll_back(journal, outcome=None)
                raise DocumentOpError(503, "api_reindex_failed", reason=exc) from exc
            report = IngestReport(generation=state.generation)  # the switch happened: finish the operation
        journal.phase = "switched"
        self._write_journal(journal)
        crash_point("documents_after_switch_mark")
        self._commit(journal, recovered=False, report=report)
        if self.on_switch:
            self.on_switch()
        return OperationResult(
            journal.action,
            journal.document,
            journal.target_path,
            report.generation,
            report.documents,
            report.chunks,
            report.embedded,
            report.errors,
            report.quarantined,
        )

    # -- commit and roll back -----------------------------------------------------------------------
    def _commit(self, journal: Journal, recovered: bool, report: IngestReport | None = None) -> None:
        """Move the staged corpus in; every step can be repeated, so a recovery simply runs it again."""
        staged = self._staging(journal.tx) / "corpus"
        if journal.target_path and (staged / journal.target_path).exists():
            os.replace(staged / journal.target_path, self.corpus / journal.target_path)
        crash_point("documents_after_file_move")
        for rel in journal.remove_paths:
            (self.corpus / rel).unlink(missing_ok=True)
        if (staged / MANIFEST_NAME).exists():
            os.replace(staged / MANIFEST_NAME, self.corpus / MANIFEST_NAME)
        crash_point("documents_after_manifest")
        if not audited(self.settings, journal.tx):
            state: IndexState | None = IndexStore(self.settings).read_state()
            _audit_journal(
                self.settings,
                journal,
                "recovered_done" if recovered else "done",
                chunk=journal.detail,
                path=journal.target_path or (journal.remove_paths or [None])[0],
                generation=state.generation if state else None,
                chunks=report.chunks if report else None,
            )
        crash_point("documents_before_journal_clear")
        shutil.rmtree(self._staging(journal.tx), ignore_errors=True)
        self.journal_file.unlink(missing_ok=True)
        self._drop_stray_staging(keep=None)

    def _roll_back(self, journal: Journal, outcome: str | None) -> None:
        """Undo a staged operation: its staging goes, the corpus and the serving index were never touched."""
        shutil.rmtree(self._staging(journal.tx), ignore_errors=True)
        store = IndexStore(self.settings)
        state = store.read_state()
        store.drop_unreferenced(keep=state.kept_names() if state else set())  # a half-built generation
        if outcome and not audited(self.settings, journal.tx):
            _audit_journal(self.settings, journal, outcome)
        self.journal_file.unlink(missing_ok=True)
        self._drop_stray_staging(keep=None)


def _audit_journal(settings: Settings, journal: Journal, outcome: str, **details) -> None:
    """The audit line of a journalled operation: who, from where, what, and how it ended."""
    audit(
        settings,
        journal.action,
        tx=journal.tx,
        actor=journal.actor,
        client=journal.client,
        outcome=outcome,
        document=journal.document,
        **details,
    )


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
