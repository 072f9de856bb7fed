"""Loaders: a file on disk becomes a LoadedDocument (text per page), or a DocumentLoadError naming why not."""

from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from core.models import DocumentMeta, LoadedDocument, Page
from core.settings import Settings
from ingest import pdf_layout
from ingest.ocr import OcrReader

log = logging.getLogger(__name__)
LIBRARY_LOGGERS = ("pypdf", "pdfminer", "pdfplumber", "pypdfium2", "pytesseract")


class _LibraryToDebug(logging.Handler):
    """The PDF libraries' own warnings ("incorrect startxref", "CropBox missing") go to our log at debug level:
    an unreadable file is reported once, as the ingest's `skipped:` line, and a readable one needs no noise."""

    def emit(self, record: logging.LogRecord) -> None:
        log.debug("%s %s: %s", record.name, record.levelname, record.getMessage())


def _route_library_logs() -> None:
    for name in LIBRARY_LOGGERS:
        library = logging.getLogger(name)
        if not any(isinstance(h, _LibraryToDebug) for h in library.handlers):
            library.addHandler(_LibraryToDebug(logging.WARNING))  # their own debug chatter is left out
        library.propagate = False


_route_library_logs()

PAGE_MARKER = re.compile(r"<!--\s*page:\s*(\d+)\s*-->[ \t]*\n?")
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)

MARKDOWN_SUFFIXES = {".md", ".markdown"}
TEXT_SUFFIXES = {".txt"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = MARKDOWN_SUFFIXES | TEXT_SUFFIXES | PDF_SUFFIXES


class DocumentLoadError(Exception):
    """A file that cannot be ingested; str() is one line naming the file and the reason."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class PdfOptions:
    """How PDFs are opened: passwords to try (after the empty one), and the OCR reader for scanned pages."""

    passwords: tuple[str, ...] = ()
    ocr: OcrReader | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> PdfOptions:
        return cls(
            passwords=tuple(p for p in settings.pdf_passwords.split(",") if p),
            ocr=OcrReader(settings.ocr_language) if settings.ocr else None,
        )


def load_document(
    path: Path, meta: DocumentMeta, max_bytes: int = 50 * 1024 * 1024, pdf: PdfOptions | None = None
) -> LoadedDocument:
    """Read one file. Raises DocumentLoadError for anything that cannot be read as text."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise DocumentLoadError(path, f"unsupported file type '{suffix or '(none)'}' (supported: {supported})")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentLoadError(path, f"cannot read file ({exc.strerror or exc})") from exc
    if size == 0:
        raise DocumentLoadError(path, "empty file")
    if size > max_bytes:
        raise DocumentLoadError(path, f"file too large ({size} bytes, limit {max_bytes})")
    data = path.read_bytes()
    digest = file_hash(data)
    notices: list[str] = []
    if suffix in PDF_SUFFIXES:
        (pages, notices), fmt = _pdf_pages(path, data, pdf or PdfOptions()), "pdf"
    else:
        text = _decode_utf8(path, data)
        if suffix in MARKDOWN_SUFFIXES:
            pages, fmt = _markdown_pages(text), "markdown"
        else:
            pages, fmt = _text_pages(text), "text"
    if not any(p.text.strip() for p in pages):
        raise DocumentLoadError(path, "no text in file" + (" (scanned PDF without OCR?)" if fmt == "pdf" else ""))
    return LoadedDocument(meta=meta, source_path=path, format=fmt, pages=pages, content_hash=digest, notices=notices)


def _decode_utf8(path: Path, data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentLoadError(path, f"not UTF-8 text (invalid byte at offset {exc.start}); save it as UTF-8") from exc
    if "\x00" in text:
        raise DocumentLoadError(path, "binary content (NUL bytes) in a text file")
    return text


def _markdown_pages(text: str) -> list[Page]:
    """Split on ``<!-- page: N -->`` markers; text before the first marker has no page number."""
    pages: list[Page] = []
    number: int | None = None
    pos = 0
    for m in PAGE_MARKER.finditer(text):
        pages.append(Page(number, HTML_COMMENT.sub("", text[pos : m.start()])))
        number, pos = int(m.group(1)), m.end()
    pages.append(Page(number, HTML_COMMENT.sub("", text[pos:])))
    return [p for p in pages if p.text.strip() or p.number is not None]


def _text_pages(text: str) -> list[Page]:
    """Plain text: form feeds separate pages when present."""
    parts = text.split("\f")
    if len(parts) == 1:
        return [Page(None, text)]
    return [Page(i, part) for i, part in enumerate(parts, start=1)]


def _pdf_pages(path: Path, data: bytes, options: PdfOptions) -> tuple[list[Page], list[str]]:
    """Pages of a PDF read through its layout (ingest/pdf_layout.py), and per-page notices (no text layer)."""
    password = _open_password(path, data, options.passwords)
    labels = _page_labels(data, password)
    pages = _layout_pages(path, data, password)
    texts = pdf_layout.document_markdown(pages)
    out: list[Page] = []
    notices: list[str] = []
    level = max((len(m) for t in texts for m in re.findall(r"(?m)^(#+) ", t)), default=1)  # the deepest heading
    for page, text, label in zip(pages, texts, labels):
        ocr = False
        if not text.strip() and page.has_image:
            raw, ocr, notice = _scanned_page(path, data, page.number, password, options.ocr)
            text = pdf_layout.ocr_markdown(raw, level) if ocr else ""
            notices.append(notice)
        out.append(Page(page.number, text, label=label, ocr=ocr))
    return out, notices


def _open_password(path: Path, data: bytes, passwords: tuple[str, ...]) -> str:
    """The password that opens the file: "" for an unencrypted or owner-password-only PDF, else one of
    ``passwords``. Raises DocumentLoadError when none opens it."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if not reader.is_encrypted:
            return ""
        for password in ("", *passwords):
            if reader.decrypt(password):
                return password
    except DependencyError as exc:  # pypdf without its crypto extra
        raise DocumentLoadError(path, f"encrypted PDF that cannot be opened ({exc})") from exc
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise DocumentLoadError(path, f"corrupt or unreadable PDF ({type(exc).__name__}: {exc})") from exc
    raise DocumentLoadError(path, "encrypted, password required (set HALLBAR_PDF_PASSWORDS)")


def _page_labels(data: bytes, password: str) -> list[str | None]:
    """The PDF's own page labels ("i", "ii", "1"), or None per page when it defines none."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        reader.decrypt(password)
    count = len(reader.pages)
    try:
        has_labels = "/PageLabels" in reader.trailer["/Root"]
        labels = list(reader.page_labels) if has_labels else []
    except Exception as exc:  # a damaged label tree: physical numbers are still right
        log.debug("page labels unreadable: %s", exc)
        labels = []
    return [str(x) for x in labels] if len(labels) == count else [None] * count


def _layout_pages(path: Path, data: bytes, password: str) -> list[pdf_layout.PageWords]:
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data), password=password) as pdf:
            return [pdf_layout.page_words(page, number) for number, page in enumerate(pdf.pages, start=1)]
    except Exception as exc:  # pdfminer's parser raises many kinds on a damaged file: each is one skipped line
        raise DocumentLoadError(path, f"corrupt or unreadable PDF ({type(exc).__name__}: {exc})") from exc


def _scanned_page(path: Path, data: bytes, number: int, password: str, ocr: OcrReader | None) -> tuple[str, bool, str]:
    """A page with an image and no text layer: its OCR text when an OCR reader is available; and the notice."""
    if ocr is None or not ocr.available():
        return "", False, f"{path.name}: page {number}: no text layer (OCR not available: install tesseract-ocr-swe)"
    try:
        text = ocr.read_page(data, number, password)
    except Exception as exc:  # a failing OCR engine costs the page, never the file
        log.debug("OCR of %s page %d failed: %s", path, number, exc)
        return "", False, f"{path.name}: page {number}: no text layer (OCR failed: {type(exc).__name__})"
    if not text.strip():
        return "", False, f"{path.name}: page {number}: no text layer (OCR found no text)"
    return text, True, f"{path.name}: page {number}: no text layer, read by OCR"
