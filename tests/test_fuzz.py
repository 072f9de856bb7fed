"""Property-based tests (bounded): the parsers, the chunker and question handling take any input
without crashing, and keep their promises."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import DocumentKind, DocumentMeta, LoadedDocument, Page
from ingest.chunker import ChunkerConfig, chunk_document
from ingest.goal_area_model import StructureError, parse_goal_area_model, parse_sdg_numbers
from ingest.sections import parse_sections

LINE = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=120),
    st.sampled_from(
        [
            "",
            "# Rubrik",
            "## BOSTÄDER FÖR ALLA",
            "- punkt ett",
            "  - underpunkt",
            "Området omfattar mål 5, 10 och 17 i Agenda 2030",
            "Målet är att:",
            "<!-- page: 3 -->",
        ]
    ),
)
FAST = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)


def document(lines: list[str], fmt: str) -> LoadedDocument:
    meta = DocumentMeta(id="fuzz", path="fuzz.md", title="Fuzz", kind=DocumentKind.action_plan)
    return LoadedDocument(
        meta=meta, source_path=Path("fuzz.md"), format=fmt, pages=[Page(1, "\n".join(lines))], content_hash="0"
    )  # type: ignore[arg-type]


@FAST
@given(st.lists(LINE, max_size=40), st.sampled_from(["markdown", "text", "pdf"]))
def test_sections_and_chunks_from_any_text(lines, fmt):
    parsed = parse_sections(document(lines, fmt))
    text = "\n".join(lines)
    for section in parsed.sections:
        assert section.blocks
        for block in section.blocks:
            assert block.text.strip()
    chunks = chunk_document(parsed, ChunkerConfig(max_chars=200, min_chars=50), None)
    ids = [c.chunk_id for c in chunks]
    assert len(ids) == len(set(ids))
    words = set(re.findall(r"\w+", text))
    for chunk in chunks:
        assert set(re.findall(r"\w+", chunk.text)) <= words  # nothing invented
    try:
        model = parse_goal_area_model(parsed)
    except StructureError:
        return
    if model is not None:
        assert all(1 <= n <= 17 for ga in model.goal_areas for n in ga.sdgs)


@FAST
@given(st.text(max_size=200))
def test_sdg_line_parser_never_invents(text):
    try:
        numbers = parse_sdg_numbers(text)
    except StructureError:
        return
    assert numbers is None or (numbers == sorted(set(numbers)) and all(1 <= n <= 17 for n in numbers))
    if numbers:
        assert all(str(n) in text for n in numbers)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.text(max_size=300),
        st.sampled_from(["?", "[1]", "<script>alert(1)</script>", "mål 99", "SDG 0", "\x00", "  \n "]),
    )
)
@pytest.mark.integration
def test_any_question_gets_a_contract_answer(assistant, question):
    answer = assistant.ask(question)
    assert answer.language in ("sv", "en") and answer.answer
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers <= {c.n for c in answer.citations} or answer.refused
    for c in answer.citations:
        assert c.quote in assistant.index.chunks[c.chunk_id].text


UNICODE = st.tuples(
    st.text(alphabet=st.characters(categories=["Cs", "L", "N", "P", "Zs", "Cc"]), min_size=1, max_size=60),
    st.sampled_from(["", "\udc00", "\ud800", "\udfff\ud800", "\ud83d\ude00", "\ufffe", "\x00"]),
).map("".join)


@pytest.fixture(scope="module")
def api(corpus_assistant):
    from fastapi.testclient import TestClient

    from ui.app import create_app

    settings = corpus_assistant.settings.model_copy(update={"rate_limit_per_minute": 0, "feedback_per_minute": 0})
    with TestClient(create_app(settings, corpus_assistant, mount_ui=False), raise_server_exceptions=False) as c:
        yield c


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    UNICODE,
    st.sampled_from(
        ["/api/ask", "/api/ask-history", "/api/relate", "/v1/chat/completions", "/v1-parts", "/api/feedback"]
    ),
    st.one_of(st.none(), st.binary(max_size=40)),
)
@pytest.mark.integration
def test_any_unicode_or_bytes_gets_no_5xx_and_no_log(api, caplog, text, path, raw):
    """Lone surrogates and other invalid Unicode (escaped in JSON, or as raw bytes) are 4xx, never 5xx, and no
    error path writes the text to the log."""
    import json as jsonlib
    import logging

    marker = "Hemligfraga19121212"
    question = f"{marker} {text}"
    body = {
        "/api/ask": {"question": question},
        "/api/relate": {"text": question},
        "/v1/chat/completions": {"messages": [{"role": "user", "content": question}]},
        "/api/ask-history": {"question": "Vad är målbilden?", "history": [{"question": question}]},
        "/v1-parts": {"messages": [{"role": "user", "content": [{"type": "text", "text": question}]}]},
        "/api/feedback": {"question": question, "answer": "a", "rating": 1, "comment": question},
    }[path]
    path = {"/api/ask-history": "/api/ask", "/v1-parts": "/v1/chat/completions"}.get(path, path)
    content = jsonlib.dumps(body).encode() if raw is None else jsonlib.dumps(body).encode()[:-2] + raw
    with caplog.at_level(logging.DEBUG):
        resp = api.post(path, content=content, headers={"content-type": "application/json"})
    assert resp.status_code < 500, (path, resp.status_code, resp.text[:200])
    assert marker not in caplog.text
