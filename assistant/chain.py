"""The answer chain: question -> (follow-up resolution) -> structured facts or hybrid retrieval ->
evidence check -> extractive (or generative, when configured) answer with verified citations.

Each stage is a LangChain runnable over one ``QuestionState``; ``Assistant.ask`` runs the chain."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from langchain_core.runnables import RunnableBranch, RunnableLambda

from assistant.compose import SentenceEmbeddings, answer_units, citation_for, quote_block, render_extractive
from assistant.understanding.conversation import ResolvedQuestion, resolve_follow_up
from assistant.draft import DraftRequest, DraftWriter, is_draft_request
from assistant.facts import FactAnswer, StructuredFacts
from assistant.understanding.goal_areas import GoalAreaResolver, ref
from assistant.understanding.language import Language, detect_language
from assistant.mapper import GoalAreaMapper, is_work_description, render_mapping
from core.strings import message
from assistant.models import Answer, GoalAreaRef, Timings, Turn
from assistant.retrieval.searcher import CrossEncoderReranker, HybridSearcher, LoadedIndex, RetrievalFilters, RetrievalResult
from assistant.scope import ScopeDecision, ScopeGuard
from core.embedders import Embedder, build_embedder
from store.index_store import IndexStore
from core.settings import Settings

if TYPE_CHECKING:
    from assistant.generate import Verification

log = logging.getLogger(__name__)


def _refs(areas) -> list[GoalAreaRef]:
    return [GoalAreaRef(name=g.name, main_area=g.main_area, sdgs=list(g.sdgs)) for g in areas]


# Structured answers that also quote the passage retrieval finds best (e.g. "elva av de sjutton globala målen").
SUPPLEMENTED_INTENTS = {"count_sdgs", "list_goal_areas", "list_main_areas", "sdg_meaning"}


@dataclass
class QuestionState:
    question: str
    history: list[Turn] = field(default_factory=list)
    filters: RetrievalFilters | None = None
    started: float = field(default_factory=time.perf_counter)
    language: Language = "sv"
    resolved: ResolvedQuestion | None = None
    vector: np.ndarray | None = None
    fact: FactAnswer | None = None
    retrieval: RetrievalResult | None = None
    retrieval_ms: float = 0.0
    scope: ScopeDecision | None = None
    verification: "Verification | None" = None  # generative path: how each sentence fared
    stage_ms: dict[str, float] = field(default_factory=dict)
    answer: Answer | None = None  # set by the stage that decides the outcome


class Assistant:
    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None, backend=None,
                 store: IndexStore | None = None):
        self.settings = settings or Settings()
        self.embedder = embedder or build_embedder(self.settings)
        self.index = LoadedIndex.load(self.settings, self.embedder, store)
        reranker = CrossEncoderReranker(self.settings.reranker_path) if self.settings.reranker_path else None
        model = self.index.goal_model
        self.resolver = GoalAreaResolver(model, self.embedder) if model else None
        self.searcher = HybridSearcher(self.index, self.embedder, self.settings, reranker, self.resolver)
        self.facts = StructuredFacts(model, self.index.chunks, self.resolver) if model and self.resolver else None
        self.sentences = SentenceEmbeddings(self.embedder)
        self.scope = ScopeGuard(self.embedder, self.index.chunks, self.settings)
        self.mapper = GoalAreaMapper(self)
        self.drafts = DraftWriter(self)
        if backend is None and self.settings.llm_base_url:
            from assistant.generate import OpenAICompatibleBackend

            backend = OpenAICompatibleBackend(self.settings)
        self.backend = backend
        done = RunnableLambda(lambda s: s, name="done")
        self.chain = (
            self._stage("prepare", self._prepare)
            | RunnableBranch(
                (lambda s: s.answer is not None, done),
                self._stage("structured_facts", self._structured_facts)
                | self._stage("work_or_draft", self._work_or_draft)
                | RunnableBranch(
                    (lambda s: s.answer is not None, done),
                    self._stage("retrieve", self._retrieve)
                    | self._stage("check_evidence", self._check_evidence)
                    | self._stage("compose", self._compose),
                ),
            )
            | RunnableLambda(self._finish, name="finish")
        )

    @staticmethod
    def _stage(name: str, fn):
        """A chain stage that records its own duration in the state."""

        def timed(state: QuestionState) -> QuestionState:
            t0 = time.perf_counter()
            result = fn(state)
            state.stage_ms[name] = (time.perf_counter() - t0) * 1000
            return result

        return RunnableLambda(timed, name=name)

    # -- public -----------------------------------------------------------------------------------
    def ask(self, question: str, history: list[Turn] | None = None, filters: RetrievalFilters | None = None) -> Answer:
        return self.run(question, history, filters).answer  # type: ignore[return-value]

    def answer_in_mode(
        self, question: str, mode: str = "answer", history: list[Turn] | None = None, filters: RetrievalFilters | None = None
    ) -> Answer:
        """The chat's three modes: answer (Fråga), relate (Koppla mitt arbete), draft (Skrivstöd)."""
        if mode == "answer" or not question.strip():
            return self.ask(question, history=history, filters=filters)
        language = detect_language(question)
        if mode == "relate":
            return self._relate_answer(question, language, self.mapper.map(question, language))
        if mode == "draft":
            return self._draft_answer(question, language)
        raise ValueError(f"unknown mode {mode!r}")

    def _relate_answer(self, question: str, language: str, mapping) -> Answer:
        text, citations = render_mapping(mapping, self.index.goal_model, language)
        return Answer(question=question, answer=text, refused=False, language=language, citations=citations, goal_areas=_refs(mapping.goal_areas))

    def _draft_answer(self, question: str, language: str) -> Answer:
        drafted = self.drafts.draft(DraftRequest.parse(question, language))
        return Answer(
            question=question, answer=drafted.markdown, refused=False, language=language, citations=drafted.citations,
            goal_areas=_refs(drafted.goal_areas),
        )

    def run(self, question: str, history: list[Turn] | None = None, filters: RetrievalFilters | None = None) -> QuestionState:
        """The whole state of one question (stage timings, scope decision, verification), for evaluation."""
        state = QuestionState(question=question, history=list(history or []), filters=filters)
        self.chain.invoke(state)
        return state

    # -- stages -----------------------------------------------------------------------------------
    def _refuse(self, state: QuestionState, text: str) -> QuestionState:
        state.answer = Answer(question=state.question, answer=text, refused=True, language=state.language)
        return state

    def _prepare(self, state: QuestionState) -> QuestionState:
        question = state.question.strip()
        state.language = detect_language(question)
        if not question:
            return self._refuse(state, message("empty", state.language))
        if len(question) > self.settings.max_question_chars:
            return self._refuse(state, message("too_long", state.language, length=len(question), limit=self.settings.max_question_chars))
        state.resolved = resolve_follow_up(question, state.history, self.resolver)
        state.vector = self.embedder.embed_queries_array([state.resolved.query])[0]
        return state

    def _structured_facts(self, state: QuestionState) -> QuestionState:
        if self.facts is None or state.filters is not None:
            return state
        assert state.resolved is not None
        fact = self.facts.answer(state.resolved.question, state.language, state.resolved.carried)
        if fact is None:
            return state
        state.fact = fact
        if fact.intent in SUPPLEMENTED_INTENTS:
            self._supplement(state, fact)
        state.answer = Answer(
            question=state.question,
            answer=fact.text,
            refused=False,
            language=state.language,
            goal_areas=fact.goal_areas,
            citations=fact.citations,
        )
        return state

    def _work_or_draft(self, state: QuestionState) -> QuestionState:
        """A drafting request gets a draft or fact sheet; a description of someone's work gets the goal-area
        mapper's result (when it is confident; otherwise the question goes on to retrieval and the scope check)."""
        if state.answer is not None or state.filters is not None or self.index.goal_model is None:
            return state
        assert state.resolved is not None
        question = state.resolved.question
        if is_draft_request(question):
            state.answer = self._draft_answer(question, state.language)
        elif is_work_description(question):
            mapping = self.mapper.map(question, state.language)
            if mapping.confident:
                state.answer = self._relate_answer(question, state.language, mapping)
        if state.answer is not None:
            state.answer.question = state.question
        return state

    def _supplement(self, state: QuestionState, fact: FactAnswer) -> None:
        """Add the passage that best answers the question in the programme's own words, when not yet quoted."""
        assert state.resolved is not None and state.vector is not None
        t0 = time.perf_counter()
        hits = self.searcher.search(state.resolved.query, language=state.language).hits
        state.retrieval_ms = (time.perf_counter() - t0) * 1000
        best = answer_units(state.resolved.query, state.vector, hits, self.sentences, max_units=1)
        if best and all(c.quote != best[0].text for c in fact.citations):
            citation = citation_for(len(fact.citations) + 1, best[0].chunk, best[0].text)
            fact.citations.append(citation)
            fact.text += "\n\n" + quote_block(best[0].text, citation.n)

    def _retrieve(self, state: QuestionState) -> QuestionState:
        assert state.resolved is not None and state.vector is not None
        t0 = time.perf_counter()
        state.retrieval = self.searcher.search(state.resolved.query, filters=state.filters, language=state.language)
        state.retrieval_ms = (time.perf_counter() - t0) * 1000
        return state

    def _check_evidence(self, state: QuestionState) -> QuestionState:
        """Decline when the evidence says the documents do not answer the question (assistant/scope.py)."""
        assert state.retrieval is not None and state.resolved is not None and state.vector is not None
        named = bool(self.resolver and self.resolver.by_name(state.resolved.query))
        decision = self.scope.assess(
            state.resolved.question, state.vector, state.retrieval.top_dense_similarity, state.language, named
        )
        state.scope = decision
        if not decision.in_scope and state.history and not state.resolved.is_follow_up:
            # Without evidence on its own, a question in a conversation may lean on what came before.
            retry = resolve_follow_up(state.resolved.question, state.history, self.resolver, force=True)
            vector = self.embedder.embed_queries_array([retry.query])[0]
            result = self.searcher.search(retry.query, filters=state.filters, language=state.language)
            again = self.scope.assess(retry.question, vector, result.top_dense_similarity, state.language, named)
            if again.in_scope:
                state.resolved, state.vector, state.retrieval, state.scope, decision = retry, vector, result, again, again
        if not state.retrieval.hits or not decision.in_scope:
            log.info("declined: %s", decision.reason)
            return self._refuse(state, message("refusal", state.language))
        return state

    def _goal_areas_for(self, state: QuestionState, cited_areas: list[str]) -> list[GoalAreaRef]:
        model = self.index.goal_model
        if model is None or self.resolver is None:
            return []
        assert state.resolved is not None and state.vector is not None
        named = [m.goal_area for m in self.resolver.resolve(state.resolved.question, state.vector)]
        areas = named or list(state.resolved.carried)
        for name in cited_areas:
            ga = model.goal_area(name)
            if ga is not None and ga not in areas and not named:
                areas.append(ga)
        return [ref(ga) for ga in areas]

    def _compose(self, state: QuestionState) -> QuestionState:
        if state.answer is not None:
            return state
        assert state.retrieval is not None and state.vector is not None and state.resolved is not None
        hits = state.retrieval.hits
        if self.backend is not None:
            from assistant.generate import generate_answer

            generated = generate_answer(self, state)
            if generated is not None:
                state.answer = generated
                return state
        units = answer_units(state.resolved.query, state.vector, hits, self.sentences)
        cited = list(dict.fromkeys(u.chunk.goal_area for u in units if u.chunk.goal_area))
        goal_areas = self._goal_areas_for(state, cited)
        text, citations = render_extractive(units, self.index.goal_model, goal_areas, state.language)
        state.answer = Answer(
            question=state.question, answer=text, refused=False, language=state.language, goal_areas=goal_areas, citations=citations
        )
        return state

    def _finish(self, state: QuestionState) -> Answer:
        assert state.answer is not None
        state.answer.timings_ms = Timings(retrieval=round(state.retrieval_ms, 2), total=round((time.perf_counter() - state.started) * 1000, 2))
        if state.answer.refused:
            state.answer.goal_areas, state.answer.citations = [], []
        return state.answer
