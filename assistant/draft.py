"""Writing support for communicators: a topic, audience and length become a fact sheet ready to paste
(default) or, with a generative backend, a draft whose quotes are checked verbatim against the source and
whose goal-area SDG numbers are checked against the goal-area model (wrong numbers are corrected)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from assistant.attribution import verbatim_note
from assistant.compose import citation_for, sdg_list
from assistant.mapper import GoalAreaMapper, GoalAreaScore
from assistant.models import Citation
from assistant.retrieval.filters import RetrievalFilters
from assistant.retrieval.retrievers import SearcherRetriever
from assistant.selection import UnitSelector
from assistant.understanding.goal_areas import GoalAreaResolver
from assistant.verify import verify_draft
from core.citations import document_label, source_line
from core.models import Chunk, DocumentKind
from core.strings import message
from core.text import split_sentences
from store.loaded_index import LoadedIndex

DRAFT_INTENT = re.compile(  # the noun may end a compound: "intranätstext", "projektansökan"
    r"\b(skriva?|formulera|författa|ta fram|gör)\b[^?]{0,60}"
    r"(text|stycke|inlägg|pressmeddelande|utkast|ansökan|mejl|notis|"
    r"affisch|sammanfattning|ingress|meningar|annons)"
    r"|\b(write|draft|compose|prepare)\b[^?]{0,60}"
    r"(text|paragraph|post|press release|draft|application|e-?mail|summary|blurb|"
    r"notice|poster|sentences|intro|ad\b)",
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
    (
        re.compile(r"(?:plats|jobb|rekryterings)annons\w*|job\s+(?:ad|advert\w*|posting)s?\b", re.I),
        ("en platsannons", "a job ad"),
    ),
]


def without_genre(text: str) -> str:
    """A writing request without its genre and audience words, so that they do not steer its goal area ("a job ad
    for a housing strategist" is about housing, not employment)."""
    for pattern, _ in AUDIENCES:
        text = pattern.sub(" ", text)
    return " ".join(text.split())


# a text that presents the programme itself ("en intranätnotis som presenterar programmet för nyanställda", "a post
# about the social sustainability programme"), not one of its goal areas: the mapper's area for its words
# ("nyanställda" -> employment) is no area of the text
ABOUT_THE_PROGRAMME = re.compile(
    r"\b(?:presentera\w*|introducera\w*|beskriv\w*|sammanfatta\w*|om|kring|about|introduc\w+|present\w*|summar\w+"
    r")\s+(?:hela\s+|vårt\s+|det\s+|stadens\s+|the\s+|our\s+|the\s+city's\s+|västerås\s+)?"
    r"(?:programmet|program(?:me)?\s+för\s+social\s+hållbarhet|(?:social\s+sustainability\s+)?program(?:me)?)\b",
    re.IGNORECASE,
)
PURPOSE = re.compile(r"syftet\s+med\s+(?:programmet|detta\s+program)\b", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?](?:\s+|$)")
TOPIC = re.compile(r"\b(?:om|kring|angående|about|on|regarding)\s+(.{4,})$", re.IGNORECASE | re.DOTALL)


def topic_of(request: str) -> str:
    """What a writing request is about ("… en kort text för nyanställda om stadens värdegrund" -> "stadens
    värdegrund"), so that the genre and audience words do not steer which passages are chosen."""
    found = TOPIC.search(request.strip())
    if not found:
        return request
    # up to the end of its sentence: "om barns rättigheter nästa vecka. Kan du skriva …" -> "barns rättigheter …"
    return SENTENCE_END.split(found.group(1), maxsplit=1)[0].strip() or found.group(1)


POINTING_TOPIC = re.compile(
    r"\b(?:om|kring|angående|about|on|regarding)\s+(det|den|detta|denna|dessa|dem|that|it|this|these|those|them)\b",
    re.IGNORECASE,
)


def about_instead(request: str, topic: str, language: str) -> str:
    """A writing request in a conversation, with the topic it points back to written in: "skriv en text till
    intranätet om det" -> "… om demokrati"; one without a topic ("skriv ett inlägg") gets it added. A request that
    names its own topic is returned as it is."""
    request = request.strip()
    if pointing := POINTING_TOPIC.search(request):
        return request[: pointing.start(1)] + topic + request[pointing.end(1) :]
    if TOPIC.search(request):
        return request
    return f"{request.rstrip(' .!?')} {'om' if language == 'sv' else 'about'} {topic}"


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
    def parse(cls, text: str, language: str, audience: str | None = None, words: int | None = None) -> DraftRequest:
        if words is None and (m := WORDS.search(text)):
            words = int(m.group(1))
        if audience is None:
            audience = next((names[0 if language == "sv" else 1] for rx, names in AUDIENCES if rx.search(text)), None)
        return cls(topic=text.strip(), language=language, audience=audience, words=words)


class _Citations:
    """The draft's citations, numbered in order of first use; a quote cited twice keeps its number."""

    def __init__(self) -> None:
        self.items: list[Citation] = []

    def cite(self, chunk: Chunk, text: str) -> Citation:
        existing = next((c for c in self.items if c.quote == text and c.chunk_id == chunk.chunk_id), None)
        if existing:
            return existing
        self.items.append(citation_for(len(self.items) + 1, chunk, text))
        return self.items[-1]


class DraftWriter:
    def __init__(
        self,
        mapper: GoalAreaMapper,
        retriever: SearcherRetriever,
        selector: UnitSelector,
        index: LoadedIndex,
        resolver: GoalAreaResolver | None,
        backend=None,
    ):
        self.mapper = mapper
        self.retriever = retriever
        self.selector = selector
        self.index = index
        self.resolver = resolver
        self.backend = backend

    def draft(self, request: DraftRequest) -> DraftResult:
        areas = [] if self._about_the_programme(request.topic) else self._mapped_areas(request)
        citations = _Citations()
        quotes = self._quotes(request, areas, citations)
        framing = self._framing(citations)
        if self.backend is not None:
            generated = self._generate(request, areas, quotes, framing)
            if generated is not None:
                text, corrections = generated
                return DraftResult(
                    markdown=text, generated=True, goal_areas=areas, citations=citations.items, corrections=corrections
                )
        sheet = self._fact_sheet(request, areas, quotes, framing)
        return DraftResult(markdown=sheet, generated=False, goal_areas=areas, citations=citations.items)

    # -- pieces -----------------------------------------------------------------------------------
    def _mapped_areas(self, request: DraftRequest) -> list[GoalAreaScore]:
        mapping = self.mapper.map(without_genre(request.topic), request.language)
        return mapping.goal_areas if mapping.confident else []

    def _about_the_programme(self, topic: str) -> bool:
        """The text presents the programme as a whole: it says so, and names no goal area in its words."""
        return bool(ABOUT_THE_PROGRAMME.search(topic)) and not (self.resolver and self.resolver.by_name(topic))

    def _quotes(self, request: DraftRequest, areas: list[GoalAreaScore], citations: _Citations) -> list[Citation]:
        """The corpus's passages that best fit the topic, then from each of the first two goal areas what it is
        about (its opening paragraph, as the mapper quotes it) and up to two passages nearest the topic."""
        topic, language = topic_of(request.topic), request.language
        vector = self.selector.index.embeddings.embedder.embed_queries_array([topic])[0]
        model = self.index.goal_model
        statements = {ga.sdg_statement for ga in (model.goal_areas if model else [])}
        hits = self.retriever.results(topic, language).hits
        best = self.selector.select(topic, vector, hits, max_units=3)
        chosen = [(u.chunk, u.text) for u in best if u.text not in statements]
        for ga in areas[:2]:  # the goal area's SDG line is already in the sheet's goal-area list
            aim = ga.citations[0] if ga.citations and ga.citations[0].quote not in statements else None
            if aim is not None and all(aim.quote not in text for _, text in chosen):
                chosen.append((self.index.chunks[aim.chunk_id], aim.quote))
            area = RetrievalFilters(goal_area=ga.name)
            hits = self.retriever.results(topic, language, filters=area, k=4).hits
            units = self.selector.select(topic, vector, hits, max_units=4, keep_ratio=0.0, max_chars=1200, filters=area)
            fresh = [u for u in units if u.text not in statements and all(u.text not in t for _, t in chosen)]
            chosen += [(u.chunk, u.text) for u in fresh[:2]]
        return [citations.cite(chunk, text) for chunk, text in chosen]

    def _framing(self, citations: _Citations) -> list[tuple[str, Citation]]:
        """What frames any text on the programme: its purpose and its målbild, each with its label."""
        found = [("draft_purpose", self._purpose(citations)), ("draft_vision", self._vision(citations))]
        return [(label, c) for label, c in found if c is not None]

    def _purpose(self, citations: _Citations) -> Citation | None:
        """The programme's purpose: its sentence that begins "Syftet med programmet …"."""
        for chunk in self.index.chunks.values():
            if chunk.kind != DocumentKind.programme:
                continue
            for sentence in split_sentences(chunk.text):
                if PURPOSE.match(sentence.strip()):
                    return citations.cite(chunk, sentence.strip())
        return None

    def _vision(self, citations: _Citations) -> Citation | None:
        """The programme's målbild: the first sentence of the section whose heading names it."""
        for chunk in self.index.chunks.values():
            if (
                chunk.kind == DocumentKind.programme
                and chunk.section_path
                and chunk.section_path[-1].casefold().startswith("målbild")
            ):
                first = split_sentences(chunk.text.split("\n\n")[0])[0]
                return citations.cite(chunk, first)
        return None

    def _fact_sheet(
        self,
        request: DraftRequest,
        areas: list[GoalAreaScore],
        quotes: list[Citation],
        framing: list[tuple[str, Citation]],
    ) -> str:
        language = request.language
        doc = self.index.programme_document()
        title = doc.title if doc else "Program för social hållbarhet"
        adopted = message("draft_adopted", language, year=doc.year) if doc and doc.year else ""
        note = verbatim_note([*quotes, *(c for _, c in framing)], title, adopted, language)
        lines = [f"## {message('draft_title', language)}: {request.topic}", "", _sheet_note(request, note)]
        lines += ["", f"### {message('draft_goal_areas', language)}", ""]
        lines += _goal_area_lines(self.index.goal_model, areas, language)
        lines += ["", f"### {message('draft_quotes', language)}", ""]
        for c in quotes:
            document = document_label(c.document, c.document_kind, c.document_year, language)
            quoted = f"”{c.quote}” — {source_line(document, c.section, c.page, language)} [{c.n}]"
            lines += ["\n".join(f"> {line}" for line in quoted.split("\n")), ""]  # a list quoted line by line
        lines += [f"### {message('draft_name_vision', language)}", ""]
        lines.append(f"- {message('draft_name', language)}: *{title}* (Västerås stad{adopted})")
        lines += [f"- {message(label, language)}: ”{c.quote}” [{c.n}]" for label, c in framing]
        lines += ["", f"### {message('draft_phrasings', language)}", ""]
        if areas and self.index.goal_model:
            ga = areas[0]
            sdgs = ", ".join(map(str, ga.sdgs))
            lines.append(
                "- "
                + message(
                    "draft_contributes", language, name=ga.name, title=title, title_lower=title.lower(), sdgs=sdgs
                )
            )
        for c in quotes[:2]:
            lines.append(f"- {message('draft_states', language)} ”{c.quote}” [{c.n}]")
        return "\n".join(lines).strip() + "\n"

    def _generate(
        self,
        request: DraftRequest,
        areas: list[GoalAreaScore],
        quotes: list[Citation],
        framing: list[tuple[str, Citation]],
    ):
        sv = request.language == "sv"
        facts = "\n".join(f"- {ga.name}: Agenda 2030-mål {', '.join(map(str, ga.sdgs))}" for ga in areas)
        sources = quotes + [c for _, c in framing]
        passages = "\n".join(f"[{c.n}] {c.quote}" for c in sources)
        words = request.words or 120
        system = (
            f"Du skriver texter för Västerås stad. Skriv på {'svenska' if sv else 'engelska'}, cirka {words} ord"
            + (f", för {request.audience}" if request.audience else "")
            + ". Använd bara fakta nedan. Citera ordagrant inom ”” och sätt [n] efter citatet. Ändra aldrig målnummer."
        )
        human = f"Ämne: {request.topic}\n\nMålområden:\n{facts or '-'}\n\nCitat:\n{passages}"
        try:
            raw = self.backend.generate([("system", system), ("human", human)])
        except Exception:
            return None
        text, corrections = verify_draft(
            raw, [c.quote for c in sources], self.index.goal_model, self.resolver, len(sources)
        )
        return (text, corrections) if text.strip() else None


def _sheet_note(request: DraftRequest, verbatim: str) -> str:
    """The italic note under the sheet's title: for whom, how long, and that the quotes are verbatim."""
    language = request.language
    target = []
    if request.audience:
        target.append(message("draft_for", language, audience=request.audience))
    if request.words:
        target.append(message("draft_words", language, words=request.words))
    lead = message("draft_material", language, target=", ".join(target)) if target else ""
    return f"*{lead}{verbatim}*"


def _goal_area_lines(model, areas: list[GoalAreaScore], language: str) -> list[str]:
    if not (areas and model):
        return ["- " + message("draft_no_area", language)]
    label = message("label_main_area", language)
    return [
        f"- **{ga.name}** ({label}: {ga.main_area}) · Agenda 2030: {sdg_list(model, ga.sdgs, language)}" for ga in areas
    ]
