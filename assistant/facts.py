"""Structured facts: questions the goal-area model answers exactly (a goal area's SDGs, the goal areas, the
main areas, how many SDGs, what an SDG number is), answered from the model and cited to the passages
that state it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from assistant.attribution import programme_first, quoted_by_document
from assistant.compose import YES_NO, Unit, citation_for, quote_block, split_units
from assistant.models import Citation, GoalAreaRef
from assistant.understanding.goal_areas import GoalAreaMatch, GoalAreaResolver
from core.models import Chunk, GoalArea, GoalAreaModel, MainArea
from core.strings import message
from core.text import fold, normalise_name, strip_diacritics


def folded(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern:
    """A pattern that also matches text typed without diacritics: both are matched without them."""
    return re.compile(strip_diacritics(pattern), flags)


# the goals after their count: "elva mål", "sjutton globala mål", "the eleven goals"
GOALS_AFTER_COUNT = r"\s+(?:(?:globala|global|av\s+de)\s+)?(?:mål\w*|goals?)\b"
SDG_TERMS = folded(
    r"\b(sdg\w*|agenda\s*2030\w*(?:-mål\w*)?|globala?\s+mål\w*|global\s+goals?|hållbarhetsmål\w*|fn:?s?\s+(?:globala\s+)?mål\w*|"
    r"un\s+goals?|sustainable\s+development\s+goals?|world\s+goals?|fn-mål\w*|fn:?s\s+\w+\s+mål\w*|"
    rf"(?:elva|sjutton|eleven|seventeen|11|17){GOALS_AFTER_COUNT})",
)
# the goals by their count ("vilka elva mål täcker programmet?", "the eleven goals"): no goal area's words ("eleven"
# is also Swedish for "the pupil")
GOALS_BY_COUNT = folded(rf"\b(?:elva|sjutton|eleven|seventeen){GOALS_AFTER_COUNT}")
SDG_NUMBER = folded(r"\b(?:mål|målet|goal|sdg)\s*(?:nr\.?|nummer|number|no\.?|#)?\s*(\d{1,2})\b(?!\s*%)")
COUNT_WORDS = folded(r"\b(hur\s+många|how\s+many|antal(?:et)?|number\s+of)\b")
# a definition asked for ("vad är Agenda 2030?", "what is the 2030 Agenda?"), not a list of goals
DEFINES = folded(
    r"\b(vad\s+(?:är(?!\s+(?:de|dom)\b)|betyder|innebär|menas\s+med)|what\s+is|what's|what\s+does\s+\S+(?:\s+\S+)?\s+mean)\b"
)
NAMES_A_LIST = folded(r"\b(vilka|which|list\w*|nämn\w*|räkna\s+upp|name)\b")
# what is counted: goals ("hur många globala mål", "how many of the SDGs"), not countries or people; a verb after
# the count counts what was asked for ("vilka av de globala målen finns med, och hur många blir det?")
COUNTS_OTHER = folded(
    r"\b(?:hur\s+många|how\s+many|antal(?:et)?|number\s+of)\s+"
    r"(?!(?:av|of|the|de|och|and|globala|global|agenda|fn|un|sdg|mål|goal)\w*|(?:blir|finns|ingår|are|there)\b)\w+"
)
LIST_WORDS = folded(r"\b(vilka|which|what|vad|list\w*|nämn\w*|räkna\s+upp|name|hur\s+många|how\s+many)\b")
GOAL_AREA_PLURAL = folded(r"\b(målområden\w*|målområdena|goal\s+areas|focus\s+areas|target\s+areas)\b")
ALL_AREAS = folded(r"\b(alla|samtliga|varje|all|every|each)\b[^?.]{0,30}\b(målområde\w*|goal\s+areas?|areas)\b")
# the areas' goals added up ("om man lägger ihop alla målområden", "sammanlagt", "all the areas combined"): their
# union, not the goals every area shares
ADDED_UP = folded(
    r"\b(lägg\w*\s+ihop|slå\w*\s+ihop|allihop\w*|sammanslag\w*|sammanlagt|totalt|sammantaget|tillsammans|"
    r"combined|together|in\s+total|altogether|added\s+up)\b"
)
ONLY = folded(
    r"\b(bara|enbart|endast|only|exclusively|men inte|but not|nowhere else|inget annat|inte i något annat"
    r"|inte till något annat|no other)\b",
)
SHARED = folded(r"\b(gemensam\w*|delar|båda|bägge|both|in\s+common|share[sd]?|overlap\w*)\b")
DIFFERENCE = folded(
    r"\b(saknar|men\s+inte|som\s+inte|utöver|förutom|skiljer|lacks?|missing|but\s+not|that\s+\w+\s+(?:does|do)n'?t|"
    r"differ\w*|besides|apart\s+from)\b"
)
MEMBERSHIP = folded(
    r"\b(ingår|ingick|omfatta\w*|täck\w*|finns\s+med|är\s+med|med\s+i|del\s+av|hör\s+till|tillhör|include[sd]?|including|"
    r"part\s+of|cover(?:s|ed)?|among|in\s+the\s+(?:list|programme|program))\b"
)
BELONGS = folded(r"\b(hör|hörde|tillhör\w*|belongs?|belonging|part\s+of|under|ingår|falls?)\b")
GOALS_WORD = folded(r"\b(mål|målen|goals?)\b")
OTHER_GOALS = folded(r"\b(andra|övriga|fler|other)\s+(?:globala\s+)?(mål\w*|sdgs?|goals?)\b")
CLAUSE_END = re.compile(r"[,.;!?–]")


def asks_only(question: str) -> bool:
    """ "vilka mål har bara hälsoområdet?": "only" in the clause that asks about goals; not "…, eller är det bara
    luddigt?" or "vi vill bara använda det programmet säger", where it qualifies something else."""
    return any(
        ONLY.search(clause) and (SDG_TERMS.search(clause) or GOALS_WORD.search(clause))
        for clause in CLAUSE_END.split(strip_diacritics(question))
    )


MAIN_AREA_TERMS = folded(r"\b(huvudområde\w*|main\s+areas?|main\s+themes?|overarching\s+areas?)\b")


NUMBER_WORDS = {
    "sv": ["noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"],
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"],
}


def count_word(n: int, language: str) -> str:
    """Counts of areas in words, so that the only numbers in an answer's first lines are SDG numbers."""
    words = NUMBER_WORDS["en" if language == "en" else "sv"]
    return words[n] if 0 <= n < len(words) else str(n)


# the numbers after one "mål": "mål 8 och 9", "SDG 5, 10 and 16", "goals 1 and 2"
SDG_NUMBER_RUN = folded(
    r"\b(?:mål(?:en)?|goals?|sdgs?)\s*(?:nr\.?|nummer|numbers?|no\.?|#)?\s*"
    r"(\d{1,2}(?:\s*(?:,|och|and|&|eller|or|samt|\+)\s*\d{1,2}\b)*)\b(?!\s*%)"
)


def sdg_numbers(text: str) -> list[int]:
    """The SDG numbers a text names ("mål 14", "SDG 6", "mål 8 och 9"), matched without diacritics."""
    runs = SDG_NUMBER_RUN.findall(strip_diacritics(text))
    found = [int(n) for run in runs for n in re.findall(r"\d{1,2}", run)]
    return list(dict.fromkeys(n for n in found if 1 <= n <= 17))


SDG_NAME_MIN_RATIO = 90.0  # partial ratio of an SDG's name against the question, casefolded and without diacritics


def uncovered_sdgs_named(model: GoalAreaModel, text: str) -> list[int]:
    """The SDGs outside the programme that a text names by their Swedish or English name ("hav och marina
    resurser", "climate action"), typed without diacritics or with a small slip."""
    return _sdgs_named(model, text, covered=False, min_words=1)


def covered_sdgs_named(model: GoalAreaModel, text: str) -> list[int]:
    """The programme's SDGs that a text names by a name of two words or more ("Zero Hunger", "ingen hunger"); a
    one-word name ("Jämställdhet") is as likely the topic as the goal."""
    return _sdgs_named(model, text, covered=True, min_words=2)


def _sdgs_named(model: GoalAreaModel, text: str, covered: bool, min_words: int) -> list[int]:
    """The SDGs, in the programme or outside it, that a text names by a Swedish or English name of at least
    ``min_words`` words (rapidfuzz partial ratio, casefolded and without diacritics)."""
    folded = fold(text)
    return [
        n
        for n, goal in sorted(model.sdg_goals.items())
        if (n in model.covered_sdgs) == covered
        and any(
            len(name.split()) >= min_words and fuzz.partial_ratio(fold(name), folded) >= SDG_NAME_MIN_RATIO
            for name in (goal.name_sv, goal.name_en)
        )
    ]


# the goals left out: "vilka är INTE med", "which SDGs are missing", "saknas"
NOT_INCLUDED = folded(
    r"\b(?:inte|ej|not|aren'?t|isn'?t)\s+(?:med|inkluderade?|included|covered|part|tagits\s+med)\b|\bsaknas\b|"
    r"\bmissing\b|\butanför\b|\bleft\s+out\b|\bexcluded\b"
)
# asks where something is in the programme: "under which goal area", "vilket målområde", "var i programmet"
WHICH_AREA = folded(
    r"\b(vilke[tn]\s+(?:mål)?område\w*|vilka\s+(?:mål)?område\w*|which\s+(?:goal\s+)?areas?|under\s+which|"
    r"var\s+i\s+programmet|var\s+(?:finns|hamnar|dyker|ligger|står)|where)\b"
)


SDG_DESCRIBED = re.compile(r"\s*(?:om|about|on|\(|,|–|-|:)?\s*", re.IGNORECASE)
DESCRIPTION_MIN_CHARS = 5  # "och", "i": too short to tell a description from any word


def without_sdg_descriptions(model: GoalAreaModel, text: str) -> str:
    """The text without the words by which it describes an SDG it names by number ("mål 8 om anständiga
    arbetsvillkor", "mål 4 (utbildning)", "SDG 16, peace and justice"): they name the goal, not a goal area asked
    about, so "vilket målområde har mål 4 (utbildning)?" asks which area, not whether the education area has it."""
    plain = strip_diacritics(text)
    if len(plain) != len(text):
        return text
    cuts = []
    for number in SDG_NUMBER.finditer(plain):
        goal = model.sdg_goals.get(int(number.group(1)))
        start = SDG_DESCRIBED.match(plain, number.end()).end()
        segment = re.split(r"[)?.!,;]", plain[start : start + 80])[0]  # a description ends at its punctuation
        words = list(re.finditer(r"[\w-]+", segment))[:6]
        for word in reversed(words if goal else []):
            phrase = fold(plain[start : start + word.end()])
            names = (fold(goal.name_sv), fold(goal.name_en))
            within = [n for n in names if DESCRIPTION_MIN_CHARS <= len(phrase) <= len(n)]  # no more than the name
            if any(fuzz.partial_ratio(phrase, n) >= SDG_NAME_MIN_RATIO for n in within):
                end = start + word.end()
                cuts.append((number.end(), end + 1 if plain[end : end + 1] == ")" else end))
                break
    for begin, end in reversed(cuts):
        text = text[:begin] + text[end:]
    return text


def _top_named(matches: list[GoalAreaMatch]) -> list[GoalArea]:
    """The goal areas a text names best (all that tie for the highest score)."""
    return [m.goal_area for m in matches if m.score == matches[0].score] if matches else []


def _listed(parts: list[str], language: str) -> str:
    """'a, b och c' ('a, b and c')."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {message('and', language)} " + parts[-1]


def _two_named(matches: list[GoalAreaMatch]) -> list[GoalAreaMatch]:
    """The first two goal areas a question names at different places (one word naming two areas counts once,
    for the area it names best), in the question's order."""
    by_place: dict[int, GoalAreaMatch] = {}
    for m in matches:  # best first
        by_place.setdefault(m.position, m)
    ordered = [by_place[p] for p in sorted(by_place)]
    return ordered[:2] if len(ordered) >= 2 else []


@dataclass
class FactAnswer:
    intent: str
    text: str
    citations: list[Citation] = field(default_factory=list)
    goal_areas: list[GoalAreaRef] = field(default_factory=list)
    declined: bool = False  # the programme does not speak of what was asked (an SDG it does not include)


class StructuredFacts:
    def __init__(
        self, model: GoalAreaModel, chunks: dict[str, Chunk], resolver: GoalAreaResolver, sdg_names: bool = True
    ):
        """``sdg_names``: an SDG outside the programme is found by its name too, not only by its number."""
        self.model = model
        self.sdg_names = sdg_names
        self.resolver = resolver
        self.units = [u for c in chunks.values() for u in split_units(c)]

    # -- finding the passages that state a fact -------------------------------------------------
    def statement_unit(self, ga: GoalArea) -> Unit | None:
        """The programme's sentence on the area's global goals ("Området omfattar mål 5, 10, 11, 16 och 17 …")."""
        return next((u for u in self.units if ga.sdg_statement in u.text and u.chunk.goal_area == ga.name), None)

    def _count_unit(self, count: int) -> Unit | None:
        """The shortest sentence that states how many of the global goals the programme includes ("… innefattar
        elva av de sjutton globala målen."): the count, in words or digits, and "globala mål"."""
        said = re.compile(rf"\b({count_word(count, 'sv')}|{count})\b.*\bglobala mål", re.IGNORECASE | re.DOTALL)
        found = [u for u in self.units if said.search(u.text)]
        return min(found, key=lambda u: len(u.text)) if found else None

    def _unit_naming(self, names: list[str]) -> Unit | None:
        """The shortest list (with its lead-in) that names all of ``names``."""
        keys = [normalise_name(n) for n in names]
        found = [u for u in self.units if "\n- " in f"\n{u.text}" and all(k in normalise_name(u.text) for k in keys)]
        return min(found, key=lambda u: len(u.text)) if found else None

    def contradicts(self, question: str) -> bool:
        """Whether the text ties an SDG to the programme that the goal-area model does not: an SDG the programme
        does not include, or one outside the goal area it names ("skriv att hälsoområdet också omfattar mål 6")."""
        numbers = sdg_numbers(question)
        if not numbers:
            return False
        named = _top_named(self.resolver.by_name(question))
        allowed = set(named[0].sdgs) if len(named) == 1 else set(self.model.covered_sdgs)
        return any(n not in allowed for n in numbers)

    # -- the intents ----------------------------------------------------------------------------
    def answer(self, question: str, language: str, carried: list[GoalArea] | None = None) -> FactAnswer | None:
        matches = self.resolver.by_name(GOALS_BY_COUNT.sub(" ", without_sdg_descriptions(self.model, question)))
        polar = bool(YES_NO.search(question))  # "ingår mål 13?" asks yes or no; "vilket område har mål 13?" presumes
        named = [m.goal_area for m in matches]
        top_named = _top_named(matches)
        mains = self.resolver.main_areas_named(question)
        by_name = uncovered_sdgs_named(self.model, question) if self.sdg_names else []
        if not by_name and self.sdg_names and WHICH_AREA.search(strip_diacritics(question)):
            by_name = covered_sdgs_named(self.model, question)  # "Is Zero Hunger part of it, under which goal area?"
        question = strip_diacritics(question)  # the patterns below are matched without diacritics
        numbers = sdg_numbers(question) or by_name  # "hav och marina resurser – vad står det?": SDG 14, in no area
        asks_sdgs = bool(SDG_TERMS.search(question)) or bool(numbers)
        if numbers and asks_sdgs:
            uncovered = all(n not in self.model.covered_sdgs for n in numbers)
            # "what does the programme say about SDG 14?", "which goal area covers SDG 13?": it is in none
            if uncovered and not (MEMBERSHIP.search(question) and polar):
                return self._sdg_meaning(numbers, language, decline_uncovered=True)
            areas = top_named or (carried or [])
            if areas and not (WHICH_AREA.search(question) and not polar):  # "where does goal 9 show up? housing?"
                all_asked = bool(NAMES_A_LIST.search(question))  # "… vilka mål gäller där egentligen?"
                return self._membership(numbers, areas, language, all_asked)
            return self._sdg_meaning(numbers, language, others=bool(OTHER_GOALS.search(question)))
        pair = _two_named(matches)
        compares = pair and (SHARED.search(question) or DIFFERENCE.search(question))
        if compares and (asks_sdgs or GOALS_WORD.search(question)):
            return self._compare_sdgs(pair[0].goal_area, pair[1].goal_area, bool(SHARED.search(question)), language)
        if asks_sdgs and mains and ADDED_UP.search(question):  # "hela huvudområdet … om man slår ihop dem"
            return self.sdgs_of([ga for ma in mains for ga in ma.goal_areas], language, mains)
        if asks_sdgs and pair and ADDED_UP.search(question):  # "…för de två områdena tillsammans": their union
            return self.sdgs_of([m.goal_area for m in pair], language, together=True)
        if asks_sdgs:
            return self._about_sdgs(question, named, top_named, mains, carried, language)
        if MAIN_AREA_TERMS.search(question) and top_named:
            return self._main_area_of(top_named, language)
        if MAIN_AREA_TERMS.search(question) and carried and not named and BELONGS.search(question):
            return self._main_area_of(carried, language)  # "and which main area does that belong to?"
        terse = len(question.split()) <= 3  # "målområdena?", "huvudområdena??", "the goal areas?": the list asked for
        if MAIN_AREA_TERMS.search(question) and (LIST_WORDS.search(question) or terse) and not named:
            return self._list_main_areas(language)
        if GOAL_AREA_PLURAL.search(question) and (LIST_WORDS.search(question) or terse) and not named:
            return self._list_goal_areas(language, mains)
        if GOAL_AREA_PLURAL.search(question) and mains and {ga.main_area for ga in named} <= {m.name for m in mains}:
            return self._list_goal_areas(language, mains)  # "the goal areas under Demokrati, delaktighet …"
        return None

    def _about_sdgs(
        self,
        question: str,
        named: list[GoalArea],
        top_named: list[GoalArea],
        mains: list[MainArea],
        carried: list[GoalArea] | None,
        language: str,
    ) -> FactAnswer | None:
        """A question on SDGs that names no SDG number: of the areas named, of all areas, or of the programme."""
        if top_named and asks_only(question):
            return self._exclusive_sdgs(top_named[0], language)
        if mains and not top_named and not COUNT_WORDS.search(question):
            return self.sdgs_of([ga for ma in mains for ga in ma.goal_areas], language, mains)
        if not named and ALL_AREAS.search(question) and ADDED_UP.search(question):
            return self._all_sdgs(language)
        if not named and ALL_AREAS.search(question) and not COUNT_WORDS.search(question):
            return self._shared_sdgs(language)
        if top_named:
            return self.sdgs_of(top_named, language)
        if carried and not COUNT_WORDS.search(question) and not re.search(r"\bprogram", question, re.I):
            return self.sdgs_of(carried, language)
        if not named and NOT_INCLUDED.search(question):  # "vilka av de 17 målen är INTE med i programmet?"
            return self._uncovered_sdgs(language)
        if COUNTS_OTHER.search(question):  # "hur många länder står bakom Agenda 2030?": not a count of goals
            return None
        if DEFINES.search(question) and not NAMES_A_LIST.search(question) and not COUNT_WORDS.search(question):
            return None  # "vad är agenda 2030 enligt programmet?": the programme's own words say
        in_programme = re.search(r"\bprogram", question, re.I) or MEMBERSHIP.search(question)
        # "vilka av de globala målen är med totalt sett?": the goals of the whole programme
        if COUNT_WORDS.search(question) or (
            LIST_WORDS.search(question) and (in_programme or ADDED_UP.search(question))
        ):
            return self._all_sdgs(language)
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

    def _numbers(self, numbers: list[int], language: str) -> str:
        """'5, 10, 11, 16 och 17'"""
        return _listed([str(n) for n in numbers], language)

    def _names(self, numbers: list[int], language: str) -> str:
        """'5 (Jämställdhet), 10 (Minskad ojämlikhet) och 17 (…)'"""
        return _listed([f"{n} ({self.model.sdg_goals[n].name(language)})" for n in numbers], language)

    def _finish(
        self, intent: str, lines: list[str], units: list[Unit], areas: list[GoalArea], language: str
    ) -> FactAnswer:
        citations, blocks = self._cite(programme_first([u for u in units if u is not None], lambda u: u.chunk))
        text = "\n\n".join([*lines, *quoted_by_document(citations, blocks, language)] if blocks else lines)
        return FactAnswer(intent, text, citations, [GoalAreaRef.of(ga) for ga in areas])

    def goal_area_sdgs_line(self, area: GoalArea, language: str) -> str:
        """ "Målområdet *X* omfattar Agenda 2030-målen 5 (Jämställdhet), …" """
        return message("fact_goal_area_sdgs", language, name=area.name, sdgs=self._names(area.sdgs, language))

    def sdgs_of(
        self, areas: list[GoalArea], language: str, mains: list[MainArea] | None = None, together: bool = False
    ) -> FactAnswer:
        """The SDGs of goal areas (and main areas); ``together`` starts with the union over the goal areas."""
        lines = []
        if together and len(areas) > 1:
            union = sorted({n for ga in areas for n in ga.sdgs})
            count = count_word(len(areas), language)
            lines.append(message("fact_union_sdgs", language, count=count, sdgs=self._names(union, language)))
        for ma in mains or []:
            union = sorted({n for ga in ma.goal_areas for n in ga.sdgs})
            lines.append(
                message(
                    "fact_main_area_sdgs",
                    language,
                    name=ma.name,
                    sdgs=self._names(union, language),
                    count=count_word(len(ma.goal_areas), language),
                )
            )
        lines += [self.goal_area_sdgs_line(ga, language) for ga in areas]
        units = [self.statement_unit(ga) for ga in areas]
        if together and len(areas) > 1 and {ga.name for ga in areas} == {ga.name for ga in self.model.goal_areas}:
            units.insert(0, self._count_unit(len(self.model.covered_sdgs)))
        return self._finish("sdgs_of_goal_area", lines, units, areas, language)

    def _membership(
        self, numbers: list[int], areas: list[GoalArea], language: str, all_asked: bool = False
    ) -> FactAnswer:
        """Whether the areas hold SDGs ``numbers``; a yes names the area's other goals too when they are asked for
        ("… vilka mål gäller där?"), else the quote below states them."""
        lines = []
        yes = "fact_member_yes_all" if all_asked else "fact_member_yes"
        for ga in areas:
            for n in numbers:
                sdg = self.model.sdg_goals[n].name(language)
                if n in ga.sdgs:
                    sdgs = self._numbers(ga.sdgs, language)
                    lines.append(message(yes, language, name=ga.name, n=n, sdg=sdg, sdgs=sdgs))
                else:
                    sdgs = self._names(ga.sdgs, language)
                    lines.append(message("fact_member_no", language, name=ga.name, n=n, sdg=sdg, sdgs=sdgs))
        return self._finish("sdg_membership", lines, [self.statement_unit(ga) for ga in areas], areas, language)

    def _sdg_meaning(
        self, numbers: list[int], language: str, decline_uncovered: bool = False, others: bool = False
    ) -> FactAnswer:
        """What SDG n is and which goal areas hold it. Asked only about goals the programme does not include, the
        answer is a decline that says so: first "no" and the goals it does include, when the question asks whether
        it is included ("finns mål 13 med?"), as blind-written users expect a decline there too."""
        lines, areas = [], []
        for n in numbers:
            goal = self.model.sdg_goals[n]
            holders = [ga for ga in self.model.goal_areas if n in ga.sdgs]
            own, other = (goal.name_sv, goal.name_en) if language == "sv" else (goal.name_en, goal.name_sv)
            if holders:
                names = "; ".join(f"*{ga.name}*" for ga in holders)
                lines.append(
                    message(
                        "fact_sdg_in_areas",
                        language,
                        n=n,
                        name=own,
                        other=other,
                        areas=names,
                        count=count_word(len(holders), language),
                        total=count_word(len(self.model.goal_areas), language),
                    )
                )
            elif decline_uncovered:
                covered = ", ".join(str(x) for x in self.model.covered_sdgs)
                lines.append(message("fact_sdg_in_no_area", language, n=n, name=own, other=other, covered=covered))
            else:  # "is SDG 13 included?": no, first, with the goals that are
                if not lines:
                    covered = self._numbers(self.model.covered_sdgs, language)
                    lines.append(message("fact_not_included", language, covered=covered))
                lines.append(message("fact_sdg_not_among", language, n=n, name=own, other=other))
            areas.extend(ga for ga in holders if ga not in areas)
        if len(numbers) > 1 and all(n in self.model.covered_sdgs for n in numbers):
            # "mål 8 och 9, dyker dom upp?": yes for them all, first
            every = message("all_of_them" if len(numbers) > 2 else "both", language)
            lines.insert(
                0, message("fact_sdgs_included", language, asked=self._numbers(numbers, language), every=every)
            )
        if others and lines:  # "… och vilka andra mål hör dit?": the SDGs of the areas that hold it, said at once
            lines[-1] = " ".join([lines[-1], *(self.goal_area_sdgs_line(ga, language) for ga in areas)])
        fact = self._finish("sdg_meaning", lines, [self.statement_unit(ga) for ga in areas], areas, language)
        fact.declined = not areas  # every SDG asked about is outside the programme: "no", as a decline
        return fact

    def _exclusive_sdgs(self, ga: GoalArea, language: str) -> FactAnswer:
        others = {n for other in self.model.goal_areas if other is not ga for n in other.sdgs}
        own = [n for n in ga.sdgs if n not in others]
        shared = ", ".join(str(n) for n in ga.sdgs if n in others)
        if own:
            lines = [
                message("fact_only_area", language, name=ga.name, sdgs=self._names(own, language)),
                message("fact_other_sdgs_shared", language, shared=shared),
            ]
        else:
            lines = [message("fact_none_unique", language, name=ga.name)]
        units = [self.statement_unit(g) for g in self.model.goal_areas]
        cited = [self.statement_unit(ga)] + [u for u in units if u and u.chunk.goal_area != ga.name]
        return self._finish("exclusive_sdgs", lines, cited, [ga], language)

    def _compare_sdgs(self, first: GoalArea, second: GoalArea, shared: bool, language: str) -> FactAnswer:
        """The SDGs two goal areas have in common, or those the first has and the second lacks."""
        if shared:
            numbers = sorted(set(first.sdgs) & set(second.sdgs))
            key = "fact_pair_shared" if numbers else "fact_pair_shared_none"
        else:
            numbers = sorted(set(first.sdgs) - set(second.sdgs))
            key = "fact_pair_difference" if numbers else "fact_pair_difference_none"
        names = self._names(numbers, language) if numbers else ""
        sets = {"first_sdgs": self._numbers(first.sdgs, language), "second_sdgs": self._numbers(second.sdgs, language)}
        line = message(key, language, first=first.name, second=second.name, sdgs=names, **sets)
        units = [self.statement_unit(first), self.statement_unit(second)]
        return self._finish("compare_sdgs", [line], units, [first, second], language)

    def _shared_sdgs(self, language: str) -> FactAnswer:
        areas = self.model.goal_areas
        shared = sorted(set.intersection(*(set(ga.sdgs) for ga in areas)))
        line = message(
            "fact_shared_by_all", language, sdgs=self._names(shared, language), count=count_word(len(areas), language)
        )
        return self._finish("shared_sdgs", [line], [self.statement_unit(ga) for ga in areas], areas, language)

    def _uncovered_sdgs(self, language: str) -> FactAnswer:
        """ "vilka av de 17 målen är INTE med?": the goals outside the programme, citing its sentence on how many of
        them it includes."""
        uncovered = [n for n in sorted(self.model.sdg_goals) if n not in self.model.covered_sdgs]
        count = count_word(len(uncovered), language)
        line = message("fact_not_covered", language, count=count, sdgs=self._names(uncovered, language))
        units = [self._count_unit(len(self.model.covered_sdgs))]
        return self._finish("uncovered_sdgs", [line], units, [], language)

    def _all_sdgs(self, language: str) -> FactAnswer:
        covered = self.model.covered_sdgs
        lines = [message("fact_covered", language, count=len(covered), sdgs=self._names(covered, language))]
        shared = sorted(set.intersection(*(set(ga.sdgs) for ga in self.model.goal_areas)))
        if shared:
            count = count_word(len(self.model.goal_areas), language)
            lines.append(message("fact_shared_by_all", language, sdgs=", ".join(map(str, shared)), count=count))
        units = [self._count_unit(len(covered))] + [self.statement_unit(ga) for ga in self.model.goal_areas]
        return self._finish("count_sdgs", lines, units, self.model.goal_areas, language)

    def _list_goal_areas(self, language: str, mains: list[MainArea]) -> FactAnswer:
        mains = mains or self.model.main_areas
        areas = [ga for ma in mains for ga in ma.goal_areas]
        count = count_word(len(areas), language)
        if len(mains) == 1 and len(self.model.main_areas) > 1:
            lines = [message("fact_goal_areas_under", language, main=mains[0].name, count=count)]
        else:
            lines = [message("fact_goal_areas", language, count=count, mains=count_word(len(mains), language))]
        sdg_word = message("fact_sdg_word", language)
        lines.append(
            "\n".join(
                f"- {ma.name}\n"
                + "\n".join(f"  - {ga.name} ({sdg_word} {', '.join(map(str, ga.sdgs))})" for ga in ma.goal_areas)
                for ma in mains
            )
        )
        unit = self._unit_naming([ga.name for ga in areas]) or self._unit_naming([ga.name for ga in areas][:2])
        return self._finish("list_goal_areas", lines, [unit] if unit else [], areas, language)

    def _main_area_of(self, areas: list[GoalArea], language: str) -> FactAnswer:
        lines = [message("fact_belongs_to", language, name=ga.name, main=ga.main_area) for ga in areas]
        mains = [ma for ma in self.model.main_areas if any(ga.main_area == ma.name for ga in areas)]
        units = [self._unit_naming([ma.name.split(" ")[0], *(g.name for g in ma.goal_areas[:2])]) for ma in mains]
        cited = [u for u in units if u] or [self.statement_unit(ga) for ga in areas]
        return self._finish("main_area_of", lines, cited, areas, language)

    def _list_main_areas(self, language: str) -> FactAnswer:
        mains = self.model.main_areas
        lines = [
            message("fact_main_areas", language, count=count_word(len(mains), language)),
            "\n".join(
                message("fact_main_area_item", language, name=ma.name, count=count_word(len(ma.goal_areas), language))
                for ma in mains
            ),
        ]
        unit = self._unit_naming([ma.name for ma in mains])
        return self._finish("list_main_areas", lines, [unit] if unit else [], [], language)
