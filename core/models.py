"""Typed data that flows through ingest: a file becomes a document, a document sections, sections chunks."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field


class DocumentKind(str, Enum):
    programme = "programme"
    action_plan = "action_plan"
    other = "other"


class DocumentMeta(BaseModel):
    """One document as described in ``corpus/manifest.toml``."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    path: str
    title: str
    kind: DocumentKind = DocumentKind.other
    year: int | None = None
    adopted_by: str | None = None
    adopted_date: dt.date | None = None
    source_url: str | None = None
    language: str = "sv"
    note: str | None = None
    released_chunks: list[str] = Field(
        default_factory=list, description="Chunks an administrator released from the quarantine (false positives)."
    )


@dataclass(frozen=True)
class Page:
    """Text of one page; ``number`` is the page number (a PDF's physical page), None when the format has no pages.
    ``label`` is the PDF's own page label ("ii", "3") when it defines labels; ``ocr``: the text was read by OCR."""

    number: int | None
    text: str
    label: str | None = None
    ocr: bool = False

    @property
    def cited(self) -> int | str | None:
        """What a citation names: the label when the PDF has one, else the number."""
        return self.label if self.label is not None else self.number


@dataclass
class LoadedDocument:
    meta: DocumentMeta
    source_path: Path
    format: Literal["pdf", "markdown", "text"]
    pages: list[Page]
    content_hash: str
    notices: list[str] = field(default_factory=list)  # per-page remarks for the ingest report ("no text layer")


@dataclass
class Block:
    """A paragraph, a list (items joined by newlines) or the lead-in sentence of a list."""

    text: str
    kind: Literal["paragraph", "list"]
    pages: tuple[int, ...] = ()
    page_starts: tuple[tuple[int, int], ...] = ()  # (offset in text, page) where each page's part of the text starts

    def starts(self) -> tuple[tuple[int, int], ...]:
        return self.page_starts or (((0, self.pages[0]),) if self.pages else ())


@dataclass
class Section:
    """The text under one heading; ``path`` holds the headings from the top down."""

    path: tuple[str, ...]
    blocks: list[Block] = field(default_factory=list)

    @property
    def pages(self) -> tuple[int, ...]:
        return tuple(sorted({p for b in self.blocks for p in b.pages}))


@dataclass
class ParsedDocument:
    document: LoadedDocument
    sections: list[Section]


class SdgGoal(BaseModel):
    number: int = Field(ge=1, le=17)
    name_sv: str
    name_en: str

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_sv


class GoalArea(BaseModel):
    """A målområde as the programme states it."""

    name: str
    heading: str
    main_area: str
    sdgs: list[int]
    sdg_statement: str = Field(description="The programme's own line that names the SDGs, verbatim.")
    description: str = Field("", description="The first paragraph of the goal area's text, verbatim.")
    text: str = Field("", description="All of the goal area's text after the SDG line, verbatim.")
    page: int | None = None
    document_id: str
    section_path: list[str] = Field(default_factory=list)


class MainArea(BaseModel):
    """A huvudområde with its goal areas, in document order."""

    name: str
    heading: str
    goal_areas: list[GoalArea] = Field(default_factory=list)


class GoalAreaModel(BaseModel):
    document_id: str
    main_areas: list[MainArea]
    sdg_goals: dict[int, SdgGoal]

    @property
    def goal_areas(self) -> list[GoalArea]:
        return [ga for ma in self.main_areas for ga in ma.goal_areas]

    def goal_area(self, name: str) -> GoalArea | None:
        key = name.casefold().strip()
        for ga in self.goal_areas:
            if ga.name.casefold() == key or ga.heading.casefold() == key:
                return ga
        return None

    @property
    def covered_sdgs(self) -> list[int]:
        return sorted({n for ga in self.goal_areas for n in ga.sdgs})

    def goal_area_view(self, ga: GoalArea, detailed: bool = False) -> dict:
        """One goal area as JSON: name, main area and SDG numbers; ``detailed`` adds the SDGs' names, the page and
        the programme's own SDG line."""
        if not detailed:
            return {"name": ga.name, "main_area": ga.main_area, "sdgs": list(ga.sdgs)}
        sdgs = [
            {"number": n, "name_sv": self.sdg_goals[n].name_sv, "name_en": self.sdg_goals[n].name_en} for n in ga.sdgs
        ]
        return {
            "name": ga.name,
            "main_area": ga.main_area,
            "sdgs": sdgs,
            "page": ga.page,
            "statement": ga.sdg_statement,
        }

    def cli_view(self) -> list[dict]:
        """The documented ``hallbar goal-areas --json`` shape."""
        return [self.goal_area_view(ga) for ga in self.goal_areas]

    def view(self) -> dict:
        """The documented ``GET /api/goal-areas`` shape: main areas with their goal areas in detail."""
        return {
            "main_areas": [
                {"name": ma.name, "goal_areas": [self.goal_area_view(ga, detailed=True) for ga in ma.goal_areas]}
                for ma in self.main_areas
            ]
        }


LinkMethod = Literal["structure", "name_match", "embedding", "none"]


class GoalAreaLink(BaseModel):
    """How a section of a document was tied to a goal area."""

    goal_area: str | None = None
    main_area: str | None = None
    sdgs: list[int] = Field(default_factory=list)
    method: LinkMethod = "none"
    score: float | None = None


OCR_MARK = "OCR"  # after a page read by OCR: "7 (OCR)", so a reader knows to check the wording


class PageSpan(BaseModel):
    """From ``start`` (an offset in a chunk's text) on, the text stands on ``page`` (as cited: a label or a number)."""

    start: int
    page: int | str
    ocr: bool = False

    def cited(self) -> int | str:
        return f"{self.page} ({OCR_MARK})" if self.ocr else self.page


class Chunk(BaseModel):
    """A piece of a section, the unit that is indexed, retrieved and cited."""

    chunk_id: str
    document_id: str
    document_title: str
    kind: DocumentKind
    document_year: int | None = None
    section_path: list[str]
    pages: list[int]
    main_area: str | None = None
    goal_area: str | None = None
    sdgs: list[int] = Field(default_factory=list)
    link_method: LinkMethod = "none"
    link_score: float | None = None
    ordinal: int
    text: str
    page_spans: list[PageSpan] = Field(default_factory=list)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]

    @property
    def section(self) -> str:
        return " > ".join(self.section_path)

    @property
    def page(self) -> int | str | None:
        """The page the chunk starts on, as cited."""
        if self.page_spans:
            return self.page_spans[0].cited()
        return self.pages[0] if self.pages else None

    def page_of(self, quote: str) -> int | str | None:
        """The page (as cited) where ``quote`` starts in this chunk's text; the chunk's first page otherwise."""
        pos = self.text.find(quote)
        spans = [s for s in self.page_spans if s.start <= max(pos, 0)]
        return spans[-1].cited() if spans else self.page

    def indexed_text(self) -> str:
        """What is embedded and keyword-indexed: the headings give the text its context."""
        context = " > ".join([self.document_title, *self.section_path])
        return f"{context}\n{self.text}"

    def to_chroma_metadata(self) -> dict[str, str | int | float | bool]:
        meta: dict[str, str | int | float | bool] = {
            "document_id": self.document_id,
            "document_title": self.document_title,
            "kind": self.kind.value,
            "section_path": "\x1f".join(self.section_path),
            "pages": ",".join(str(p) for p in self.pages),
            "main_area": self.main_area or "",
            "goal_area": self.goal_area or "",
            "sdgs": ",".join(str(n) for n in self.sdgs),
            "link_method": self.link_method,
            "ordinal": self.ordinal,
            "content_hash": self.content_hash,
            "page_spans": json.dumps([s.model_dump() for s in self.page_spans], ensure_ascii=False),
        }
        if self.pages:
            meta["page"] = self.pages[0]
        if self.document_year is not None:
            meta["document_year"] = self.document_year
        if self.link_score is not None:
            meta["link_score"] = float(self.link_score)
        for n in self.sdgs:
            meta[f"sdg_{n}"] = True
        return meta

    @classmethod
    def from_chroma(cls, chunk_id: str, text: str, meta: dict) -> Chunk:
        def ints(value: str) -> list[int]:
            return [int(x) for x in str(value).split(",") if x]

        return cls(
            chunk_id=chunk_id,
            document_id=meta["document_id"],
            document_title=meta["document_title"],
            kind=DocumentKind(meta["kind"]),
            document_year=meta.get("document_year"),
            section_path=[p for p in str(meta.get("section_path", "")).split("\x1f") if p],
            pages=ints(meta.get("pages", "")),
            main_area=meta.get("main_area") or None,
            goal_area=meta.get("goal_area") or None,
            sdgs=ints(meta.get("sdgs", "")),
            link_method=meta.get("link_method", "none"),
            link_score=meta.get("link_score"),
            ordinal=int(meta.get("ordinal", 0)),
            text=text,
            page_spans=[PageSpan(**s) for s in json.loads(meta.get("page_spans") or "[]")],
        )
