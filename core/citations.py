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


def document_label(title: str, kind: str | None, year: int | None, language: str = "sv") -> str:
    """ "Handlingsplan 2024 för Bäckby (handlingsplan, 2024)": the document, its kind and year."""
    details = [message(f"kind_{kind}", language) if kind else "", str(year) if year else ""]
    inner = ", ".join(d for d in details if d)
    return f"{title} ({inner})" if inner else title


def document_intro(title: str, kind: str | None, language: str = "sv") -> str:
    """The line that introduces a document's quotes: "Programmet säger:", "Handlingsplan 2024 för Bäckby säger:"."""
    if kind in (None, "programme"):
        return message("quotes_intro", language)
    key = "quotes_intro_action_plan" if kind == "action_plan" else "quotes_intro_other"
    return message(key, language, title=title)


def link_note(kind: str | None, goal_area: str | None, link_method: str | None, language: str = "sv") -> str:
    """How a quote outside the programme got its goal area (and so its SDGs); empty for the programme's own."""
    if kind in (None, "programme") or not goal_area or not link_method:
        return ""
    return message(f"link_{link_method}", language)
