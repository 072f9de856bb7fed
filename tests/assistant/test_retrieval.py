from __future__ import annotations

import pytest

from assistant.retrieval.filters import RetrievalFilters
from assistant.retrieval.fusion import reciprocal_rank_fusion
from assistant.retrieval.retrievers import DenseRetriever, HybridRetriever, KeywordRetriever
from core.models import DocumentKind

pytestmark = pytest.mark.integration  # the real embedder, index, servers or subprocesses

HOUSING = "Tillgång till fullgoda, säkra och ekonomiskt överkomliga bostäder för alla"


def test_reciprocal_rank_fusion():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "d"]], k=60)
    assert [i for i, _ in fused] == ["b", "c", "a", "d"]
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)
    weighted = reciprocal_rank_fusion([["a", "b"], ["b", "a"]], k=1, weights=[1.0, 0.0])
    assert [i for i, _ in weighted] == ["a", "b"]
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"]], weights=[1.0, 2.0])


def test_filters_make_chroma_where_and_accept():
    assert RetrievalFilters().chroma_where() is None
    assert RetrievalFilters(kind=DocumentKind.action_plan).chroma_where() == {"kind": "action_plan"}
    both = RetrievalFilters(goal_area=HOUSING, document_id="x").chroma_where()
    assert both == {"$and": [{"goal_area": HOUSING}, {"document_id": "x"}]}


@pytest.mark.parametrize("mode", ["keyword", "dense", "fused"])
def test_filters_apply_to_every_retriever(assistant, mode):
    searcher = assistant.searcher
    by_area = searcher.search(
        "bostäder och segregation", k=5, filters=RetrievalFilters(goal_area=HOUSING), retriever=mode
    )
    assert by_area.hits and all(h.chunk.goal_area == HOUSING for h in by_area.hits)
    plans = searcher.search(
        "hyresrätter och bostadsrådgivning",
        k=5,
        filters=RetrievalFilters(kind=DocumentKind.action_plan),
        retriever=mode,
    )
    assert plans.hits and all(h.chunk.document_id == "handlingsplan-exempel" for h in plans.hits)
    one_doc = searcher.search(
        "trygghet", k=5, filters=RetrievalFilters(document_id="program-for-social-hallbarhet-2018"), retriever=mode
    )
    assert one_doc.hits and all(h.chunk.kind == DocumentKind.programme for h in one_doc.hits)


def test_langchain_retrievers(assistant):
    for cls in (KeywordRetriever, DenseRetriever, HybridRetriever):
        docs = cls(searcher=assistant.searcher, k=3).invoke("Hur följs handlingsplanen upp?")
        assert 0 < len(docs) <= 3 and docs[0].metadata["chunk_id"]
    hybrid = HybridRetriever(searcher=assistant.searcher, k=3, filters=RetrievalFilters(kind=DocumentKind.action_plan))
    plans = hybrid.invoke("feriejobb för ungdomar")
    assert plans and all(d.metadata["kind"] == "action_plan" for d in plans)


@pytest.mark.parametrize(
    "question, section",
    [
        ("How is the action plan followed up?", "Programmets genomförande"),
        ("What does the programme say about culture?", "TRYGGHET OCH LEVANDE KOMMUNDELAR"),
        ("Which values guide the city's daily work?", "VÄRDEGRUND"),
        (
            "Hur ska staden motverka segregation i boendet?",
            "TILLGÅNG TILL FULLGODA, SÄKRA OCH EKONOMISKT ÖVERKOMLIGA BOSTÄDER FÖR ALLA",
        ),
    ],
)
def test_questions_in_both_languages_find_the_swedish_passage(assistant, question, section):
    language = "en" if question.startswith(("How", "What", "Which")) else "sv"
    programme = RetrievalFilters(kind=DocumentKind.programme)  # the test index also holds a synthetic action plan
    hits = assistant.searcher.search(question, k=3, language=language, filters=programme).hits
    assert section in [h.chunk.section_path[-1] for h in hits]


def test_english_keyword_ranking_does_not_drag_fusion_down(assistant):
    question = "How is the action plan followed up?"
    programme = RetrievalFilters(kind=DocumentKind.programme)
    dense = assistant.searcher.search(question, k=5, language="en", retriever="dense", filters=programme).hits
    fused = assistant.searcher.search(question, k=5, language="en", retriever="fused", filters=programme).hits
    assert fused[0].chunk.chunk_id == dense[0].chunk.chunk_id
