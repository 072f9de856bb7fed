"""The answer chain: question -> (follow-up resolution) -> structured facts or hybrid retrieval ->
evidence check -> extractive (or generative, when configured) answer with verified citations.

Each stage is a LangChain runnable over one ``QuestionState``; retrieval goes through the LangChain retriever
``HybridRetriever``. ``Assistant`` builds the components, passing each its collaborators, and runs the chain."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field

import numpy as np
from langchain_core.runnables import RunnableBranch, RunnableLambda
from rapidfuzz import fuzz

from assistant.answer_types import cued_answer_type, evidence_holds, names_a_document
from assistant.claims import attributed_claim, claim_supported, promised
from assistant.compose import (
    SentenceEmbeddings,
    Unit,
    citation_for,
    lead_and_quote,
    quote_block,
    render_extractive,
    select_units,
)
from assistant.draft import TOPIC, DraftRequest, DraftWriter, about_instead, is_draft_request
from assistant.facts import SDG_TERMS, FactAnswer, StructuredFacts, sdg_numbers
from assistant.followups import FollowUpOperations, previous_quotes, quote_topic, words_held
from assistant.generate import GenerativeAnswerer, OpenAICompatibleBackend, render_generated
from assistant.known_answers import KnownAnswers
from assistant.mapper import GoalAreaMapper, MappingResult, is_work_description, render_mapping
from assistant.models import Answer, GoalAreaRef, Timings, Turn
from assistant.retrieval.filters import RetrievalFilters
from assistant.retrieval.rerank import CrossEncoderReranker
from assistant.retrieval.retrievers import HybridRetriever
from assistant.retrieval.searcher import HybridSearcher, RetrievalResult
from assistant.scope import ScopeDecision, ScopeGuard, unknown_acronyms
from assistant.selection import SelectionWeights, SentenceIndex, UnitSelector
from assistant.understanding.classifiers import (
    OPERATIONS,
    TASKS,
    TYPED_ANSWERS,
    Classifiers,
    ExampleVectors,
    QuestionReader,
    Reading,
    load_examples,
)
from assistant.understanding.conversation import (
    ResolvedQuestion,
    last_answered,
    last_question,
    resolve_follow_up,
    resolve_ordinal,
)
from assistant.understanding.diacritics import DiacriticRestorer
from assistant.understanding.glossary import Glossary
from assistant.understanding.goal_areas import GoalAreaResolver, answer_goal_areas
from assistant.understanding.instructions import gives_instruction
from assistant.understanding.language import Language, detect_language, follow_up_language, requested_language
from assistant.understanding.spelling import SpellingCorrector
from assistant.verify import Verification
from core.embedders import Embedder, build_embedder
from core.models import DocumentKind
from core.settings import Settings
from core.strings import message
from core.text import fold, strip_diacritics, tokenize
from core.text import words as words_of
from store.index_store import IndexStore
from store.loaded_index import LoadedIndex

log = logging.getLogger(__name__)

# Structured answers that also quote the passage retrieval finds best (e.g. "elva av de sjutton globala målen").
SUPPLEMENTED_INTENTS = {"count_sdgs", "list_goal_areas", "list_main_areas", "sdg_meaning"}
# Structured answers that list the programme's areas: a description of someone's work goes to the mapper instead.
LISTINGS = {"list_goal_areas", "list_main_areas"}


@dataclass
class QuestionState:
    question: str
    history: list[Turn] = field(default_factory=list)
    filters: RetrievalFilters | None = None
    started: float = field(default_factory=time.perf_counter)
    language: Language = "sv"
    language_override: Language | None = None  # "say it in English": the previous question, answered in English
    typed: str = ""  # the message as typed, when it is read with its diacritics put back
    reading: Reading | None = None
    keep_citations: bool = False  # a decline that still cites the nearest passage (answer-type check)
    resolved: ResolvedQuestion | None = None
    vector: np.ndarray | None = None
    fact: FactAnswer | None = None
    retrieval: RetrievalResult | None = None
    retrieval_ms: float = 0.0
    scope: ScopeDecision | None = None
    verification: Verification | None = None  # generative path: how each sentence fared
    stage_ms: dict[str, float] = field(default_factory=dict)
    answer: Answer | None = None  # set by the stage that decides the outcome


def _stage(name: str, fn):
    """A chain stage that records its own duration in the state."""

    def timed(state: QuestionState) -> QuestionState:
        t0 = time.perf_counter()
        result = fn(state)
        state.stage_ms[name] = (time.perf_counter() - t0) * 1000
        return result

    return RunnableLambda(timed, name=name)


HUB_TASKS = ("scope", "intent", "answer_type")  # their example texts are typical questions, for units' hubness


# a message's first clause, when more follows it ("berätta mer, det låter tunt", "på svenska? det ska in i …")
FIRST_CLAUSE = re.compile(r"^([^,.?!;:]{2,}?)\s*[,.?!;:]\s*\S")
# "utveckla, står det nåt mer om barn?": still more of the answer, on that
MORE_OF_IT = re.compile(r"\b(mer|mera|fler|more|else)\b", re.IGNORECASE)
CLAUSE_THEN_MORE = re.compile(r"^([^,.?!;:–]{2,}?)\s*[,.?!;:–]\s*\S")  # a dash ends the clause too


def asks_after(message_text: str) -> bool:
    """A short first clause, then a question of its own of three words or more ("utveckla, var kommer principerna
    ifrån?"): the request in the first clause is what the question answers."""
    text = message_text.strip()
    clause = CLAUSE_THEN_MORE.match(text)
    if clause is None or len(clause.group(1).split()) > 3 or not text.endswith("?"):
        return False
    rest = text[clause.end(1) :].strip(" ,.?!;:–")
    return len(rest.split()) >= 3 and not MORE_OF_IT.search(rest)


def _speller(settings: Settings, index: LoadedIndex) -> SpellingCorrector | None:
    """The spelling corrector over the documents' words and the classifiers' examples, when switched on."""
    if not settings.correct_spelling:
        return None
    examples = (e.text for task in TASKS for e in load_examples(task))
    return SpellingCorrector.from_texts((c.text for c in index.chunks.values()), examples)


def _restorer(settings: Settings, index: LoadedIndex) -> DiacriticRestorer | None:
    """Diacritics put back, in the policy documents' own spelling first (not that of unrelated documents)."""
    if not settings.restore_diacritics:
        return None
    policy = (c.text for c in index.chunks.values() if c.kind != DocumentKind.other)
    words = (w for text in policy for w in words_of(text)) if settings.restore_in_documents_spelling else ()
    return DiacriticRestorer(settings.diacritics_margin, documents_words=words)


class Assistant:
    def __init__(
        self,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
        backend=None,
        store: IndexStore | None = None,
        sentences: SentenceEmbeddings | None = None,
    ):
        """``sentences``: the previous generation's passage vectors of units, to reuse (a reload embeds only what
        changed)."""
        self.settings = settings = settings or Settings()
        self.embedder = embedder = embedder or build_embedder(settings)
        self.index = index = LoadedIndex.load(settings, embedder, store)
        reranker = CrossEncoderReranker(settings.reranker_path) if settings.reranker_path else None
        model = index.goal_model
        self.resolver = GoalAreaResolver(model, embedder) if model else None
        glossary = Glossary.packaged() if settings.glossary else None
        self.searcher = HybridSearcher(index, embedder, settings, reranker, self.resolver, glossary)
        self.retriever = HybridRetriever(searcher=self.searcher, k=settings.retrieval_k)
        facts = StructuredFacts(model, index.chunks, self.resolver, settings.uncovered_sdg_names) if model else None
        self.facts = facts if self.resolver else None
        if sentences is None or sentences.embedder is not embedder:
            sentences = SentenceEmbeddings(embedder)
        self.sentences = sentences
        self.sentences.seed(
            {c.indexed_text(): index.vectors[cid] for cid, c in index.chunks.items() if cid in index.vectors}
        )
        sdg_lines = frozenset(ga.sdg_statement for ga in model.goal_areas) if model else frozenset()
        typical = ExampleVectors(embedder, settings.cache_dir).get(
            [e.text for task in HUB_TASKS for e in load_examples(task)]
        )
        answers = KnownAnswers.packaged(embedder, settings.cache_dir)
        sentence_index = SentenceIndex(index.chunks, self.sentences, sdg_lines, questions=typical, answers=answers)
        self.selector = UnitSelector(
            sentence_index,
            SelectionWeights.packaged(),
            other_kind_penalty=settings.other_kind_penalty,
            glossary=glossary,
        )
        self.scope = ScopeGuard(embedder, index.chunks, settings)
        classifiers = Classifiers(embedder, settings.cache_dir)
        self.mapper = GoalAreaMapper(
            self.resolver, self.retriever, self.selector, index.chunks, settings, classifier=classifiers["work_area"]
        )
        if backend is None and settings.llm_base_url:
            backend = OpenAICompatibleBackend(settings)
        self.backend = backend
        self.generator = (
            GenerativeAnswerer(backend, embedder, self.sentences, settings) if backend is not None else None
        )
        self.drafts = DraftWriter(self.mapper, self.retriever, self.selector, index, self.resolver, backend)
        self.reader = QuestionReader(classifiers, embedder.embed_queries_array, settings.typed_by_clause)
        self.restorer = _restorer(settings, index)
        self.speller = _speller(settings, index)
        ops = (index.chunks, self.facts, self.resolver, self.sentences, self._score_quotes)
        self.followups = FollowUpOperations(*ops, settings.aim_only_whole_area, settings.quote_choices)
        self.chain = self._build_chain()

    def _build_chain(self):
        done = RunnableLambda(lambda s: s, name="done")
        return (
            _stage("prepare", self._prepare)
            | _stage("screen", self._screen)
            | RunnableBranch(
                (lambda s: s.answer is not None, done),
                _stage("structured_facts", self._structured_facts)
                | _stage("work_or_draft", self._work_or_draft)
                | RunnableBranch(
                    (lambda s: s.answer is not None, done),
                    _stage("retrieve", self._retrieve)
                    | _stage("answer_type", self._check_answer_type)
                    | _stage("check_evidence", self._check_evidence)
                    | _stage("compose", self._compose),
                ),
            )
            | RunnableLambda(self._finish, name="finish")
        )

    # -- public -----------------------------------------------------------------------------------
    def ask(self, question: str, history: list[Turn] | None = None, filters: RetrievalFilters | None = None) -> Answer:
        return self.run(question, history, filters).answer  # type: ignore[return-value]

    def answer_in_mode(
        self,
        question: str,
        mode: str = "answer",
        history: list[Turn] | None = None,
        filters: RetrievalFilters | None = None,
    ) -> Answer:
        """The chat's three modes: answer (Fråga), relate (Koppla mitt arbete), draft (Skrivstöd)."""
        if mode == "answer" or not question.strip():
            return self.ask(question, history=history, filters=filters)
        language = detect_language(question)
        if mode == "relate":
            return self.relate_answer(question, language, self.mapper.map(question, language))
        if mode == "draft":
            return self.draft_answer(question, language)
        raise ValueError(f"unknown mode {mode!r}")

    def relate_answer(self, question: str, language: str, mapping: MappingResult) -> Answer:
        text, citations = render_mapping(mapping, self.index.goal_model, language)
        if lead := self._goals_lead(question, language, mapping):
            text = f"{lead}\n\n{text}"
        refs = [GoalAreaRef.of(g) for g in mapping.goal_areas] if mapping.confident else []
        return Answer(
            question=question, answer=text, refused=False, language=language, citations=citations, goal_areas=refs
        )

    def _goals_lead(self, question: str, language: str, mapping: MappingResult) -> str | None:
        """A work description that asks for its global goals ("jobbar som socialsekreterare, vilka globala mål berör
        mitt jobb?") is answered first with its first goal area's goals, then related to the areas as usual."""
        if not self.settings.relate_goals_lead or self.facts is None or not mapping.confident or not mapping.goal_areas:
            return None
        if not SDG_TERMS.search(strip_diacritics(question)):
            return None
        area = self.index.goal_model.goal_area(mapping.goal_areas[0].name) if self.index.goal_model else None
        return self.facts.goal_area_sdgs_line(area, language) if area is not None else None

    def draft_answer(self, question: str, language: str) -> Answer:
        drafted = self.drafts.draft(DraftRequest.parse(question, language))
        refs = [GoalAreaRef.of(g) for g in drafted.goal_areas]
        return Answer(
            question=question,
            answer=drafted.markdown,
            refused=False,
            language=language,
            citations=drafted.citations,
            goal_areas=refs,
        )

    def run(
        self,
        question: str,
        history: list[Turn] | None = None,
        filters: RetrievalFilters | None = None,
        language: Language | None = None,
    ) -> QuestionState:
        """The whole state of one question (stage timings, scope decision, verification), for evaluation;
        ``language`` answers in that language whatever the question's."""
        state = QuestionState(
            question=question, history=list(history or []), filters=filters, language_override=language
        )
        self.chain.invoke(state)
        return state

    def retrieve(self, query: str, filters: RetrievalFilters | None = None) -> RetrievalResult:
        """Hybrid retrieval through the LangChain retriever, back as hits with their scores. The keyword weight goes
        by the language of the query's text (English text weighs keywords less), not of the answer asked for."""
        return self.retriever.results(query, detect_language(query), filters)

    # -- stages -----------------------------------------------------------------------------------
    def _refuse(self, state: QuestionState, text: str) -> QuestionState:
        state.answer = Answer(question=state.question, answer=text, refused=True, language=state.language)
        return state

    def _prepare(self, state: QuestionState) -> QuestionState:
        question = state.question.strip()
        state.language = state.language_override or self._language(question, state.history)
        if not question:
            return self._refuse(state, message("empty", state.language))
        if len(question) > self.settings.max_question_chars:
            too_long = message("too_long", state.language, length=len(question), limit=self.settings.max_question_chars)
            return self._refuse(state, too_long)
        read_as = self._as_meant(question)
        if read_as != question:
            state.typed, state.question, question = state.question, read_as, read_as
        vector = self.embedder.embed_queries_array([question])[0]
        state.reading = reading = self.reader.read(question, vector)
        what_about = reading.intent == "what_about" and reading.intent_p >= self.settings.operation_min_p
        meant = resolve_ordinal(question, state.history)  # "the second one" -> the item of the previous list
        state.resolved = resolve_follow_up(
            meant, state.history, self.resolver, force=what_about, corpus_words=self.selector.index.ready().known
        )
        same = state.resolved.query == question
        state.vector = vector if same else self.embedder.embed_queries_array([state.resolved.query])[0]
        return state

    def _as_meant(self, question: str) -> str:
        """The message as its writer meant it: Swedish typed without diacritics with them put back ("hur manga
        hemlosa" -> "hur många hemlösa"), misspelt words corrected ("på sevnska" -> "på svenska")."""
        language = detect_language(question)
        if self.restorer is not None and language == "sv":
            question = self.restorer.restore(question)
        return self.speller.correct(question, language) if self.speller is not None else question

    @staticmethod
    def _language(question: str, history: list[Turn]) -> Language:
        if requested := requested_language(question):
            return requested
        if not history:
            return detect_language(question)
        return follow_up_language(question, detect_language(history[-1].question))

    def _screen(self, state: QuestionState) -> QuestionState:
        """Decline what reads as an instruction to the assistant; carry out an operation on the previous answer."""
        reading = state.reading
        if state.answer is not None or reading is None:
            return state
        if self._reads_as_injection(reading):
            log.info("declined: reads as an injection (p=%.2f)", reading.injection_p)
            return self._refuse(state, message("refusal", state.language))
        claim = self.facts is not None and self.facts.contradicts(state.question)
        if claim and reading.injection_p >= self.settings.injection_claim_min_p:
            log.info(
                "declined: an instruction to state what the goal-area model contradicts (p=%.2f)", reading.injection_p
            )
            return self._refuse(state, message("refusal", state.language))
        if reading.injection_p >= self.settings.injection_cued_min_p and gives_instruction(state.question):
            log.info("declined: an instruction to the assistant in so many words (p=%.2f)", reading.injection_p)
            return self._refuse(state, message("refusal", state.language))
        if self._puts_words_in_its_mouth(state, reading):
            log.info("declined: an instruction to attribute to the programme what it does not say")
            return self._refuse(state, message("refusal", state.language))
        # "and which goal area covers SDG 13?" names its own goal: the structured facts answer it, not the operation
        own_goal = reading.intent == "which_goals" and bool(sdg_numbers(state.question))
        operation = reading.is_operation() and reading.intent_p >= self.settings.operation_min_p and not own_goal
        if operation and reading.intent == "more" and asks_after(state.question):
            operation = False  # "utveckla, var kommer principerna ifrån?": a question of its own
        if state.history and operation:
            state.answer = self._operation(state, reading.intent)
        elif state.history and not own_goal and (asked := self._operation_in_first_clause(state.question)):
            state.answer = self._operation(state, asked)
        return state

    def _reads_as_injection(self, reading: Reading) -> bool:
        """The whole message reads as an instruction to the assistant, or one of its clauses does, more surely
        (a sincere description's clause "Vilken del av programmet hör mitt jobb till?" reads up to 0.76)."""
        s = self.settings
        clause_min_p = max(s.injection_min_p, s.injection_clause_min_p)
        return reading.injection_whole_p >= s.injection_min_p or reading.injection_p >= clause_min_p

    def _operation_in_first_clause(self, question: str) -> str | None:
        """An operation said first, then commented on ("berätta mer, det låter lite tunt än så länge", "och på
        svenska? ska in i en broschyr …"): the short first clause read on its own; not when a question follows it
        ("berätta mer, vilka ska vara med?" asks that)."""
        clause = FIRST_CLAUSE.match(question.strip())
        if not self.settings.first_clause_operation or clause is None or len(clause.group(1).split()) > 5:
            return None
        if question.strip().endswith("?") and not question.strip()[: clause.end(1) + 1].endswith("?"):
            return None
        text = clause.group(1)
        intent, p = self.reader.classifiers["intent"].predict(text, self.embedder.embed_queries_array([text])[0])
        operation = intent in OPERATIONS and intent != "what_about" and p >= self.settings.operation_min_p
        return intent if operation else None

    def _puts_words_in_its_mouth(self, state: QuestionState, reading: Reading) -> bool:
        """The message tells the assistant to write or pretend that the programme says something its documents do
        not hold (assistant/claims.py), and reads as an instruction surely enough (a promise less surely)."""
        s = self.settings
        min_p = s.injection_promise_min_p if promised(state.question) else s.injection_attributed_min_p
        if reading.injection_p < min_p:
            return False
        claim = attributed_claim(state.question)
        return claim is not None and not claim_supported(claim, (c.text for c in self.index.chunks.values()))

    def _operation(self, state: QuestionState, operation: str) -> Answer | None:
        last, language = last_answered(state.history), state.language
        if operation == "quote" and (topic := quote_topic(state.question)):
            about = self._quote_about(state, topic, last)  # "ge mig citatet om diskriminering": a quote on that topic
            if about is not None:
                return about
        if operation in ("quote", "shorter"):
            asked = self._with_question_answered(state.history, last)
            return self.followups.quote(state.question, asked, language, shorter=operation == "shorter")
        if operation in ("english", "swedish"):
            at = self._before_translations(state.history, state.history.index(last))
            again = self.run(
                state.history[at].question, state.history[:at], state.filters, "en" if operation == "english" else "sv"
            )
            state.language = again.language
            return again.answer.model_copy(update={"question": state.question}) if again.answer else None
        if operation == "more":
            return self._more(state, self._with_question_answered(state.history, last))
        if operation == "which_goals":
            fact = self.followups.which_goals(state.question, last, language)
            if fact is not None:
                return Answer(
                    question=state.question,
                    answer=fact.text,
                    refused=False,
                    language=language,
                    goal_areas=fact.goal_areas,
                    citations=fact.citations,
                )
        return None

    def _with_question_answered(self, history: list[Turn], last: Turn) -> Turn:
        """``last`` with the question its answer answers: after "på svenska?" or "berätta mer" (operations on the
        answer before), the question before them, so a quote or "kortare" is ranked for what was asked."""
        at = i = history.index(last)
        while i > 0 and self._reads_as_operation(history[i].question):
            i -= 1
        return last if i == at else last.model_copy(update={"question": history[i].question})

    def _before_translations(self, history: list[Turn], at: int) -> int:
        """The turn a translation works on: before "english pls" and "på svenska?" themselves (each would answer in
        its own language when run again), so "ok, och på svenska?" after "in English" gives the first answer in
        Swedish."""
        while at > 0 and self._reads_as_operation(history[at].question, ("english", "swedish")):
            at -= 1
        return at

    def _reads_as_operation(self, text: str, kinds: tuple[str, ...] = ()) -> bool:
        """An operation on the answer before it; not "och trygghet då?", which asks a question of its own."""
        vector = self.embedder.embed_queries_array([text])[0]
        intent, p = self.reader.classifiers["intent"].predict(text, vector)
        wanted = intent in kinds if kinds else intent in OPERATIONS and intent != "what_about"
        return wanted and p >= self.settings.operation_min_p

    def _score_quotes(self, question: str, quotes: list[str]) -> list[float | None]:
        """The selector's score of each quote as an answer to ``question`` (for the quote and shorter operations)."""
        vector = self.embedder.embed_queries_array([question])[0]
        hits = self.retrieve(question).hits
        return self.selector.score_texts(question, vector, hits, quotes)

    def _quote_about(self, state: QuestionState, topic: str, last: Turn) -> Answer | None:
        """A quote on a topic ("citera vad det står om kvalitet"): from the previous answer's goal area when it had one
        and speaks of the topic there, else from all the documents."""
        vector = self.embedder.embed_queries_array([topic])[0]
        hits = self.retrieve(topic, state.filters).hits
        areas = self.followups.areas_of(last) or (
            [GoalAreaRef.of(ga) for ga in state.resolved.carried] if state.resolved else []
        )
        best: list = []
        statements = self.followups.statements  # a line listing SDG numbers is no quote on a topic

        wanted = set(tokenize(topic))

        def first_on_topic(filters: RetrievalFilters | None) -> list[Unit]:
            units = self.selector.select(topic, vector, hits, max_units=3, filters=filters)
            units = [u for u in units if u.text not in statements]
            # of the best three, the one in the topic's own words ("om kulturen som verktyg": "… kulturen som ett
            # verktyg …"), else the best
            return sorted(units, key=lambda u: -words_held(wanted, tokenize(u.text)))[:1]

        if areas and not (state.filters and state.filters.goal_area):
            best = first_on_topic((state.filters or RetrievalFilters()).model_copy(update={"goal_area": areas[0].name}))
        best = best or first_on_topic(state.filters)
        if not best:
            return None
        text, citation = lead_and_quote(message("op_quote_intro", state.language), best[0].chunk, best[0].text)
        if all(a.name != best[0].chunk.goal_area for a in areas):
            areas = []  # the quote came from elsewhere: no area of the previous answer heads it
        return Answer(
            question=state.question,
            answer=text,
            refused=False,
            language=state.language,
            citations=[citation],
            goal_areas=areas,
        )

    def _more(self, state: QuestionState, last: Turn) -> Answer | None:
        """'Tell me more': the previous answer's core quote, then the passages that best answer the previous question
        after those already quoted ('tell me more about the last one': about that item of the previous answer's
        list; 'mer om värdegrunden': about that)."""
        assert state.resolved is not None
        # "mer om genomförandet då": more on that topic; "tell me more", "more about them": more on the last question
        resolved = state.resolved.question if state.resolved.question != state.question else None  # "the last one"
        about = resolved or quote_topic(state.question) or last.question
        vector = self.embedder.embed_queries_array([about])[0]
        hits = self.retrieve(about, state.filters).hits
        quoted = set(previous_quotes(last.answer))
        fresh = [u for u in self.selector.scored(about, vector, hits, state.filters) if u.text not in quoted]
        # more of the same sections first: "tell me more" goes on where the previous answer quoted
        sections = {tuple(c.section_path) for c in self.index.chunks.values() if any(q in c.text for q in quoted)}
        same = [u for u in fresh if tuple(u.chunk.section_path) in sections]
        units = select_units(same or fresh, max_units=3, max_chars=900, keep_ratio=0.0)
        if not units:
            return None
        core = self._core_unit(last) if self.settings.more_keeps_core else None
        if core is not None:  # the answer's core first, then what follows it in the text, then what else is new
            after = self._following(core, quoted) if self.settings.more_follows_core else []
            units = [core, *after, *[u for u in units if all(u.text != a.text for a in after)]][:4]
        return self._extractive(state.question, units, self.followups.areas_of(last), state.language)

    def _following(self, unit: Unit, quoted: set[str], most: int = 3) -> list[Unit]:
        """The sentences after ``unit`` in its chunk that were not quoted yet: where the text goes on about it."""
        ix = self.selector.index.ready()
        found = []
        for position in range(unit.position + 1, unit.position + 1 + most):
            row = ix.position.get((unit.chunk.chunk_id, position))
            if row is None:
                break
            u = ix.units[row]
            if u.text not in quoted and u.text not in self.followups.statements:
                found.append(Unit(u.chunk, u.text, u.position, 1, 0.5))
        return found

    def _core_unit(self, last: Turn) -> Unit | None:
        """The previous answer's quote that best answered its question, as a unit of the sentence index: "utveckla"
        elaborates on it, so the longer answer stands on its own."""
        for quote in self.followups.best_first(previous_quotes(last.answer), last):
            if quote not in self.followups.statements and (unit := self._indexed_unit(quote)) is not None:
                return unit
        return None

    def _indexed_unit(self, text: str | None) -> Unit | None:
        """The sentence index's unit of ``text``, ranked first (a quote put first by rule: an area's aim, an answer's
        core)."""
        ix = self.selector.index.ready()
        row = ix.row_of_text.get(text) if text else None
        if row is None:
            return None
        found = ix.units[row]
        return Unit(found.chunk, found.text, found.position, 1, 1.0)

    def _extractive(self, question: str, units, areas: list[GoalAreaRef], language: str, asked: str = "") -> Answer:
        """An extractive answer of ``units`` (``asked``: the question as understood, for the direct answer line)."""
        text, citations = render_extractive(units, self.index.goal_model, areas, language, asked)
        return Answer(
            question=question, answer=text, refused=False, language=language, goal_areas=areas, citations=citations
        )

    def _structured_facts(self, state: QuestionState) -> QuestionState:
        if self.facts is None or state.filters is not None:
            return state
        assert state.resolved is not None
        fact = self.facts.answer(state.resolved.question, state.language, state.resolved.carried)
        if fact is None or (fact.intent in LISTINGS and self._reads_as_work(state)):
            return state  # "I coach job seekers – which goal areas fit?" asks for the mapper, not the list
        state.fact = fact
        if fact.intent in SUPPLEMENTED_INTENTS:
            self._supplement(state, fact)
        state.answer = Answer(
            question=state.question,
            answer=fact.text,
            refused=fact.declined,
            language=state.language,
            goal_areas=fact.goal_areas,
            citations=fact.citations,
        )
        state.keep_citations = fact.declined  # a decline still shows where the programme names its goals
        return state

    def _reads_as_work(self, state: QuestionState) -> bool:
        reading, question = state.reading, state.resolved.question if state.resolved else state.question
        if reading is None:
            return False
        if reading.intent == "work" and reading.intent_p >= self.settings.work_min_p:
            return True
        return self._worded_as_work(question, reading)  # as _work_or_draft reads it

    def _worded_as_work(self, question: str, reading: Reading | None) -> bool:
        """Worded as a description of someone's work ("jag är …", "vi driver …"), unless the classifier reads it as a
        drafting request or, surely enough, as a question ("Jag är ny här – vad menas med värdegrund?")."""
        if reading is not None and reading.intent == "draft":
            return False
        if (
            reading is not None
            and reading.intent == "question"
            and reading.intent_p >= self.settings.work_cue_max_question_p
        ):
            return False
        return is_work_description(question)

    def _typed_first(self, reading: Reading | None, intent_p: float) -> bool:
        """The message reads more as a question for a figure, an amount, a name … than as the intent the classifier
        found ("hur mkt pengar kan man söka för ett trygghetsprojekt?" is not a drafting request): it goes on to
        retrieval and the answer-type check instead of the drafter or the mapper."""
        return (
            reading is not None
            and reading.answer_type in TYPED_ANSWERS
            and reading.answer_type_p >= self.settings.typed_answer_min_p
            and reading.answer_type_p > intent_p
        )

    def _work_or_draft(self, state: QuestionState) -> QuestionState:
        """A drafting request gets a draft or fact sheet; a description of someone's work gets the goal-area
        mapper's result (when it is confident; otherwise the question goes on to retrieval and the scope check)."""
        if state.answer is not None or state.filters is not None or self.index.goal_model is None:
            return state
        assert state.resolved is not None
        question, reading, s = state.resolved.question, state.reading, self.settings
        intent, p = (reading.intent, reading.intent_p) if reading else ("question", 0.0)
        on_topic = reading is None or reading.out_of_scope_p < s.draft_max_out_of_scope_p
        read_as = intent in ("draft", "work") and p >= (s.draft_min_p if intent == "draft" else s.work_min_p)
        read_as = read_as and not self._typed_first(reading, p)
        if on_topic and ((read_as and intent == "draft") or (is_draft_request(question) and intent != "work")):
            state.answer = self.draft_answer(self._draft_request(state, question), state.language)
        elif (
            (reading is None or reading.out_of_scope_p < s.work_max_out_of_scope_p)
            and ((read_as and intent == "work") or self._worded_as_work(question, reading))
            and not self._asks_about_content(question)
        ):
            # the work as typed: the goal-area words match it folded when it has no diacritics at all, and a word left
            # unrestored would be missed in a text that has some (dev relate 0.848 -> 0.852); the classifier and the
            # passages read it restored
            typed = state.typed if state.typed and question == state.question else None
            if s.map_restored:
                mapping = self.mapper.map(question, state.language, typed=typed)
            else:
                mapping = self.mapper.map(typed or question, state.language)
            if mapping.confident or (read_as and intent == "work") or self._surely_unrelated(mapping):
                # work the classifier reads as unrelated is told so (the closest area shown as only that)
                state.answer = self.relate_answer(question, state.language, mapping)
        if state.answer is not None:
            state.answer.question = state.question
        return state

    def _surely_unrelated(self, mapping: MappingResult) -> bool:
        """Work worded as such ("vi skannar … på stadsarkivet, vilket målområde tillhör det?") that the work-area
        classifier reads as unrelated more likely than not: told so, not answered from the nearest passage."""
        unrelated = mapping.unrelated_p
        return unrelated is not None and unrelated >= self.settings.unsure_work_min_unrelated_p

    def _asks_about_content(self, question: str) -> bool:
        """A description of one's work that ends in a question about the programme's content ("… Står det något
        specifikt om barn?"), not about how the work relates ("… hur hänger det ihop med programmet?"): the tail
        classifier (``data/examples/tail.jsonl``) reads the trailing question."""
        tail = last_question(question)
        if not tail or len(tail) >= len(question.strip()) - 15:  # no description before it
            return False
        vector = self.embedder.embed_queries_array([tail])[0]
        return (
            self.reader.classifiers["tail"].probabilities(tail, vector).get("content", 0.0)
            >= self.settings.content_tail_min_p
        )

    @staticmethod
    def _draft_request(state: QuestionState, question: str) -> str:
        """A writing request as meant: in a conversation, "skriv en text om det" is about what was answered before
        (its goal area when it had one, else the topic its question named, else that question)."""
        if not state.history:
            return question
        last = last_answered(state.history)
        named = TOPIC.search(last.question.strip())
        if len(last.goal_areas) == 1:
            topic = last.goal_areas[0]
        else:
            topic = named.group(1).strip(" ?!.") if named else last.question.strip(" ?!.")
        return about_instead(question, topic, state.language)

    def _supplement(self, state: QuestionState, fact: FactAnswer) -> None:
        """Add the passage that best answers the question in the programme's own words, when not yet quoted."""
        assert state.resolved is not None and state.vector is not None
        t0 = time.perf_counter()
        hits = self.retrieve(state.resolved.query).hits
        state.retrieval_ms = (time.perf_counter() - t0) * 1000
        best = self.selector.select(state.resolved.query, state.vector, hits, max_units=1, filters=state.filters)
        if best and all(c.quote != best[0].text for c in fact.citations):
            citation = citation_for(len(fact.citations) + 1, best[0].chunk, best[0].text)
            fact.citations.append(citation)
            fact.text += "\n\n" + quote_block(best[0].text, citation.n)

    def _retrieve(self, state: QuestionState) -> QuestionState:
        assert state.resolved is not None and state.vector is not None
        t0 = time.perf_counter()
        state.retrieval = self.retrieve(state.resolved.query, state.filters)
        state.retrieval_ms = (time.perf_counter() - t0) * 1000
        return state

    def _check_answer_type(self, state: QuestionState) -> QuestionState:
        """A question for a figure, a name, a date … is declined when the evidence holds no such thing, citing the
        nearest passage (assistant/answer_types.py)."""
        reading = state.reading
        assert state.retrieval is not None and state.resolved is not None and state.vector is not None
        if reading is None or not state.retrieval.hits:
            return state
        asked_for = cued_answer_type(state.question) if self.settings.typed_cues else None
        if asked_for is None:
            if reading.answer_type not in TYPED_ANSWERS:
                return state
            if reading.answer_type_p < self._typed_min_p(reading, state.question):
                return state
            asked_for = reading.answer_type
        if evidence_holds(asked_for, state.question, state.retrieval.hits):
            return state
        nearest = self.selector.select(
            state.resolved.query, state.vector, state.retrieval.hits, max_units=1, filters=state.filters
        )
        best = nearest[0].chunk if nearest else None  # the best sentence's chunk is evidence too (the contact line)
        if evidence_holds(asked_for, state.question, state.retrieval.hits, best):
            return state
        log.info("declined: asks for %s, which the evidence does not hold", asked_for)
        what = message(f"answer_type_{asked_for}", state.language)
        text, citations = message("typed_decline", state.language, what=what), []
        if nearest:
            text, citation = lead_and_quote(text, nearest[0].chunk, nearest[0].text)
            citations = [citation]
        state.answer = Answer(
            question=state.question, answer=text, refused=True, language=state.language, citations=citations
        )
        state.keep_citations = True
        return state

    def _typed_min_p(self, reading: Reading, question: str) -> float:
        """How sure the reading must be to check the evidence: less sure for another law's wording when the message
        names a law or document ("vad säger barnkonventionens artikel 12 exakt?"), which the check then looks for."""
        if reading.answer_type == "other_law" and names_a_document(question):
            return self.settings.typed_law_named_min_p
        return self.settings.typed_answer_min_p

    def _check_evidence(self, state: QuestionState) -> QuestionState:
        """Decline when the evidence says the documents do not answer the question (assistant/scope.py)."""
        if state.answer is not None:
            return state
        assert state.retrieval is not None and state.resolved is not None and state.vector is not None
        named = bool(self.resolver and self.resolver.by_name(state.resolved.query))
        # the similarity floors are per language of the question's text, which an answer asked for in the other
        # language ("på svenska" after an English question, "a press lead in Swedish") does not change
        asked_in = detect_language(state.resolved.question)
        decision = self.scope.assess(
            state.resolved.question, state.vector, state.retrieval.top_dense_similarity, asked_in, named
        )
        state.scope = decision
        if not decision.in_scope and state.history and not state.resolved.is_follow_up:
            leaned = self._lean_on_history(state, named)
            if leaned is not None:  # the question is now the follow-up as resolved
                decision, asked_in = leaned, detect_language(state.resolved.question)
        decision = self._like_a_known_question(state, self._weigh_reading(state, decision, asked_in))
        if not state.retrieval.hits or not decision.in_scope:
            log.info("declined: %s", decision.reason)
            return self._refuse(state, message("refusal", state.language))
        return state

    def _weigh_reading(self, state: QuestionState, decision: ScopeDecision, asked_in: Language) -> ScopeDecision:
        """The scope classifier declines what reads as out of scope, and rescues a sincere question that falls only
        just below the similarity floor (colloquial, sceptical, very short); ``asked_in``: the language of the
        question's text, whose floor applies."""
        reading, s = state.reading, self.settings
        if reading is None:
            return decision
        contrast_only = not decision.in_scope and decision.reason.startswith("closer to an out-of-scope")
        if contrast_only and reading.out_of_scope_p < s.contrast_min_out_of_scope_p:
            return ScopeDecision(
                True,
                f"like an out-of-scope example, but reads as in scope (p={1 - reading.out_of_scope_p:.2f})",
                decision.top_similarity,
                decision.out_of_scope_similarity,
            )
        floor = s.scope_min_similarity_en if asked_in == "en" else s.scope_min_similarity_sv
        weak = decision.top_similarity < floor + s.classifier_decline_margin
        if decision.in_scope and weak and reading.out_of_scope_p >= s.out_of_scope_min_p:
            return ScopeDecision(
                False,
                f"reads as out of scope (p={reading.out_of_scope_p:.2f})",
                decision.top_similarity,
                decision.out_of_scope_similarity,
            )
        below_floor_only = not decision.in_scope and decision.reason.startswith("best passage similarity")
        # a rescue is for a sincere question in everyday words, not one on a term the policy documents lack ("vad är
        # LVU?")
        unknown = unknown_acronyms(state.question, self.scope.policy_vocabulary)
        if below_floor_only and reading.out_of_scope_p <= s.rescue_max_out_of_scope_p and not unknown:
            if decision.top_similarity >= floor - s.rescue_margin:
                return ScopeDecision(
                    True,
                    f"reads as in scope (p={1 - reading.out_of_scope_p:.2f})",
                    decision.top_similarity,
                    decision.out_of_scope_similarity,
                )
        return decision

    def _like_a_known_question(self, state: QuestionState, decision: ScopeDecision) -> ScopeDecision:
        """A question declined for scope is answered after all when it reads almost the same as a known answered
        question (``known_scope_min_similarity``): "blir det nån uppföljning alls?" beside "hur följs programmet
        upp?"."""
        answers = self.selector.index.answers
        if decision.in_scope or answers is None or not answers.examples or state.vector is None:
            return decision
        closest = float(answers.similarities(state.vector).max())
        if closest < self.settings.known_scope_min_similarity:
            return decision
        reason = f"reads like a known answered question ({closest:.2f})"
        return ScopeDecision(True, reason, decision.top_similarity, decision.out_of_scope_similarity)

    def _lean_on_history(self, state: QuestionState, named: bool) -> ScopeDecision | None:
        """Without evidence on its own, a question in a conversation may lean on what came before."""
        assert state.resolved is not None
        retry = resolve_follow_up(state.resolved.question, state.history, self.resolver, force=True)
        vector = self.embedder.embed_queries_array([retry.query])[0]
        result = self.retrieve(retry.query, state.filters)
        again = self.scope.assess(
            retry.question, vector, result.top_dense_similarity, detect_language(retry.question), named
        )
        if not again.in_scope:
            return None
        state.resolved, state.vector, state.retrieval, state.scope = retry, vector, result, again
        return again

    def _goal_areas(self, state: QuestionState, cited: list[str]) -> list[GoalAreaRef]:
        assert state.resolved is not None and state.vector is not None
        return answer_goal_areas(self.resolver, state.resolved.question, state.vector, state.resolved.carried, cited)

    def _compose(self, state: QuestionState) -> QuestionState:
        if state.answer is not None:
            return state
        assert state.retrieval is not None and state.vector is not None and state.resolved is not None
        hits = state.retrieval.hits
        if self.generator is not None:
            generated, state.verification = self.generator.answer(state.resolved.question, hits, state.language)
            if generated is not None:
                goal_areas = self._goal_areas(state, generated.cited_goal_areas)
                state.answer = render_generated(
                    generated, hits, self.index.goal_model, goal_areas, state.question, state.language
                )
                return state
        filters = self._topic_filters(state)
        units = self.selector.select(state.resolved.query, state.vector, hits, filters=filters)
        if filters is not None and filters.goal_area and filters is not state.filters:
            units = self._with_aim(units, filters.goal_area, quote_topic(state.resolved.question) or "")
        units = self._with_goals_asked_before(state, units)
        goal_areas = self._goal_areas(state, list(dict.fromkeys(u.chunk.goal_area for u in units if u.chunk.goal_area)))
        state.answer = self._extractive(state.question, units, goal_areas, state.language, state.resolved.question)
        return state

    def _with_aim(self, units: list[Unit], area: str, topic: str) -> list[Unit]:
        """An answer on a goal area as its topic holds what the area aims at (``FollowUpOperations.aims``), first, in
        place of the answer's weakest quote when it has four; not an answer on one subject within it ("om kultur")."""
        whole = self.resolver.names_whole_area(topic) if self.resolver else None
        if self.settings.aim_only_whole_area and (whole is None or whole.name != area):
            return units
        aim = self._indexed_unit(self.followups.aims.get(area))
        if aim is None or any(aim.text in u.text for u in units):
            return units
        kept = sorted(units, key=lambda u: -u.score)[:3] if len(units) >= 4 else units
        return [aim, *[u for u in units if u in kept]]

    def _with_goals_asked_before(self, state: QuestionState, units: list[Unit]) -> list[Unit]:
        """ "och trygghet då?" right after "vilka globala mål hör till det?" asks both ways at once: the programme's
        sentence on the named area's goals comes first, then what it says on the area."""
        assert state.resolved is not None
        if not self.settings.what_about_goals or self.facts is None or self.resolver is None or not state.history:
            return units
        if not state.resolved.is_follow_up or state.resolved.question == state.question:
            return units  # not "och X då?" naming a goal area, written out in the previous question's form
        asked_before = SDG_TERMS.search(strip_diacritics(last_answered(state.history).question))
        named = self.resolver.by_name(state.question)
        if not asked_before or not named or SDG_TERMS.search(strip_diacritics(state.resolved.question)):
            return units
        unit = self.facts.statement_unit(named[0].goal_area)
        indexed = self._indexed_unit(unit.text) if unit is not None else None
        if indexed is None or any(indexed.text in u.text for u in units):
            return units
        return [indexed, *units[:3]]

    def _topic_filters(self, state: QuestionState) -> RetrievalFilters | None:
        """A question on a topic that names a goal area ("vad säger programmet om arbete?") is answered from that
        area's passages, when the best of them scores nearly as well as the best of all (``topic_area_margin``):
        "säger grundlagstexten något om demokrati?" keeps the constitution's sentence, which scores far better."""
        assert state.resolved is not None and state.vector is not None and state.retrieval is not None
        margin, topic = self.settings.topic_area_margin, quote_topic(state.resolved.question)
        if not self.settings.topic_area or not topic or not self.resolver:
            return state.filters
        if len(topic.split()) > 3 and not self._an_area_in_full(topic):  # "om trygghet och levande kommundelar"
            return state.filters
        if state.filters is not None and state.filters.goal_area:
            return state.filters
        named = self.resolver.by_name(topic)
        if not named:
            return state.filters
        area = (state.filters or RetrievalFilters()).model_copy(update={"goal_area": named[0].goal_area.name})
        question, vector, hits = state.resolved.query, state.vector, state.retrieval.hits
        best = self.selector.top_score(question, vector, hits, state.filters)
        return area if self.selector.top_score(question, vector, hits, area) >= best - margin else state.filters

    def _an_area_in_full(self, topic: str) -> bool:
        """The topic is a goal area's whole name, however typed ("trygghet och levande kommundelar")."""
        assert self.resolver is not None
        folded = fold(topic)
        return any(fuzz.ratio(folded, fold(ga.name)) >= 85 for ga in self.resolver.model.goal_areas)

    def _finish(self, state: QuestionState) -> Answer:
        assert state.answer is not None
        total = round((time.perf_counter() - state.started) * 1000, 2)
        state.answer.timings_ms = Timings(retrieval=round(state.retrieval_ms, 2), total=total)
        if state.typed:  # the answer is to the message as the user typed it
            state.answer.question = state.typed
        if state.answer.refused:
            state.answer.goal_areas = []
            if not state.keep_citations:
                state.answer.citations = []
        return state.answer
