"""OCR of scanned PDF pages: the page rendered by pypdfium2, read by Tesseract (pytesseract) in Swedish.

Tesseract is a system program (Debian: tesseract-ocr, tesseract-ocr-swe). Without it, scanned pages are
reported as having no text layer and left out; with it, their text is indexed and their citations say "(OCR)".
"""

from __future__ import annotations

import io
import logging
from functools import lru_cache

log = logging.getLogger(__name__)


class OcrReader:
    """Reads one page of a PDF by OCR. ``language``: Tesseract's language code(s), e.g. "swe" or "swe+eng"."""

    def __init__(self, language: str = "swe", dpi: int = 300):
        self.language = language
        self.dpi = dpi

    def available(self) -> bool:
        return _tesseract_has(self.language)

    def read_page(self, data: bytes, number: int, password: str = "") -> str:
        """Tesseract's text of the page: lines, blank lines between its blocks."""
        import pypdfium2
        import pytesseract

        pdf = pypdfium2.PdfDocument(io.BytesIO(data), password=password or None)
        try:
            image = pdf[number - 1].render(scale=self.dpi / 72).to_pil()
        finally:
            pdf.close()
        return pytesseract.image_to_string(image, lang=self.language)


@lru_cache(maxsize=8)
def _tesseract_has(language: str) -> bool:
    try:
        import pytesseract

        installed = set(pytesseract.get_languages(config=""))
    except Exception as exc:  # no tesseract binary, or pytesseract missing
        log.debug("OCR not available: %s", exc)
        return False
    return all(code in installed for code in language.split("+"))
