"""Section parser: a LoadedDocument becomes headed sections of paragraphs and lists, each knowing its pages.

Markdown headings give the section tree directly. PDF and plain text have no markup, so a heading is
recognised by its shape: an upper-case line, or a short capitalised line that stands alone between a
blank line and text and does not end like a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.models import Block, LoadedDocument, ParsedDocument, Section
from core.text import SWEDISH_STOP_WORDS

MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
MD_LIST_ITEM = re.compile(r"^(\s*)(?:[-*•]|\d{1,3}[.)])\s+(.*)$")
PLAIN_LIST_ITEM = re.compile(r"^(\s*)(?:[-*•▪◦‣o]|\d{1,3}[.)])\s+(.*)$")
SENTENCE_END = '.,;:!?”"'


@dataclass
class _Line:
    text: str
    page: int | None
    heading_level: int = 0  # 0: not a heading
    list_item: bool = False
    indent: int = 0


def parse_sections(doc: LoadedDocument) -> ParsedDocument:
    lines = _markdown_lines(doc) if doc.format in ("markdown", "pdf") else _plain_lines(doc)
    return ParsedDocument(document=doc, sections=_build_sections(lines))


def _markdown_lines(doc: LoadedDocument) -> list[_Line]:
    out: list[_Line] = []
    for page in doc.pages:
        for raw in page.text.splitlines():
            if m := MD_HEADING.match(raw):
                out.append(_Line(m.group(2).strip(), page.number, heading_level=len(m.group(1))))
            elif m := MD_LIST_ITEM.match(raw):
                out.append(_Line(m.group(2).strip(), page.number, list_item=True, indent=len(m.group(1))))
            else:
                out.append(_Line(raw.strip(), page.number))
    return out


def _plain_lines(doc: LoadedDocument) -> list[_Line]:
    out: list[_Line] = []
    for page in doc.pages:
        raw_lines = [ln.rstrip() for ln in page.text.splitlines()]
        raw_lines = [ln for ln in raw_lines if not re.fullmatch(r"\s*\d{1,4}\s*", ln)]  # printed page numbers
        if out and raw_lines and not _continues(out, raw_lines):
            out.append(_Line("", page.number))
        for i, raw in enumerate(raw_lines):
            stripped = raw.strip()
            prev_blank = i == 0 or not raw_lines[i - 1].strip()
            nxt = raw_lines[i + 1].strip() if i + 1 < len(raw_lines) else ""
            if m := PLAIN_LIST_ITEM.match(raw):
                nested = stripped[0] in "o◦‣"  # second-level bullet marks of word processors
                indent = max(len(m.group(1)), 2 if nested else 0)
                out.append(_Line(m.group(2).strip(), page.number, list_item=True, indent=indent))
            elif level := _plain_heading_level(stripped, prev_blank, nxt):
                if out and out[-1].heading_level == level == 2 and out[-1].page == page.number:
                    out[-1].text = f"{out[-1].text} {stripped}"  # an upper-case heading wrapped over two lines
                else:
                    out.append(_Line(stripped, page.number, heading_level=level))
            else:
                out.append(_Line(stripped, page.number))
    return out


def _continues(previous: list[_Line], page_lines: list[str]) -> bool:
    """Does the new page continue the previous page's sentence (no sentence end, lower-case start)?"""
    last = next((ln for ln in reversed(previous) if ln.text), None)
    first = next((ln.strip() for ln in page_lines if ln.strip()), "")
    return bool(last and first and not last.heading_level and last.text[-1] not in SENTENCE_END and first[0].islower())


def _plain_heading_level(line: str, prev_blank: bool, next_line: str) -> int:
    if not line or len(line) > 90 or line[-1] in SENTENCE_END:
        return 0
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 3:
        return 0
    if line.isupper() and len(letters) >= 4:
        return 2
    words = line.split()
    if (
        prev_blank
        and next_line
        and not next_line[0].islower()
        and line[0].isupper()
        and len(words) <= 8
        and ":" not in line
        and words[-1].casefold() not in SWEDISH_STOP_WORDS
    ):
        return 1
    return 0


def _build_sections(lines: list[_Line]) -> list[Section]:
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    current = Section(path=())
    para: list[_Line] = []
    items: list[list[_Line]] = []

    def flush() -> None:
        nonlocal para, items
        if para:
            current.blocks.append(_block("paragraph", [[ln for ln in para]], " "))
        if items:
            prefixes = [("  " if item[0].indent >= 2 else "") + "- " for item in items]
            current.blocks.append(_block("list", items, "\n", prefixes))
        para, items = [], []

    for i, line in enumerate(lines):
        if line.heading_level:
            flush()
            if current.blocks:
                sections.append(current)
            while stack and stack[-1][0] >= line.heading_level:
                stack.pop()
            stack.append((line.heading_level, line.text))
            current = Section(path=tuple(h for _, h in stack))
        elif not line.text:
            if para:
                flush()
            elif items:  # a blank line ends a list unless another item follows
                nxt = next((ln for ln in lines[i + 1 :] if ln.text), None)
                wrapped = (
                    nxt
                    and not nxt.heading_level
                    and nxt.text[0].islower()
                    and items[-1][-1].text[-1] not in SENTENCE_END
                )
                if not (nxt and (nxt.list_item or wrapped)):
                    flush()
        elif line.list_item:
            if para:
                flush()
            items.append([line])
        elif items:
            items[-1].append(line)  # continuation of a wrapped list item
        else:
            para.append(line)
    flush()
    if current.blocks:
        sections.append(current)
    return sections


def _block(kind: str, groups: list[list[_Line]], joiner: str, prefixes: list[str] | None = None) -> Block:
    """Lines of each group joined by spaces, groups by ``joiner``; records where each page's text starts."""
    text, starts = "", []
    for g, group in enumerate(groups):
        if g:
            text += joiner
        text += prefixes[g] if prefixes else ""
        for i, ln in enumerate(group):
            if i:
                text += " "
            if ln.page is not None and (not starts or starts[-1][1] != ln.page):
                starts.append((len(text), ln.page))
            text += ln.text
    pages = tuple(sorted({ln.page for group in groups for ln in group if ln.page is not None}))
    return Block(text=text, kind=kind, pages=pages, page_starts=tuple(starts))  # type: ignore[arg-type]
