"""Structured facts from the goal-area model, on the real programme parsed without a model."""

from __future__ import annotations

import pytest

from assistant.facts import StructuredFacts
from assistant.understanding.goal_areas import GoalAreaResolver
from tests.fixtures.small import BagOfWordsEmbedder, chunks_by_id, programme

HOUSING_LINE = "Området omfattar mål 5, 10, 11 och 17 i Agenda 2030"


@pytest.fixture(scope="module")
def facts() -> StructuredFacts:
    model, _ = programme()
    return StructuredFacts(model, chunks_by_id(), GoalAreaResolver(model, BagOfWordsEmbedder()))


def test_sdgs_of_a_named_goal_area_cite_the_programmes_own_line(facts):
    fact = facts.answer("Vilka globala mål hör till bostadsfrågorna?", "sv")
    assert fact is not None and fact.intent == "sdgs_of_goal_area"
    assert "5 (Jämställdhet), 10 (Minskad ojämlikhet), 11 (Hållbara städer och samhällen) och 17" in fact.text
    assert [c.quote for c in fact.citations] == [HOUSING_LINE] and "[1]" in fact.text
    assert [g.sdgs for g in fact.goal_areas] == [[5, 10, 11, 17]]


def test_membership_says_yes_or_no_with_the_true_set(facts):
    yes = facts.answer("Ingår mål 11 i bostadsområdet för alla bostäder?", "sv")
    assert yes is not None and yes.intent == "sdg_membership" and yes.text.startswith("Ja.")
    no = facts.answer("Does the housing goal area include SDG 4?", "en")
    assert no is not None and no.text.startswith("No.") and "it covers SDGs 5" in no.text


def test_how_many_sdgs_counts_the_covered_ones(facts):
    fact = facts.answer("Hur många globala mål omfattar programmet?", "sv")
    assert fact is not None and fact.intent == "count_sdgs"
    assert fact.text.startswith("Programmet omfattar 11 av de 17 globala målen")
    # the programme's own sentence that states the count is quoted first
    assert fact.citations[0].quote == "Programmet för social hållbarhet innefattar elva av de sjutton globala målen."


def test_a_count_of_something_else_than_goals_is_no_fact(facts):
    """ "hur många länder står bakom Agenda 2030?" counts countries: the passage answers, not the list of SDGs."""
    assert facts.answer("hur manga lander star bakom agenda 2030 enligt programmet", "sv") is None
    assert facts.answer("How many people does the Agenda 2030 part mention?", "en") is None
    assert facts.answer("Hur många av de globala målen finns med?", "sv").intent == "count_sdgs"


def test_what_agenda_2030_is_is_no_list_of_goals(facts):
    """ "vad är agenda 2030?" asks for what the programme says it is; "vad är de globala målen i programmet?" and
    "What are the SDGs of the programme?" still list them."""
    assert facts.answer("vad är agenda 2030 enligt programmet, kort?", "sv") is None
    assert facts.answer("What is Agenda 2030 according to the programme?", "en") is None
    for question in ("vad är de globala målen i programmet?", "What are the SDGs of the programme?"):
        assert facts.answer(question, "sv").intent == "count_sdgs"  # the count, then every goal listed


def test_which_of_the_goals_are_included_lists_them_all(facts):
    fact = facts.answer("vilka av de 17 globala målen ingår över huvud taget?", "sv")
    assert fact is not None and fact.intent == "count_sdgs" and "1 (Ingen fattigdom)" in fact.text


def test_the_sdgs_of_all_six_areas_together_quote_the_count_too(facts):
    model = facts.model
    together = facts.sdgs_of(list(model.goal_areas), "sv", together=True)
    assert "elva av de sjutton globala målen" in together.citations[0].quote
    two = facts.sdgs_of(list(model.goal_areas[:2]), "sv", together=True)
    assert all("sjutton" not in c.quote for c in two.citations)


def test_an_sdg_outside_the_programme_is_said_to_be_outside(facts):
    fact = facts.answer("What is SDG 13 about?", "en")
    assert fact is not None and fact.intent == "sdg_meaning"
    assert "is not part of any of the programme's goal areas" in fact.text and fact.goal_areas == []


@pytest.mark.parametrize(
    ("question", "declined"),
    [
        ("Which goal area covers SDG 14, life below water?", True),  # presumes an area holds it
        ("vilket målområde hör mål 6 till?", True),
        ("Ingår mål 13 i programmet?", True),  # asks yes or no: "no", as a decline
        ("Is SDG 7 one of the goals the programme covers?", True),
        ("Is SDG 10 one of the goals the programme covers?", False),
    ],
)
def test_an_sdg_outside_the_programme_is_declined_also_when_asked_whether_it_is_included(facts, question, declined):
    fact = facts.answer(question, "en")
    assert fact is not None and fact.declined is declined
    assert (fact.goal_areas == []) is declined


def test_lists_of_goal_areas_and_main_areas(facts):
    areas = facts.answer("Vilka målområden finns det?", "sv")
    assert (
        areas is not None
        and areas.intent == "list_goal_areas"
        and "sex målområden under två huvudområden" in areas.text
    )
    mains = facts.answer("Which are the main areas?", "en")
    assert (
        mains is not None
        and mains.intent == "list_main_areas"
        and mains.text.startswith("The programme has two main areas")
    )


def test_a_follow_up_carries_its_goal_area(facts):
    model, _ = programme()
    housing = next(g for g in model.goal_areas if g.sdgs == [5, 10, 11, 17])
    fact = facts.answer("Och vilka globala mål hör till det?", "sv", carried=[housing])
    assert fact is not None and [g.name for g in fact.goal_areas] == [housing.name]


def test_other_questions_are_not_facts(facts):
    assert facts.answer("Vad säger programmet om barnrättsperspektivet?", "sv") is None


def test_patterns_match_questions_typed_without_diacritics(facts):
    fact = facts.answer("hur manga av de globala malen ingar i programmet", "sv")
    assert fact is not None and fact.intent == "count_sdgs"


def test_two_goal_areas_compared_by_their_sdgs(facts):
    from evals.metrics import stated_sdgs

    shared = facts.answer("vilka globala mål har utbildning och arbete gemensamt?", "sv")
    assert shared is not None and shared.intent == "compare_sdgs"
    assert stated_sdgs(shared.text) == [5, 10, 17]
    lacking = facts.answer("vilka mal har bostadsomradet som halsoomradet saknar?", "sv")
    assert lacking is not None and lacking.intent == "compare_sdgs"
    assert stated_sdgs(lacking.text) == [11]
    assert [g.name for g in lacking.goal_areas][0].startswith("Tillgång till fullgoda")
    reverse = facts.answer("Which SDGs does the health area have that the housing area lacks?", "en")
    assert reverse is not None and stated_sdgs(reverse.text) == [1, 2, 3]


def test_a_text_contradicts_the_model_when_it_ties_an_sdg_the_programme_or_the_area_lacks(facts):
    assert facts.contradicts("skriv att bostadsområdet också omfattar mål 6 om vatten")  # not the housing area's
    assert facts.contradicts("Låtsas att programmet har med mål 14")  # not in the programme at all
    assert not facts.contradicts("skriv att bostadsområdet omfattar mål 11")  # true
    assert not facts.contradicts("skriv en text om bostäder")  # no SDG at all


@pytest.mark.parametrize(
    "question", ["vilka av de globala målen är med totalt sett?", "which of the global goals are in it, in total?"]
)
def test_the_global_goals_added_up_without_naming_the_programme_are_all_it_covers(facts, question):
    fact = facts.answer(question, "sv")
    assert fact is not None and fact.intent == "count_sdgs"


def test_an_sdg_described_by_its_name_is_not_a_goal_area_asked_about(facts):
    """ "mål 8 om anständiga arbetsvillkor": the words name the goal, so the question asks which area has it, and the
    answer says which one; "ingår mål 11 i bostadsområdet?" still asks about that area."""
    fact = facts.answer("Under vilket målområde hamnar mål 8 om anständiga arbetsvillkor?", "sv")
    assert fact is not None and fact.intent != "sdg_membership" and not fact.text.startswith("Ja.")
    assert "Individens rätt till arbete och sysselsättning" in fact.text
    assert facts.answer("ingår mål 11 i bostadsområdet?", "sv").intent == "sdg_membership"
