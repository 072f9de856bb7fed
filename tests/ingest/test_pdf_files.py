"""Every file of ../shared/datasets/pdfs with the outcome its README row states, and protected PDFs made here
with pypdf (RC4, AES-128, AES-256; owner password only, or a user password)."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from core.models import DocumentKind, DocumentMeta
from core.settings import Settings
from evals.pdf_ingest import MARKDOWN, PDF_DIR, ingest_file
from ingest.linker import GoalAreaLinker
from ingest.loaders import DocumentLoadError, PdfOptions, load_document
from ingest.ocr import OcrReader
from tests.conftest import shared_data

PLAN = "action-plan-text.pdf"
SCANNED = "action-plan-mixed-scanned-page.pdf"


def meta(name: str) -> DocumentMeta:
    return DocumentMeta(id="plan", path=name, title="Handlingsplan", kind=DocumentKind.action_plan)


def load(path: Path, **options):
    return load_document(path, meta(path.name), pdf=PdfOptions(**options))


def encrypted_copy(tmp_path: Path, algorithm: str, user_password: str) -> Path:
    writer = PdfWriter(clone_from=PdfReader(shared_data(PDF_DIR / PLAN)))
    writer.encrypt(user_password=user_password, owner_password="stadens-ägare", algorithm=algorithm)
    target = tmp_path / f"{algorithm}-{'user' if user_password else 'owner'}.pdf"
    writer.write(target)
    return target


def test_action_plan_sections_link_to_goal_areas_by_name():
    plan = ingest_file(shared_data(PDF_DIR / PLAN), kind=DocumentKind.action_plan)
    programme = ingest_file(MARKDOWN)

    def no_embedder():
        raise AssertionError("linking by name must not need the embedder")

    linker = GoalAreaLinker(programme.model, no_embedder, 0.83, 0.01)
    links = {c.section_path[-1]: linker.link("plan", c.section_path, c.text) for c in plan.chunks}
    assert set(links) == {"Hälsa", "Bostad", "Trygghet för en levande stadsdel"}
    assert links["Hälsa"].goal_area == "Stärkt hälsa och motverkande av alla former av hälsohot"
    assert links["Bostad"].goal_area.startswith("Tillgång till fullgoda")
    assert links["Trygghet för en levande stadsdel"].goal_area == "Trygghet och levande kommundelar"
    assert all(link.method == "name_match" for link in links.values())


def test_owner_password_aes128_is_indexed_like_the_plain_file():
    plain = load(shared_data(PDF_DIR / PLAN))
    protected = load(shared_data(PDF_DIR / "action-plan-owner-password-aes128.pdf"))
    assert [p.text for p in protected.pages] == [p.text for p in plain.pages]
    assert "Bostadsbolaget Mimer" in protected.pages[0].text


def test_user_password_rc4_is_refused_with_one_clear_reason():
    with pytest.raises(DocumentLoadError, match="encrypted, password required"):
        load(shared_data(PDF_DIR / "action-plan-user-password-rc4.pdf"))


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_owner_password_only_opens_with_every_algorithm(tmp_path, algorithm):
    doc = load(encrypted_copy(tmp_path, algorithm, user_password=""))
    assert "Trygghetsvandringar genomförs" in doc.pages[0].text


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_user_password_opens_with_the_configured_passwords(tmp_path, algorithm):
    path = encrypted_copy(tmp_path, algorithm, user_password="hemligt")
    with pytest.raises(DocumentLoadError, match="encrypted, password required"):
        load(path)
    options = PdfOptions.from_settings(Settings(pdf_passwords="fel,hemligt", ocr=False))
    assert options.passwords == ("fel", "hemligt")
    assert "Trygghetsvandringar genomförs" in load_document(path, meta(path.name), pdf=options).pages[0].text


def test_scanned_page_is_reported_per_page_without_ocr():
    doc = load(shared_data(PDF_DIR / SCANNED), ocr=None)
    assert "läxhjälp på fritidsgårdarna i Skultuna" in doc.pages[0].text
    assert doc.pages[1].text == "" and not doc.pages[1].ocr
    assert doc.notices == [f"{SCANNED}: page 2: no text layer (OCR not available: install tesseract-ocr-swe)"]


def test_scanned_page_is_read_by_ocr_and_cited_as_such():
    reader = OcrReader("swe")
    assert reader.available(), "Tesseract with Swedish is needed (make test installs tesseract-ocr-swe)"
    plan = ingest_file(shared_data(PDF_DIR / SCANNED), PdfOptions(ocr=reader), kind=DocumentKind.action_plan)
    page = plan.document.pages[1]
    assert page.ocr and "lärcentrum" in page.text and "feriejobb" in page.text
    assert plan.document.notices == [f"{SCANNED}: page 2: no text layer, read by OCR"]
    ocr_chunk = next(c for c in plan.chunks if "feriejobb" in c.text)
    quote = next(s for s in ocr_chunk.text.split(". ") if "feriejobb" in s)
    assert ocr_chunk.page_of(quote) == "2 (OCR)"
    text_chunk = next(c for c in plan.chunks if "Skultuna" in c.text)
    assert text_chunk.page_of("Alla grundskolor erbjuder läxhjälp") == 1
    # no heading is set apart by type in this plan: headings are found by their shape, on the OCR'd page too
    assert ocr_chunk.section_path == ["Arbete"] and text_chunk.section_path == ["Utbildning"]
    linker = GoalAreaLinker(ingest_file(MARKDOWN).model, lambda: None, 0.83, 0.01)
    assert linker.link("plan", ["Arbete"], "").goal_area == "Individens rätt till arbete och sysselsättning"


@pytest.mark.integration
def test_ingest_of_every_pdf_skips_only_the_locked_one_with_one_line(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for pdf in shared_data(PDF_DIR).glob("*.pdf"):
        (corpus / pdf.name).write_bytes(pdf.read_bytes())
    env = {**os.environ, "HALLBAR_CORPUS_DIR": str(corpus), "HALLBAR_DATA_DIR": str(tmp_path / "data")}
    env.pop("HALLBAR_PDF_PASSWORDS", None)
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "ingest"], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    out = (done.stdout + done.stderr).splitlines()
    skipped = [line for line in done.stdout.splitlines() if line.startswith("skipped:")]  # on stdout, once
    assert len(skipped) == 1 and "action-plan-user-password-rc4.pdf: encrypted, password required" in skipped[0]
    assert "skipped:" not in done.stderr
    assert any(line.startswith("documents: 6 ") for line in out), out
    assert any(f"{SCANNED}: page 2: no text layer" in line for line in out), out
    assert not [line for line in out if "Traceback" in line or "DependencyError" in line]


def test_library_warnings_go_to_the_log_at_debug_level(tmp_path, caplog):
    damaged = tmp_path / "damaged.pdf"
    data = shared_data(PDF_DIR / PLAN).read_bytes()
    pointer = re.search(rb"startxref\s+(\d+)", data)
    wrong = str(int(pointer.group(1)) + 7).encode()  # a wrong xref pointer: pypdf warns and recovers
    damaged.write_bytes(data[: pointer.start(1)] + wrong + data[pointer.end(1) :])
    with caplog.at_level("DEBUG"):
        doc = load(damaged)
    assert "Trygghetsvandringar" in doc.pages[0].text
    libraries = ("pypdf", "pdfminer", "pdfplumber")
    # the library's own records stop at its logger (pytest's capture attaches there too, so they are seen here)
    assert all(not logging.getLogger(name).propagate for name in libraries)
    ours = [r for r in caplog.records if r.name.split(".")[0] not in libraries]
    assert not [r for r in ours if r.levelno >= logging.WARNING]
    assert any(
        r.name == "ingest.loaders" and r.levelno == logging.DEBUG and "incorrect startxref" in r.getMessage()
        for r in ours
    )


@pytest.mark.parametrize("damage", ["cut-30", "cut-70", "cut-95", "flip-stream"])
def test_a_damaged_programme_pdf_loads_or_gives_one_reason(tmp_path, damage):
    data = bytearray(shared_data(PDF_DIR / "programme-two-column.pdf").read_bytes())
    if damage.startswith("cut"):
        data = data[: len(data) * int(damage.split("-")[1]) // 100]
    else:
        start = data.index(b"stream") + 40
        data[start : start + 200] = bytes((b ^ 0x5A) for b in data[start : start + 200])
    path = tmp_path / "damaged.pdf"
    path.write_bytes(bytes(data))
    try:
        doc = load(path)
    except DocumentLoadError as exc:
        assert str(exc).startswith(str(path)) and "\n" not in str(exc)
    else:
        assert doc.pages and any(p.text.strip() for p in doc.pages)
