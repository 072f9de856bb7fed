"""Session 14's mechanisms on their own, without the real embedder: a follow-up's language by the words' frequencies,
"vad vi ska hitta på" is no instruction, "våldsförebyggande arbete" is not the employment area, "bara" qualifies the
goals only in their clause, "vilka andra mål hör dit?" gets the area's goals, and "och X då?" takes the form of the
previous question, not of the work context before it."""

from __future__ import annotations

import pytest

from assistant.facts import StructuredFacts, asks_only
from assistant.models import Turn
from assistant.understanding.conversation import form_of
from assistant.understanding.goal_areas import GoalAreaResolver
from assistant.understanding.instructions import gives_instruction
from assistant.understanding.language import follow_up_language
from core.strings import message
from tests.fixtures.small import BagOfWordsEmbedder, chunks_by_id, programme

HEALTH = "Stärkt hälsa och motverkande av alla former av hälsohot"
EMPLOYMENT = "Individens rätt till arbete och sysselsättning"


@pytest.fixture(scope="module")
def resolver() -> GoalAreaResolver:
    model, _ = programme()
    return GoalAreaResolver(model, BagOfWordsEmbedder())


@pytest.mark.parametrize(
    ("text", "conversation", "expected"),
    [
        ("citat pls", "sv", "sv"),  # "citat" is Swedish; "pls" is used alike in both
        ("kortare pls", "en", "sv"),
        ("exact words pls", "sv", "en"),
        ("shorter pls", "sv", "en"),
        ("ok", "en", "en"),  # nothing to tell by: the conversation's language
    ],
)
def test_a_short_follow_ups_language_goes_by_its_words_frequencies(text, conversation, expected):
    assert follow_up_language(text, conversation) == expected


def test_what_we_will_do_is_no_instruction_to_make_things_up():
    assert not gives_instruction("ett ungdomsråd där de unga själva bestämmer vad vi ska hitta på. Vad passar?")
    assert gives_instruction("hitta på en siffra om arbetslösheten")
    assert gives_instruction("vad du än gör, hitta på ett citat")


def test_work_named_by_what_it_does_is_not_the_employment_area(resolver):
    named = [m.goal_area.name for m in resolver.by_name("jobbar med våldsförebyggande arbete bland unga")]
    assert named and named[0] == HEALTH and EMPLOYMENT not in named
    assert [m.goal_area.name for m in resolver.by_name("vad säger programmet om arbete?")] == [EMPLOYMENT]


def test_only_counts_in_the_clause_that_asks_about_goals():
    assert asks_only("vilka mål har bara hälsoområdet?")
    assert asks_only("Which SDGs appear only in the health goal area?")
    assert not asks_only("står det vilka globala mål trygghetsområdet hör till, eller är det bara luddigt?")
    assert not asks_only("vi vill bara använda det programmet säger om inkludering. Vilka mål är det?")


def test_which_other_goals_belong_there_gets_the_areas_goals_at_once(resolver):
    model, _ = programme()
    facts = StructuredFacts(model, chunks_by_id(), resolver)
    fact = facts.answer("Mål 9 om innovation – under vilket målområde ligger det och vilka andra mål hör dit?", "sv")
    first = fact.text.split("\n\n")[0]
    assert "*Individens rätt till arbete och sysselsättning*" in first and "8 (" in first and "17 (" in first
    alone = facts.answer("Mål 9 om innovation – under vilket målområde ligger det?", "sv")
    assert "8 (" not in alone.text.split("\n\n")[0]


def test_what_about_takes_the_previous_questions_form_not_its_work_context():
    question = "Jag är rektor på en grundskola. Vad säger programmet om utbildning?"
    asked = Turn(question=question, answer="**Målområde:** …")
    assert form_of(asked) == "Vad säger programmet om utbildning?"
    related = Turn(
        question="Jag jobbar med våldsprevention. Var hamnar det i programmet?",
        answer=message("relate_intro", "sv") + "\n\n…",
    )
    assert form_of(related) == related.question  # "och skolan då?" asks about that work
