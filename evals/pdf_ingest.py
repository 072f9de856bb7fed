"""How close a PDF's ingest comes to the restored Markdown: per PDF, chunks, sections matched, page accuracy,
header noise and the goal-area model; and the OCR time per page.

Run: python -m evals.pdf_ingest [--pdfs ../shared/datasets/pdfs]

- sections matched: of the Markdown's quotable sentences (as answers quote them), the share that the PDF's chunks
  hold under the same section path;
- page accuracy: of the PDF's quotable sentences, the share whose cited page holds the sentence in the PDF's own
  text (pypdf's extraction of that page, whitespace ignored; a page label is mapped back to its page);
  "(1st)" is the same measure citing each chunk's first page, as citations did before;
- header noise: sentences holding the running header or footer text (a repeated margin line) where the Markdown's
  sentence does not;
- chunks: "same" when every chunk has the Markdown chunk's id, section path and text (pages aside): the answers,
  which read nothing else, are then the Markdown's.
"""

from __future__ import annotations

import argparse
import io
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from assistant.compose import split_units
from core.models import Chunk, DocumentKind, DocumentMeta, GoalAreaModel, LoadedDocument
from ingest.chunker import ChunkerConfig, chunk_document
from ingest.goal_area_model import parse_goal_area_model
from ingest.loaders import PdfOptions, load_document
from ingest.ocr import OcrReader
from ingest.sections import parse_sections

ROOT = Path(__file__).resolve().parent.parent
MARKDOWN = ROOT / "corpus" / "program-for-social-hallbarhet-2018.md"
PDF_DIR = ROOT.parent / "shared" / "datasets" / "pdfs"
PROGRAMME_PDFS = ("programme-running-header.pdf", "programme-two-column.pdf", "programme-page-labels.pdf")
RUNNING_HEADER = "Program för social hållbarhet"


@dataclass
class Ingested:
    document: LoadedDocument
    chunks: list[Chunk]
    model: GoalAreaModel | None


@dataclass
class PdfScore:
    name: str
    chunks: int
    sentences: int
    sections_matched: float
    page_accuracy: float
    first_page_accuracy: float  # citing each chunk's first page, as before
    header_noise: int
    same_goal_areas: bool
    chunks_differing: int  # chunks whose id, section path or text differ from the Markdown's (pages aside)


def ingest_file(path: Path, options: PdfOptions | None = None, kind: DocumentKind = DocumentKind.programme) -> Ingested:
    """Load, parse and chunk one file the way `hallbar ingest` does (without linking to goal areas)."""
    meta = DocumentMeta(id="doc", path=path.name, title="Program för social hållbarhet", kind=kind)
    doc = load_document(path, meta, pdf=options or PdfOptions())
    parsed = parse_sections(doc)
    model = parse_goal_area_model(parsed) if kind == DocumentKind.programme else None
    return Ingested(doc, chunk_document(parsed, ChunkerConfig(), None), model)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def sentences(chunks: Iterable[Chunk], first_page: bool = False) -> list[tuple[str, tuple[str, ...], int | str | None]]:
    """Each quotable unit (as an answer quotes it) with its section path and its cited page (``first_page``: the
    chunk's first page, as citations were before they followed the sentence)."""
    return [
        (u.text, tuple(c.section_path), c.page if first_page else c.page_of(u.text))
        for c in chunks
        for u in split_units(c)
    ]


def sections_matched(markdown: list[Chunk], pdf: list[Chunk]) -> float:
    held = {(squash(t), path) for t, path, _ in sentences(pdf)}
    reference = sentences(markdown)
    return sum((squash(t), path) in held for t, path, _ in reference) / len(reference)


def pdf_page_texts(path: Path) -> list[str]:
    """pypdf's own text of each page, without whitespace: the reference a cited page is checked against."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(path.read_bytes()))
    if reader.is_encrypted:
        reader.decrypt("")
    return [squash(page.extract_text() or "") for page in reader.pages]


def page_accuracy(ingested: Ingested, page_texts: list[str], first_page: bool = False) -> tuple[float, list[str]]:
    """Share of sentences whose cited page holds the sentence's start (its first line's first 40 non-space
    characters)."""
    physical = {str(p.cited): p.number for p in ingested.document.pages}
    wrong: list[str] = []
    units = sentences(ingested.chunks, first_page)
    for text, _, page in units:
        number = physical.get(str(page).removesuffix(" (OCR)"))
        probe = squash(re.sub(r"^\s*- ", "", text.split("\n")[0]))[:40]  # a list's first line (bullets differ)
        if number is None or probe not in page_texts[number - 1]:
            wrong.append(f"p. {page}: {text[:70]}")
    return 1 - len(wrong) / len(units), wrong


def markdown_page_texts(ingested: Ingested) -> list[str]:
    """The Markdown's own pages (between its page markers), by page number."""
    pages = {p.number: squash(re.sub(r"(?m)^\s*(#+|-)\s", "", p.text)) for p in ingested.document.pages if p.number}
    return [pages.get(n, "") for n in range(1, max(pages) + 1)]


def header_noise(markdown: list[Chunk], pdf: list[Chunk], header: str = RUNNING_HEADER) -> int:
    reference = {squash(t) for t, _, _ in sentences(markdown)}
    return sum(1 for t, _, _ in sentences(pdf) if header in t and squash(t) not in reference)


def goal_area_view(model: GoalAreaModel | None) -> list[tuple[str, str, tuple[int, ...]]]:
    if model is None:
        return []
    return [(ga.name, ga.main_area, tuple(ga.sdgs)) for ga in model.goal_areas]


def chunk_keys(chunks: list[Chunk]) -> set[tuple[str, tuple[str, ...], str]]:
    return {(c.chunk_id, tuple(c.section_path), c.text) for c in chunks}


def score_pdf(path: Path, markdown: Ingested) -> PdfScore:
    pdf = ingest_file(path)
    texts = pdf_page_texts(path)
    accuracy, _ = page_accuracy(pdf, texts)
    return PdfScore(
        name=path.name,
        chunks=len(pdf.chunks),
        sentences=len(sentences(pdf.chunks)),
        sections_matched=sections_matched(markdown.chunks, pdf.chunks),
        page_accuracy=accuracy,
        first_page_accuracy=page_accuracy(pdf, texts, first_page=True)[0],
        header_noise=header_noise(markdown.chunks, pdf.chunks),
        same_goal_areas=goal_area_view(pdf.model) == goal_area_view(markdown.model) and bool(pdf.model),
        chunks_differing=len(chunk_keys(markdown.chunks) ^ chunk_keys(pdf.chunks)),
    )


def ocr_seconds_per_page(path: Path, reader: OcrReader) -> float | None:
    if not reader.available():
        return None
    started = time.perf_counter()
    doc = load_document(path, DocumentMeta(id="plan", path=path.name, title="plan"), pdf=PdfOptions(ocr=reader))
    pages = sum(p.ocr for p in doc.pages)
    return (time.perf_counter() - started) / pages if pages else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pdfs", default=str(PDF_DIR))
    args = ap.parse_args()
    folder = Path(args.pdfs)
    markdown = ingest_file(MARKDOWN)
    head = f"{'file':38} {'chunks':>6} {'sent.':>5} {'sections':>8} {'pages':>6} {'(1st)':>6} {'noise':>5}"
    print(f"{head}  goal areas, chunks")
    md_texts = markdown_page_texts(markdown)
    md_pages, md_first = page_accuracy(markdown, md_texts)[0], page_accuracy(markdown, md_texts, first_page=True)[0]
    count = len(sentences(markdown.chunks))
    print(f"{MARKDOWN.name:38} {len(markdown.chunks):6} {count:5} {'100.0%':>8} {md_pages:6.1%} {md_first:6.1%} {0:5}")
    for name in PROGRAMME_PDFS:
        s = score_pdf(folder / name, markdown)
        print(
            f"{s.name:38} {s.chunks:6} {s.sentences:5} {s.sections_matched:8.1%} {s.page_accuracy:6.1%} "
            f"{s.first_page_accuracy:6.1%} {s.header_noise:5}  {'same' if s.same_goal_areas else 'DIFFERENT'}, "
            f"{'same' if not s.chunks_differing else f'{s.chunks_differing} differ'}"
        )
    seconds = ocr_seconds_per_page(folder / "action-plan-mixed-scanned-page.pdf", OcrReader())
    print(f"OCR: {seconds:.2f} s per page" if seconds is not None else "OCR: Tesseract with Swedish not installed")


if __name__ == "__main__":
    main()
