"""Where the index lives: Chroma collections by generation, the keyword index, the goal-area model, the state.

The state file names the current generation. An ingest builds the next generation beside it and only then
replaces the state file (atomically), so a crash at any point leaves the previous index serving.
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

from ingest.embedders import Embedder
from ingest.models import DocumentKind, GoalAreaModel
from ingest.settings import Settings

COLLECTION_PREFIX = "hallbar_g"
STATE_FILE = "index_state.json"


class IndexNotReadyError(RuntimeError):
    """No index yet, or the index does not fit the configured embedder."""


class IndexedDocument(BaseModel):
    id: str
    path: str
    title: str
    kind: DocumentKind
    content_hash: str
    chunk_ids: list[str]
    year: int | None = None
    source_url: str | None = None


class IndexState(BaseModel):
    version: int = 1
    generation: int
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
        self._client: Any = None

    @property
    def state_path(self) -> Path:
        return self.root / STATE_FILE

    @property
    def client(self):
        if self._client is None:
            self.settings.ensure_data_dir()
            try:
                self._client = chromadb.PersistentClient(
                    path=str(self.root / "chroma"),
                    settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
                )
                self._client.list_collections()
            except Exception as exc:  # chromadb raises its own and sqlite3 errors for a damaged store
                self._client = None
                raise IndexNotReadyError(
                    f"{self.root / 'chroma'}: the index store cannot be opened ({type(exc).__name__}: {exc}); "
                    "run 'hallbar ingest --rebuild' to build it anew"
                ) from exc
        return self._client

    def wipe_store(self) -> None:
        """Remove a damaged Chroma store and the state (for --rebuild); the corpus is untouched."""
        import shutil

        from chromadb.api.shared_system_client import SharedSystemClient

        self._client = None
        SharedSystemClient.clear_system_cache()  # chromadb keeps one system per path: forget the damaged one
        shutil.rmtree(self.root / "chroma", ignore_errors=True)
        self.state_path.unlink(missing_ok=True)

    def read_state(self) -> IndexState | None:
        if not self.state_path.exists():
            return None
        try:
            return IndexState.model_validate_json(self.state_path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise IndexNotReadyError(
                f"{self.state_path}: unreadable index state ({exc}); run 'hallbar ingest --rebuild'"
            ) from exc

    def write_state(self, state: IndexState) -> None:
        atomic_write_text(self.state_path, state.model_dump_json(indent=2))

    def collection_names(self) -> list[str]:
        return [c.name if hasattr(c, "name") else str(c) for c in self.client.list_collections()]

    def create_collection(self, name: str, embedder: Embedder | None, model_id: str):
        if name in self.collection_names():
            self.client.delete_collection(name)
        return self.client.create_collection(
            name=name,
            embedding_function=ChromaEmbeddingFunction(embedder, model_id),
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"created_at": dt.datetime.now(dt.timezone.utc).isoformat()},
        )

    def get_collection(self, name: str, embedder: Embedder | None, model_id: str):
        return self.client.get_collection(name=name, embedding_function=ChromaEmbeddingFunction(embedder, model_id))

    def drop_unreferenced(self, keep: set[str]) -> list[str]:
        """Delete collections and files of generations that the state does not name (crash leftovers, old ones)."""
        dropped = []
        for name in self.collection_names():
            if name.startswith(COLLECTION_PREFIX) and name not in keep:
                self.client.delete_collection(name)
                dropped.append(name)
        for file in self.root.glob("*_g*.json"):
            if file.name not in keep:
                file.unlink(missing_ok=True)
        return dropped

    def write_goal_area_model(self, name: str, model: GoalAreaModel) -> None:
        atomic_write_text(self.root / name, model.model_dump_json(indent=2))

    def read_goal_area_model(self, state: IndexState) -> GoalAreaModel | None:
        if not state.goal_area_file:
            return None
        return GoalAreaModel.model_validate_json((self.root / state.goal_area_file).read_text(encoding="utf-8"))

    def write_json(self, name: str, data: Any) -> None:
        atomic_write_text(self.root / name, json.dumps(data, ensure_ascii=False))

    def read_json(self, name: str) -> Any:
        return json.loads((self.root / name).read_text(encoding="utf-8"))
