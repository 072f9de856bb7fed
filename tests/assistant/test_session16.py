"""Session 16's fixes on the real index, each shown to make the difference."""

from __future__ import annotations

import pytest

from tests.assistant.test_misspelt_and_promised import history_of
from tests.assistant.test_understanding import with_settings

pytestmark = pytest.mark.integration  # the real embedder and index

SAFETY = "Trygghet och levande kommundelar"
EMPLOYMENT = "Individens rätt till arbete och sysselsättning"


def test_what_about_an_area_after_asking_for_goals_quotes_its_goals_first(corpus_assistant):
    """ "och trygghet då?" right after "vilka globala mål hör till det?" gets the programme's sentence on the safety
    area's goals first, then what it says on safety; without the mechanism only the latter."""
    history = history_of(corpus_assistant, "vad säger programmet om bostäder?", "vilka globala mål hör till det?")
    statement = "Området omfattar mål 5, 10, 11, 16 och 17"
    answer = corpus_assistant.ask("och trygghet då?", history=history)
    assert answer.goal_areas[0].name == SAFETY
    assert statement in answer.citations[0].quote
    assert len(answer.citations) > 1  # and what the programme says on the area
    plain = with_settings(corpus_assistant, what_about_goals=False).ask("och trygghet då?", history=history)
    assert all(statement not in c.quote for c in plain.citations)


def test_what_about_an_area_after_a_topic_question_does_not_add_goals(corpus_assistant):
    history = history_of(corpus_assistant, "vad säger programmet om bostäder?")
    answer = corpus_assistant.ask("och trygghet då?", history=history)
    assert all("Området omfattar mål" not in c.quote for c in answer.citations)


def test_a_newly_hired_youth_worker_is_not_read_as_employment_work(corpus_assistant):
    work = "jag ar nyanstalld fritidsledare pa en fritidsgard i Backby, har mitt jobb ens med det har att gora?"
    answer = corpus_assistant.ask(work)
    assert not answer.refused and answer.goal_areas and answer.goal_areas[0].name != EMPLOYMENT


def test_a_request_to_elaborate_with_a_question_of_its_own_answers_that_question(corpus_assistant):
    """ "tell me more – what is that built on?" asks what the target picture is built on; as "more" of the answer
    before, it gave more sentences on the vision and none on what it is built on."""
    history = history_of(corpus_assistant, "What's the overall target picture the programme is aiming for?")
    answer = corpus_assistant.ask("tell me more – what is that built on?", history=history)
    assert "uthållighet, allas och den enskilde individens ansvar" in answer.answer, answer.answer
