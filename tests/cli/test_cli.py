"""The CLI as a user runs it (typer's runner, real corpus, real index)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import settings_env

pytestmark = pytest.mark.integration  # the real embedder, index, servers or subprocesses

runner = CliRunner()


def env(settings) -> dict[str, str]:
    return settings_env(settings)


def test_ingest_info_goal_areas(settings):
    first = runner.invoke(app, ["ingest"], env=env(settings))
    assert first.exit_code == 0, first.output
    assert "1 new or changed" in first.output and "embedded" in first.output
    second = runner.invoke(app, ["ingest"], env=env(settings))
    assert "index unchanged: nothing re-embedded" in second.output and "(0 embedded" in second.output

    info = json.loads(runner.invoke(app, ["info", "--json"], env=env(settings)).output)
    assert info["chunks"] > 20 and info["documents"][0]["kind"] == "programme"

    result = runner.invoke(app, ["goal-areas", "--json"], env=env(settings))
    areas = json.loads(result.output)
    assert len(areas) == 6 and {a["main_area"] for a in areas} == {
        "Goda livsvillkor utifrån individens förutsättningar och behov",
        "Demokrati, delaktighet och medskapande för ett socialt hållbart samhälle",
    }
    assert areas[3]["sdgs"] == [5, 10, 11, 17] and areas[0]["sdgs"] == [1, 2, 3, 5, 10, 17]
    assert set(areas[0]) == {"name", "main_area", "sdgs"}
    text = runner.invoke(app, ["goal-areas"], env=env(settings)).output
    assert "11 Hållbara städer och samhällen" in text


def test_ingest_reports_skipped_files(settings):
    (settings.corpus_dir / "notes.docx").write_bytes(b"PK")
    result = runner.invoke(app, ["ingest"], env=env(settings))
    assert result.exit_code == 0
    assert "skipped:" in result.output and "notes.docx" in result.output and "unsupported file type" in result.output


def test_commands_without_an_index_say_what_to_do(tmp_path):
    e = {"HALLBAR_DATA_DIR": str(tmp_path / "none")}
    for args in (["info"], ["goal-areas", "--json"]):
        result = runner.invoke(app, args, env=e)
        assert result.exit_code == 1 and "hallbar ingest" in result.output


def test_missing_corpus_folder(tmp_path):
    result = runner.invoke(
        app, ["ingest", "--corpus", str(tmp_path / "nowhere")], env={"HALLBAR_DATA_DIR": str(tmp_path)}
    )
    assert result.exit_code == 1 and "corpus folder not found" in result.output


def test_an_unreadable_file_gives_exactly_one_line(settings):
    """One `skipped: FILE: reason` line per unreadable file, and no other output names it (no library warning, no
    log line), from the real command."""
    import subprocess
    import sys
    from pathlib import Path

    from core.models import DocumentKind, DocumentMeta
    from ingest.manifest import add_entry

    (settings.corpus_dir / "trasig.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF")
    add_entry(
        settings.corpus_dir, DocumentMeta(id="trasig", path="trasig.pdf", title="Trasig", kind=DocumentKind.other)
    )
    hallbar = Path(sys.executable).parent / "hallbar"
    done = subprocess.run(
        [str(hallbar), "ingest"],
        env={**settings_env(settings), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in (done.stdout + done.stderr).splitlines() if "trasig.pdf" in line]
    assert len(lines) == 1 and lines[0].startswith("skipped: ") and "corrupt or unreadable PDF" in lines[0], lines
    assert lines[0] in done.stdout.splitlines()  # on stdout


def test_unrelated_work_is_declined_in_chat(settings):
    runner.invoke(app, ["ingest"], env=env(settings))
    result = runner.invoke(app, ["ask", "I repair cars", "--json"], env=env(settings))
    answer = json.loads(result.output.splitlines()[-1])
    # declined, or (read as work, since session 15's job-title examples) told there is no clear link: never forced
    # onto a goal area
    assert answer["goal_areas"] == []
    assert answer["refused"] is True or answer["answer"].startswith("I find no clear link")
