"""Loaders: a file on disk becomes a LoadedDocument (text per page), or a DocumentLoadError naming why not."""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

from core.models import DocumentMeta, LoadedDocument, Page

log = logging.getLogger(__name__)

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


def load_document(path: Path, meta: DocumentMeta, max_bytes: int = 50 * 1024 * 1024) -> LoadedDocument:
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
    if suffix in PDF_SUFFIXES:
        pages, fmt = _pdf_pages(path, data), "pdf"
    else:
        text = _decode_utf8(path, data)
        if suffix in MARKDOWN_SUFFIXES:
            pages, fmt = _markdown_pages(text), "markdown"
        else:
            pages, fmt = _text_pages(text), "text"
    if not any(p.text.strip() for p in pages):
        raise DocumentLoadError(
            path, "no text in file" + (" (scanned PDF? OCR is not supported)" if fmt == "pdf" else "")
        )
    return LoadedDocument(meta=meta, source_path=path, format=fmt, pages=pages, content_hash=digest)


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


def _pdf_pages(path: Path, data: bytes) -> list[Page]:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as exc:  # pypdf raises DependencyError for AES without cryptography, and others
                raise DocumentLoadError(path, f"encrypted PDF that cannot be opened ({exc})") from exc
            if not opened:
                raise DocumentLoadError(path, "encrypted PDF (a password is required)")
        pages = []
        for i, page in enumerate(reader.pages, start=1):
            label = _page_label(reader, i - 1)
            pages.append(Page(label if label is not None else i, page.extract_text() or ""))
        return pages
    except DocumentLoadError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise DocumentLoadError(path, f"corrupt or unreadable PDF ({type(exc).__name__}: {exc})") from exc


def _page_label(reader, index: int) -> int | None:
    """The printed page number when the PDF defines numeric page labels."""
    try:
        label = reader.page_labels[index]
    except Exception:
        return None
    return int(label) if label.isdigit() else None
