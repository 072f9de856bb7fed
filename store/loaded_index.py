"""Everything a question needs from the index, loaded once per generation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.embedders import Embedder
from core.errors import IndexNotReadyError, IndexUnavailableError
from core.models import Chunk, DocumentKind, GoalAreaModel
from core.settings import Settings
from store.index_store import IndexStore
from store.keyword_index import KeywordIndex
from store.state import IndexedDocument, IndexState


@dataclass
class LoadedIndex:
    state: IndexState
    collection: Any
    keyword: KeywordIndex
    goal_model: GoalAreaModel | None
    chunks: dict[str, Chunk]
    store: IndexStore
    vectors: dict[str, np.ndarray] = field(default_factory=dict)  # each chunk's stored passage vector

    @classmethod
    def load(cls, settings: Settings, embedder: Embedder, store: IndexStore | None = None) -> LoadedIndex:
        """``store``: an open one to reuse (a serving process keeps one connection across reloads)."""
        store = store or IndexStore(settings)
        state = store.read_state()
        if state is None:
            raise IndexNotReadyError(f"no index in {store.location}: run 'hallbar ingest'")
        try:
            collection = store.get_collection(state.collection, embedder, state.embedder_id)
        except IndexUnavailableError:
            raise
        except Exception as exc:  # chromadb raises NotFoundError / ValueError across versions
            raise IndexNotReadyError(
                f"index collection {state.collection} unreadable ({exc}); run 'hallbar ingest --rebuild'"
            ) from exc
        if state.embedder_id != embedder.model_id:
            raise IndexNotReadyError(
                f"the index was built with {state.embedder_id}, but {embedder.model_id} is configured; "
                "run 'hallbar ingest'"
            )
        got = store.call(collection.get, include=["documents", "metadatas", "embeddings"])
        loaded = {
            cid: Chunk.from_chroma(cid, text, meta)
            for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"])
        }
        ordered = [cid for d in state.documents.values() for cid in d.chunk_ids if cid in loaded]
        keyword = KeywordIndex.from_json(store.read_json(state.keyword_index_file))
        chunks = {cid: loaded[cid] for cid in ordered}
        stored = got.get("embeddings")
        vectors = {cid: np.asarray(v, dtype=np.float32) for cid, v in zip(got["ids"], [] if stored is None else stored)}
        return cls(state, collection, keyword, store.read_goal_area_model(state), chunks, store, vectors)

    def programme_document(self) -> IndexedDocument | None:
        """The programme's entry in the state, or None."""
        return next((d for d in self.state.documents.values() if d.kind == DocumentKind.programme), None)
