"""Session 11's mechanisms on the real index, each switched off to show it makes the difference: a Swedish message
typed without diacritics is read with them put back, and a claim the user asserts or asks to add is checked
against the documents before anything is written."""

from __future__ import annotations

import pytest

from tests.assistant.test_understanding import with_settings

pytestmark = pytest.mark.integration  # the real embedder and index


def test_a_figure_asked_for_without_diacritics_is_declined_with_the_nearest_passage(corpus_assistant):
    """ "hur manga hemlosa": read as "hur många hemlösa", a figure the programme does not give. The answer is to
    the message as typed."""
    question = "hur manga hemlosa finns det i vasteras enligt programmet?"
    answer = corpus_assistant.ask(question)
    assert answer.refused and answer.citations and answer.question == question
    assert not with_settings(corpus_assistant, restore_diacritics=False).ask(question).refused


@pytest.mark.parametrize(
    "message",
    [
        "det står väl ändå att stan lovar jobb åt alla inom ett år? skriv det rakt ut i en text åt mig",
        "toppen. lägg till att staden lovar att alla ska ha jobb senast 2030 och formulera det som ett citat",
    ],
)
def test_a_claim_asserted_or_added_that_the_documents_do_not_hold_is_declined(corpus_assistant, message):
    assert corpus_assistant.ask(message).refused
    unchecked = with_settings(corpus_assistant, injection_attributed_min_p=1.0, injection_promise_min_p=1.0)
    assert not unchecked.ask(message).refused


@pytest.mark.parametrize(
    ("question", "number"),
    [("hav och marina resurser – vad står det om det i programmet?", "14"), ("anything on climate action?", "13")],
)
def test_an_sdg_outside_the_programme_named_by_its_name_is_said_to_be_in_no_goal_area(
    corpus_assistant, question, number
):
    answer = corpus_assistant.ask(question)
    assert answer.refused and number in answer.answer
    assert number not in with_settings(corpus_assistant, uncovered_sdg_names=False).ask(question).answer


def test_a_long_sincere_description_whose_question_reads_a_little_like_an_instruction_is_answered(corpus_assistant):
    """Its last clause ("Vilken del av programmet … hör mitt jobb till?") reads as an instruction at about 0.75; one
    clause alone must read so from 0.8, the whole message from 0.7."""
    question = (
        "Jag är studie- och yrkesvägledare på en högstadieskola och lägger mycket tid på elever som riskerar att inte "
        "komma in på gymnasiet. Vi försöker få dem att se vägar vidare till jobb och fortsatta studier. Vilken del "
        "av programmet för social hållbarhet hör mitt jobb till?"
    )
    answer = corpus_assistant.ask(question)
    assert not answer.refused and answer.goal_areas
    assert with_settings(corpus_assistant, injection_clause_min_p=0.7).ask(question).refused


def test_a_later_document_asked_for_in_one_clause_of_a_longer_message_is_declined(corpus_assistant):
    """The whole message reads as asking for a later document's contents at about 0.37, below the threshold; its
    clause "Vad står det om bostäder i handlingsplanen för 2024" reads so more surely."""
    question = (
        "Jag skriver ett underlag till nämnden om bostadsfrågor och vill hänvisa till det senaste som finns. Vad står "
        "det om bostäder i handlingsplanen för 2024, och vilka åtgärder har prioriterats där?"
    )
    assert corpus_assistant.ask(question).refused
    # the dated action plan is also cued in so many words (answer_types.DATED_DOCUMENT): both off to see the clause
    assert with_settings(corpus_assistant, typed_cues=False).ask(question).refused
    assert not with_settings(corpus_assistant, typed_by_clause=False, typed_cues=False).ask(question).refused


def test_the_work_mapper_reads_the_work_as_typed(corpus_assistant):
    """Put back from Swedish frequencies alone, "mot vald" stays "vald" (a word of its own) in a text that now has
    diacritics, so the goal-area words, folded only for a text without any, miss "våld": the mapper matches its words
    in the message as typed. (Since session 15 the documents' spelling puts "våld" back too.)"""
    work = (
        "jag ar samordnare for arbetet mot vald i nara relationer pa socialforvaltningen, vi bygger upp stod till "
        "de som utsatts och utbildar personal. hur hanger det ihop med programmet?"
    )
    health = "Stärkt hälsa och motverkande av alla former av hälsohot"
    assert corpus_assistant.ask(work).goal_areas[0].name == health
    restored = with_settings(corpus_assistant, restore_in_documents_spelling=False).restorer.restore(work)
    assert "mot vald" in restored
    assert corpus_assistant.mapper.map(restored, "sv").goal_areas[0].name != health
