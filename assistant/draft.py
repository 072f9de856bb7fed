"""Writing support for communicators: a topic, audience and length become a fact sheet ready to paste
(default) or, with a generative backend, a draft whose quotes are checked verbatim against the source and
whose goal-area SDG numbers are checked against the goal-area model (wrong numbers are corrected)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from assistant.compose import answer_units, citation_for, sdg_list
from assistant.mapper import GoalAreaMapper, GoalAreaScore
from assistant.models import Citation
from assistant.retrieval.searcher import RetrievalFilters
from core.models import DocumentKind
from core.text import split_sentences

DRAFT_INTENT = re.compile(  # the noun may end a compound: "intranätstext", "projektansökan"
    r"\b(skriv|formulera|författa|ta fram|gör)\b[^?]{0,60}(text|stycke|inlägg|pressmeddelande|utkast|ansökan|mejl|notis|"
    r"affisch|sammanfattning|ingress|meningar)"
    r"|\b(write|draft|compose|prepare)\b[^?]{0,60}(text|paragraph|post|press release|draft|application|e-?mail|summary|blurb|"
    r"notice|poster|sentences|intro)",
    re.IGNORECASE,
)
WORDS = re.compile(r"(\d{2,4})\s*(ord|words)\b", re.IGNORECASE)
AUDIENCES = [
    (re.compile(r"intranät|intranet", re.I), ("intranätet", "the intranet")),
    (re.compile(r"pressmeddelande|press release", re.I), ("ett pressmeddelande", "a press release")),
    (re.compile(r"ansökan|application|grant", re.I), ("en ansökan", "an application")),
    (re.compile(r"rapport|report", re.I), ("en rapport", "a report")),
    (re.compile(r"nyanställd|new staff|new employees", re.I), ("nyanställda", "new staff")),
    (re.compile(r"affisch|poster", re.I), ("en affisch", "a poster")),
]
QUOTED = re.compile(r"[”“\"«]([^”“\"«»]{8,}?)[”“\"»]")
SDG_LIST = re.compile(r"\b(mål(?:en)?|SDGs?|goals?)\s+((?:\d{1,2}(?:\s*,\s*|\s+och\s+|\s+and\s+)?)+)", re.IGNORECASE)


def is_draft_request(text: str) -> bool:
    return bool(DRAFT_INTENT.search(text))


class DraftResult(BaseModel):
    markdown: str
    generated: bool
    goal_areas: list[GoalAreaScore] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    corrections: list[str] = Field(default_factory=list, description="What the checks changed in a generated draft.")

    def contract(self) -> dict:
        return self.model_dump(mode="json")


@dataclass
class DraftRequest:
    topic: str
    language: str
    audience: str | None = None
    words: int | None = None
    notes: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str, language: str, audience: str | None = None, words: int | None = None) -> "DraftRequest":
        if words is None and (m := WORDS.search(text)):
            words = int(m.group(1))
        if audience is None:
            audience = next((names[0 if language == "sv" else 1] for rx, names in AUDIENCES if rx.search(text)), None)
        return cls(topic=text.strip(), language=language, audience=audience, words=words)


class DraftWriter:
    def __init__(self, assistant):
        self.a = assistant
        self.mapper = GoalAreaMapper(assistant)

    def draft(self, request: DraftRequest) -> DraftResult:
        a = self.a
        mapping = self.mapper.map(request.topic, request.language)
        areas = mapping.goal_areas if mapping.confident else []
        vector = a.embedder.embed_queries_array([request.topic])[0]
        citations: list[Citation] = []

        def cite(chunk, text: str) -> Citation:
            existing = next((c for c in citations if c.quote == text and c.chunk_id == chunk.chunk_id), None)
            if existing:
                return existing
            citations.append(citation_for(len(citations) + 1, chunk, text))
            return citations[-1]

        quotes: list[Citation] = []
        statements = {ga.sdg_statement for ga in (a.index.goal_model.goal_areas if a.index.goal_model else [])}
        for ga in areas[:2]:  # the goal area's SDG line is already in the sheet's goal-area list
            hits = a.searcher.search(request.topic, k=4, language=request.language, filters=RetrievalFilters(goal_area=ga.name)).hits
            units = answer_units(request.topic, vector, hits, a.sentences, max_units=3)
            quotes += [cite(u.chunk, u.text) for u in [u for u in units if u.text not in statements][:2]]
        if not quotes:
            hits = a.searcher.search(request.topic, language=request.language).hits
            quotes += [cite(u.chunk, u.text) for u in answer_units(request.topic, vector, hits, a.sentences, max_units=2)]
        vision = self._vision(cite)
        if a.backend is not None:
            generated = self._generate(request, areas, quotes, vision)
            if generated is not None:
                text, corrections = generated
                return DraftResult(markdown=text, generated=True, goal_areas=areas, citations=citations, corrections=corrections)
        return DraftResult(markdown=self._fact_sheet(request, areas, quotes, vision), generated=False, goal_areas=areas, citations=citations)

    # -- pieces -----------------------------------------------------------------------------------
    def _programme(self):
        docs = [d for d in self.a.index.state.documents.values() if d.kind == DocumentKind.programme]
        return docs[0] if docs else None

    def _vision(self, cite) -> Citation | None:
        """The programme's målbild: the first sentence of the section whose heading names it."""
        for chunk in self.a.index.chunks.values():
            if chunk.kind == DocumentKind.programme and chunk.section_path and chunk.section_path[-1].casefold().startswith("målbild"):
                first = split_sentences(chunk.text.split("\n\n")[0])[0]
                return cite(chunk, first)
        return None

    def _fact_sheet(self, request: DraftRequest, areas: list[GoalAreaScore], quotes: list[Citation], vision: Citation | None) -> str:
        model = self.a.index.goal_model
        sv = request.language == "sv"
        doc = self._programme()
        title = doc.title if doc else "Program för social hållbarhet"
        adopted = f", antaget {doc.year}" if doc and doc.year and sv else (f", adopted {doc.year}" if doc and doc.year else "")
        lines = [f"## {'Faktaunderlag' if sv else 'Fact sheet'}: {request.topic}", ""]
        target = []
        if request.audience:
            target.append(f"för {request.audience}" if sv else f"for {request.audience}")
        if request.words:
            target.append(f"cirka {request.words} ord" if sv else f"about {request.words} words")
        lines.append(
            (f"*Underlag {', '.join(target)}. " if sv else f"*Material {', '.join(target)}. ") if target else "*"
        )
        lines[-1] += (
            f"Citaten är ordagranna ur {title} (Västerås stad{adopted}); ändra inte i dem.*"
            if sv
            else f"Quotes are verbatim from {title} (Västerås stad{adopted}), in Swedish; do not edit them.*"
        )
        lines += ["", f"### {'Målområden och globala mål' if sv else 'Goal areas and SDGs'}", ""]
        if areas and model:
            for ga in areas:
                lines.append(f"- **{ga.name}** ({'huvudområde' if sv else 'main area'}: {ga.main_area}) · Agenda 2030: {sdg_list(model, ga.sdgs, request.language)}")
        else:
            lines.append("- " + ("Ämnet hör inte tydligt till något målområde." if sv else "The topic belongs to no goal area clearly."))
        lines += ["", f"### {'Citat att använda' if sv else 'Quotes to use'}", ""]
        for c in quotes:
            lines.append(f"> ”{c.quote}” — {c.document}, {c.section.split(' > ')[-1]}, s. {c.page} [{c.n}]")
            lines.append("")
        lines += [f"### {'Programmets namn och målbild' if sv else 'The programme’s name and vision'}", ""]
        lines.append(f"- {'Namn' if sv else 'Name'}: *{title}* (Västerås stad{adopted})")
        if vision:
            lines.append(f"- {'Målbild' if sv else 'Vision'}: ”{vision.quote}” [{vision.n}]")
        lines += ["", f"### {'Förslag på formuleringar (citat markerade med citattecken)' if sv else 'Suggested phrasings (quotes marked)'}", ""]
        if areas and model:
            ga = areas[0]
            numbers = ", ".join(map(str, ga.sdgs))
            lines.append(
                f"- Arbetet bidrar till målområdet *{ga.name}* i Västerås stads {title.lower()}, som är kopplat till de globala målen {numbers} i Agenda 2030."
                if sv
                else f"- The work contributes to the goal area *{ga.name}* of Västerås stad's {title}, linked to SDGs {numbers} of Agenda 2030."
            )
        for c in quotes[:2]:
            lines.append(f"- {'I programmet står det att' if sv else 'The programme states that'} ”{c.quote}” [{c.n}]")
        return "\n".join(lines).strip() + "\n"

    def _generate(self, request: DraftRequest, areas: list[GoalAreaScore], quotes: list[Citation], vision: Citation | None):
        from assistant.generate import verify_draft

        sv = request.language == "sv"
        model = self.a.index.goal_model
        facts = "\n".join(f"- {ga.name}: Agenda 2030-mål {', '.join(map(str, ga.sdgs))}" for ga in areas)
        passages = "\n".join(f"[{c.n}] {c.quote}" for c in quotes + ([vision] if vision else []))
        words = request.words or 120
        system = (
            f"Du skriver texter för Västerås stad. Skriv på {'svenska' if sv else 'engelska'}, cirka {words} ord"
            + (f", för {request.audience}" if request.audience else "")
            + ". Använd bara fakta nedan. Citera ordagrant inom ”” och sätt [n] efter citatet. Ändra aldrig målnummer."
        )
        human = f"Ämne: {request.topic}\n\nMålområden:\n{facts or '-'}\n\nCitat:\n{passages}"
        try:
            raw = self.a.backend.generate([("system", system), ("human", human)])
        except Exception:
            return None
        sources = [c.quote for c in quotes + ([vision] if vision else [])]
        text, corrections = verify_draft(raw, sources, model, self.a.resolver, len(quotes) + (1 if vision else 0))
        return (text, corrections) if text.strip() else None
