"""Where the index's data live: two backends behind one interface.

- ``EmbeddedBackend`` (default): a Chroma PersistentClient in ``data_dir/chroma``; the state, keyword index and
  goal-area model are JSON files in ``data_dir``, each replaced atomically.
- ``ServerBackend`` (``HALLBAR_CHROMA_URL``): a Chroma server through ``chromadb.HttpClient``, in its own database
  (``HALLBAR_CHROMA_DATABASE``); the JSON blobs are records of the collection ``hallbar_meta`` there, each replaced
  by one upsert. Every app process is then stateless and can serve behind a load balancer.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import chromadb
import httpx
from chromadb.config import Settings as ChromaSettings

from core.errors import IndexNotReadyError, IndexUnavailableError
from core.settings import Settings
from store.embedding_function import ChromaEmbeddingFunction

META_COLLECTION = "hallbar_meta"  # server mode: state and JSON blobs, one record each
BLOB_PATTERN = "*_g*.json"
T = TypeVar("T")


def atomic_write_text(path: Path, text: str) -> None:
    """Write a file so that a reader sees the old text or the new, never a part (fsync, then os.replace)."""
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


class StoreBackend(ABC):
    """A Chroma client plus a place for named JSON blobs."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._client: Any = None

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the index lives, for messages."""

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = self.open_client()
        return self._client

    @abstractmethod
    def open_client(self) -> Any: ...

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A call to the store; the server backend turns connection failures into IndexUnavailableError."""
        return fn(*args, **kwargs)

    def all_collection_names(self) -> list[str]:
        return [c.name if hasattr(c, "name") else str(c) for c in self.call(self.client.list_collections)]

    @abstractmethod
    def read_blob(self, name: str) -> str | None: ...

    @abstractmethod
    def write_blob(self, name: str, text: str) -> None: ...

    @abstractmethod
    def blob_names(self) -> list[str]: ...

    @abstractmethod
    def delete_blobs(self, names: list[str]) -> None: ...

    @abstractmethod
    def wipe(self, collection_prefix: str, state_name: str) -> None:
        """Remove the index's collections and blobs (for --rebuild of a damaged store); the corpus is untouched."""

    @abstractmethod
    def blob_location(self, name: str) -> str: ...


class EmbeddedBackend(StoreBackend):
    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.root = settings.data_dir

    @property
    def location(self) -> str:
        return str(self.root / "chroma")

    def open_client(self) -> Any:
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

    def read_blob(self, name: str) -> str | None:
        path = self.root / name
        return path.read_text(encoding="utf-8") if path.exists() else None

    def write_blob(self, name: str, text: str) -> None:
        atomic_write_text(self.root / name, text)

    def blob_names(self) -> list[str]:
        return [f.name for f in self.root.glob(BLOB_PATTERN)]

    def delete_blobs(self, names: list[str]) -> None:
        for name in names:
            (self.root / name).unlink(missing_ok=True)

    def wipe(self, collection_prefix: str, state_name: str) -> None:
        from chromadb.api.shared_system_client import SharedSystemClient

        self._client = None
        SharedSystemClient.clear_system_cache()  # chromadb keeps one system per path: forget the damaged one
        shutil.rmtree(self.root / "chroma", ignore_errors=True)
        (self.root / state_name).unlink(missing_ok=True)

    def blob_location(self, name: str) -> str:
        return str(self.root / name)


class ServerBackend(StoreBackend):
    def __init__(self, settings: Settings):
        super().__init__(settings)
        self._meta_collection: Any = None

    @property
    def location(self) -> str:
        return f"{self.settings.chroma_url} (database {self.settings.chroma_database})"

    def open_client(self) -> Any:
        s = self.settings
        url = httpx.URL(str(s.chroma_url))
        ssl = url.scheme == "https"
        host, port = url.host, url.port or (443 if ssl else 8000)
        chroma_settings = ChromaSettings(
            anonymized_telemetry=False,
            chroma_server_host=host,
            chroma_server_http_port=port,
            chroma_server_ssl_enabled=ssl,
            chroma_api_impl="chromadb.api.fastapi.FastAPI",
        )
        try:
            # chromadb's own client has no timeout: ask first, bounded, whether the server answers at all
            httpx.get(f"{url.scheme}://{host}:{port}/api/v2/heartbeat", timeout=s.chroma_timeout_s).raise_for_status()
            self._ensure_database(chromadb.AdminClient(chroma_settings))
            client = chromadb.HttpClient(
                host=host,
                port=port,
                ssl=ssl,
                tenant=s.chroma_tenant,
                database=s.chroma_database,
                settings=ChromaSettings(anonymized_telemetry=False),
            )
            bound_timeout(client, s.chroma_timeout_s)
        except Exception as exc:
            raise self.unavailable(exc) from exc
        return client

    def _ensure_database(self, admin: Any) -> None:
        bound_timeout(admin, self.settings.chroma_timeout_s)
        try:
            admin.get_database(self.settings.chroma_database, tenant=self.settings.chroma_tenant)
        except Exception as exc:
            if not is_not_found(exc):
                raise
            admin.create_database(self.settings.chroma_database, tenant=self.settings.chroma_tenant)

    def unavailable(self, exc: BaseException) -> IndexUnavailableError:
        return IndexUnavailableError(
            f"Chroma-servern {self.settings.chroma_url} svarar inte / the Chroma server does not answer "
            f"({type(exc).__name__}: {exc or 'timeout'})"
        )

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except (httpx.TransportError, ConnectionError, TimeoutError) as exc:
            raise self.unavailable(exc) from exc

    def _meta(self) -> Any:
        if self._meta_collection is None:
            self._meta_collection = self.call(
                self.client.get_or_create_collection,
                META_COLLECTION,
                embedding_function=ChromaEmbeddingFunction(None, "meta"),
            )
        return self._meta_collection

    def read_blob(self, name: str) -> str | None:
        got = self.call(self._meta().get, ids=[name], include=["documents"])
        return got["documents"][0] if got["ids"] else None

    def write_blob(self, name: str, text: str) -> None:
        self.call(self._meta().upsert, ids=[name], documents=[text], embeddings=[[1.0]], metadatas=[{"kind": "blob"}])

    def blob_names(self) -> list[str]:
        return list(self.call(self._meta().get, include=[])["ids"])

    def delete_blobs(self, names: list[str]) -> None:
        if names:
            self.call(self._meta().delete, ids=names)

    def wipe(self, collection_prefix: str, state_name: str) -> None:
        names = self.all_collection_names()
        for name in names:
            if name.startswith(collection_prefix) or name == META_COLLECTION:
                self.call(self.client.delete_collection, name)
        self._meta_collection = None

    def blob_location(self, name: str) -> str:
        return f"{self.location}: {name}"


def open_backend(settings: Settings) -> StoreBackend:
    return ServerBackend(settings) if settings.chroma_url else EmbeddedBackend(settings)


def bound_timeout(client: Any, seconds: float) -> None:
    """chromadb's HTTP client waits forever (httpx timeout=None): a stopped server would hang every request.
    Its session is not configurable, so set the timeout on it here."""
    server = getattr(client, "_server", None)
    session = getattr(server, "_session", None)
    if session is None:
        raise RuntimeError("chromadb's HTTP client changed: cannot bound its timeout (hallbar expects chromadb 1.x)")
    session.timeout = httpx.Timeout(seconds)


def is_not_found(exc: Exception) -> bool:
    return type(exc).__name__ == "NotFoundError" or "not found" in str(exc).casefold()
