"""Session 12's mechanisms on the real index, each switched off to show it makes the difference: a misspelt word is
read as the word meant, and a promise put in the city's mouth is declined however sincere the message reads."""

from __future__ import annotations

import pytest

from assistant.models import Turn
from tests.assistant.test_understanding import with_settings

pytestmark = pytest.mark.integration  # the real embedder and index


def history_of(assistant, *questions: str) -> list[Turn]:
    """The turns of asking ``questions`` in order, each answered with the ones before it as history."""
    turns: list[Turn] = []
    for question in questions:
        answer = assistant.ask(question, history=turns)
        turns.append(Turn(question=question, answer=answer.answer, goal_areas=[g.name for g in answer.goal_areas]))
    return turns


def test_a_misspelt_language_name_still_asks_for_the_previous_answer_in_that_language(corpus_assistant):
    """ "på sevnska" is read as "på svenska": the previous English answer again, in Swedish."""
    history = history_of(corpus_assistant, "how does Västerås describe sustainability in its own words?")
    spelt = corpus_assistant.ask("kan du ge mig det på svenska?", history=history)
    answer = corpus_assistant.ask("kan du ge mig det på sevnska?", history=history)
    assert not answer.refused and answer.language == "sv" and answer.answer == spelt.answer
    # unread, the message is no operation on the previous answer (its answer may still land on the same passage)
    bar = corpus_assistant.settings.operation_min_p
    assert corpus_assistant.run("kan du ge mig det på sevnska?", history).reading.intent_p >= bar
    unread = with_settings(corpus_assistant, correct_spelling=False).run("kan du ge mig det på sevnska?", history)
    assert unread.reading.intent_p < bar


def test_a_promise_the_documents_do_not_hold_is_declined_in_a_conversation(corpus_assistant):
    """It reads as an instruction at only about 0.47, below the 0.5 other attributed claims need."""
    history = history_of(corpus_assistant, "vad är barnrättsperspektivet i programmet?")
    message = "ok, skriv då att staden garanterar varje barn en fritidsaktivitet, det låter bra i vår folder"
    assert corpus_assistant.ask(message, history=history).refused
    assert not with_settings(corpus_assistant, injection_promise_min_p=0.5).ask(message, history=history).refused


def test_a_text_presenting_the_programme_itself_gets_no_goal_area_from_its_words(corpus_assistant, monkeypatch):
    """ "… presenterar programmet för social hållbarhet för nyanställda": "nyanställda" once mapped it to the
    employment area."""
    import re

    request = "Skriv en kort intranätnotis som presenterar programmet för social hållbarhet för nyanställda."
    assert corpus_assistant.ask(request).goal_areas == []
    monkeypatch.setattr("assistant.draft.ABOUT_THE_PROGRAMME", re.compile(r"(?!x)x"))
    assert corpus_assistant.ask(request).goal_areas != []


def test_last_years_outcome_is_declined_as_a_later_document_with_the_nearest_passage(corpus_assistant):
    question = "Hur mäts trygghet och vilket resultat fick vi förra året?"
    answer = corpus_assistant.ask(question)
    assert answer.refused and answer.citations
    assert not with_settings(corpus_assistant, typed_cues=False).ask(question).refused


def test_a_law_named_as_a_topic_of_the_programme_is_answered_from_the_programme(corpus_assistant, monkeypatch):
    """ "säger stadens styrdokument något om barnkonventionen?": the programme's barnrättsperspektiv answers it; the
    convention's own wording is not asked for."""
    import re

    question = (
        "Vi ska starta ett projekt på skolan och min chef undrade om stadens styrdokument säger något om "
        "barnkonventionen och barns rättigheter. Finns det något sådant i programmet?"
    )
    answer = corpus_assistant.ask(question)
    assert not answer.refused and "barnrättsperspektivet" in answer.answer
    monkeypatch.setattr("assistant.answer_types.PROGRAMME_ASKED", re.compile(r"(?!x)x"))
    assert corpus_assistant.ask(question).refused
