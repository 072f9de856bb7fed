"""The one way a source is written out for people: "document, section, s. page"."""

from __future__ import annotations

from core.strings import message

SECTION_SEPARATOR = " > "


def section_name(section: str) -> str:
    """The most specific heading of a section path ("A > B > C" gives "C")."""
    return section.split(SECTION_SEPARATOR)[-1]


def page_label(page: int | str | None, language: str) -> str:
    """ "s. 7" or "p. 7"; empty without a page."""
    return f"{message('page_abbr', language)} {page}" if page not in (None, "") else ""


def source_line(document: str, section: str, page: int | str | None, language: str = "sv") -> str:
    """ "Program för social hållbarhet, Bakgrund, s. 5": the document, the section's own heading and the page."""
    parts = [document, section_name(section) if section else "", page_label(page, language)]
    return ", ".join(p for p in parts if p)
