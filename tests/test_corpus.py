"""The corpus holds the programme with its wording unchanged, described by a valid manifest."""

from __future__ import annotations

import re

from core.models import DocumentKind
from ingest.manifest import discover_files, load_manifest
from tests.conftest import CORPUS, PROGRAMME_ID, SHARED_SOURCE, shared_data


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+(?:[-'][^\W_]+)*|[^\s\w]", text)


def test_manifest_describes_every_corpus_file():
    manifest = load_manifest(CORPUS)
    files = {p.relative_to(CORPUS).as_posix() for p in discover_files(CORPUS)}
    assert files == {m.path for m in manifest.documents}
    programme = next(m for m in manifest.documents if m.id == PROGRAMME_ID)
    assert programme.kind == DocumentKind.programme
    assert programme.year == 2018 and str(programme.adopted_date) == "2018-09-06"
    assert programme.adopted_by and "ommunfullmäktige" in programme.adopted_by
    assert programme.source_url and "vasteras.se" in programme.source_url


def test_programme_wording_is_unchanged():
    markdown = (CORPUS / "program-for-social-hallbarhet-2018.md").read_text(encoding="utf-8")
    body = re.sub(r"<!--.*?-->", " ", markdown, flags=re.S)
    body = re.sub(r"(?m)^\s*#{1,6}\s+", "", body)  # heading marks
    body = re.sub(r"(?m)^\s*-\s+", "", body)  # list marks
    source = shared_data(SHARED_SOURCE).read_text(encoding="utf-8")
    source = re.sub(r"(?m)^\s*7\s*$", "", source)  # the one printed page number
    source = re.sub(r"(?m)^\s*[•o]\s+", "", source)  # the PDF's bullet marks
    source = re.sub(r"(?m)^\s*-\s+", "", source)
    assert _words(body) == _words(source)
