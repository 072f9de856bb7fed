"""Operations on the previous answer of a conversation: give a quote from it, say it shorter, and name the goals
of the goal areas it concerned. (Saying it again in English or Swedish re-runs the chain: ``assistant/chain.py``.)

They work from what a client sends back as history (the previous answer's text and goal areas), so the chat,
the API's ``history`` and ``/v1/chat/completions`` behave alike: a quoted line of the previous answer is found
again, verbatim, in the index and cited."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.compose import SentenceEmbeddings, citation_for, quote_block
from assistant.facts import FactAnswer, StructuredFacts
from assistant.mapper import aim_paragraph, statement_chunk
from assistant.models import Answer, GoalAreaRef, Turn
from assistant.understanding.conversation import is_relate_answer
from assistant.understanding.goal_areas import GoalAreaResolver
from core.models import Chunk
from core.strings import message
from core.text import split_sentences

BOTH = re.compile(r"\b(båda|bägge|both|tillsammans|together|sammanlagt|combined)\b", re.IGNORECASE)
QUOTE_LINE = re.compile(r"^>\s?(.*)$", re.MULTILINE)
MARKER = re.compile(r"\s*\[\d{1,2}\]\s*$")
SOURCE_AFTER = re.compile(r"”\s+—\s+[^”\n]*$")  # a fact sheet's quote: ”…” — Programme, section, p. 5 [1]


def previous_quotes(answer_text: str) -> list[str]:
    """The quoted passages of an answer (Markdown blockquotes), markers removed, in order."""
    blocks, current = [], []
    for line in answer_text.splitlines():
        match = QUOTE_LINE.match(line)
        if match:
            current.append(match.group(1))
            if MARKER.search(match.group(1)):
                blocks.append(MARKER.sub("", "\n".join(current)).strip())
                current = []
        elif current:
            blocks.append("\n".join(current).strip())
            current = []
    return [SOURCE_AFTER.sub("", b).strip('”“"') for b in blocks if b]


QUOTE_TOPIC = re.compile(r"\b(?:om|kring|angående|about|on|regarding)\s+(.{3,}?)[\s?.!]*$", re.IGNORECASE)
# where a topic ends: its clause ("om kulturen som verktyg, ska citera det i en folder",
# or "om utbildningen som jag kan klistra in i en text")
TOPIC_END = re.compile(
    r"[,;:]|\s+(?:så\s+(?:att|jag|vi)|för\s+att|som\s+(?:jag|vi|man|du)|so\s+(?:that|i|we)|(?:that|which)\s+(?:i|we))\s+",
    re.IGNORECASE,
)
POINTING = re.compile(r"^(det|den|detta|denna|dessa|dem|that|it|this|these|those|them)$", re.IGNORECASE)


def quote_topic(question: str) -> str | None:
    """What a quote request names as its topic ("ge mig citatet om diskriminering" -> "diskriminering"); none when
    it points back ("citera det", "a quote about that")."""
    found = QUOTE_TOPIC.search(question.strip())
    topic = TOPIC_END.split(found.group(1))[0].strip(" ?.!") if found else ""
    words = topic.split()
    if not words or (POINTING.match(words[0]) and len(words) <= 2):
        return None
    return topic


def words_held(wanted: set[str], tokens: list[str]) -> int:
    """How many of the ``wanted`` stems a text's tokens hold, also as the start of a compound ("utbildning" in
    "utbildningsnivåer")."""
    return sum(any(t == w or (len(w) >= 4 and t.startswith(w)) for t in tokens) for w in wanted)


# a sentence that states what the city will do or aims at (to find a goal area's aim in its opening paragraph)
INTENTION = re.compile(r"\b(?:ska|skall|strävar|eftersträvar|arbetar vi för|målsättning)\b", re.IGNORECASE)
SMALL_NUMBER = re.compile(r"(?<![\d.])\d{1,2}(?![\d.])")


def supported_lead(answer: str, quote: str) -> str | None:
    """The answer's opening statement ("Målområdet *X* omfattar Agenda 2030-målen 5 (…), 10 (…) …"), when every
    number it states is in ``quote`` too; not a header, an intro ending in ":", a list or a line with markers."""
    lead = answer.strip().split("\n\n")[0].strip()
    if not lead or lead.startswith(("**", ">", "#", "-")) or lead.endswith(":") or "[" in lead or "\n" in lead:
        return None
    numbers = set(SMALL_NUMBER.findall(lead))
    return lead if numbers and numbers <= set(SMALL_NUMBER.findall(quote)) else None


class FollowUpOperations:
    def __init__(
        self,
        chunks: dict[str, Chunk],
        facts: StructuredFacts | None,
        resolver: GoalAreaResolver | None,
        embeddings: SentenceEmbeddings | None = None,
        ranker: Callable[[str, list[str]], list[float | None]] | None = None,
        aim_only_whole_area: bool = True,
        quotes: int = 1,
        sentence_first: bool = True,
    ):
        """``ranker``: the sentence selector's score of each quote as an answer to a question (None for a text
        it does not hold); without it, quotes are ranked by closeness in meaning to the previous question."""
        self.chunks = chunks
        self.facts = facts
        self.resolver = resolver
        self.embeddings = embeddings
        self.ranker = ranker
        self.aim_only_whole_area = aim_only_whole_area
        self.quotes = quotes  # how many quotes "ge ett citat" gives: the best, and runners-up to choose from
        self.sentence_first = sentence_first
        self.statements = {ga.sdg_statement for ga in resolver.model.goal_areas} if resolver else set()
        self.aims = self._aims()

    def _aims(self) -> dict[str, str]:
        """Each goal area's aim: the first sentence of the paragraph after its SDG line that states an intention
        ("Vi ska ge förutsättningar för en god hälsa …"; for housing "Västerås stad ska planera för …", not the
        problem it opens with), else the paragraph's first sentence."""
        aims: dict[str, str] = {}
        for ga in self.resolver.model.goal_areas if self.resolver else []:
            chunk = statement_chunk(self.chunks.values(), ga)
            paragraph = aim_paragraph(chunk, ga.sdg_statement) if chunk is not None else None
            if paragraph:
                sentences = [s.strip() for s in split_sentences(paragraph)] or [paragraph.strip()]
                aims[ga.name] = next((s for s in sentences if INTENTION.search(s)), sentences[0])
        return aims

    def best_first(self, quotes: list[str], last: Turn) -> list[str]:
        """The previous answer's quotes, those the sentence selector scores best as answers to the previous question
        first (the quote that answered it), then the rest by closeness in meaning; a line that only lists SDG
        numbers comes last (the answer names them anyway). Dev: ranking the goal area's quotes first, as before,
        made no difference once the selector ranks them (pass 0.800 either way)."""
        closeness = dict(zip(quotes, self._closeness(quotes, last.question)))
        scores = dict(zip(quotes, self.ranker(last.question, quotes) if self.ranker else [None] * len(quotes)))

        # a relate answer ranks its goal areas: a quote on its first area is the one meant
        ranked = is_relate_answer(last.answer)
        first = last.goal_areas[0] if ranked and last.goal_areas else None

        # after an answer about goals ("Målområdet X omfattar Agenda 2030-målen 5, …"), the line that names them is
        # the quote meant; otherwise it comes last (the answer's header names them anyway)
        goals = any(supported_lead(last.answer, q) for q in quotes if q in self.statements)

        aim = self.aim_of(last) if not goals else None  # when quoted, the quote meant

        def key(q: str) -> tuple:
            score = scores[q]
            chunk = self._chunk_holding(q) if first else None
            elsewhere = first is not None and (chunk is None or chunk.goal_area != first)
            last_of_all = (q in self.statements) != goals
            not_aim = aim is None or aim not in q
            return (last_of_all, elsewhere, not_aim, score is None, -(closeness[q] if score is None else score))

        return sorted(quotes, key=key)

    def aim_of(self, last: Turn) -> str | None:
        """The aim of the goal area an answer was on: a relate answer's first, or the one area its question took as a
        whole for its topic ("om hälsa", not "om kultur": a quote on culture is a sentence on culture)."""
        ranked = is_relate_answer(last.answer)
        area = last.goal_areas[0] if last.goal_areas and (ranked or len(last.goal_areas) == 1) else None
        if area and not ranked and self.resolver is not None and self.aim_only_whole_area:
            whole = self.resolver.names_whole_area(quote_topic(last.question) or last.question)
            area = area if whole is not None and whole.name == area else None
        return self.aims.get(area) if area else None

    def _closeness(self, quotes: list[str], question: str) -> list[float]:
        if self.embeddings is None or not quotes:
            return [0.0] * len(quotes)
        vector = self.embeddings.embedder.embed_queries_array([question])[0]
        return [float(x) for x in self.embeddings.get(quotes) @ vector]

    def _chunk_holding(self, quote: str) -> Chunk | None:
        return next((c for c in self.chunks.values() if quote in c.text), None)

    def quote(self, question: str, last: Turn, language: str, shorter: bool = False) -> Answer | None:
        """The previous answer's first verifiable quote, from its goal area when it has one, and the runner-up to
        choose from (``quotes``); with ``shorter``: of all the quotes' sentences, the one that answers best, alone."""
        found: list[tuple[Chunk, str]] = []
        quotes = previous_quotes(last.answer)
        if shorter and self.sentence_first:  # the sentences of all quotes, the one that answers best first
            quotes = list(dict.fromkeys(s.strip() for q in quotes for s in split_sentences(q) if s.strip()))
        for quote in self.best_first(quotes, last):
            if shorter:  # the first sentence (a lead-in ending in ":" keeps its list: one sentence)
                quote = next(iter(split_sentences(quote)), quote).strip()
            chunk = self._chunk_holding(quote)
            if chunk is not None and (not found or quote not in self.statements):
                found.append((chunk, quote))
            if len(found) >= (1 if shorter else self.quotes):
                break
        if not found:
            return None
        kept = supported_lead(last.answer, found[0][1]) if shorter else None  # "kortare" keeps the direct answer
        intro = "op_shorter_intro" if shorter else "op_quote_intro" if len(found) == 1 else "op_quotes_intro"
        citations = [citation_for(n, chunk, quote) for n, (chunk, quote) in enumerate(found, 1)]
        text = "\n\n".join([kept or message(intro, language), *(quote_block(c.quote, c.n) for c in citations)])
        areas = self.areas_of(last)  # the quote still concerns the goal areas of the answer it came from
        return Answer(
            question=question, answer=text, refused=False, language=language, citations=citations, goal_areas=areas
        )

    def areas_of(self, last: Turn) -> list[GoalAreaRef]:
        """The goal areas the previous answer concerned, as the client sent them back."""
        if self.resolver is None:
            return []
        model = self.resolver.model
        return [GoalAreaRef.of(ga) for name in last.goal_areas if (ga := model.goal_area(name)) is not None]

    def which_goals(self, question: str, last: Turn, language: str) -> FactAnswer | None:
        """The SDGs of the goal areas the question names ("en annan sak: vilka mål hör till utbildningsområdet?"),
        else of those the previous answer concerned (or that its question named)."""
        if self.facts is None or self.resolver is None:
            return None
        model = self.resolver.model
        named = [m.goal_area for m in self.resolver.by_name(question)]
        if named:
            return self.facts.sdgs_of(named, language, together=True)
        areas = [ga for name in last.goal_areas if (ga := model.goal_area(name)) is not None]
        if not areas:
            areas = [m.goal_area for m in self.resolver.by_name(last.question)][:1]
        if not areas:  # the answer concerned the programme as a whole (its words may name an area in passing)
            return self.facts.sdgs_of(list(model.goal_areas), language, together=True)
        # several areas: the goals they cover together first, unless the areas were ranked (a relate answer: its
        # first area is the one meant)
        ranked = is_relate_answer(last.answer)
        if ranked and BOTH.search(question):  # "vilka globala mål blir det för båda?": the first two, together
            return self.facts.sdgs_of(areas[:2], language, together=True)
        return self.facts.sdgs_of(areas, language, together=not ranked) if areas else None
