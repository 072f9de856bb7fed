"""Document operations refused before the index is touched (issue 12's findings 1 and 2): each a clear status,
nothing written to the corpus, manifest or staging, and an audit line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from core.models import DocumentKind, DocumentMeta
from core.settings import Settings
from ingest.documents import JOURNAL_FILE, STAGING_DIR, Actor, DocumentOpError, DocumentService, Upload
from ingest.manifest import load_manifest, manifest_text
from tests.conftest import CORPUS, PROGRAMME_ID
from tests.fixtures.pdfs import write_pdf

ACTOR = Actor("anna", "10.0.0.7")
PLAN = b"# Plan Bibliotek\n\n## Bostad\n\nAktivitet: lasfrojd i Skiljebo.\n"


@pytest.fixture
def service(tmp_path) -> DocumentService:
    """The real corpus plus one action plan, `plan-bibliotek.md`; no index (nothing here reaches it)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "plan-bibliotek.md").write_bytes(PLAN)
    plan = DocumentMeta(id="plan-bibliotek", path="plan-bibliotek.md", title="Plan Bibliotek", kind="action_plan")
    text = manifest_text(corpus, load_manifest(corpus).documents + [plan])
    (corpus / "manifest.toml").write_text(text, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=corpus, audit_log=tmp_path / "audit.jsonl")
    return DocumentService(settings)


def snapshot(service: DocumentService) -> dict[str, bytes]:
    corpus = service.corpus
    return {p.relative_to(corpus).as_posix(): p.read_bytes() for p in sorted(corpus.rglob("*")) if p.is_file()}


def refused(service: DocumentService, operation, status: int, key: str) -> DocumentOpError:
    before = snapshot(service)
    with pytest.raises(DocumentOpError) as caught:
        operation()
    assert (caught.value.status, caught.value.key) == (status, key)
    assert snapshot(service) == before  # nothing written, nothing staged
    assert not (service.corpus / STAGING_DIR).exists()
    assert not (Path(service.settings.data_dir) / JOURNAL_FILE).exists()
    last = json.loads(service.settings.audit_log.read_text(encoding="utf-8").splitlines()[-1])
    assert last["outcome"] == "refused" and last["status"] == status and last["actor"] == "anna"
    assert last["client"] == "10.0.0.7"
    return caught.value


def test_an_id_collision_is_a_409_naming_the_existing_document(service):
    """Finding 1: `Plan-Bibliotek.txt` beside `plan-bibliotek.md` (both id plan-bibliotek) was a 500 for good."""
    error = refused(service, lambda: service.add(Upload("Plan-Bibliotek.txt", PLAN), ACTOR), 409, "api_document_exists")
    assert error.values["doc_id"] == "plan-bibliotek" and error.values["path"] == "plan-bibliotek.md"
    assert len(load_manifest(service.corpus).documents) == 2


def test_a_file_named_like_the_programme_is_a_409_naming_the_programme(service, tmp_path):
    """Finding 1: a PDF named like the programme's id was a 500 and then could not be deleted."""
    pdf = write_pdf(tmp_path / f"{PROGRAMME_ID}.pdf", [["Bostad", "Aktivitet: fler hyresratter."]])
    upload = Upload(pdf.name, pdf.read_bytes())
    error = refused(service, lambda: service.add(upload, ACTOR), 409, "api_document_exists")
    assert error.values["doc_id"] == PROGRAMME_ID


@pytest.mark.parametrize("title", ["Plan\x7fBibliotek", "Plan\x00", "x" * 301, "   "])
def test_a_title_with_control_characters_is_a_422(service, title):
    """Finding 1: a title with U+007F was a 500 and left the manifest broken."""
    refused(service, lambda: service.add(Upload("plan-ny.md", PLAN, title=title), ACTOR), 422, "api_bad_title")


def test_a_pdf_without_text_is_a_422_that_says_what_to_do(service, tmp_path):
    """Finding 2: a scan was answered 201 'skipped', stayed in the corpus and could not be removed."""
    scan = write_pdf(tmp_path / "skannad-plan.pdf", [[], []])  # pages without a text layer
    error = refused(service, lambda: service.add(Upload(scan.name, scan.read_bytes()), ACTOR), 422, "api_no_text")
    assert "no text" in str(error.values["reason"])
    from core.strings import bilingual

    assert "OCR" in bilingual(error.key, **error.values) and "textlager" in bilingual(error.key, **error.values)


def test_the_programme_is_replaced_only_explicitly(service):
    upload = Upload("programmet.md", PLAN)
    refused(service, lambda: service.replace(PROGRAMME_ID, upload, ACTOR), 409, "api_programme_explicit")
    refused(service, lambda: service.remove(PROGRAMME_ID, ACTOR), 409, "api_programme_delete")
    second = Upload("nytt-program.md", PLAN, kind=DocumentKind.programme)
    refused(service, lambda: service.add(second, ACTOR), 409, "api_programme_exists")
    plan = Upload("plan-bibliotek.md", PLAN)
    refused(service, lambda: service.replace("plan-bibliotek", plan, ACTOR, programme=True), 409, "api_not_programme")


def test_unknown_documents_and_bad_files(service):
    refused(service, lambda: service.remove("nope", ACTOR), 404, "api_unknown_document")
    refused(service, lambda: service.replace("nope", Upload("nope.md", PLAN), ACTOR), 404, "api_unknown_document")
    refused(service, lambda: service.add(Upload("../x.md", PLAN), ACTOR), 400, "api_bad_file_name")
    refused(service, lambda: service.add(Upload("x.md", b"\xff\xfe"), ACTOR), 415, "api_not_utf8")
    # a replace that would take another document's file name
    refused(
        service,
        lambda: service.replace("plan-bibliotek", Upload(f"{PROGRAMME_ID}.md", PLAN), ACTOR),
        409,
        "api_document_exists",
    )


def test_a_second_operation_while_one_runs_is_a_409(service):
    with service._locked():
        refused(service, lambda: service.add(Upload("plan-ny.md", PLAN), ACTOR), 409, "api_busy")


def test_no_title_can_break_the_manifest(tmp_path):
    """Finding 1: titles are written by tomlkit and read back; `[[documents]]`, quotes and newlines stay data."""
    shutil.copytree(CORPUS, tmp_path / "c")
    documents = load_manifest(tmp_path / "c").documents
    for i, title in enumerate(['[[documents]]\nid = "x"', 'a """ b', "tab\tand 'quote'", "[documents]"]):
        documents.append(DocumentMeta(id=f"d{i}", path=f"d{i}.md", title=title))
    (tmp_path / "c" / "manifest.toml").write_text(manifest_text(tmp_path / "c", documents), encoding="utf-8")
    assert load_manifest(tmp_path / "c").documents == documents
