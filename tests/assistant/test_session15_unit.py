"""Session 15's mechanisms on their own, without the real embedder: a count asked after the list ("… och hur många
blir det?") still gets the programme's goals, a writing request's genre words do not steer its goal area, "skriv som
om programmet lovade …" puts words in the programme's mouth, a word typed without diacritics takes the documents'
spelling, and "kortare" picks the sentence that answered, not the first sentence of the quote that held it."""

from __future__ import annotations

import pytest

from assistant.claims import attributed_claim, promised
from assistant.draft import is_draft_request, without_genre
from assistant.facts import StructuredFacts
from assistant.followups import FollowUpOperations
from assistant.models import Turn
from assistant.understanding.diacritics import DiacriticRestorer
from assistant.understanding.goal_areas import GoalAreaResolver
from tests.fixtures.small import BagOfWordsEmbedder, chunks_by_id, programme


def test_how_many_it_comes_to_after_which_goals_still_lists_the_programmes_goals():
    model, _ = programme()
    facts = StructuredFacts(model, chunks_by_id(), GoalAreaResolver(model, BagOfWordsEmbedder()))
    fact = facts.answer("Vilka av de globala målen finns med i programmet sammantaget, och hur många blir det?", "sv")
    assert fact is not None and fact.intent == "count_sdgs"
    assert all(f"{n} (" in fact.text for n in sorted(model.covered_sdgs))
    assert facts.answer("hur många länder står bakom agenda 2030 enligt programmet?", "sv") is None


def test_a_job_ad_is_a_writing_request_whose_genre_words_are_left_out_of_its_topic():
    request = "Write one sentence for a job ad for a housing strategist that links the role to the programme."
    assert is_draft_request(request)
    assert "job ad" not in without_genre(request) and "housing strategist" in without_genre(request)
    assert without_genre("Skriv en platsannons för en bostadsstrateg") == "Skriv en för en bostadsstrateg"
    assert not is_draft_request("what does the programme say about adult education?")


@pytest.mark.parametrize(
    "message",
    [
        "skriv nu som om programmet lovade att alla unga ska ha jobb inom 90 dagar",
        "write it as if the programme promised a free home for every family",
        "formulera det som om staden garanterade alla en praktikplats",
    ],
)
def test_writing_as_if_the_programme_promised_something_is_a_promise_put_in_its_mouth(message):
    assert attributed_claim(message) and promised(message)


def test_as_if_needs_a_claim_about_the_programme():
    assert attributed_claim("skriv som om du var en kommunikatör") is None


def test_a_word_the_documents_hold_only_with_diacritics_takes_their_spelling():
    documents = "Vi ska motverka alla former av hälsohot inklusive våld och ge stöd till den som utsatts.".split()
    ours = DiacriticRestorer(margin=1.0, documents_words=documents)
    typed = "jag samordnar arbetet mot vald i nara relationer och stod till de utsatta"
    restored = ours.restore(typed)
    assert "mot våld i nära" in restored and "och stöd till" in restored
    plain = DiacriticRestorer(margin=1.0).restore(typed)
    assert "vald" in plain.split() and "stod" in plain.split()  # common words as typed: left as they are
    rare = DiacriticRestorer(margin=1.0, documents_words=["mån", "våld"])
    assert rare.restore("man vet") == "man vet"  # "mån" is far rarer than "man": the word as typed


def test_shorter_picks_the_sentence_that_answered_not_the_quotes_first():
    chunks = chunks_by_id()
    first = "Program för social hållbarhet är ett av Västerås stads styrdokument."
    second = (
        "Syftet med programmet är att skapa förutsättningar för alla invånare i Västerås att leva i ett socialt "
        "hållbart samhälle."
    )
    last = Turn(question="Vad är syftet med programmet?", answer=f"> {first} {second} [1]")

    def ranker(question: str, quotes: list[str]) -> list[float | None]:
        return [1.0 if "Syftet" in q else 0.0 for q in quotes]

    answer = FollowUpOperations(chunks, None, None, ranker=ranker).quote("kortare", last, "sv", shorter=True)
    assert answer is not None and second in answer.answer and first not in answer.answer
    ops = FollowUpOperations(chunks, None, None, ranker=ranker, sentence_first=False)
    before = ops.quote("kortare", last, "sv", shorter=True)
    assert before is not None and first in before.answer


def test_a_relate_answer_with_its_goals_first_is_still_a_relate_answer():
    from assistant.understanding.conversation import is_relate_answer
    from core.strings import message

    intro = message("relate_intro", "sv")
    assert is_relate_answer(f"Målområdet *X* omfattar Agenda 2030-målen 5 (Jämställdhet).\n\n{intro}\n\n**1. X**")
    assert not is_relate_answer(f"Programmet säger:\n\n> citat [1]\n\n> {intro} [2]")
