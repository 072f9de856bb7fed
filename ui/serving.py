"""The assistant a serving process answers with, kept in step with the index.

Any number of processes may serve the same index (several uvicorn workers on one data directory, or app
machines sharing a Chroma server). An ingest anywhere writes a new generation and switches the state; each
process looks at the state at most every ``index_check_seconds`` and, when the generation changed, loads the
new one (the embedder and LLM backend are reused). The previous generation stays in the store until the next
ingest, so questions in flight finish on it.

Failures are errors, never hangs: no index raises IndexNotReadyError, an unreachable Chroma server
IndexUnavailableError (the API answers 503 to both); a process that started without an index tries again
on later requests, so it recovers once the index or the server is back.
"""

from __future__ import annotations

import logging
import threading
import time

from assistant.chain import Assistant
from core.embedders import build_embedder
from core.errors import IndexNotReadyError
from core.settings import Settings
from store.index_store import IndexStore

log = logging.getLogger(__name__)


class ServingAssistant:
    def __init__(
        self, settings: Settings, assistant: Assistant | None = None, models_lock: threading.Lock | None = None
    ):
        """``models_lock``: held by questions while they pass through the models; a new generation is warmed one
        batch at a time under it."""
        self.settings = settings
        self._models_lock = models_lock
        self._assistant = assistant
        self._error: str | None = None
        self._store = IndexStore(settings)
        self._checked_at = time.monotonic()
        self._lock = threading.Lock()
        self._embedder = assistant.embedder if assistant else None  # loaded once, kept across reloads
        if assistant is None:
            self._try_load()

    @property
    def loaded(self) -> Assistant | None:
        """The assistant as it is now, without looking at the index (for health and start-up)."""
        return self._assistant

    @property
    def error(self) -> str | None:
        return self._error

    def current(self) -> Assistant:
        """The assistant for the next question; raises IndexNotReadyError (or IndexUnavailableError)."""
        now = time.monotonic()
        if now - self._checked_at >= self.settings.index_check_seconds or self._assistant is None:
            with self._lock:
                if now - self._checked_at >= self.settings.index_check_seconds or self._assistant is None:
                    self._refresh()
                    self._checked_at = time.monotonic()
        if self._assistant is None:
            raise IndexNotReadyError(self._error or "no index: run 'hallbar ingest'")
        return self._assistant

    def _refresh(self) -> None:
        if self._assistant is None:
            self._try_load()
            return
        state = self._store.read_state()  # an unreachable server raises here: the caller answers 503
        if state is not None and state.generation != self._assistant.index.state.generation:
            log.info("index generation %s -> %s: reloading", self._assistant.index.state.generation, state.generation)
            self._load()

    def _try_load(self) -> None:
        try:
            self._load()
        except IndexNotReadyError as exc:
            self._error = str(exc)
            log.error("no index: %s", exc)

    def _load(self) -> None:
        self._assistant = self._built()
        self._error = None

    def _built(self, models_lock: threading.Lock | None = None) -> Assistant:
        """The index as it is now, its sentence index built before it serves (reusing the vectors of the
        generation in service, so only changed text is embedded): the first question after a switch does not
        wait for it."""
        if self._embedder is None:
            self._embedder = build_embedder(self.settings)
        old = self._assistant
        assistant = Assistant(
            self.settings,
            embedder=self._embedder,
            backend=old.backend if old else None,
            store=self._store,
            sentences=old.sentences if old else None,
        )
        assistant.selector.index.warm(models_lock)
        return assistant

    @property
    def embedder(self):
        """The loaded embedder (None until the first load)."""
        return self._embedder

    def reload_if_possible(self) -> None:
        """After a document operation switched the index: serve the new generation (a missing index is logged).
        It is built and warmed outside this object's lock, so questions go on with the current one meanwhile."""
        try:
            fresh = self._built(self._models_lock)
        except IndexNotReadyError as exc:
            with self._lock:
                self._error = str(exc)
            log.error("no index: %s", exc)
            return
        with self._lock:
            self._assistant, self._error = fresh, None
            self._checked_at = time.monotonic()

    def reload(self) -> Assistant:
        """Load the index as it is now (after an ingest in this process)."""
        with self._lock:
            self._load()
            self._checked_at = time.monotonic()
        assert self._assistant is not None
        return self._assistant
