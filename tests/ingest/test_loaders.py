from __future__ import annotations

from pathlib import Path

import pytest

from core.models import DocumentMeta
from ingest.loaders import DocumentLoadError, load_document
from tests.conftest import CORPUS
from tests.fixtures.pdfs import ACTION_PLAN_PAGES, write_pdf


def meta(path: Path) -> DocumentMeta:
    return DocumentMeta(id="doc", path=path.name, title="Test")


def test_markdown_programme_keeps_page_numbers():
    path = CORPUS / "program-for-social-hallbarhet-2018.md"
    doc = load_document(path, meta(path))
    numbers = [p.number for p in doc.pages]
    assert numbers == list(range(2, 15))
    page7 = next(p for p in doc.pages if p.number == 7)
    assert "# Utgångspunkter för programmet" in page7.text
    assert "<!--" not in "".join(p.text for p in doc.pages)  # comments are not content
    assert doc.format == "markdown" and len(doc.content_hash) == 64


def test_plain_text_form_feeds_are_pages(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("Första sidan om hälsa.\fAndra sidan om bostäder.\f", encoding="utf-8")
    doc = load_document(path, meta(path))
    assert [(p.number, p.text.strip()) for p in doc.pages][:2] == [
        (1, "Första sidan om hälsa."),
        (2, "Andra sidan om bostäder."),
    ]


def test_pdf_text_per_page_with_swedish_letters(tmp_path):
    path = write_pdf(tmp_path / "plan.pdf", ACTION_PLAN_PAGES)
    doc = load_document(path, meta(path))
    assert doc.format == "pdf"
    assert [p.number for p in doc.pages] == [1, 2]
    assert "Förebyggande hälsosamtal för äldre" in doc.pages[0].text
    assert "hyresrätter" in doc.pages[1].text and "Hälsa" not in doc.pages[1].text


def _error(path: Path) -> DocumentLoadError:
    with pytest.raises(DocumentLoadError) as info:
        load_document(path, meta(path))
    message = str(info.value)
    assert "\n" not in message and path.name in message  # one line naming the file
    return info.value


def test_encrypted_pdf_is_refused_clearly(tmp_path):
    path = write_pdf(tmp_path / "locked.pdf", ACTION_PLAN_PAGES, password="hemligt")
    assert "encrypted" in _error(path).reason


def test_encrypted_pdf_with_empty_user_password_opens(tmp_path):
    path = write_pdf(tmp_path / "owner-only.pdf", ACTION_PLAN_PAGES, password="")
    doc = load_document(path, meta(path))
    assert "hälsosamtal" in doc.pages[0].text


def test_corrupt_pdfs_are_refused_clearly(tmp_path):
    good = write_pdf(tmp_path / "good.pdf", ACTION_PLAN_PAGES).read_bytes()
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(good[: len(good) // 3])
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"this is not a PDF at all \x00\x01\x02" * 20)
    for path in (truncated, garbage):
        reason = _error(path).reason
        assert "PDF" in reason or "no text" in reason


def test_empty_unknown_and_non_utf8_files(tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    assert _error(empty).reason == "empty file"
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\n ", encoding="utf-8")
    assert "no text" in _error(blank).reason
    docx = tmp_path / "notes.docx"
    docx.write_bytes(b"PK\x03\x04 fake")
    assert "unsupported file type '.docx'" in _error(docx).reason
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Bostäder för alla".encode("latin-1"))
    assert "not UTF-8" in _error(latin1).reason


def test_too_large_file_is_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("ord " * 1000, encoding="utf-8")
    with pytest.raises(DocumentLoadError, match="too large"):
        load_document(path, meta(path), max_bytes=100)
