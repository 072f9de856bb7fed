"""The index store: Chroma collections by generation, the keyword index, the goal-area model, the state.

The state names the current generation. An ingest builds the next generation beside it and only then
replaces the state (atomically), so a crash at any point leaves the previous index serving. The generation
before the current one is kept until the next ingest, so that other processes still serving it finish their
questions and then switch (they check the state every few seconds).

Where the data live is the backend's business (``store/backends.py``: embedded files, or a Chroma server);
this class behaves the same on both.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from core.embedders import Embedder
from core.errors import IndexNotReadyError
from core.models import GoalAreaModel
from core.settings import Settings
from store.backends import META_COLLECTION, StoreBackend, open_backend
from store.embedding_function import ChromaEmbeddingFunction
from store.state import STATE_FILE, IndexState

COLLECTION_PREFIX = "hallbar_g"


class IndexStore:
    def __init__(self, settings: Settings, backend: StoreBackend | None = None):
        self.settings = settings
        self.backend = backend or open_backend(settings)

    @property
    def location(self) -> str:
        return self.backend.location

    def call(self, fn, *args, **kwargs):
        """A call to the store; an unreachable server becomes IndexUnavailableError."""
        return self.backend.call(fn, *args, **kwargs)

    # --- the state ---

    def read_state(self) -> IndexState | None:
        text = self.backend.read_blob(STATE_FILE)
        if text is None:
            return None
        try:
            return IndexState.model_validate_json(text)
        except ValueError as exc:
            where = self.backend.blob_location(STATE_FILE)
            raise IndexNotReadyError(
                f"{where}: unreadable index state ({exc}); run 'hallbar ingest --rebuild'"
            ) from exc

    def write_state(self, state: IndexState) -> None:
        """The switch: from here on the state's generation serves."""
        self.backend.write_blob(STATE_FILE, state.model_dump_json(indent=2))

    def wipe_store(self) -> None:
        """Remove a damaged store and the state (for --rebuild); the corpus is untouched."""
        self.backend.wipe(COLLECTION_PREFIX, STATE_FILE)

    # --- collections ---

    def collection_names(self) -> list[str]:
        """The index's collections (not the server mode's blob collection)."""
        return [n for n in self.backend.all_collection_names() if n != META_COLLECTION]

    def create_collection(self, name: str, embedder: Embedder | None, model_id: str) -> Any:
        client = self.backend.client
        if name in self.collection_names():
            self.call(client.delete_collection, name)
        return self.call(
            client.create_collection,
            name=name,
            embedding_function=ChromaEmbeddingFunction(embedder, model_id),
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"created_at": dt.datetime.now(dt.UTC).isoformat()},
        )

    def get_collection(self, name: str, embedder: Embedder | None, model_id: str) -> Any:
        return self.call(
            self.backend.client.get_collection,
            name=name,
            embedding_function=ChromaEmbeddingFunction(embedder, model_id),
        )

    def drop_unreferenced(self, keep: set[str]) -> list[str]:
        """Delete collections and blobs that neither the current nor the previous generation names
        (crash leftovers, old generations)."""
        dropped = []
        for name in self.collection_names():
            if name.startswith(COLLECTION_PREFIX) and name not in keep:
                self.call(self.backend.client.delete_collection, name)
                dropped.append(name)
        self.backend.delete_blobs([n for n in self.backend.blob_names() if n != STATE_FILE and n not in keep])
        return dropped

    # --- the JSON blobs: keyword index, goal-area model ---

    def write_goal_area_model(self, name: str, model: GoalAreaModel) -> None:
        self.backend.write_blob(name, model.model_dump_json(indent=2))

    def read_goal_area_model(self, state: IndexState) -> GoalAreaModel | None:
        if not state.goal_area_file:
            return None
        return GoalAreaModel.model_validate_json(self._required_blob(state.goal_area_file))

    def write_json(self, name: str, data: Any) -> None:
        self.backend.write_blob(name, json.dumps(data, ensure_ascii=False))

    def read_json(self, name: str) -> Any:
        return json.loads(self._required_blob(name))

    def _required_blob(self, name: str) -> str:
        text = self.backend.read_blob(name)
        if text is None:
            raise IndexNotReadyError(f"{self.location}: {name} is missing; run 'hallbar ingest --rebuild'")
        return text
