"""The programme's structure, read from its own text: main areas -> goal areas -> SDG numbers.

Nothing here names a goal area. The main areas come from the list that follows the sentence naming
the programme's huvudområden; a goal area is a section whose text opens with "Området omfattar mål
..., ... och N i Agenda 2030"; it belongs to the main area whose heading comes before it.
Sections of other documents (action plans) are linked to these goal areas by their headings.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources

from core.models import GoalArea, GoalAreaModel, MainArea, ParsedDocument, SdgGoal
from core.text import normalise_name

SDG_STATEMENT = re.compile(
    r"Området\s+omfattar\s+mål\s+(?P<numbers>\d[\d\s,]*?)\s*och\s*(?P<last>\d{1,2})\s+i\s+Agenda\s+2030",
    re.IGNORECASE,
)
MAIN_AREAS_LEAD = re.compile(r"huvudområden\b[^.]*[.:]?[^.]*:\s*$", re.IGNORECASE)


class StructureError(ValueError):
    """The text states a structure that cannot be right (an SDG number outside 1-17, a goal area twice)."""


@lru_cache(maxsize=1)
def load_sdg_goals() -> dict[int, SdgGoal]:
    """The 17 SDGs' Swedish and English short names, from the package's data file."""
    text = resources.files("ingest").joinpath("data/sdg_names.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines(), delimiter="\t")
    goals = {
        int(r["nr"]): SdgGoal(number=int(r["nr"]), name_sv=r["sv_short_name"], name_en=r["en_short_name"]) for r in rows
    }
    if sorted(goals) != list(range(1, 18)):
        raise StructureError("sdg_names.tsv must list the SDGs 1 to 17")
    return goals


def parse_sdg_numbers(statement: str) -> list[int] | None:
    """'Området omfattar mål 1, 2,3,5,10 och 17 i Agenda 2030' -> [1, 2, 3, 5, 10, 17]."""
    m = SDG_STATEMENT.search(statement)
    if not m:
        return None
    numbers = [int(n) for n in re.findall(r"\d+", m.group("numbers"))] + [int(m.group("last"))]
    bad = [n for n in numbers if not 1 <= n <= 17]
    if bad:
        raise StructureError(f"SDG number(s) {bad} outside 1-17 in: {m.group(0)!r}")
    return sorted(set(numbers))


def _main_area_names(parsed: ParsedDocument) -> list[str]:
    """Top-level items of the first list led in by a sentence about the huvudområden."""
    for section in parsed.sections:
        for lead, block in zip(section.blocks, section.blocks[1:]):
            if lead.kind == "paragraph" and block.kind == "list" and MAIN_AREAS_LEAD.search(lead.text):
                top = [ln[2:].strip() for ln in block.text.splitlines() if ln.startswith("- ")]
                if len(top) >= 2:
                    return [t.rstrip(".").strip() for t in top]
    return []


def _list_item_names(parsed: ParsedDocument) -> dict[str, str]:
    """Every list item in the document, keyed by its normalised form (to restore a heading's casing)."""
    names: dict[str, str] = {}
    for section in parsed.sections:
        for block in section.blocks:
            if block.kind == "list":
                for line in block.text.splitlines():
                    item = line.strip()[2:].strip().rstrip(".").strip()
                    names.setdefault(normalise_name(item), item)
    return names


def _matching_main_area(heading: str, main_names: list[str]) -> str | None:
    key = normalise_name(heading)
    for name in main_names:
        full = normalise_name(name)
        if full == key or (len(key) >= 8 and full.startswith(key)):
            return name
    return None


def parse_goal_area_model(parsed: ParsedDocument) -> GoalAreaModel | None:
    """The goal-area model stated by a programme, or None when the text states no goal areas."""
    main_names = _main_area_names(parsed)
    item_names = _list_item_names(parsed)
    sdg_goals = load_sdg_goals()
    main_areas: dict[str, MainArea] = {}
    current_main: str | None = None
    seen: set[str] = set()
    for section in parsed.sections:
        for heading in section.path:
            if main := _matching_main_area(heading, main_names):
                current_main = main
                main_areas.setdefault(main, MainArea(name=_capitalise(main), heading=heading))
        if not section.blocks or not section.path:
            continue
        first = section.blocks[0]
        numbers = parse_sdg_numbers(first.text)
        if numbers is None or not SDG_STATEMENT.match(first.text.strip()):
            continue
        heading = section.path[-1]
        name = item_names.get(normalise_name(heading)) or _capitalise(heading.casefold())
        if normalise_name(name) in seen:
            raise StructureError(f"goal area stated twice: {name!r}")
        seen.add(normalise_name(name))
        if current_main is None:
            current_main = ""
            main_areas.setdefault("", MainArea(name="", heading=""))
        main = main_areas[current_main]
        description = next((b.text for b in section.blocks[1:] if b.kind == "paragraph"), "")
        text = "\n\n".join(b.text for b in section.blocks[1:])
        main.goal_areas.append(
            GoalArea(
                name=name,
                heading=heading,
                main_area=main.name,
                sdgs=numbers,
                sdg_statement=SDG_STATEMENT.search(first.text).group(0),  # type: ignore[union-attr]
                description=description,
                text=text,
                page=first.pages[0] if first.pages else None,
                document_id=parsed.document.meta.id,
                section_path=list(section.path),
            )
        )
    areas = [ma for ma in main_areas.values() if ma.goal_areas]
    if not areas:
        return None
    return GoalAreaModel(document_id=parsed.document.meta.id, main_areas=areas, sdg_goals=sdg_goals)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
