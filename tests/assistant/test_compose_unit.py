"""Extractive composition: units, selection, quote blocks and citations, on the real programme's chunks."""

from __future__ import annotations

import pytest

from assistant.compose import (
    SentenceEmbeddings,
    Unit,
    answer_units,
    citation_for,
    quote_block,
    render_extractive,
    select_units,
    split_units,
)
from assistant.models import GoalAreaRef
from assistant.retrieval.searcher import RetrievedChunk
from tests.fixtures.small import BagOfWordsEmbedder, programme


def chunk_with(text: str):
    return next(c for c in programme()[1] if text in c.text)


def test_a_list_stays_with_its_lead_in_and_sentences_split():
    chunk = chunk_with("Öppenhet och kreativitet")
    units = split_units(chunk)
    listed = next(u for u in units if "Öppenhet och kreativitet" in u.text)
    assert listed.text.endswith(":") is False and "\n- " in listed.text  # the lead-in and its items, one unit
    assert all(u.text in chunk.text for u in units)  # every unit is verbatim


def test_selection_keeps_the_best_and_near_ones_in_reading_order():
    chunk = chunk_with("Öppenhet och kreativitet")
    units = [Unit(chunk, "b", 1, 1, 0.9), Unit(chunk, "a", 0, 1, 1.0), Unit(chunk, "c", 2, 2, 0.5)]
    chosen = select_units(sorted(units, key=lambda u: -u.score), max_units=3, keep_ratio=0.7)
    assert [u.text for u in chosen] == ["a", "b"]  # "c" is below 0.7 of the best; order by rank, then position
    assert [u.text for u in select_units(sorted(units, key=lambda u: -u.score), max_units=1)] == ["a"]


def test_selection_does_not_quote_a_sentence_twice():
    """The summary repeats sentences of the sections: a passage another chosen one holds is left out."""
    short = "Programmet utgår från nationella samt internationella överenskommelser och stadens vision."
    summary, section = chunk_with(short), chunk_with("Lagarna och överenskommelserna")
    longer = short[:-1] + " och det bygger på en gemensam målbild."
    units = [Unit(summary, short, 0, 1, 1.0), Unit(section, longer, 0, 2, 0.9), Unit(section, "Annat.", 1, 2, 0.8)]
    assert [u.text for u in select_units(units, max_units=3, keep_ratio=0.1)] == [short, "Annat."]


def test_quote_block_marks_the_last_line():
    assert quote_block("rad ett\nrad två", 3) == "> rad ett\n> rad två [3]"


def test_a_citation_must_be_verbatim():
    chunk = chunk_with("Öppenhet och kreativitet")
    with pytest.raises(ValueError):
        citation_for(1, chunk, "Öppenhet och kreativitet, men omskrivet")
    citation = citation_for(2, chunk, "Öppenhet och kreativitet")
    assert citation.n == 2 and citation.page == chunk.page and citation.section == chunk.section


def test_render_numbers_citations_in_order_under_the_goal_area_header():
    model, _ = programme()
    housing = next(g for g in model.goal_areas if g.sdgs == [5, 10, 11, 17])
    chunk = chunk_with("variation av hustyper")
    embedder = BagOfWordsEmbedder()
    question = "Hur ska staden planera för olika hustyper?"
    units = answer_units(
        question,
        embedder.embed_queries_array([question])[0],
        [RetrievedChunk(chunk, 1.0)],
        SentenceEmbeddings(embedder),
    )
    text, citations = render_extractive(units, model, [GoalAreaRef.of(housing)], "sv")
    assert text.startswith(f"**Målområde:** {housing.name} · Agenda 2030-mål: 5 Jämställdhet")
    assert "Programmet säger:" in text and [c.n for c in citations] == list(range(1, len(units) + 1))
    assert any("hustyper" in c.quote for c in citations)
    english, _ = render_extractive(units, model, [GoalAreaRef.of(housing)], "en")
    assert english.startswith("**Goal area:**") and "The programme says (quoted in Swedish):" in english
