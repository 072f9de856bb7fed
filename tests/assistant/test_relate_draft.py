"""Relate my work (the goal-area mapper) and writing support, on the real corpus."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from assistant.draft import DraftRequest, is_draft_request
from assistant.mapper import is_work_description
from assistant.models import Turn
from assistant.understanding.language import detect_language
from assistant.verify import verify_draft
from cli.main import app
from core.strings import message
from tests.conftest import ROOT

pytestmark = pytest.mark.integration  # the real embedder, index, servers or subprocesses

LABELLED = [  # the first labelled set of work descriptions (ids w…), now part of the dev split
    json.loads(line)
    for line in (ROOT / "evals" / "occupations_dev.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip() and json.loads(line)["id"].startswith("w")
]
HOUSING = "Tillgång till fullgoda, säkra och ekonomiskt överkomliga bostäder för alla"


def test_labelled_set_covers_every_goal_area_in_both_languages(corpus_assistant):
    names = {ga.name for ga in corpus_assistant.index.goal_model.goal_areas}
    related = [i for i in LABELLED if not i["unrelated"]]
    assert len(related) >= 30
    for name in names:
        langs = {i["language"] for i in related if name in i["goal_areas"]}
        assert langs == {"sv", "en"}, name


def test_mapper_ranks_the_expected_goal_areas(corpus_assistant):
    top1 = top2 = 0
    related = [i for i in LABELLED if not i["unrelated"]]
    for item in related:
        result = corpus_assistant.mapper.map(item["description"], detect_language(item["description"]))
        names = [g.name for g in result.goal_areas]
        assert result.confident, item["description"]
        top1 += names[0] in item["goal_areas"]
        top2 += any(n in item["goal_areas"] for n in names[:2])
        scores = [g.score for g in result.goal_areas]
        assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    assert top1 / len(related) >= 0.9 and top2 / len(related) >= 0.97


def test_unrelated_work_is_flagged_not_forced(corpus_assistant):
    for item in [i for i in LABELLED if i["unrelated"]]:
        result = corpus_assistant.mapper.map(item["description"], detect_language(item["description"]))
        assert not result.confident and len(result.goal_areas) == 1, item["description"]
        assert result.goal_areas[0].reason.startswith(("Osäker", "Uncertain"))


def test_multi_area_work_shows_several(corpus_assistant):
    nurse = corpus_assistant.mapper.map(
        "Jag är skolsköterska på en högstadieskola och arbetar med elevernas hälsa.", "sv"
    )
    names = [g.name for g in nurse.goal_areas]
    assert (
        len(names) >= 2
        and any(n.startswith("Stärkt hälsa") for n in names)
        and any(n.startswith("Utbildning") for n in names)
    )
    for ga in nurse.goal_areas:
        assert 1 <= len(ga.citations) <= 4 and ga.reason  # its aim, two passages near the work, its SDG line
        for c in ga.citations:
            assert c.quote in corpus_assistant.index.chunks[c.chunk_id].text and c.goal_area == ga.name


def test_chat_routes_work_descriptions_to_the_mapper(corpus_assistant):
    assert is_work_description("Jag driver en mötesplats för unga i Bäckby") and is_work_description(
        "I manage a youth centre"
    )
    assert not is_work_description("Vad säger programmet om kultur?")
    answer = corpus_assistant.ask("I process building permits for rental housing")
    assert not answer.refused and answer.goal_areas[0].name == HOUSING
    assert answer.answer.startswith("Your work relates to these goal areas")
    assert {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)} == {c.n for c in answer.citations}
    cars = corpus_assistant.ask("Jag reparerar bilar i en verkstad.")
    assert cars.refused  # not forced onto a goal area


def test_relate_cli_json(corpus_assistant):
    env = {"HALLBAR_DATA_DIR": str(corpus_assistant.settings.data_dir)}
    result = CliRunner().invoke(app, ["relate", "Jag driver en mötesplats för unga i Bäckby", "--json"], env=env)
    assert result.exit_code == 0, result.output
    obj = json.loads(result.stdout)
    assert set(obj) == {"goal_areas", "confident", "also"} and obj["confident"] is True
    quoted = [c["quote"] for ga in obj["goal_areas"] for c in ga["citations"]]
    assert obj["also"] is None or (obj["also"]["quote"] and obj["also"]["quote"] not in quoted)
    first = obj["goal_areas"][0]
    assert set(first) == {"name", "main_area", "sdgs", "score", "reason", "citations"}
    assert first["name"] == "Trygghet och levande kommundelar" and first["sdgs"] == [5, 10, 11, 16, 17]


def test_draft_fact_sheet_quotes_verbatim_and_sdgs_right(corpus_assistant):
    request = DraftRequest.parse("kort intranätstext om vårt bostadsprojekt i Skiljebo, 100 ord", "sv")
    assert request.words == 100 and request.audience == "intranätet"
    result = corpus_assistant.drafts.draft(request)
    assert not result.generated and result.goal_areas[0].name == HOUSING
    sheet = result.markdown
    assert (
        "Citaten är ordagranna" in sheet
        and "5 Jämställdhet, 10 Minskad ojämlikhet, 11 Hållbara städer och samhällen" in sheet
    )
    quoted = re.findall(r"”([^”]+)”", sheet)
    chunks = " ".join(c.text for c in corpus_assistant.index.chunks.values())
    assert quoted and all(q in chunks for q in quoted)
    for c in result.citations:
        assert c.quote in corpus_assistant.index.chunks[c.chunk_id].text
    assert {int(n) for n in re.findall(r"\[(\d+)\]", sheet)} == {c.n for c in result.citations}
    model = corpus_assistant.index.goal_model
    for ga in model.goal_areas:  # any SDG list stated next to a goal area's name is that goal area's own
        for line in sheet.splitlines():
            if ga.name in line and "Agenda 2030:" in line:
                assert [int(n) for n in re.findall(r"\b(\d{1,2}) ", line.split("Agenda 2030:")[1])] == ga.sdgs


def test_draft_intent_and_chat_mode(corpus_assistant):
    assert is_draft_request("Skriv en kort intranätstext om vårt bostadsprojekt")
    assert is_draft_request("Draft two sentences for a press release about the education goal area")
    assert not is_draft_request("Vad står det om utbildning?")
    assert is_draft_request("Kan du skriva ett mejl till min arbetsgrupp om bostäder?")  # "skriva", not only "skriv"
    answer = corpus_assistant.ask("Draft a short intranet post about the education goal area, 80 words")
    assert answer.answer.startswith("## Fact sheet") and answer.goal_areas[0].name.startswith("Utbildning")


def test_a_draft_asked_for_after_an_answer_is_about_that_answers_goal_area(corpus_assistant):
    """ "skriv en text om det" after an answer on democracy drafts on the democracy goal area, not on "det"."""
    first = corpus_assistant.ask("vad säger programmet om demokrati?")
    turn = Turn(question=first.question, answer=first.answer, goal_areas=[g.name for g in first.goal_areas])
    draft = corpus_assistant.ask("skriv en kort text till intranätet om det", history=[turn])
    assert first.goal_areas and draft.answer.startswith("## Faktaunderlag")
    assert draft.goal_areas and draft.goal_areas[0].name == first.goal_areas[0].name


def test_work_described_before_asking_which_goal_areas_is_related_not_listed(corpus_assistant):
    """'Which goal areas does that fit?' after a description of work asks for the mapper, even when the intent
    classifier is unsure (the work cues decide, as for any work description)."""
    question = "I coordinate language cafés for newly arrived residents at the library. Which goal areas does that fit?"
    answer = corpus_assistant.ask(question)
    assert answer.answer.startswith(message("relate_intro", "en"))


def test_a_relate_answer_quotes_two_passages_near_the_work_besides_the_goals_line(corpus_assistant):
    """The line naming the area's SDGs is cited once, last; it takes no place of a passage near the work."""
    result = corpus_assistant.mapper.map("Jag jobbar som lärare på fritidshem.", "sv")
    best = result.goal_areas[0]
    statement = corpus_assistant.index.goal_model.goal_area(best.name).sdg_statement
    assert best.name.startswith("Utbildning") and len(best.citations) == 4
    assert [c.quote == statement for c in best.citations] == [False, False, False, True]


def test_a_draft_asked_for_in_the_other_language_is_written_in_it(corpus_assistant):
    """The language a request names wins over the language it is written in."""
    english = corpus_assistant.ask("Kan du skriva ett mejl på engelska till mitt team om målområdet för hälsa?")
    swedish = corpus_assistant.ask("Draft a press release lead in Swedish about the housing goal area")
    assert english.language == "en" and english.answer.startswith("## Fact sheet")
    assert swedish.language == "sv" and swedish.answer.startswith("## Faktaunderlag")


def test_generated_draft_checks_quotes_markers_and_sdg_numbers(corpus_assistant):
    model, resolver = corpus_assistant.index.goal_model, corpus_assistant.resolver
    source = "Grupper i samhället har svårigheter att få tag på bostad."
    text = (
        "Vårt projekt stärker arbetet med bostäder, som hör till mål 3, 4 och 11. "
        f"Programmet konstaterar att ”{source}” [1]. "
        "Programmet lovar att ”alla ska få en gratis lägenhet” [1]. "
        "Det bidrar också till mål 6 och 13. "
        "Mer om trygghet finns i avsnittet [7]."
    )
    checked, corrections = verify_draft(text, [source], model, resolver, passages=2)
    assert "mål 5, 10, 11 och 17" in checked and "3, 4 och 11" not in checked
    assert f"”{source}” [1]" in checked and "gratis lägenhet" not in checked
    assert "mål 6" not in checked and "[7]" not in checked
    assert len(corrections) == 4
