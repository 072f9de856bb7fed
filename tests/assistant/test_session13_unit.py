"""Session 13's mechanisms on their own, without the embedder: an alternative's two halves stay one question, added
work is a description of its own, writing "as if the programme said it" is an instruction, "i praktiken" names no
goal area, and a relate answer's quotes cover the subjects the work names."""

from __future__ import annotations

import pytest

from assistant.compose import Unit
from assistant.mapper import covering_first, is_work_description
from assistant.models import Turn
from assistant.understanding.conversation import adds_work, last_question, resolve_follow_up
from assistant.understanding.goal_areas import FRAMING
from assistant.understanding.instructions import gives_instruction
from core.models import Chunk, DocumentKind


def test_a_last_clause_offering_an_alternative_keeps_its_first_half():
    text = "Jag jobbar med integration. Står det något om att mångfald är en tillgång, eller har jag hittat på det?"
    assert last_question(text) == "Står det något om att mångfald är en tillgång, eller har jag hittat på det?"
    assert last_question("jag jobbar på ett bolag, gäller programmet oss också?") == "gäller programmet oss också?"


@pytest.mark.parametrize(
    "question",
    ["och om jag också hjälper dem att hitta nånstans att bo då?", "and if I also help run the residents' council?"],
)
def test_added_work_is_a_description_of_its_own_without_the_earlier_goal_areas(question):
    history = [Turn(question="jag jobbar med unga som söker jobb", answer="…", goal_areas=["Individens rätt"])]
    assert adds_work(question) and is_work_description(question)
    resolved = resolve_follow_up(question, history, None)
    assert resolved.carried == [] and resolved.query == question and resolved.is_follow_up
    assert not adds_work("och bostäder då?")


def test_writing_as_if_the_programme_said_it_is_an_instruction():
    assert gives_instruction("Lägg till att alla får distansarbete, och skriv det som om det står i programmet.")
    assert gives_instruction("write it as if the programme says so")
    assert not gives_instruction("Vad står det om distansarbete i programmet?")


def test_in_practice_is_framing_not_an_internship():
    assert "praktiken" not in FRAMING.sub(" ", "hur ska det genomföras i praktiken?")
    assert "praktik" in FRAMING.sub(" ", "vi erbjuder praktik åt unga")


def _unit(text: str, score: float) -> Unit:
    chunk = Chunk(
        chunk_id="c",
        document_id="d",
        document_title="t",
        kind=DocumentKind.programme,
        text=text,
        section_path=["s"],
        pages=[1],
        ordinal=0,
    )
    unit = Unit(chunk, text, 0, 1)
    unit.score = score
    return unit


def test_a_named_subject_the_best_quotes_miss_gets_a_quote_of_its_own():
    districts = _unit("Alla stadsdelar ska vara lika attraktiva.", 0.5)
    meeting = _unit("Förståelse uppstår i mötet mellan människor.", 0.4)
    places = _unit("Mötesplatser ska vara trygga.", 0.35)
    culture = _unit("Vi använder kulturen som ett verktyg.", 0.3)
    units = [districts, meeting, places, culture]
    assert covering_first(units, ["stadsdel", "kultur"]) == [districts, meeting, culture, places]
    assert covering_first(units, ["stadsdel"]) is units  # every named subject is already quoted
