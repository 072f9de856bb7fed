"""Attribution on the real index (the programme plus the synthetic action plan, year 2019): an action plan's quote
is introduced by its own document, never as the programme's words, and its goal area and SDGs are those of the
section it is linked to, with the citation saying how it was linked (issue 12, finding 5)."""

from __future__ import annotations

import pytest

from assistant.retrieval.filters import RetrievalFilters

pytestmark = pytest.mark.integration  # the real embedder and index

PLAN_TITLE = "Handlingsplan (testexempel)"


def test_an_action_plan_quote_is_introduced_by_the_action_plan(assistant):
    answer = assistant.ask(
        "Läxhjälp och studiestöd på biblioteken", filters=RetrievalFilters(document_id="handlingsplan-exempel")
    )
    assert answer.citations and all(c.document == PLAN_TITLE for c in answer.citations)
    assert f"{PLAN_TITLE} säger:" in answer.answer and "Programmet säger" not in answer.answer
    cited = answer.citations[0]
    assert (cited.document_id, cited.document_kind, cited.document_year) == (
        "handlingsplan-exempel",
        "action_plan",
        2019,
    )
    chunk = assistant.index.chunks[cited.chunk_id]
    assert (cited.goal_area, cited.sdgs, cited.link_method) == (chunk.goal_area, chunk.sdgs, chunk.link_method)
    if cited.goal_area:  # linked: the SDGs are those of its goal area in the programme's model
        area = next(
            ga for ma in assistant.index.goal_model.main_areas for ga in ma.goal_areas if ga.name == cited.goal_area
        )
        assert cited.sdgs == area.sdgs and cited.link_method in ("name_match", "embedding")


def test_programme_quotes_are_still_the_programmes(assistant):
    answer = assistant.ask("Vad säger programmet om kultur?")
    assert "Programmet säger:" in answer.answer and PLAN_TITLE not in answer.answer
    assert all(c.document_kind == "programme" and c.link_method == "structure" for c in answer.citations)
