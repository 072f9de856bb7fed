"""The goal-area mapper: a description of someone's work -> the goal areas it serves, best first, each with
its SDGs, a score, a one-line reason and supporting quotes in the programme's own words.

Three kinds of evidence, combined:
- words: the description uses a goal area's everyday words ("skolsköterska", "rental housing");
- meaning: the description's similarity to each goal area's own text (relative to the other areas);
- passages: retrieved chunks linked to the goal area (action-plan activities count for their area).
A description with no goal-area words and little similarity (repairing cars) is reported as not
confident instead of being forced onto an area."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, Field

from assistant.compose import answer_units, citation_for, quote_block
from assistant.models import Citation
from assistant.retrieval.searcher import RetrievalFilters
from core.models import DocumentKind, GoalArea


# "Jag jobbar som ...", "I work as ...": the framing says it is work, not which work; it is not evidence.
FRAMING = re.compile(
    r"\b(jag|vi)\s+(jobbar|arbetar)\b|\bmitt\s+(jobb|arbete)\b|\b(i|we)\s+(work|am working|'m working)\b|\bmy\s+(job|work)\b",
    re.IGNORECASE,
)

RELATE_INTENT = re.compile(
    r"\b(jag|vi)\s+(jobbar|arbetar|driver|är|leder|ansvarar|samordnar|handlägger|ordnar|undervisar|stöttar|planerar|"
    r"hjälper|erbjuder|förbättrar|organiserar|bygger|utbildar)\b|\b(mitt|vårt)\s+(arbete|jobb)\b|\b(min|vår)\s+verksamhet\b"
    r"|vilket målområde (passar|hör|tillhör)|\b(i|we)\s+(work|run|manage|coordinate|teach|organi[sz]e|help|process|plan|lead|am|'m|build)\b"
    r"|\bmy\s+(work|job|team|unit|project)\b|\bour\s+(team|unit|work|project)\b|which goal area (fits|does)",
    re.IGNORECASE,
)


def is_work_description(text: str) -> bool:
    return bool(RELATE_INTENT.search(text))


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

    def contract(self) -> dict:
        return self.model_dump(mode="json")


@dataclass
class _Evidence:
    goal_area: GoalArea
    words: list[str]
    meaning: float
    passages: float
    score: float = 0.0


class GoalAreaMapper:
    def __init__(self, assistant, max_areas: int = 3, keep_ratio: float = 0.5):
        self.a = assistant
        self.max_areas = max_areas
        self.keep_ratio = keep_ratio

    def map(self, description: str, language: str) -> MappingResult:
        a = self.a
        model = a.index.goal_model
        if model is None or a.resolver is None:
            return MappingResult(goal_areas=[], confident=False)
        vector = a.embedder.embed_queries_array([description])[0]
        unframed = FRAMING.sub(" ", description)
        words = a.resolver.words_found(unframed)
        named = {m.goal_area.name: m.score for m in a.resolver.by_name(unframed)}
        sims = a.resolver.similarities(vector)
        relative = (sims - sims.min()) / max(float(sims.max() - sims.min()), 1e-6)
        retrieval = a.searcher.search(description, k=8, language=language)
        passages = np.zeros(len(model.goal_areas))
        for rank, hit in enumerate(retrieval.hits, start=1):
            for i, ga in enumerate(model.goal_areas):
                if hit.chunk.goal_area == ga.name:
                    passages[i] += 1.0 / rank
        passages = passages / passages.max() if passages.max() > 0 else passages
        evidence = []
        for i, ga in enumerate(model.goal_areas):
            found = words.get(ga.name, [])
            e = _Evidence(ga, found, float(relative[i]), float(passages[i]))
            e.score = 0.5 * min(named.get(ga.name, 0.0), 3) / 3 + 0.25 * e.meaning + 0.25 * e.passages
            evidence.append(e)
        evidence.sort(key=lambda e: -e.score)
        best = evidence[0].score
        chosen = [e for e in evidence if e.score >= self.keep_ratio * best][: self.max_areas]
        top_similarity = retrieval.top_dense_similarity
        floor = a.settings.scope_min_similarity_en if language == "en" else a.settings.scope_min_similarity_sv
        confident = bool(chosen[0].words) or (top_similarity >= floor + a.settings.mapper_extra_similarity and float(sims.max()) >= a.settings.mapper_min_profile_similarity)
        if not confident:
            chosen = chosen[:1]
        scored = [self._explain(e, description, vector, language, confident) for e in chosen]
        return MappingResult(goal_areas=scored, confident=confident)

    def _explain(self, e: _Evidence, description: str, vector, language: str, confident: bool) -> GoalAreaScore:
        a = self.a
        hits = a.searcher.search(description, k=4, language=language, filters=RetrievalFilters(goal_area=e.goal_area.name)).hits
        units = answer_units(description, vector, hits, a.sentences, top_chunks=3, max_units=2)
        citations = [citation_for(n, u.chunk, u.text) for n, u in enumerate(units, start=1)]
        statement = next((c for c in a.index.chunks.values() if c.goal_area == e.goal_area.name and e.goal_area.sdg_statement in c.text), None)
        if statement is not None and all(c.quote != e.goal_area.sdg_statement for c in citations):
            citations.append(citation_for(len(citations) + 1, statement, e.goal_area.sdg_statement))
        plan = any(h.chunk.kind == DocumentKind.action_plan for h in hits[:2])
        return GoalAreaScore(
            name=e.goal_area.name,
            main_area=e.goal_area.main_area,
            sdgs=list(e.goal_area.sdgs),
            score=round(e.score, 3),
            reason=_reason(e, language, confident, plan),
            citations=citations[:3],
        )


def _reason(e: _Evidence, language: str, confident: bool, plan: bool) -> str:
    words = ", ".join(f"”{w}”" if language == "sv" else f"“{w}”" for w in e.words[:3])
    if not confident:
        return (
            "Osäker koppling: beskrivningen liknar inget målområde tydligt; detta är bara det närmaste."
            if language == "sv"
            else "Uncertain: the description does not clearly match any goal area; this is only the closest."
        )
    if language == "sv":
        base = f"Beskrivningen tar upp {words}, som hör till målområdet" if words else "Beskrivningen liknar målområdets egen text"
        return base + (" och handlingsplanens aktiviteter där." if plan else ".")
    base = f"The description mentions {words}, which belong to this goal area" if words else "The description is close to the goal area's own text"
    return base + (", as do the action plan's activities there." if plan else ".")


def render_mapping(result: MappingResult, model, language: str) -> tuple[str, list[Citation]]:
    """The mapper's result as a chat answer, its citations renumbered in order."""
    from assistant.compose import sdg_list

    lines: list[str] = []
    citations: list[Citation] = []
    if not result.confident:
        lines.append(
            "Jag hittar ingen tydlig koppling mellan beskrivningen och programmets målområden. Det närmaste är:"
            if language == "sv"
            else "I find no clear link between the description and the programme's goal areas. The closest is:"
        )
    else:
        lines.append("Ditt arbete hör till dessa målområden, bäst först:" if language == "sv" else "Your work relates to these goal areas, best first:")
    for i, ga in enumerate(result.goal_areas, start=1):
        label = "Agenda 2030-mål" if language == "sv" else "SDGs"
        lines.append(f"**{i}. {ga.name}** ({ga.main_area}) · {label}: {sdg_list(model, ga.sdgs, language)} · {ga.score:.2f}\n{ga.reason}")
        for c in ga.citations:
            renumbered = c.model_copy(update={"n": len(citations) + 1})
            citations.append(renumbered)
            lines.append(quote_block(renumbered.quote, renumbered.n))
    return "\n\n".join(lines), citations
