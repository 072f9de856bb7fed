"""Structured facts: questions the goal-area model answers exactly (a goal area's SDGs, the goal areas, the
main areas, how many SDGs, what an SDG number is), answered from the model and cited to the passages
that state it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.compose import Unit, citation_for, quote_block, split_units
from assistant.understanding.goal_areas import GoalAreaResolver, ref
from assistant.models import Citation, GoalAreaRef
from core.models import Chunk, GoalArea, GoalAreaModel, MainArea
from core.text import normalise_name

SDG_TERMS = re.compile(
    r"\b(sdg\w*|agenda\s*2030\w*(?:-mål\w*)?|globala?\s+mål\w*|global\s+goals?|hållbarhetsmål\w*|fn:?s?\s+(?:globala\s+)?mål\w*|"
    r"un\s+goals?|sustainable\s+development\s+goals?|world\s+goals?|fn-mål\w*)",
    re.IGNORECASE,
)
SDG_NUMBER = re.compile(r"\b(?:mål|målet|goal|sdg)\s*(?:nr\.?|nummer|number|no\.?|#)?\s*(\d{1,2})\b(?!\s*%)", re.IGNORECASE)
COUNT_WORDS = re.compile(r"\b(hur\s+många|how\s+many|antal(?:et)?|number\s+of)\b", re.IGNORECASE)
LIST_WORDS = re.compile(r"\b(vilka|which|what|vad|list\w*|nämn\w*|räkna\s+upp|name|hur\s+många|how\s+many)\b", re.IGNORECASE)
GOAL_AREA_PLURAL = re.compile(r"\b(målområden\w*|målområdena|goal\s+areas|focus\s+areas|target\s+areas)\b", re.IGNORECASE)
ALL_AREAS = re.compile(r"\b(alla|samtliga|varje|all|every|each)\b[^?.]{0,30}\b(målområde\w*|goal\s+areas?|areas)\b", re.IGNORECASE)
ONLY = re.compile(r"\b(bara|enbart|endast|only|exclusively|men inte|but not|nowhere else|inget annat|inte i något annat|inte till något annat|no other)\b", re.IGNORECASE)
MAIN_AREA_TERMS = re.compile(r"\b(huvudområde\w*|main\s+areas?|main\s+themes?|overarching\s+areas?)\b", re.IGNORECASE)


NUMBER_WORDS = {
    "sv": ["noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"],
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"],
}


def count_word(n: int, language: str) -> str:
    """Counts of areas in words, so that the only numbers in an answer's first lines are SDG numbers."""
    words = NUMBER_WORDS["en" if language == "en" else "sv"]
    return words[n] if 0 <= n < len(words) else str(n)


@dataclass
class FactAnswer:
    intent: str
    text: str
    citations: list[Citation] = field(default_factory=list)
    goal_areas: list[GoalAreaRef] = field(default_factory=list)


class StructuredFacts:
    def __init__(self, model: GoalAreaModel, chunks: dict[str, Chunk], resolver: GoalAreaResolver):
        self.model = model
        self.resolver = resolver
        self.units = [u for c in chunks.values() for u in split_units(c)]

    # -- finding the passages that state a fact -------------------------------------------------
    def _statement_unit(self, ga: GoalArea) -> Unit | None:
        return next((u for u in self.units if ga.sdg_statement in u.text and u.chunk.goal_area == ga.name), None)

    def _unit_naming(self, names: list[str]) -> Unit | None:
        """The shortest list (with its lead-in) that names all of ``names``."""
        keys = [normalise_name(n) for n in names]
        found = [u for u in self.units if "\n- " in f"\n{u.text}" and all(k in normalise_name(u.text) for k in keys)]
        return min(found, key=lambda u: len(u.text)) if found else None


    # -- the intents ----------------------------------------------------------------------------
    def answer(self, question: str, language: str, carried: list[GoalArea] | None = None) -> FactAnswer | None:
        matches = self.resolver.by_name(question)
        named = [m.goal_area for m in matches]
        top_named = [m.goal_area for m in matches if m.score == matches[0].score]
        numbers = [int(n) for n in SDG_NUMBER.findall(question) if 1 <= int(n) <= 17]
        asks_sdgs = bool(SDG_TERMS.search(question)) or bool(numbers)
        mains = self.resolver.main_areas_named(question)
        if numbers and asks_sdgs:
            areas = top_named or (carried or [])
            if areas:
                return self._membership(numbers, areas, language)
            return self._sdg_meaning(numbers, language)
        if asks_sdgs:
            if top_named and ONLY.search(question):
                return self._exclusive_sdgs(top_named[0], language)
            if mains and not top_named and not COUNT_WORDS.search(question):
                return self._sdgs_of([ga for ma in mains for ga in ma.goal_areas], language, mains)
            if not named and ALL_AREAS.search(question) and not COUNT_WORDS.search(question):
                return self._shared_sdgs(language)
            if top_named:
                return self._sdgs_of(top_named, language)
            if carried and not COUNT_WORDS.search(question) and not re.search(r"\bprogram", question, re.I):
                return self._sdgs_of(carried, language)
            if COUNT_WORDS.search(question) or (LIST_WORDS.search(question) and re.search(r"\bprogram", question, re.I)):
                return self._all_sdgs(language)
            return None
        if MAIN_AREA_TERMS.search(question) and top_named:
            return self._main_area_of(top_named, language)
        if MAIN_AREA_TERMS.search(question) and LIST_WORDS.search(question) and not named:
            return self._list_main_areas(language)
        if GOAL_AREA_PLURAL.search(question) and LIST_WORDS.search(question) and not named:
            return self._list_goal_areas(language, mains)
        return None

    def _cite(self, units: list[Unit]) -> tuple[list[Citation], list[str]]:
        citations, blocks = [], []
        for unit in units:
            if unit is None or any(c.quote == unit.text for c in citations):
                continue
            citation = citation_for(len(citations) + 1, unit.chunk, unit.text)
            citations.append(citation)
            blocks.append(quote_block(unit.text, citation.n))
        return citations, blocks

    def _names(self, numbers: list[int], language: str) -> str:
        parts = [f"{n} ({self.model.sdg_goals[n].name(language)})" for n in numbers]
        joiner = " och " if language == "sv" else " and "
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + joiner + parts[-1]

    def _finish(self, intent: str, lines: list[str], units: list[Unit], areas: list[GoalArea], language: str) -> FactAnswer:
        citations, blocks = self._cite(units)
        intro = ("Programmet säger:" if language == "sv" else "The programme says (quoted in Swedish):") if blocks else ""
        text = "\n\n".join([*lines, intro, *blocks] if blocks else lines)
        return FactAnswer(intent, text, citations, [ref(ga) for ga in areas])

    def _sdgs_of(self, areas: list[GoalArea], language: str, mains: list[MainArea] | None = None) -> FactAnswer:
        lines = []
        for ma in mains or []:
            union = sorted({n for ga in ma.goal_areas for n in ga.sdgs})
            lines.append(
                f"Huvudområdet *{ma.name}* omfattar tillsammans Agenda 2030-målen {self._names(union, language)}, fördelade på {count_word(len(ma.goal_areas), language)} målområden:"
                if language == "sv"
                else f"Together, the main area *{ma.name}* covers SDGs {self._names(union, language)}, across {count_word(len(ma.goal_areas), language)} goal areas:"
            )
        for ga in areas:
            lines.append(
                f"Målområdet *{ga.name}* omfattar Agenda 2030-målen {self._names(ga.sdgs, language)}."
                if language == "sv"
                else f"The goal area *{ga.name}* covers SDGs {self._names(ga.sdgs, language)}."
            )
        return self._finish("sdgs_of_goal_area", lines, [self._statement_unit(ga) for ga in areas], areas, language)

    def _membership(self, numbers: list[int], areas: list[GoalArea], language: str) -> FactAnswer:
        lines = []
        for ga in areas:
            for n in numbers:
                name = self.model.sdg_goals[n].name(language)
                if n in ga.sdgs:
                    lines.append(f"Ja. Målområdet *{ga.name}* omfattar mål {n} ({name})." if language == "sv" else f"Yes. The goal area *{ga.name}* covers SDG {n} ({name}).")
                else:
                    lines.append(
                        f"Nej. Målområdet *{ga.name}* omfattar inte mål {n} ({name}); det omfattar mål {self._names(ga.sdgs, language)}."
                        if language == "sv"
                        else f"No. The goal area *{ga.name}* does not cover SDG {n} ({name}); it covers SDGs {self._names(ga.sdgs, language)}."
                    )
        return self._finish("sdg_membership", lines, [self._statement_unit(ga) for ga in areas], areas, language)

    def _sdg_meaning(self, numbers: list[int], language: str) -> FactAnswer:
        lines, areas = [], []
        for n in numbers:
            goal = self.model.sdg_goals[n]
            holders = [ga for ga in self.model.goal_areas if n in ga.sdgs]
            other = goal.name_en if language == "sv" else goal.name_sv
            if holders:
                names = "; ".join(f"*{ga.name}*" for ga in holders)
                lines.append(
                    f"Mål {n} i Agenda 2030 är {goal.name_sv} ({other}). I programmet ingår det i {count_word(len(holders), language)} av {count_word(len(self.model.goal_areas), language)} målområden: {names}."
                    if language == "sv"
                    else f"SDG {n} is {goal.name_en} ({other}). In the programme it belongs to {count_word(len(holders), language)} of the {count_word(len(self.model.goal_areas), language)} goal areas: {names}."
                )
            else:
                covered = ", ".join(str(x) for x in self.model.covered_sdgs)
                lines.append(
                    f"Mål {n} i Agenda 2030 är {goal.name_sv} ({other}). Det ingår inte i något av programmets målområden, som omfattar målen {covered}."
                    if language == "sv"
                    else f"SDG {n} is {goal.name_en} ({other}). It is not part of any of the programme's goal areas, which cover SDGs {covered}."
                )
            areas.extend(ga for ga in holders if ga not in areas)
        return self._finish("sdg_meaning", lines, [self._statement_unit(ga) for ga in areas], areas, language)

    def _exclusive_sdgs(self, ga: GoalArea, language: str) -> FactAnswer:
        others = {n for other in self.model.goal_areas if other is not ga for n in other.sdgs}
        own = [n for n in ga.sdgs if n not in others]
        shared = ", ".join(str(n) for n in ga.sdgs if n in others)
        if own:
            lines = [
                f"Bara målområdet *{ga.name}* omfattar mål {self._names(own, language)}."
                if language == "sv"
                else f"Only the goal area *{ga.name}* covers SDGs {self._names(own, language)}.",
                f"Områdets övriga mål ({shared}) finns även i andra målområden."
                if language == "sv"
                else f"Its other SDGs ({shared}) appear in other goal areas too.",
            ]
        else:
            lines = [
                f"Inget av målen i *{ga.name}* är unikt för området; alla finns även i andra målområden."
                if language == "sv"
                else f"None of the SDGs of *{ga.name}* is unique to it; all appear in other goal areas too."
            ]
        units = [self._statement_unit(g) for g in self.model.goal_areas]
        return self._finish("exclusive_sdgs", lines, [self._statement_unit(ga)] + [u for u in units if u and u.chunk.goal_area != ga.name], [ga], language)

    def _shared_sdgs(self, language: str) -> FactAnswer:
        areas = self.model.goal_areas
        shared = sorted(set.intersection(*(set(ga.sdgs) for ga in areas)))
        line = (
            f"Mål {self._names(shared, language)} ingår i alla {count_word(len(areas), language)} målområden."
            if language == "sv"
            else f"SDGs {self._names(shared, language)} are part of all {count_word(len(areas), language)} goal areas."
        )
        return self._finish("shared_sdgs", [line], [self._statement_unit(ga) for ga in areas], areas, language)

    def _all_sdgs(self, language: str) -> FactAnswer:
        covered = self.model.covered_sdgs
        lines = [
            f"Programmet omfattar {len(covered)} av de 17 globala målen i Agenda 2030: {self._names(covered, language)}."
            if language == "sv"
            else f"The programme covers {len(covered)} of the 17 SDGs of Agenda 2030: {self._names(covered, language)}."
        ]
        shared = sorted(set.intersection(*(set(ga.sdgs) for ga in self.model.goal_areas)))
        if shared:
            lines.append(
                f"Mål {', '.join(map(str, shared))} ingår i alla {count_word(len(self.model.goal_areas), language)} målområden."
                if language == "sv"
                else f"SDGs {', '.join(map(str, shared))} are part of all {count_word(len(self.model.goal_areas), language)} goal areas."
            )
        units = [self._statement_unit(ga) for ga in self.model.goal_areas]
        return self._finish("count_sdgs", lines, units, self.model.goal_areas, language)

    def _list_goal_areas(self, language: str, mains: list[MainArea]) -> FactAnswer:
        mains = mains or self.model.main_areas
        areas = [ga for ma in mains for ga in ma.goal_areas]
        lines = [
            f"Programmet har {count_word(len(self.model.goal_areas), language)} målområden under {count_word(len(self.model.main_areas), language)} huvudområden:"
            if language == "sv"
            else f"The programme has {count_word(len(self.model.goal_areas), language)} goal areas under {count_word(len(self.model.main_areas), language)} main areas:"
        ]
        sdg_word = "mål" if language == "sv" else "SDGs"
        lines.append("\n".join(f"- {ma.name}\n" + "\n".join(f"  - {ga.name} ({sdg_word} {', '.join(map(str, ga.sdgs))})" for ga in ma.goal_areas) for ma in mains))
        unit = self._unit_naming([ga.name for ga in areas]) or self._unit_naming([ga.name for ga in areas][:2])
        return self._finish("list_goal_areas", lines, [unit] if unit else [], areas, language)

    def _main_area_of(self, areas: list[GoalArea], language: str) -> FactAnswer:
        lines = [
            f"Målområdet *{ga.name}* hör till huvudområdet *{ga.main_area}*." if language == "sv"
            else f"The goal area *{ga.name}* belongs to the main area *{ga.main_area}*."
            for ga in areas
        ]
        mains = [ma for ma in self.model.main_areas if any(ga.main_area == ma.name for ga in areas)]
        units = [self._unit_naming([ma.name.split(" ")[0], *(g.name for g in ma.goal_areas[:2])]) for ma in mains]
        return self._finish("main_area_of", lines, [u for u in units if u] or [self._statement_unit(ga) for ga in areas], areas, language)

    def _list_main_areas(self, language: str) -> FactAnswer:
        mains = self.model.main_areas
        lines = [
            f"Programmet har {count_word(len(mains), language)} huvudområden:" if language == "sv" else f"The programme has {count_word(len(mains), language)} main areas:",
            "\n".join(f"- {ma.name} ({count_word(len(ma.goal_areas), language)} " + ("målområden)" if language == "sv" else "goal areas)") for ma in mains),
        ]
        unit = self._unit_naming([ma.name for ma in mains])
        return self._finish("list_main_areas", lines, [unit] if unit else [], [], language)
