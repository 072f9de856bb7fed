"""The goal-area mapper: a description of someone's work -> the goal areas it serves, best first, each with
its SDGs, a score, a one-line reason and supporting quotes in the programme's own words.

Three kinds of evidence, combined:
- words: the description uses a goal area's everyday words ("skolsköterska", "rental housing");
- meaning: the description's similarity to each goal area's own text (relative to the other areas);
- passages: retrieved chunks linked to the goal area (action-plan activities count for their area).
- learned: a classifier over the description's embedding, trained on example descriptions labelled with the goal
  area they serve or as unrelated (``assistant/data/examples/work_area.jsonl``), weighs most.
A description the classifier reads as unrelated (repairing cars) is reported as not confident instead of being
forced onto an area; without the classifier, one with no goal-area words and little similarity is."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel, Field

from assistant.compose import Unit, citation_for, quote_block, sdg_list, select_units
from assistant.models import Citation
from assistant.retrieval.filters import RetrievalFilters
from assistant.retrieval.retrievers import SearcherRetriever
from assistant.selection import UnitSelector
from assistant.understanding.classifiers import ExampleClassifier
from assistant.understanding.conversation import adds_work
from assistant.understanding.goal_areas import FRAMING, GoalAreaResolver
from core.models import Chunk, DocumentKind, GoalArea, GoalAreaModel
from core.settings import Settings
from core.strings import message
from core.text import fold

RELATE_INTENT = re.compile(
    r"\b(jag|vi)\s+(jobbar|arbetar|driver|är|leder|ansvarar|samordnar|handlägger|ordnar|undervisar|stöttar|planerar|"
    r"hjälper|erbjuder|förbättrar|organiserar|bygger|utbildar)\b|\b(mitt|vårt)\s+(arbete|jobb)\b|\b(min|vår)\s+verksamhet\b"
    r"|vilket målområde (passar|hör|tillhör)"
    r"|\bi'm an?\b|\bi am an?\b"
    r"|\b(i|we)\s+(work|run|manage|coordinate|teach|organi[sz]e|help|process|plan|lead|am|'m|build)\b"
    r"|\bmy\s+(work|job|team|unit|project)\b|\bour\s+(team|unit|work|project)\b|which goal area (fits|does)",
    re.IGNORECASE,
)


# The question that follows a description ("… – hur hänger det ihop med programmet?") says nothing of the work.
TRAILING_QUESTION = re.compile(
    r"(?:^|[,.;:–-])\s*\b(hur|vilk\w*|vad|var|kan|funkar|hör|passar|är|har|gäller|berör|rör|finns|how|which|what|where|is|"
    r"does|do|can|any|has|have|are)\b[^.!?]*\?\s*$",
    re.IGNORECASE,
)
# how long the writer has had the job ("nyanställd", "just started") says nothing of the work; the classifier read
# "nyanställd fritidsledare" as employment work
TENURE = re.compile(
    r"\b(?:ny(?:an)?st[aä]lld\w*|nybörjare|nyligen\s+(?:anst[aä]lld|börjat)|började\s+(?:nyss|nyligen)(?:\s+som)?|"
    r"precis\s+(?:börjat|anst[aä]lld)(?:\s+som)?|"
    r"newly\s+(?:hired|employed)|new(?:ly)?\s+(?:hire|employee)|just\s+started(?:\s+as)?|"
    r"recently\s+(?:started|hired|joined))\b",
    re.IGNORECASE,
)


def work_only(description: str) -> str:
    """The description without a trailing question about the programme and without how long the writer has had the
    job (kept whole when little else is left)."""
    stripped = TENURE.sub(" ", TRAILING_QUESTION.sub("", description)).strip()
    return " ".join(stripped.split()) if len(stripped) > 15 else description


def is_work_description(text: str) -> bool:
    return bool(RELATE_INTENT.search(text)) or adds_work(text)


class GoalAreaScore(BaseModel):
    name: str
    main_area: str
    sdgs: list[int]
    score: float
    reason: str
    citations: list[Citation] = Field(default_factory=list)


class MappingResult(BaseModel):
    goal_areas: list[GoalAreaScore]
    confident: bool
    # the work-area classifier's probability that the work is unrelated (None without it); not in the contract
    unrelated_p: float | None = Field(default=None, exclude=True)
    also: Citation | None = Field(
        default=None, description="The sentence nearest the work in the policy documents, when no area above quotes it."
    )

    def contract(self) -> dict:
        return self.model_dump(mode="json")


@dataclass
class _Evidence:
    goal_area: GoalArea
    words: list[str]
    meaning: float
    passages: float
    score: float = 0.0
    stems: list[str] = field(default_factory=list)  # the goal-area words named, stemmed


class GoalAreaMapper:
    def __init__(
        self,
        resolver: GoalAreaResolver | None,
        retriever: SearcherRetriever,
        selector: UnitSelector,
        chunks: dict[str, Chunk],
        settings: Settings,
        max_areas: int = 3,
        keep_ratio: float | None = None,
        classifier: ExampleClassifier | None = None,
    ):
        self.resolver = resolver
        self.retriever = retriever
        self.selector = selector
        self.chunks = chunks
        self.settings = settings
        self.max_areas = max_areas
        self.keep_ratio = keep_ratio
        self.classifier = classifier  # the work_area task: a goal area's anchor word, or "unrelated"

    def map(self, description: str, language: str, typed: str | None = None) -> MappingResult:
        """``typed``: the description as typed, when diacritics were put back into it. The goal-area words are
        matched in it (folded, as typed without any), the classifier and the passages read the restored text."""
        if self.resolver is None:
            return MappingResult(goal_areas=[], confident=False)
        model = self.resolver.model
        vector = self.resolver.embedder.embed_queries_array([description])[0]
        sims = self.resolver.similarities(vector)
        retrieval = self.retriever.results(description, language, k=8)
        learned = self._learned(description, vector)
        evidence = self._evidence(model, typed or description, sims, retrieval.hits, learned)
        best = evidence[0].score
        keep_ratio = self.keep_ratio if self.keep_ratio is not None else self.settings.relate_keep_ratio
        chosen = [e for e in evidence if e.score >= keep_ratio * best][: self.max_areas]
        s = self.settings
        if learned is not None:
            confident = learned.get("unrelated", 0.0) < s.work_max_unrelated_p
        else:
            floor = s.scope_min_similarity_en if language == "en" else s.scope_min_similarity_sv
            similar = retrieval.top_dense_similarity >= floor + s.mapper_extra_similarity
            confident = bool(chosen[0].words) or (similar and float(sims.max()) >= s.mapper_min_profile_similarity)
        if not confident:
            chosen = chosen[:1]
        scored = [self._explain(e, typed or description, vector, language, confident) for e in chosen]
        unrelated = learned.get("unrelated", 0.0) if learned is not None else None
        also = self._also(description, vector, retrieval.hits, scored) if confident and s.relate_also else None
        return MappingResult(goal_areas=scored, confident=confident, unrelated_p=unrelated, also=also)

    def _also(self, description: str, vector: np.ndarray, hits, scored: list[GoalAreaScore]) -> Citation | None:
        """The sentence nearest the work in all the policy documents, when the areas' quotes do not hold it: the
        youth centre's "Förståelse för varandra uppstår i mötet mellan människor" beside the area on safety, or the
        programme's words on children's rights for a preschool."""
        assert self.resolver is not None
        quoted = [c.quote for ga in scored for c in ga.citations]
        statements = {ga.sdg_statement for ga in self.resolver.model.goal_areas}
        for unit in self.selector.scored(work_only(description), vector, hits)[:3]:
            if unit.chunk.kind == DocumentKind.other or unit.text in statements:
                continue
            if not any(unit.text in q or q in unit.text for q in quoted):
                return citation_for(0, unit.chunk, unit.text)
        return None

    def _learned(self, description: str, vector: np.ndarray) -> dict[str, float] | None:
        """The work-area classifier's probabilities for the description without its trailing question."""
        if self.classifier is None or self.resolver is None:
            return None
        work = work_only(description)
        if work != description:
            vector = self.resolver.embedder.embed_queries_array([work])[0]
        return self.classifier.probabilities(work, vector)

    def _evidence(
        self, model: GoalAreaModel, description: str, sims: np.ndarray, hits, learned: dict[str, float] | None
    ) -> list[_Evidence]:
        """Words, meaning, passages and the classifier's probability for every goal area, best first."""
        assert self.resolver is not None
        unframed = FRAMING.sub(" ", description)
        found = self.resolver.found(unframed)
        words = {name: typed for name, (typed, _) in found.items()}
        stems = {name: stemmed for name, (_, stemmed) in found.items()} if self.settings.relate_quote_area_words else {}
        named = {m.goal_area.name: m.score for m in self.resolver.by_name(unframed)}
        relative = (sims - sims.min()) / max(float(sims.max() - sims.min()), 1e-6)
        passages = np.zeros(len(model.goal_areas))
        for rank, hit in enumerate(hits, start=1):
            for i, ga in enumerate(model.goal_areas):
                if hit.chunk.goal_area == ga.name:
                    passages[i] += 1.0 / rank
        passages = passages / passages.max() if passages.max() > 0 else passages
        evidence = []
        for i, ga in enumerate(model.goal_areas):
            e = _Evidence(
                ga, words.get(ga.name, []), float(relative[i]), float(passages[i]), stems=stems.get(ga.name, [])
            )
            e.score = 0.5 * min(named.get(ga.name, 0.0), 3) / 3 + 0.25 * e.meaning + 0.25 * e.passages
            if learned is not None:
                w = self.settings.mapper_classifier_weight
                e.score = (1 - w) * e.score + w * area_probability(ga, learned)
            evidence.append(e)
        return sorted(evidence, key=lambda e: -e.score)

    def _explain(self, e: _Evidence, description: str, vector, language: str, confident: bool) -> GoalAreaScore:
        ga = e.goal_area
        area = RetrievalFilters(goal_area=ga.name)
        # the work without the question after it, and the goal-area words it names in the programme's form ("kultur"
        # for "kulturförvaltningen"), so the keyword features find the passage on that subject
        query = " ".join([work_only(description), *e.stems]) if e.stems else description
        hits = self.retriever.results(query, language, filters=area, k=4).hits
        statement = statement_chunk(self.chunks.values(), ga)
        aim = aim_paragraph(statement, ga.sdg_statement) if statement is not None else None
        # the best two passages besides the aim and the SDG line (cited last anyway, for the SDG numbers)
        nearest = [
            u
            for u in self.selector.scored(query, vector, hits, filters=area)
            if u.text != ga.sdg_statement and (not aim or (u.text not in aim and aim not in u.text))
        ]
        covering = covering_first(nearest, e.stems)
        units = select_units(covering, max_units=2 + (covering is not nearest), max_chars=900, keep_ratio=0.0)
        quotes = [(statement, aim)] if aim else []  # what the goal area is about, then what is nearest the work
        quotes += [(u.chunk, u.text) for u in units]
        citations = [citation_for(n, chunk, text) for n, (chunk, text) in enumerate(quotes, start=1)]
        if statement is not None and all(c.quote != ga.sdg_statement for c in citations):
            citations.append(citation_for(len(citations) + 1, statement, ga.sdg_statement))
        plan = any(h.chunk.kind == DocumentKind.action_plan for h in hits[:2])
        return GoalAreaScore(
            name=ga.name,
            main_area=ga.main_area,
            sdgs=list(ga.sdgs),
            score=round(e.score, 3),
            reason=_reason(e, language, confident, plan),
            citations=citations[:5],
        )


def covering_first(units: list[Unit], stems: list[str], slots: int = 2) -> list[Unit]:
    """The best ``slots`` units, then the best unit holding a goal-area word the work names that none of them holds
    ("bidrag till föreningar … ute i stadsdelarna": the sentence on culture beside those on the districts), then
    the rest."""
    chosen = units[:slots]
    for stem in stems:
        held = re.compile(rf"\b{re.escape(fold(stem))}", re.IGNORECASE)
        if any(held.search(fold(u.text)) for u in chosen):
            continue
        unit = next((u for u in units if u not in chosen and held.search(fold(u.text))), None)
        if unit is not None:
            return [*chosen, unit, *(u for u in units if u not in chosen and u is not unit)]
    return units


def area_probability(goal_area: GoalArea, learned: dict[str, float]) -> float:
    """The classifier's probability for a goal area: its labels are anchor words of the goal areas' names."""
    name = goal_area.name.casefold()
    return sum(p for label, p in learned.items() if label != "unrelated" and label.casefold() in name)


def statement_chunk(chunks: Iterable[Chunk], goal_area: GoalArea) -> Chunk | None:
    """The chunk of a goal area that holds the line naming its SDGs ("Området omfattar mål …")."""
    return next((c for c in chunks if c.goal_area == goal_area.name and goal_area.sdg_statement in c.text), None)


def aim_paragraph(chunk: Chunk, sdg_statement: str) -> str | None:
    """The goal area's opening paragraph: the one after the line that names its SDGs."""
    blocks = chunk.text.split("\n\n")
    for i, block in enumerate(blocks[:-1]):
        if sdg_statement in block and blocks[i + 1].strip():
            return blocks[i + 1]
    return None


def _reason(e: _Evidence, language: str, confident: bool, plan: bool) -> str:
    if not confident:
        return message("relate_uncertain_reason", language)
    words = ", ".join(f"”{w}”" if language == "sv" else f"“{w}”" for w in e.words[:3])
    base = (
        message("relate_reason_words", language, words=words) if words else message("relate_reason_meaning", language)
    )
    return base + message("relate_reason_plan" if plan else "relate_reason_end", language)


def render_mapping(result: MappingResult, model: GoalAreaModel | None, language: str) -> tuple[str, list[Citation]]:
    """The mapper's result as a chat answer, its citations renumbered in order."""
    lines = [message("relate_intro" if result.confident else "relate_none", language)]
    citations: list[Citation] = []
    label = message("label_sdgs", language)
    for i, ga in enumerate(result.goal_areas, start=1):
        sdgs = sdg_list(model, ga.sdgs, language) if model else ", ".join(map(str, ga.sdgs))
        lines.append(f"**{i}. {ga.name}** ({ga.main_area}) · {label}: {sdgs} · {ga.score:.2f}\n{ga.reason}")
        for c in ga.citations:
            renumbered = c.model_copy(update={"n": len(citations) + 1})
            citations.append(renumbered)
            lines.append(quote_block(renumbered.quote, renumbered.n))
    if result.also is not None:
        also = result.also.model_copy(update={"n": len(citations) + 1})
        citations.append(also)
        lines += [message("relate_also", language), quote_block(also.quote, also.n)]
    return "\n\n".join(lines), citations
