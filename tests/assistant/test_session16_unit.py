"""Session 16's mechanisms on their own, without the real embedder: SDG numbers listed after one "mål" ("mål 8 och
9"), the goals asked for by their count ("vilka elva mål …", where "eleven" is not the pupil), two goal areas' or a
main area's goals added up, the work read without how long the writer has had the job or the question after it, and
"utveckla, var kommer …?" read as a question of its own."""

from __future__ import annotations

from assistant.chain import asks_after
from assistant.facts import StructuredFacts, sdg_numbers
from assistant.mapper import work_only
from assistant.understanding.goal_areas import GoalAreaResolver
from evals.metrics import stated_sdgs
from tests.fixtures.small import BagOfWordsEmbedder, chunks_by_id, programme


def facts() -> StructuredFacts:
    model, _ = programme()
    return StructuredFacts(model, chunks_by_id(), GoalAreaResolver(model, BagOfWordsEmbedder()))


def test_numbers_listed_after_one_goal_word_are_all_read():
    assert sdg_numbers("mål 8 och 9, dyker dom upp nånstans?") == [8, 9]
    assert sdg_numbers("SDG 5, 10 and 16?") == [5, 10, 16]
    assert sdg_numbers("goals 1 and 2") == [1, 2]
    assert sdg_numbers("mål 3 och 2030") == [3]  # a year is not a goal
    assert sdg_numbers("SDG 5 and 10%") == [5]  # nor is a share


def test_goals_asked_for_by_their_count_get_the_programmes_goals():
    model, _ = programme()
    for question in (
        "Det står att programmet täcker elva av FN:s sjutton mål – vilka elva är det?",
        "which are the eleven goals the programme covers?",  # "eleven": the number, not "the pupil"
    ):
        fact = facts().answer(question, "sv")
        assert fact is not None and fact.intent == "count_sdgs", question
        assert all(f"{n} (" in fact.text for n in sorted(model.covered_sdgs))


def test_two_goal_areas_goals_added_up_are_their_union():
    question = (
        "vi vill hänvisa både till utbildningsområdet och till området om arbete i programmet. Vilka globala mål "
        "räknas upp för de två områdena tillsammans?"
    )
    fact = facts().answer(question, "sv")
    assert fact is not None
    union_line = fact.text.split("\n\n")[0]
    assert all(f"{n} (" in union_line for n in (4, 5, 8, 9, 10, 17)), union_line


def test_a_main_areas_goals_added_up_are_its_union_even_when_its_areas_are_named():
    question = (
        "huvudområdet goda livsvillkor, alltså målområdena om hälsa, utbildning, arbete och bostäder: vilka globala "
        "mål täcker hela huvudområdet om man slår ihop dem allihop?"
    )
    fact = facts().answer(question, "sv")
    assert fact is not None
    first = fact.text.split("\n\n")[0]
    assert first.startswith("Huvudområdet *Goda livsvillkor")
    assert all(f"{n} (" in first for n in (1, 2, 3, 4, 5, 8, 9, 10, 11, 17)), first


def test_the_work_is_read_without_tenure_or_the_question_after_it():
    typed = "jag ar nyanstalld fritidsledare pa en fritidsgard i Backby, har mitt jobb ens med det har att gora?"
    assert work_only(typed) == "jag ar fritidsledare pa en fritidsgard i Backby"
    assert work_only("I just started as a librarian at the city library.") == "I a librarian at the city library."
    assert "nyss" not in work_only("Började nyss som socialsekreterare på vuxenenheten, mest missbruk.")


def test_a_request_then_a_question_of_its_own_is_a_question():
    assert asks_after("utveckla, var kommer principerna ifrån?")
    assert asks_after("tell me more – what is that built on?")
    assert not asks_after("berätta mer, det låter tunt")  # a comment, not a question
    assert not asks_after("utveckla?")


def test_two_included_goals_asked_about_get_one_yes_first():
    fact = facts().answer("mål 8 och 9, dyker dom upp nånstans i programmet?", "sv")
    assert fact is not None
    assert fact.text.split("\n\n")[0] == "Ja – mål 8 och 9 ingår båda i programmet."
    mixed = facts().answer("ingår mål 13 och 3?", "sv")  # not all included: no "yes" for them all
    assert mixed is not None and not mixed.text.startswith("Ja")


def test_an_included_goal_named_by_its_name_is_placed_in_its_goal_area():
    fact = facts().answer("Is Zero Hunger part of this programme at all, and if so under which goal area?", "en")
    assert fact is not None and fact.intent == "sdg_meaning"
    assert fact.text.startswith("SDG 2 is Zero hunger") and "Stärkt hälsa" in fact.text
    # a one-word name is as likely the topic: "jämställdhet" alone is not read as SDG 5
    topic = facts().answer("vilket målområde handlar om jämställdhet?", "sv")
    assert topic is None or "Mål 5" not in topic.text


def test_the_goals_left_out_are_listed_when_asked_for():
    model, _ = programme()
    fact = facts().answer("vilka av de 17 globala målen är INTE med i programmet?", "sv")
    assert fact is not None and fact.intent == "uncovered_sdgs"
    first = fact.text.split("\n\n")[0]
    left_out = [n for n in range(1, 18) if n not in model.covered_sdgs]
    assert stated_sdgs(first) == left_out  # "sjutton" in words: the first line states only the goals left out


def test_where_a_goal_shows_up_names_the_areas_that_hold_it_not_the_guessed_one():
    question = "Where does goal 9 (industry, innovation and infrastructure) show up? I'd have guessed housing."
    fact = facts().answer(question, "en")
    assert fact is not None and fact.intent == "sdg_meaning"
    assert "Individens rätt till arbete" in fact.text.split("\n\n")[0]


def test_an_included_goal_gets_a_yes_that_states_that_goal_first():
    fact = facts().answer("ingår mål 8 i arbetsområdet?", "sv")
    assert fact is not None and fact.intent == "sdg_membership"
    first = fact.text.split("\n\n")[0]
    assert first.startswith("Ja.") and "mål 8" in first and "9" not in first  # the area's other goals are quoted


def test_no_difference_between_two_areas_states_both_areas_goals():
    question = "Vad skiljer bostadsområdet och trygghetsområdet åt när det gäller vilka Agenda 2030-mål de omfattar?"
    fact = facts().answer(question, "sv")
    assert fact is not None and fact.intent == "compare_sdgs"
    assert "(mål 5, 10, 11 och 17)" in fact.text and "(mål 5, 10, 11, 16 och 17)" in fact.text
