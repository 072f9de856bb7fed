"""The `hallbar ask` JSON contract, exactly as other tools depend on it."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import settings_env

pytestmark = pytest.mark.integration  # the real embedder, index, servers or subprocesses

KEYS = {"question", "answer", "refused", "language", "goal_areas", "citations", "timings_ms"}
LOG_LINE = re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.]+: ")  # the CLI's log format (cli/app.py)
CITATION_KEYS = {
    *("n", "chunk_id", "document", "section", "page", "goal_area", "sdgs", "quote"),
    *("document_id", "document_kind", "document_year", "link_method"),  # attribution (issue 12)
}


def env(settings) -> dict[str, str]:
    return settings_env(settings)


def check_contract(obj: dict) -> None:
    assert set(obj) == KEYS
    assert isinstance(obj["question"], str) and isinstance(obj["answer"], str) and obj["answer"]
    assert isinstance(obj["refused"], bool) and obj["language"] in ("sv", "en")
    for ga in obj["goal_areas"]:
        assert set(ga) == {"name", "main_area", "sdgs"} and all(isinstance(n, int) for n in ga["sdgs"])
    for c in obj["citations"]:
        assert set(c) == CITATION_KEYS and isinstance(c["n"], int) and isinstance(c["quote"], str)
        assert c["page"] is None or isinstance(c["page"], int)
    assert set(obj["timings_ms"]) == {"retrieval", "total"} and all(
        isinstance(v, float) for v in obj["timings_ms"].values()
    )
    if obj["refused"]:
        assert obj["goal_areas"] == [] and obj["citations"] == []


def test_ask_json_single(indexed_settings):
    result = CliRunner().invoke(
        app, ["ask", "Vilka globala mål hör till målområdet om trygghet?", "--json"], env=env(indexed_settings)
    )
    assert result.exit_code == 0, result.output
    obj = json.loads(result.stdout)
    check_contract(obj)
    assert obj["goal_areas"][0]["sdgs"] == [5, 10, 11, 16, 17] and obj["citations"][0]["page"] == 12


def test_ask_json_lines_from_stdin_in_order_with_logs_on_stderr(indexed_settings):
    questions = ["Hur följs handlingsplanen upp?", "", "What is the weather in Paris?", "Vad betyder mål 4?"]
    proc = subprocess.run(
        [sys.executable, "-m", "cli.main", "ask", "--json", "--verbose", "-"],  # --verbose: logs at DEBUG
        input="\n".join(questions) + "\n",
        capture_output=True,
        text=True,
        env={**env(indexed_settings), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == len(questions)  # nothing but the JSON objects on stdout
    objs = [json.loads(line) for line in lines]
    for q, obj in zip(questions, objs):
        check_contract(obj)
        assert obj["question"] == q
    assert [o["refused"] for o in objs] == [False, True, True, False]
    assert objs[2]["language"] == "en" and "God utbildning för alla" in objs[3]["answer"]
    logs = proc.stderr.splitlines()
    assert logs and all(LOG_LINE.match(line) for line in logs), proc.stderr[-2000:]
    assert any(line.startswith("INFO assistant.chain: declined") for line in logs)  # the decline of the third line
    assert not any(LOG_LINE.match(line) for line in lines)
    for question in filter(None, questions):  # no question text in the logs
        assert question not in proc.stderr and question.rstrip("?") not in proc.stderr


def test_ask_readable_and_empty(indexed_settings):
    readable = CliRunner().invoke(app, ["ask", "Vad säger programmet om kultur?"], env=env(indexed_settings))
    assert readable.exit_code == 0 and "Källor / Sources:" in readable.output and "s. 12" in readable.output
    empty = CliRunner().invoke(app, ["ask", "  "], env=env(indexed_settings))
    assert empty.exit_code == 2 and "empty question" in empty.output


def test_ask_without_index(tmp_path):
    result = CliRunner().invoke(app, ["ask", "Vad är målbilden?"], env={"HALLBAR_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 1 and "hallbar ingest" in result.output
