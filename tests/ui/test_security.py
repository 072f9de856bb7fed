"""Security and privacy of the web app (issue 13): invalid Unicode never gives a 5xx or a log line with the
question, CORS only for listed origins (Gradio's routes too), security headers on every response, no CDN docs,
Gradio's upload route closed, one rate limit over every model route with Retry-After, and feedback bounded,
strict, rate-limited, redacted and deleted after its retention period."""

from __future__ import annotations

import json
import logging
import sqlite3
import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ui.app import create_app
from ui.feedback_store import DAY_S, FeedbackStore
from ui.limits import RateLimiter
from ui.schemas import FeedbackRequest
from ui.security import CSP, DoorPolicy, FrontDoor

SECRET = "Anna Andersson 19121212-1212"
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


@pytest.fixture(scope="module")
def client(corpus_assistant):
    """Without rate limits (they have tests of their own): many requests are sent here."""
    settings = corpus_assistant.settings.model_copy(update={"rate_limit_per_minute": 0, "feedback_per_minute": 0})
    with TestClient(create_app(settings, corpus_assistant), raise_server_exceptions=False) as c:
        yield c


# -- invalid Unicode, and no question text in any log ---------------------------------------------------------


@pytest.mark.integration
@pytest.mark.parametrize("bad", ["\\udc00", "\\ud800", "\\ud800\\ud800x", "\\udfff\\ud800"])
@pytest.mark.parametrize(
    "path, template",
    [
        ("/api/ask", '{"question": "%s"}'),
        ("/api/ask", '{"question": "Vad är målbilden?", "history": [{"question": "%s"}]}'),
        ("/api/ask", '{"question": "Vad är målbilden?", "filters": {"goal_area": "%s"}}'),
        ("/v1/chat/completions", '{"messages": [{"role": "user", "content": [{"type": "text", "text": "%s"}]}]}'),
        ("/api/ask/stream", '{"question": "%s"}'),
        ("/api/relate", '{"text": "%s"}'),
        ("/v1/chat/completions", '{"messages": [{"role": "user", "content": "%s"}]}'),
        ("/api/feedback", '{"question": "%s", "answer": "a", "rating": 1, "comment": "%s"}'),
    ],
)
def test_lone_surrogates_get_a_4xx_and_no_log(client, caplog, capsys, path, template, bad):
    text = f"{SECRET} {bad}"
    body = template.replace("%s", text)
    with caplog.at_level(logging.DEBUG):
        resp = client.post(path, content=body.encode(), headers={"content-type": "application/json"})
    assert resp.status_code == 422, resp.text
    assert resp.json()["detail"] and "19121212" not in resp.text  # the reason, not the input echoed
    logged = caplog.text + "".join(capsys.readouterr())
    assert "19121212" not in logged and "Andersson" not in logged


@pytest.mark.integration
@pytest.mark.parametrize("raw", [b'{"question": "Anna \xff\xfe"}', b'{"question": "\xed\xb0\x80"}', b"\xc3("])
def test_invalid_utf8_gets_a_4xx(client, raw):
    resp = client.post("/api/ask", content=raw, headers={"content-type": "application/json"})
    assert 400 <= resp.status_code < 500 and resp.json()["detail"]


def test_an_unexpected_error_is_a_500_that_logs_no_question(caplog):
    """The last net: an exception whose message holds the question is logged by its type and path only."""
    inner = FastAPI()

    @inner.post("/api/ask")
    def boom():
        raise RuntimeError(f"could not answer {SECRET}")

    inner.add_middleware(FrontDoor, policy=DoorPolicy(RateLimiter(0), RateLimiter(0), 10000))
    with caplog.at_level(logging.DEBUG), TestClient(inner, raise_server_exceptions=False) as c:
        resp = c.post("/api/ask", json={})
    assert resp.status_code == 500 and resp.json()["detail"] == "internt fel / internal error"
    assert "RuntimeError in POST /api/ask" in caplog.text and "19121212" not in caplog.text
    assert resp.headers["x-content-type-options"] == "nosniff"


# -- CORS and headers ------------------------------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.parametrize("path", ["/api/documents", "/api/ask", "/", "/gradio_api/queue/join", "/v1/chat/completions"])
def test_no_cors_by_default_not_even_on_gradio_routes(client, path):
    evil = {"Origin": "https://evil.example", "Host": "hallbar.vasteras.se"}
    preflight = client.options(path, headers={**evil, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code >= 400
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-credentials" not in preflight.headers
    simple = client.get("/" if path == "/" else "/health", headers=evil)
    assert simple.status_code == 200 and "access-control-allow-origin" not in simple.headers


@pytest.mark.integration
def test_cors_for_listed_origins_only(corpus_assistant):
    settings = corpus_assistant.settings.model_copy(update={"cors_origins": "https://intra.vasteras.se, https://x.se"})
    with TestClient(create_app(settings, corpus_assistant)) as c:
        ok = c.options(
            "/api/ask", headers={"Origin": "https://intra.vasteras.se", "Access-Control-Request-Method": "POST"}
        )
        assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == "https://intra.vasteras.se"
        assert "access-control-allow-credentials" not in ok.headers
        gradio = c.get("/", headers={"Origin": "https://x.se", "Host": "hallbar.vasteras.se"})
        assert gradio.headers["access-control-allow-origin"] == "https://x.se"
        other = c.get("/", headers={"Origin": "https://evil.example", "Host": "hallbar.vasteras.se"})
        assert "access-control-allow-origin" not in other.headers


@pytest.mark.integration
@pytest.mark.parametrize(
    "method, path", [("GET", "/"), ("GET", "/health"), ("GET", "/nowhere"), ("POST", "/api/ask"), ("GET", "/config")]
)
def test_security_headers_on_every_response(client, method, path):
    resp = client.request(method, path, json={} if method == "POST" else None)
    for name, value in HEADERS.items():
        assert resp.headers.get(name) == value, (path, name)
    assert "frame-ancestors 'none'" in resp.headers["content-security-policy"]


@pytest.mark.integration
def test_docs_off_by_default_and_local_when_on(client, corpus_assistant):
    assert client.get("/docs").status_code == 404 and client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").status_code == 200
    settings = corpus_assistant.settings.model_copy(update={"api_docs": True})
    with TestClient(create_app(settings, corpus_assistant, mount_ui=False)) as c:
        page = c.get("/docs")
        assert page.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in page.text
        assert "cdn" not in page.text.lower() and "https://" not in page.text
        assert c.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


@pytest.mark.integration
def test_gradio_upload_route_is_closed(client):
    resp = client.post("/gradio_api/upload", files={"files": ("big.bin", b"x" * 100_000, "application/octet-stream")})
    assert resp.status_code == 404 and resp.json()["detail"]
    assert client.post("/gradio_api/process_recording").status_code == 404


# -- one rate limit over the model routes ----------------------------------------------------------------------


@pytest.mark.integration
def test_one_rate_limit_over_every_model_route(corpus_assistant):
    settings = corpus_assistant.settings.model_copy(update={"rate_limit_per_minute": 2, "feedback_per_minute": 0})
    with TestClient(create_app(settings, corpus_assistant)) as c:
        assert c.post("/api/ask", json={"question": "Vad är målbilden?"}).status_code == 200
        assert c.post("/api/relate", json={"text": "Jag är lärare"}).status_code == 200
        for path, body in [
            ("/api/ask", {"question": "x"}),
            ("/api/ask/stream", {"question": "x"}),
            ("/api/relate", {"text": "x"}),
            ("/v1/chat/completions", {"messages": [{"role": "user", "content": "x"}]}),
            ("/gradio_api/queue/join", {"data": [], "fn_index": 0, "session_hash": "abc"}),
            ("/gradio_api/call/respond", {"data": []}),
        ]:
            resp = c.post(path, json=body)
            assert resp.status_code == 429, path
            assert 1 <= int(resp.headers["retry-after"]) <= 60 and "too many" in resp.json()["detail"]
        assert c.post("/v1/chat/completions", json={"messages": []}).json()["error"]["type"] == "rate_limit_exceeded"
        assert c.get("/health").status_code == 200  # what runs no model is not limited
        feedback = {"question": "q", "answer": "a", "rating": 1}
        assert c.post("/api/feedback", json=feedback).status_code == 201  # its own limit


def test_retry_after_counts_down_to_the_oldest_request():
    limiter = RateLimiter(1)
    assert limiter.wait("a") == 0 and 59 <= limiter.wait("a") <= 60 and limiter.wait("b") == 0
    limiter._hits["a"][0] -= 50  # the request was made 50 s ago
    assert 9 <= limiter.wait("a") <= 10


# -- feedback --------------------------------------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.parametrize(
    "payload",
    [
        {"question": "q", "answer": "a", "rating": True},
        {"question": "q", "answer": "a", "rating": "1"},
        {"question": "q", "answer": "a", "rating": 1.0},
        {"question": "q", "answer": "a", "rating": 0},
        {"question": "q", "answer": "a", "rating": 1, "comment": "x" * 2001},
        {"question": "q" * 4001, "answer": "a", "rating": 1},
        {"question": "q", "answer": "a" * 20001, "rating": 1},
    ],
)
def test_feedback_is_strict_and_bounded(client, payload):
    resp = client.post("/api/feedback", json=payload)
    assert resp.status_code == 422 and resp.json()["detail"]


@pytest.mark.integration
def test_feedback_size_and_rate(corpus_assistant):
    settings = corpus_assistant.settings.model_copy(update={"feedback_per_minute": 3})
    with TestClient(create_app(settings, corpus_assistant, mount_ui=False)) as c:
        big = c.post(
            "/api/feedback", content=b"{" + b" " * 2_000_000 + b"}", headers={"content-type": "application/json"}
        )
        assert big.status_code == 413
        codes = [
            c.post("/api/feedback", json={"question": "q", "answer": "a", "rating": -1}).status_code for _ in range(4)
        ]
        assert codes == [201, 201, 201, 429]


@pytest.mark.integration
def test_chunked_bodies_are_bounded_too(corpus_assistant):
    settings = corpus_assistant.settings.model_copy(update={"max_body_bytes": 4096})

    def chunks():
        yield b'{"question": "q", "answer": "'
        for _ in range(10):
            yield b"a" * 1000
        yield b'", "rating": 1}'

    with TestClient(create_app(settings, corpus_assistant, mount_ui=False)) as c:
        resp = c.post("/api/feedback", content=chunks(), headers={"content-type": "application/json"})
        assert resp.status_code == 413 and "4096" in resp.json()["detail"]
        assert c.post("/api/feedback", json={"question": "q", "answer": "a", "rating": 1}).status_code == 201


def test_feedback_is_redacted_before_storage(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    comment = "Jag heter Anna, 19121212-1212, ring 070-123 45 67 eller mejla anna.a@example.se. Fel: 121212-1213"
    store.add(FeedbackRequest(question="Mitt pnr är 121212-1212", answer="svar", rating=1, comment=comment))
    with sqlite3.connect(tmp_path / "fb.sqlite3") as db:
        question, stored = db.execute("SELECT question, comment FROM feedback").fetchone()
    assert question == "Mitt pnr är [personnummer]"
    assert stored == "Jag heter Anna, [personnummer], ring [telefon] eller mejla [e-post]. Fel: 121212-1213"


def test_old_feedback_is_deleted(tmp_path):
    path = tmp_path / "fb.sqlite3"
    store = FeedbackStore(path, retention_days=30)
    store.add(FeedbackRequest(question="q", answer="a", rating=1))
    with sqlite3.connect(path) as db:
        db.execute("UPDATE feedback SET created_at = ?", (time.time() - 31 * DAY_S,))
    store.add(FeedbackRequest(question="new", answer="a", rating=-1))
    assert store.count() == 1
    FeedbackStore(path, retention_days=0).add(FeedbackRequest(question="kept", answer="a", rating=1))
    with sqlite3.connect(path) as db:
        db.execute("UPDATE feedback SET created_at = ?", (time.time() - 40 * DAY_S,))
    assert FeedbackStore(path, retention_days=0).count() == 2  # 0 keeps everything
    assert FeedbackStore(path, retention_days=30).count() == 0  # purged at start-up


def test_export_writes_no_file(tmp_path, monkeypatch):
    import base64
    import tempfile

    from ui.web import ChatHandlers

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    turn = {"question": "Vad är målbilden?", "answer": "Svar [1].", "citations": [], "goal_areas": [], "refused": False}
    update = ChatHandlers.export([turn], "sv")
    link = update["value"]
    assert 'download="hallbar-samtal.md"' in link and update["visible"]
    data = link.split("base64,", 1)[1].split('"', 1)[0]
    assert "Vad är målbilden?" in base64.b64decode(data).decode("utf-8")
    assert list(tmp_path.iterdir()) == []


def test_surrogates_in_the_chat_are_replaced():
    from ui.web import valid_text

    assert valid_text("fråga \udc00") == "fråga ?" and json.dumps(valid_text("\ud800"), ensure_ascii=False)


@pytest.mark.integration
def test_lone_surrogate_through_the_gradio_api(client, caplog, capsys):
    body = '{"data": ["Anna Andersson 19121212-1212 \\udc00", [], "answer", "sv"]}'
    with caplog.at_level(logging.DEBUG):
        started = client.post("/gradio_api/call/respond", content=body, headers={"content-type": "application/json"})
        assert started.status_code == 200
        result = client.get(f"/gradio_api/call/respond/{started.json()['event_id']}")
    assert result.status_code == 200 and "event: complete" in result.text and "event: error" not in result.text
    logged = caplog.text + "".join(capsys.readouterr())
    assert "19121212" not in logged and "Andersson" not in logged
