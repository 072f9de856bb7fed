"""`kill -9` at several points of `hallbar documents add` and `remove` (real processes, the test crash hook), then a
restart: corpus, manifest and index agree, nothing half-added is served, and the operation can be repeated
(issue 12, finding 3)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.settings import Settings
from ingest.documents import JOURNAL_FILE, STAGING_DIR
from ingest.manifest import discover_files, load_manifest
from store.index_store import IndexStore
from tests.conftest import CORPUS, FIXTURES, PROGRAMME_ID, ROOT, settings_env

pytestmark = pytest.mark.integration  # real processes, the real embedder and index

# Before the switch the operation is rolled back; from the switch on it is finished.
ADD_STAGES = {
    "documents_after_journal": False,
    "documents_after_stage": False,
    "during_embed": False,
    "before_state_switch": False,
    "after_state_switch": True,
    "documents_after_switch_mark": True,
    "documents_after_file_move": True,
    "documents_after_manifest": True,
    "documents_before_journal_clear": True,
}
REMOVE_STAGES = {
    "documents_after_stage": False,
    "before_state_switch": False,
    "after_state_switch": True,
    "documents_after_manifest": True,
}


def hallbar(settings: Settings, *args: str, crash_at: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **settings_env(settings), "HALLBAR_AUDIT_LOG": str(settings.audit_log)}
    env.pop("HALLBAR_TEST_CRASH_AT", None)
    if crash_at:
        env["HALLBAR_TEST_CRASH_AT"] = crash_at
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> Settings:
    """The corpus indexed by a `hallbar ingest` process, with the plan to add beside it (copied per test)."""
    root = tmp_path_factory.mktemp("documents-crash")
    shutil.copytree(CORPUS, root / "corpus")
    shutil.copy(FIXTURES / "handlingsplan-exempel.md", root / "plan-exempel.md")
    settings = Settings(data_dir=root / "data", corpus_dir=root / "corpus", audit_log=root / "audit.jsonl")
    done = hallbar(settings, "ingest")
    assert done.returncode == 0, done.stderr
    return settings


def copy_of(indexed: Settings, tmp_path: Path) -> Settings:
    for name in ("corpus", "data"):
        shutil.copytree(Path(getattr(indexed, f"{name}_dir")), tmp_path / name)
    shutil.copy(Path(indexed.corpus_dir).parent / "plan-exempel.md", tmp_path / "plan-exempel.md")
    return Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus", audit_log=tmp_path / "audit.jsonl")


def assert_consistent(settings: Settings, documents: set[str]) -> None:
    """Corpus files, manifest entries and the serving index state name the same documents; nothing pending."""
    corpus = Path(settings.corpus_dir)
    manifest = load_manifest(corpus)
    assert {m.id for m in manifest.documents} == documents
    assert {p.relative_to(corpus).as_posix() for p in discover_files(corpus)} == {m.path for m in manifest.documents}
    state = IndexStore(settings).read_state()
    assert set(state.documents) == documents
    assert all(state.documents[m.id].path == m.path for m in manifest.documents)
    assert not (corpus / STAGING_DIR).exists() and not (Path(settings.data_dir) / JOURNAL_FILE).exists()


def audit_lines(settings: Settings) -> list[dict]:
    log = Path(settings.audit_log)
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


def hallbar_here(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    """The same command run in this process (Typer's runner, the same environment): what follows the crashed
    process needs no process of its own, and starting one costs seconds of imports."""
    env = {**settings_env(settings), "HALLBAR_AUDIT_LOG": str(settings.audit_log), "HALLBAR_TEST_CRASH_AT": None}
    result = CliRunner().invoke(app, list(args), env=env)
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def crash_then_restart(settings: Settings, stage: str, *operation: str) -> dict:
    crashed = hallbar(settings, "documents", *operation, crash_at=stage)
    assert crashed.returncode == -signal.SIGKILL, f"did not reach {stage}: {crashed.stderr[-2000:]}"
    listed = hallbar_here(settings, "documents", "list", "--json")  # the restart: recovery runs first
    assert listed.returncode == 0, listed.stderr
    return {row["id"]: row for row in json.loads(listed.stdout)}


@pytest.mark.parametrize("stage", list(ADD_STAGES))
def test_sigkill_during_an_upload(stage, indexed, tmp_path):
    settings = copy_of(indexed, tmp_path)
    plan = str(tmp_path / "plan-exempel.md")
    rows = crash_then_restart(settings, stage, "add", plan, "--title", "Handlingsplan exempel", "--year", "2024")
    finished = ADD_STAGES[stage]
    expected = {PROGRAMME_ID, "plan-exempel"} if finished else {PROGRAMME_ID}
    assert set(rows) == expected and all(row["indexed"] for row in rows.values())
    assert_consistent(settings, expected)
    outcomes = [(e["action"], e["outcome"]) for e in audit_lines(settings)]
    audited = "done" if stage == "documents_before_journal_clear" else "recovered_done"  # written once, not twice
    assert outcomes == [("add", audited if finished else "rolled_back_after_crash")]
    again = hallbar_here(settings, "documents", "add", plan, "--title", "Handlingsplan exempel")
    if finished:  # it is there: a repeat is refused naming it, and it can be removed
        assert again.returncode == 1 and "plan-exempel" in again.stderr
        assert hallbar_here(settings, "documents", "remove", "plan-exempel").returncode == 0
        assert_consistent(settings, {PROGRAMME_ID})
    else:
        assert again.returncode == 0, again.stderr
        assert_consistent(settings, {PROGRAMME_ID, "plan-exempel"})


@pytest.mark.parametrize("stage", list(REMOVE_STAGES))
def test_sigkill_during_a_delete(stage, indexed, tmp_path):
    settings = copy_of(indexed, tmp_path)
    added = hallbar_here(settings, "documents", "add", str(tmp_path / "plan-exempel.md"))
    assert added.returncode == 0, added.stderr
    rows = crash_then_restart(settings, stage, "remove", "plan-exempel")
    finished = REMOVE_STAGES[stage]
    expected = {PROGRAMME_ID} if finished else {PROGRAMME_ID, "plan-exempel"}
    assert set(rows) == expected
    assert_consistent(settings, expected)
    again = hallbar_here(settings, "documents", "remove", "plan-exempel")
    assert again.returncode == (1 if finished else 0), again.stderr
    assert_consistent(settings, {PROGRAMME_ID})
