"""Where the index lives: Chroma collections by generation, the keyword index, the goal-area model, the state.

The state names the current generation. An ingest builds the next generation beside it and only then
replaces the state (atomically), so a crash at any point leaves the previous index serving. The generation
before the current one is kept until the next ingest, so that other processes still serving it finish their
questions and then switch (they check the state every few seconds).

Two places, one behaviour:
- embedded (default): a Chroma PersistentClient in ``data_dir/chroma``; state, keyword index and goal-area
  model are JSON files in ``data_dir``, each replaced atomically;
- server (``HALLBAR_CHROMA_URL``): a Chroma server through ``chromadb.HttpClient``, in its own database
  (``HALLBAR_CHROMA_DATABASE``); state, keyword index and goal-area model are records of the collection
  ``hallbar_meta`` there, the state a single record replaced by one upsert. Every app process is then
  stateless and can serve behind a load balancer.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import chromadb
from chromadb.api.types import Documents, EmbeddingFunction
from chromadb.config import Settings as ChromaSettings
from pydantic import BaseModel, Field

from core.embedders import Embedder
from core.models import DocumentKind, GoalAreaModel
from core.settings import Settings

COLLECTION_PREFIX = "hallbar_g"
STATE_FILE = "index_state.json"
META_COLLECTION = "hallbar_meta"  # server mode: state and JSON blobs, one record each


class IndexNotReadyError(RuntimeError):
    """No index yet, or the index does not fit the configured embedder."""


class IndexUnavailableError(IndexNotReadyError):
    """The Chroma server cannot be reached (down, or not answering within the timeout)."""


class QuarantinedChunk(BaseModel):
    """A chunk kept out of the index because it reads as instructions to an AI (ingest/injection.py)."""

    chunk_id: str
    section: str
    page: int | None = None
    phrase: str

    def describe(self, document_title: str) -> str:
        page = f", s. {self.page}" if self.page else ""
        return f"{document_title}, {self.section}{page}: ”{self.phrase}”"


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


class ChromaEmbeddingFunction(EmbeddingFunction[Documents]):
    """Hands Chroma our embedder explicitly, so that Chroma never reaches for its downloading default."""

    def __init__(self, embedder: Embedder | None = None, model_id: str = ""):
        self._embedder = embedder
        self._model_id = model_id or (embedder.model_id if embedder else "")

    def __call__(self, input: Documents) -> list:  # noqa: A002 - Chroma's protocol names it so
        if self._embedder is None:
            raise RuntimeError(f"embedder {self._model_id} is not loaded in this process")
        return list(self._embedder.embed_passages_array(list(input)))

    def embed_query(self, input: Documents) -> list:  # noqa: A002
        if self._embedder is None:
            raise RuntimeError(f"embedder {self._model_id} is not loaded in this process")
        return list(self._embedder.embed_queries_array(list(input)))

    @staticmethod
    def name() -> str:
        return "hallbar"

    def get_config(self) -> dict[str, Any]:
        return {"model_id": self._model_id}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "ChromaEmbeddingFunction":
        return ChromaEmbeddingFunction(None, model_id=config.get("model_id", ""))

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"


def atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class IndexStore:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.root = settings.data_dir
        self.remote = bool(settings.chroma_url)
        self._client: Any = None
        self._meta_collection: Any = None

    @property
    def location(self) -> str:
        if self.remote:
            return f"{self.settings.chroma_url} (database {self.settings.chroma_database})"
        return str(self.root / "chroma")

    @property
    def state_path(self) -> Path:
        return self.root / STATE_FILE

    @property
    def client(self):
        if self._client is None:
            self._client = self._connect() if self.remote else self._open_local()
        return self._client

    def _open_local(self):
        self.settings.ensure_data_dir()
        try:
            client = chromadb.PersistentClient(
                path=str(self.root / "chroma"),
                settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
            )
            client.list_collections()
        except Exception as exc:  # chromadb raises its own and sqlite3 errors for a damaged store
            raise IndexNotReadyError(
                f"{self.root / 'chroma'}: the index store cannot be opened ({type(exc).__name__}: {exc}); "
                "run 'hallbar ingest --rebuild' to build it anew"
            ) from exc
        return client

    def _connect(self):
        import httpx

        url = httpx.URL(str(self.settings.chroma_url))
        host, port, ssl = url.host, url.port or (443 if url.scheme == "https" else 8000), url.scheme == "https"
        chroma_settings = ChromaSettings(anonymized_telemetry=False, chroma_server_host=host, chroma_server_http_port=port,
                                         chroma_server_ssl_enabled=ssl, chroma_api_impl="chromadb.api.fastapi.FastAPI")
        try:
            # chromadb's own client has no timeout: ask first, bounded, whether the server answers at all
            httpx.get(f"{url.scheme}://{host}:{port}/api/v2/heartbeat", timeout=self.settings.chroma_timeout_s).raise_for_status()
            admin = chromadb.AdminClient(chroma_settings)
            _bound_timeout(admin, self.settings.chroma_timeout_s)
            try:
                admin.get_database(self.settings.chroma_database, tenant=self.settings.chroma_tenant)
            except Exception as exc:
                if not _is_not_found(exc):
                    raise
                admin.create_database(self.settings.chroma_database, tenant=self.settings.chroma_tenant)
            client = chromadb.HttpClient(host=host, port=port, ssl=ssl, tenant=self.settings.chroma_tenant,
                                         database=self.settings.chroma_database, settings=ChromaSettings(anonymized_telemetry=False))
            _bound_timeout(client, self.settings.chroma_timeout_s)
        except Exception as exc:
            raise self.unavailable(exc) from exc
        return client

    def unavailable(self, exc: BaseException) -> IndexUnavailableError:
        return IndexUnavailableError(
            f"Chroma-servern {self.settings.chroma_url} svarar inte / the Chroma server does not answer "
            f"({type(exc).__name__}: {exc or 'timeout'})"
        )

    def call(self, fn, *args, **kwargs):
        """A call to the server; connection failures and timeouts become IndexUnavailableError."""
        if not self.remote:
            return fn(*args, **kwargs)
        import httpx

        try:
            return fn(*args, **kwargs)
        except (httpx.TransportError, ConnectionError, TimeoutError) as exc:
            raise self.unavailable(exc) from exc

    # --- the blobs: state, keyword index, goal-area model ---

    def _meta(self):
        if self._meta_collection is None:
            self._meta_collection = self.call(self.client.get_or_create_collection, META_COLLECTION,
                                               embedding_function=ChromaEmbeddingFunction(None, "meta"))
        return self._meta_collection

    def _read_blob(self, name: str) -> str | None:
        if not self.remote:
            path = self.root / name
            return path.read_text(encoding="utf-8") if path.exists() else None
        got = self.call(self._meta().get, ids=[name], include=["documents"])
        return got["documents"][0] if got["ids"] else None

    def _write_blob(self, name: str, text: str) -> None:
        if not self.remote:
            atomic_write_text(self.root / name, text)
            return
        self.call(self._meta().upsert, ids=[name], documents=[text], embeddings=[[1.0]], metadatas=[{"kind": "blob"}])

    def _blob_names(self) -> list[str]:
        if not self.remote:
            return [f.name for f in self.root.glob("*_g*.json")]
        return list(self.call(self._meta().get, include=[])["ids"])

    def _delete_blobs(self, names: list[str]) -> None:
        if not names:
            return
        if not self.remote:
            for name in names:
                (self.root / name).unlink(missing_ok=True)
            return
        self.call(self._meta().delete, ids=names)

    def wipe_store(self) -> None:
        """Remove a damaged store and the state (for --rebuild); the corpus is untouched."""
        if self.remote:
            for name in self.collection_names():
                if name.startswith(COLLECTION_PREFIX):
                    self.call(self.client.delete_collection, name)
            if META_COLLECTION in self._all_collection_names():
                self.call(self.client.delete_collection, META_COLLECTION)
            self._meta_collection = None
            return
        import shutil

        from chromadb.api.shared_system_client import SharedSystemClient

        self._client = None
        SharedSystemClient.clear_system_cache()  # chromadb keeps one system per path: forget the damaged one
        shutil.rmtree(self.root / "chroma", ignore_errors=True)
        self.state_path.unlink(missing_ok=True)

    def read_state(self) -> IndexState | None:
        text = self._read_blob(STATE_FILE)
        if text is None:
            return None
        try:
            return IndexState.model_validate_json(text)
        except ValueError as exc:
            where = self.state_path if not self.remote else f"{self.location}: {STATE_FILE}"
            raise IndexNotReadyError(f"{where}: unreadable index state ({exc}); run 'hallbar ingest --rebuild'") from exc

    def write_state(self, state: IndexState) -> None:
        self._write_blob(STATE_FILE, state.model_dump_json(indent=2))

    def _all_collection_names(self) -> list[str]:
        return [c.name if hasattr(c, "name") else str(c) for c in self.call(self.client.list_collections)]

    def collection_names(self) -> list[str]:
        """The index's collections (not the server mode's blob collection)."""
        return [n for n in self._all_collection_names() if n != META_COLLECTION]

    def create_collection(self, name: str, embedder: Embedder | None, model_id: str):
        if name in self.collection_names():
            self.call(self.client.delete_collection, name)
        return self.call(
            self.client.create_collection,
            name=name,
            embedding_function=ChromaEmbeddingFunction(embedder, model_id),
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"created_at": dt.datetime.now(dt.timezone.utc).isoformat()},
        )

    def get_collection(self, name: str, embedder: Embedder | None, model_id: str):
        return self.call(self.client.get_collection, name=name, embedding_function=ChromaEmbeddingFunction(embedder, model_id))

    def drop_unreferenced(self, keep: set[str]) -> list[str]:
        """Delete collections and blobs that neither the current nor the previous generation names
        (crash leftovers, old generations)."""
        dropped = []
        for name in self.collection_names():
            if name.startswith(COLLECTION_PREFIX) and name not in keep:
                self.call(self.client.delete_collection, name)
                dropped.append(name)
        self._delete_blobs([n for n in self._blob_names() if n != STATE_FILE and n not in keep])
        return dropped

    def write_goal_area_model(self, name: str, model: GoalAreaModel) -> None:
        self._write_blob(name, model.model_dump_json(indent=2))

    def read_goal_area_model(self, state: IndexState) -> GoalAreaModel | None:
        if not state.goal_area_file:
            return None
        return GoalAreaModel.model_validate_json(self._required_blob(state.goal_area_file))

    def write_json(self, name: str, data: Any) -> None:
        self._write_blob(name, json.dumps(data, ensure_ascii=False))

    def read_json(self, name: str) -> Any:
        return json.loads(self._required_blob(name))

    def _required_blob(self, name: str) -> str:
        text = self._read_blob(name)
        if text is None:
            raise IndexNotReadyError(f"{self.location}: {name} is missing; run 'hallbar ingest --rebuild'")
        return text


def _bound_timeout(client: Any, seconds: float) -> None:
    """chromadb's HTTP client waits forever (httpx timeout=None): a stopped server would hang every request.
    Its session is not configurable, so set the timeout on it here."""
    import httpx

    server = getattr(client, "_server", None)
    session = getattr(server, "_session", None)
    if session is None:
        raise RuntimeError("chromadb's HTTP client changed: cannot bound its timeout (hallbar expects chromadb 1.x)")
    session.timeout = httpx.Timeout(seconds)


def _is_not_found(exc: Exception) -> bool:
    return type(exc).__name__ == "NotFoundError" or "not found" in str(exc).casefold()
