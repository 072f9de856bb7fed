"""Session 14's conversation and reading fixes on the real index, each shown to make the difference."""

from __future__ import annotations

import pytest

from assistant.chain import Assistant
from tests.assistant.test_misspelt_and_promised import history_of
from tests.assistant.test_understanding import with_settings

pytestmark = pytest.mark.integration  # the real embedder and index


def converse(assistant: Assistant, questions: list[str]):
    """The answer to the last of ``questions``, after the ones before it."""
    return assistant.ask(questions[-1], history=history_of(assistant, *questions[:-1]))


def test_back_to_swedish_after_a_translation_gives_the_first_answer_in_swedish(corpus_assistant, monkeypatch):
    """ "ok, och på svenska?" after "english pls": the first answer again, in Swedish, not the English one re-run
    (which would translate itself to English again)."""
    questions = [
        "jobbar med stöd till kvinnor som utsatts för våld i nära relationer, var passar vi in i programmet?",
        "english pls, my manager doesnt read swedish",
        "ok, och på svenska?",
    ]
    answer = converse(corpus_assistant, questions)
    assert answer.language == "sv" and answer.answer.startswith("Ditt arbete")
    monkeypatch.setattr(Assistant, "_before_translations", lambda self, history, at: at)
    assert converse(corpus_assistant, questions).language == "en"


def test_a_clause_on_clients_hardship_is_no_instruction(corpus_assistant):
    """An English work description whose middle sentence tells of the clients' hardship is related, not declined."""
    work = (
        "I work at the municipal housing company with lettings. Many of the people who apply have low incomes and no "
        "references, and they really struggle to get a lease. How does my work relate to the programme?"
    )
    answer = corpus_assistant.ask(work)
    assert not answer.refused and answer.goal_areas


def test_an_sdg_outside_the_programme_asked_about_as_yes_or_no_is_declined_with_the_no(corpus_assistant):
    answer = corpus_assistant.ask("finns klimatmålet, mål 13, med i programmet nånstans?")
    assert answer.refused and answer.answer.startswith("Nej.") and answer.citations


def test_a_quote_request_gives_the_best_quote_and_a_runner_up(corpus_assistant):
    """ "kan du ge ett citat om det?": the quote that answers best, then the next to choose from; one with
    ``quote_choices=1``. Both are verbatim and cited."""
    questions = ["vad säger programmet om bostäder?", "kan du ge ett citat om det?"]
    answer = converse(corpus_assistant, questions)
    assert [c.n for c in answer.citations] == [1, 2] and answer.answer.startswith("Citaten")
    assert all(c.quote in corpus_assistant.index.chunks[c.chunk_id].text for c in answer.citations)
    assert len(converse(with_settings(corpus_assistant, quote_choices=1), questions).citations) == 1
    shorter = converse(corpus_assistant, [questions[0], "kortare"])
    assert len(shorter.citations) == 1  # "kortare" stays one sentence


def test_a_text_presenting_the_programme_carries_its_purpose(corpus_assistant, monkeypatch):
    request = "Skriv en kort notis till intranätet som presenterar programmet för social hållbarhet för nyanställda."
    purpose = "Syftet med programmet är att skapa förutsättningar för alla invånare i Västerås"
    assert purpose in corpus_assistant.ask(request).answer
    monkeypatch.setattr("assistant.draft.DraftWriter._purpose", lambda self, citations: None)
    assert purpose not in corpus_assistant.ask(request).answer
