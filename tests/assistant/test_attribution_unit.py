"""Quotes attributed to their own document (issue 12, finding 5): each document's quotes under their own intro,
the programme first; citations, CLI lines and fact-sheet notes name the document, its kind and year."""

from __future__ import annotations

from assistant.attribution import verbatim_note
from assistant.compose import Unit, render_extractive
from cli.answers import print_readable
from core.citations import document_label
from core.models import Chunk, DocumentKind
from tests.fixtures.small import programme

PLAN_TEXT = "Aktivitet: läxhjälp på biblioteket i Bäckby varje vecka."


def plan_chunk() -> Chunk:
    return Chunk(
        chunk_id="handlingsplan-backby-2024/bostad/0",
        document_id="handlingsplan-backby-2024",
        document_title="Handlingsplan 2024 för Bäckby",
        kind=DocumentKind.action_plan,
        document_year=2024,
        section_path=["Utbildning"],
        pages=[3],
        goal_area="Utbildning",
        sdgs=[4],
        link_method="name_match",
        ordinal=0,
        text=PLAN_TEXT,
    )


def mixed_units() -> list[Unit]:
    """The action plan's unit ranked first, the programme's second: the programme is still quoted first."""
    programme_chunk = next(c for c in programme()[1] if "Öppenhet och kreativitet" in c.text)
    programme_sentence = programme_chunk.text.split("\n\n")[0]
    return [Unit(plan_chunk(), PLAN_TEXT, 0, 1, 1.0), Unit(programme_chunk, programme_sentence, 0, 2, 0.9)]


def test_each_quote_is_introduced_by_its_own_document_the_programme_first():
    text, citations = render_extractive(mixed_units(), None, [], "sv")
    assert [c.document_kind for c in citations] == ["programme", "action_plan"] and [c.n for c in citations] == [1, 2]
    programme_at, plan_at = text.index("Programmet säger:"), text.index("Handlingsplan 2024 för Bäckby säger:")
    assert programme_at < text.index("[1]") < plan_at < text.index(PLAN_TEXT) < text.index("[2]")
    assert text.count("Programmet säger") == 1  # the plan's quote is not presented as the programme's words
    english, _ = render_extractive(mixed_units(), None, [], "en")
    assert "The programme says" in english and "Action plan “Handlingsplan 2024 för Bäckby” says" in english


def test_citations_name_the_document_its_kind_year_and_how_it_was_linked():
    _, citations = render_extractive(mixed_units(), None, [], "sv")
    plan = citations[1]
    assert (plan.document_id, plan.document_kind, plan.document_year) == (
        "handlingsplan-backby-2024",
        "action_plan",
        2024,
    )
    assert plan.goal_area == "Utbildning" and plan.sdgs == [4] and plan.link_method == "name_match"
    assert document_label(plan.document, plan.document_kind, plan.document_year) == (
        "Handlingsplan 2024 för Bäckby (handlingsplan, 2024)"
    )


def test_the_cli_text_names_document_kind_year_and_link(capsys):
    from assistant.models import Answer

    text, citations = render_extractive(mixed_units(), None, [], "sv")
    answer = Answer.model_construct(answer=text, citations=citations)  # the fields print_readable reads
    print_readable(answer)
    out = capsys.readouterr().out
    assert "Handlingsplan 2024 för Bäckby (handlingsplan, 2024), Utbildning, s. 3" in out
    assert "kopplat genom målområdets namn i rubriken" in out


def test_the_fact_sheet_note_names_every_quoted_document():
    _, citations = render_extractive(mixed_units(), None, [], "sv")
    note = verbatim_note(citations, "Program för social hållbarhet", ", antaget 2018", "sv")
    assert note.startswith("Citaten är ordagranna ur Program för social hållbarhet (Västerås stad, antaget 2018); ")
    assert "Handlingsplan 2024 för Bäckby (handlingsplan, 2024)" in note
    only_programme = verbatim_note(citations[:1], "Program för social hållbarhet", ", antaget 2018", "sv")
    assert (
        only_programme
        == "Citaten är ordagranna ur Program för social hållbarhet (Västerås stad, antaget 2018); ändra inte i dem."
    )
