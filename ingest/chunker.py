"""Section-aware chunker: chunks never cross a section (so never two goal areas), lists stay with their lead-in."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from core.models import Block, Chunk, GoalAreaLink, PageSpan, ParsedDocument
from core.text import SENTENCE_SPLIT
from ingest.linker import GoalAreaLinker


@dataclass(frozen=True)
class ChunkerConfig:
    max_chars: int = 500
    min_chars: int = 150

    @property
    def fingerprint(self) -> str:
        return f"section-chunker-v4:{self.max_chars}:{self.min_chars}"


def slug(text: str, limit: int = 48) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:limit].rstrip("-") or "x"


def _units(blocks: list[Block]) -> list[Block]:
    """A paragraph that leads in a list (ends with ':') is joined with the list into one unit."""
    units: list[Block] = []
    for block in blocks:
        prev = units[-1] if units else None
        if block.kind == "list" and prev and prev.kind == "paragraph" and prev.text.rstrip().endswith(":"):
            shift = len(prev.text) + 1
            starts = prev.starts() + tuple((o + shift, p) for o, p in block.starts())
            units[-1] = Block(
                f"{prev.text}\n{block.text}", "list", tuple(sorted(set(prev.pages) | set(block.pages))), starts
            )
        else:
            units.append(block)
    return units


def _split_unit(unit: Block, max_chars: int) -> list[Block]:
    """Split an over-long unit by sentences (paragraph) or item lines (list); a list may run to twice the size."""
    if len(unit.text) <= (2 * max_chars if unit.kind == "list" else max_chars):
        return [unit]
    pieces = unit.text.split("\n") if unit.kind == "list" else SENTENCE_SPLIT.split(unit.text)
    joiner = "\n" if unit.kind == "list" else " "
    out, current, begin, cursor = [], "", 0, 0
    for piece in pieces:
        at = unit.text.find(piece, cursor)
        cursor = at + len(piece)
        if current and len(current) + len(joiner) + len(piece) > max_chars:
            out.append(_slice(unit, current, begin))
            current, begin = piece, at
        else:
            current = f"{current}{joiner}{piece}" if current else piece
            begin = at if current == piece else begin
    if current:
        out.append(_slice(unit, current, begin))
    return out


def _leads_in(block: Block) -> bool:
    return block.text.rstrip().endswith(":")


def _slice(unit: Block, text: str, begin: int) -> Block:
    """The part of ``unit`` that starts at offset ``begin``: its pages and page starts re-based."""
    end = begin + len(text)
    starts = [(0, p) for o, p in unit.starts() if o <= begin][-1:]
    starts += [(o - begin, p) for o, p in unit.starts() if begin < o < end]
    pages = tuple(sorted({p for _, p in starts})) or unit.pages
    return Block(text, unit.kind, pages, tuple(starts))


def chunk_spans(group: list[Block], cited: dict[int, tuple[int | str, bool]]) -> list[PageSpan]:
    """Where each page's text starts in a chunk made of ``group`` (blocks joined by blank lines), as cited pages."""
    spans: list[PageSpan] = []
    offset = 0
    for block in group:
        for start, page in block.starts():
            shown, ocr = cited.get(page, (page, False))
            if not spans or (spans[-1].page, spans[-1].ocr) != (shown, ocr):
                spans.append(PageSpan(start=0 if not spans else offset + start, page=shown, ocr=ocr))
        offset += len(block.text) + 2
    return spans


def pack_blocks(blocks: list[Block], config: ChunkerConfig) -> list[list[Block]]:
    """Greedy packing of units up to max_chars; a short tail is merged into its predecessor when it fits."""
    units = [piece for unit in _units(blocks) for piece in _split_unit(unit, config.max_chars)]
    groups: list[list[Block]] = []
    size = 0
    for unit in units:
        lone_lead_in = groups and len(groups[-1]) == 1 and _leads_in(groups[-1][0])
        limit = 2 * config.max_chars if lone_lead_in else config.max_chars
        if groups and size + 2 + len(unit.text) <= limit:
            groups[-1].append(unit)
            size += 2 + len(unit.text)
        else:
            # a lead-in (ends with ':') goes with what it introduces, never alone at a chunk's end
            carried = [groups[-1].pop()] if groups and len(groups[-1]) > 1 and _leads_in(groups[-1][-1]) else []
            groups.append([*carried, unit])
            size = sum(len(b.text) + 2 for b in groups[-1]) - 2
    if len(groups) >= 2:
        tail = sum(len(b.text) for b in groups[-1])
        head = sum(len(b.text) + 2 for b in groups[-2])
        if tail < config.min_chars and head + tail <= config.max_chars * 1.25:
            groups[-2].extend(groups.pop())
    return groups


def chunk_document(parsed: ParsedDocument, config: ChunkerConfig, linker: GoalAreaLinker | None) -> list[Chunk]:
    meta = parsed.document.meta
    cited = {p.number: (p.cited, p.ocr) for p in parsed.document.pages if p.number is not None}
    chunks: list[Chunk] = []
    used_ids: set[str] = set()
    for section in parsed.sections:
        section_text = "\n\n".join(b.text for b in section.blocks)
        link = linker.link(meta.id, section.path, section_text) if linker else GoalAreaLink()
        base = f"{meta.id}/" + ("/".join(slug(h) for h in section.path) if section.path else "preamble")
        for ordinal, group in enumerate(pack_blocks(section.blocks, config)):
            chunk_id = f"{base}/{ordinal}"
            while chunk_id in used_ids:  # two sections with the same headings
                chunk_id += "b"
            used_ids.add(chunk_id)
            chunks.append(
                Chunk(
                    chunk_id=chunk_id,
                    document_id=meta.id,
                    document_title=meta.title,
                    kind=meta.kind,
                    document_year=meta.year,
                    section_path=list(section.path),
                    pages=sorted({p for b in group for p in b.pages}),
                    main_area=link.main_area,
                    goal_area=link.goal_area,
                    sdgs=list(link.sdgs),
                    link_method=link.method,
                    link_score=link.score,
                    ordinal=ordinal,
                    text="\n\n".join(b.text for b in group),
                    page_spans=chunk_spans(group, cited),
                )
            )
    return chunks
