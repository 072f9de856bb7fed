"""PDF layout: words with positions, fonts and sizes (pdfplumber) become headed Markdown-like text per page.

What a published PDF does not say in its text, its layout does:
- running headers and footers repeat at the same place on many pages; they are removed, and so is the
  page-number line in the top or bottom margin (a number inside text is never touched);
- headings are set larger or in bold than the body text; their sizes give their levels, and a heading that
  wraps over several lines is joined;
- two columns are separated by an empty vertical gutter and read left column first;
- paragraphs are separated by more vertical space than lines are; list items start with a bullet and keep their
  wrapped lines (hanging indent);
- words are joined by one space (justified text has wide gaps), and a hyphen at a line end is removed only
  where the joined word occurs elsewhere in the document.

The result per page is the Markdown the section parser already reads: ``#`` headings, ``- `` list items,
paragraphs separated by blank lines.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

MARGIN_SHARE = 0.1  # the top and bottom tenth of a page may hold running headers and footers
ROMAN = r"m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
PAGE_NUMBER = re.compile(
    rf"(?:sida\s+|page\s+|s\.\s*)?(?:\d{{1,4}}|(?=[ivxlcdm]){ROMAN})(?:\s*\(\d{{1,4}}\))?", re.IGNORECASE
)
BULLET = re.compile(r"^(?:[•▪◦‣●○■□\-–*o]|\d{1,3}[.)])$")
NESTED_BULLETS = set("o◦‣○□")
SENTENCE_END = '.!?:;”"'
SUSPENDED_COMPOUND_NEXT = {"och", "eller", "samt", "respektive", "som", "till", "and", "or"}


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool


@dataclass
class Line:
    words: list[Word]
    column: int = 0

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def size(self) -> float:
        """The size most of the line's characters are set in."""
        weights: Counter[float] = Counter()
        for w in self.words:
            weights[round(w.size * 2) / 2] += len(w.text)
        return weights.most_common(1)[0][0]

    @property
    def bold(self) -> bool:
        return all(w.bold for w in self.words)


@dataclass
class LayoutBlock:
    kind: str  # "heading" | "paragraph" | "item"
    lines: list[Line]
    level: int = 0  # heading level, or list depth (0 top level)
    texts: list[str] = field(default_factory=list)


@dataclass
class PageWords:
    number: int
    width: float
    height: float
    words: list[Word]
    has_image: bool = False


# -- reading -----------------------------------------------------------------------------------------------------
def page_words(page, number: int) -> PageWords:
    """The words of one pdfplumber page with their box, size and weight."""
    raw = page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False, use_text_flow=False)
    words = [
        Word(
            text=w["text"],
            x0=float(w["x0"]),
            x1=float(w["x1"]),
            top=float(w["top"]),
            bottom=float(w["bottom"]),
            size=float(w["size"]),
            bold=bool(re.search(r"bold|black|heavy|semibold", w["fontname"], re.IGNORECASE)),
        )
        for w in raw
        if w["text"].strip()
    ]
    return PageWords(
        number=number, width=float(page.width), height=float(page.height), words=words, has_image=bool(page.images)
    )


# -- running headers, footers and page numbers -------------------------------------------------------------------
def _runs(words: list[Word]) -> list[Line]:
    """Words on one baseline, in one size and close together: a header, a footer, a page number."""
    runs: list[Line] = []
    for w in sorted(words, key=lambda w: (round(w.top), w.x0)):
        last = runs[-1].words[-1] if runs else None
        if last and abs(last.top - w.top) <= 1.5 and last.size == w.size and 0 <= w.x0 - last.x1 < 1.5 * w.size:
            runs[-1].words.append(w)
        else:
            runs.append(Line([w]))
    return runs


def _in_margin(run: Line, height: float) -> bool:
    return run.top < MARGIN_SHARE * height or run.bottom > (1 - MARGIN_SHARE) * height


def _signature(run: Line) -> str:
    """A margin line's text with its numbers made alike ("Sida 3 av 14" ~ "Sida 4 av 14")."""
    return re.sub(r"\d+", "#", run.text.casefold())


def _repeats(pages_runs: list[list[Line]], tolerance: float = 3.0) -> list[list[int]]:
    """For each margin line, on how many pages a line of the same signature stands at the same height."""
    seen: dict[str, list[tuple[int, float]]] = {}
    for index, page_runs in enumerate(pages_runs):
        for run in page_runs:
            seen.setdefault(_signature(run), []).append((index, run.top))
    return [
        [len({i for i, top in seen[_signature(run)] if abs(top - run.top) <= tolerance}) for run in page_runs]
        for page_runs in pages_runs
    ]


def margin_words(pages: list[PageWords]) -> list[set[int]]:
    """Per page, the ids of the words of running headers/footers (repeated at one place) and page-number lines."""
    runs = [[r for r in _runs(p.words) if _in_margin(r, p.height)] for p in pages]
    with_text = sum(1 for p in pages if p.words)
    needed = max(2, round(0.3 * with_text))
    out: list[set[int]] = []
    for page_runs, counts in zip(runs, _repeats(runs)):
        drop: set[int] = set()
        for run, count in zip(page_runs, counts):
            lone_number = with_text < 3 and PAGE_NUMBER.fullmatch(run.text.strip())  # too few pages to repeat
            if count >= needed or lone_number:
                drop.update(id(w) for w in run.words)
        out.append(drop)
    return out


# -- columns and lines ---------------------------------------------------------------------------------------------
def gutter(words: list[Word], width: float) -> float | None:
    """The x of an empty vertical gap in the middle of the page with text on both sides, if any; words larger than
    the page's body text (a heading over both columns) do not count."""
    if len(words) < 6:
        return None
    body = body_size(words)
    words = [w for w in words if w.size <= body * 1.1]
    lo, hi = int(0.3 * width), int(0.7 * width)
    covered = [False] * (hi - lo + 1)
    for w in words:
        for x in range(max(lo, int(w.x0)), min(hi, int(w.x1)) + 1):
            covered[x - lo] = True
    best, start = (0, None), None
    for i, c in enumerate([*covered, True]):
        if not c and start is None:
            start = i
        elif c and start is not None:
            best = max(best, (i - start, lo + (start + i) / 2))
            start = None
    size, x = best
    if x is None or size < 6:
        return None
    left = {round(w.top) for w in words if w.x1 <= x}
    right = {round(w.top) for w in words if w.x0 >= x}
    return x if len(left) >= 3 and len(right) >= 3 else None


def body_size(words: list[Word]) -> float:
    """The size most characters are set in."""
    weights: Counter[float] = Counter()
    for w in words:
        weights[round(w.size * 2) / 2] += len(w.text)
    return weights.most_common(1)[0][0] if weights else 10.0


def column_lines(words: list[Word], split: float | None) -> list[Line]:
    """Lines in reading order: the left column top to bottom, then the right one."""
    lines: list[Line] = []
    for column in (0, 1) if split is not None else (0,):
        col = [w for w in words if split is None or (w.x0 < split) == (column == 0)]
        for w in sorted(col, key=lambda w: (w.top, w.x0)):
            line = lines[-1] if lines and lines[-1].column == column else None
            if line and w.top < line.bottom - 0.3 * (line.bottom - line.top):
                line.words.append(w)
            else:
                lines.append(Line([w], column))
        for line in lines:
            line.words.sort(key=lambda w: w.x0)
    return lines


# -- the document's typography ---------------------------------------------------------------------------------------
@dataclass
class Typography:
    body_size: float
    heading_levels: dict[float, int]  # size -> level 1..
    line_gap: float  # usual space between two lines of a paragraph

    def heading_level(self, line: Line) -> int:
        return self.heading_levels.get(line.size, 0) if self._is_heading(line) else 0

    def _is_heading(self, line: Line) -> bool:
        return line.size >= self.body_size * 1.1 or (line.bold and line.size >= self.body_size)


def typography(pages_lines: list[list[Line]]) -> Typography:
    lines = [ln for page in pages_lines for ln in page]
    weights: Counter[float] = Counter()
    for ln in lines:
        weights[ln.size] += len(ln.text)
    body = weights.most_common(1)[0][0] if weights else 10.0
    probe = Typography(body, {}, 0.0)
    sizes = sorted({ln.size for ln in lines if probe._is_heading(ln)}, reverse=True)
    gaps = [
        b.top - a.bottom
        for page in pages_lines
        for a, b in zip(page, page[1:])
        if a.column == b.column and a.size == b.size == body and 0 <= b.top - a.bottom < 2 * body
    ]
    gap = min(statistics.median(gaps), 0.5 * body) if gaps else 0.2 * body  # few lines: all gaps may be paragraphs
    return Typography(body, {s: i for i, s in enumerate(sizes, start=1)}, gap)


# -- blocks ----------------------------------------------------------------------------------------------------------
def _bullet(line: Line) -> bool:
    return len(line.words) > 1 and bool(BULLET.match(line.words[0].text))


def page_blocks(lines: list[Line], typo: Typography) -> list[LayoutBlock]:
    """Headings (wrapped lines joined), paragraphs (split by spacing) and list items (with wrapped lines)."""
    blocks: list[LayoutBlock] = []
    item_x: list[float] = []  # bullet x of the open list's levels
    for line in lines:
        prev = blocks[-1] if blocks else None
        last = prev.lines[-1] if prev else None
        close = last is not None and last.column == line.column and line.top - last.bottom <= _para_gap(typo, last)
        level = typo.heading_level(line)
        if level and prev and prev.kind == "heading" and prev.level == level and close:
            prev.lines.append(line)  # a wrapped heading
        elif level and any(c.isalpha() for c in line.text):
            blocks.append(LayoutBlock("heading", [line], level))
            item_x = []
        elif _bullet(line):
            item_x = [x for x in item_x if x < line.x0 - 2] + [line.x0]
            nested = len(item_x) > 1 or line.words[0].text in NESTED_BULLETS
            blocks.append(LayoutBlock("item", [line], 1 if nested else 0))
        elif prev and prev.kind == "item" and line.x0 > prev.lines[0].x0 + 2 and close:
            prev.lines.append(line)  # a wrapped list item
        elif prev and prev.kind == "paragraph" and close:
            prev.lines.append(line)
        else:
            item_x = []
            blocks.append(LayoutBlock("paragraph", [line]))
    return blocks


def looks_like_heading(text: str) -> bool:
    """A line shaped like a heading: a few words, capitalised, not ending like a sentence, a clause or a lead-in."""
    words = text.split()
    return (
        1 <= len(words) <= 6
        and text[0].isupper()
        and text[-1] not in SENTENCE_END + ","
        and sum(c.isalpha() for c in text) >= 3
        and not BULLET.match(words[0])
    )


def shape_headings(blocks: list[LayoutBlock]) -> list[LayoutBlock]:
    """For a document whose typography marks no heading: a one-line paragraph shaped like a heading and followed
    by text is a heading (level 1)."""
    for block, nxt in zip(blocks, blocks[1:]):
        if block.kind == "paragraph" and len(block.lines) == 1 and nxt.kind != "heading":
            if looks_like_heading(block.texts[0]):
                block.kind, block.level = "heading", 1
    return blocks


def ocr_markdown(raw: str, level: int) -> str:
    """Tesseract's text of a page as Markdown: blank lines separate paragraphs, a heading-shaped line between two
    sentences is a heading of ``level``, lines are joined as in :func:`join_lines`."""
    vocab = {w.casefold() for w in re.findall(r"\w+", raw)}
    parts: list[str] = []
    for chunk in re.split(r"\n\s*\n", raw):
        lines = [ln.strip() for ln in chunk.splitlines() if ln.strip()]
        para: list[str] = []
        for i, line in enumerate(lines):
            after_sentence = not para or para[-1][-1] in SENTENCE_END
            if after_sentence and i + 1 < len(lines) and looks_like_heading(line):
                parts += [join_lines(para, vocab)] if para else []
                parts.append(f"{'#' * level} {line}")
                para = []
            else:
                para.append(line)
        parts += [join_lines(para, vocab)] if para else []
    return "\n\n" + "\n\n".join(parts) + "\n" if parts else ""


def _para_gap(typo: Typography, last: Line) -> float:
    return typo.line_gap + 0.35 * typo.body_size if last.size <= typo.body_size else 0.8 * last.size


# -- text ------------------------------------------------------------------------------------------------------------
def join_lines(lines: list[str], vocabulary: set[str]) -> str:
    """One space between lines; a line-end hyphen is dropped only where the joined word occurs in the document."""
    text = ""
    for line in lines:
        line = re.sub(r"\s+", " ", line).strip()
        if not text:
            text = line
            continue
        if text.endswith("\u00ad"):
            text = text[:-1] + line
            continue
        m = re.search(r"(\w+)-$", text)
        nxt = re.match(r"(\w+)", line)
        if m and nxt and line[0].islower() and nxt.group(1).casefold() not in SUSPENDED_COMPOUND_NEXT:
            joined = (m.group(1) + nxt.group(1)).casefold()
            text = text[:-1] + line if joined in vocabulary else text + line
        else:
            text = f"{text} {line}"
    return text


def vocabulary(pages_lines: list[list[Line]]) -> set[str]:
    return {m.casefold() for page in pages_lines for ln in page for w in ln.words for m in re.findall(r"\w+", w.text)}


def continues(prev: LayoutBlock | None, nxt: LayoutBlock | None) -> bool:
    """A paragraph that runs on over a column or page break: no sentence end, or a lower-case start."""
    if not prev or not nxt or prev.kind != "paragraph" or nxt.kind != "paragraph":
        return False
    last, first = prev.texts[-1] if prev.texts else "", nxt.texts[0] if nxt.texts else ""
    return bool(last and first) and (last[-1] not in SENTENCE_END or first[0].islower())


def render(block: LayoutBlock) -> str:
    text = " ".join(block.texts)
    if block.kind == "heading":
        return f"{'#' * min(block.level, 6)} {text}"
    if block.kind == "item":
        return f"{'  ' * block.level}- {text}"
    return text


def _fill_texts(blocks: list[LayoutBlock], vocab: set[str]) -> None:
    for block in blocks:
        texts = [ln.text for ln in block.lines]
        if block.kind == "item":
            texts[0] = texts[0].split(" ", 1)[1]  # the bullet mark
        block.texts = [join_lines(texts, vocab)]


def _merge_columns(blocks: list[LayoutBlock]) -> list[LayoutBlock]:
    """A paragraph that ends one column and runs on at the top of the next is one paragraph."""
    out: list[LayoutBlock] = []
    for block in blocks:
        prev = out[-1] if out else None
        if prev and prev.lines[-1].column != block.lines[0].column and continues(prev, block):
            prev.lines += block.lines
            prev.texts = [f"{prev.texts[0]} {block.texts[0]}"]
        else:
            out.append(block)
    return out


def document_markdown(pages: list[PageWords]) -> list[str]:
    """Markdown-like text per page (in page order), with headers, footers and page numbers left out."""
    dropped = margin_words(pages)
    pages_lines = []
    for page, drop in zip(pages, dropped):
        body = [w for w in page.words if id(w) not in drop]
        pages_lines.append(column_lines(body, gutter(body, page.width)))
    typo = typography(pages_lines)
    vocab = vocabulary(pages_lines)
    texts: list[str] = []
    previous: LayoutBlock | None = None
    for lines in pages_lines:
        blocks = page_blocks(lines, typo)
        _fill_texts(blocks, vocab)
        if not typo.heading_levels:
            blocks = shape_headings(blocks)
        blocks = _merge_columns(blocks)
        rendered = "\n\n".join(render(b) for b in blocks)
        lead = "" if continues(previous, blocks[0] if blocks else None) else "\n"
        texts.append(f"{lead}{rendered}\n" if rendered else "")
        previous = blocks[-1] if blocks else previous
    return texts
