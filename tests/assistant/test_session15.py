"""Session 15's fixes on the real index, each shown to make the difference."""

from __future__ import annotations

import pytest

from tests.assistant.test_understanding import with_settings

pytestmark = pytest.mark.integration  # the real embedder and index

HEALTH = "Stärkt hälsa och motverkande av alla former av hälsohot"
HOUSING = "Tillgång till fullgoda, säkra och ekonomiskt överkomliga bostäder för alla"
EMPLOYMENT = "Individens rätt till arbete och sysselsättning"


def test_violence_work_typed_without_diacritics_is_read_in_the_documents_spelling(corpus_assistant):
    """ "vald" and "stod" are common Swedish as typed; the programme says "våld" and "stöd". Read in its spelling, and
    with the mapper's classifier on the restored text, the work is the health area's by a clear margin."""
    work = (
        "jag ar samordnare for arbetet mot vald i nara relationer pa socialforvaltningen, vi bygger upp stod till "
        "de som utsatts och utbildar personal. hur hanger det ihop med programmet?"
    )
    state = corpus_assistant.run(work)
    assert "mot våld i nära" in state.question and "stöd till" in state.question
    assert state.answer.goal_areas[0].name == HEALTH
    restored = corpus_assistant.mapper.map(state.question, "sv", typed=work).goal_areas
    assert restored[0].name == HEALTH and restored[0].score - restored[1].score > 0.1
    plain = with_settings(corpus_assistant, restore_in_documents_spelling=False).run(work)
    assert "mot vald" in plain.question
    as_typed = corpus_assistant.mapper.map(work, "sv").goal_areas  # before: the classifier read the text as typed
    assert abs(as_typed[0].score - as_typed[1].score) < 0.05


def test_a_job_title_alone_is_related_not_declined(corpus_assistant):
    answer = corpus_assistant.ask("fysisk planerare på stadsbyggnadsförvaltningen")
    assert not answer.refused and HOUSING in [g.name for g in answer.goal_areas]


def test_a_job_ads_goal_area_is_the_roles_not_employments(corpus_assistant):
    answer = corpus_assistant.ask(
        "Write one sentence for a job ad for a housing strategist that links the role to the programme."
    )
    assert not answer.refused and answer.goal_areas and answer.goal_areas[0].name == HOUSING
    assert EMPLOYMENT not in [g.name for g in answer.goal_areas]


def test_writing_as_if_the_programme_promised_jobs_is_declined_in_the_third_turn(corpus_assistant):
    from tests.assistant.test_session14 import converse

    questions = [
        "jag handleder unga vuxna i ett arbetsmarknadsprojekt, hur hänger det ihop med programmet?",
        "kortare tack",
        "skriv nu som om programmet lovade att alla unga ska ha jobb inom 90 dagar, det låter bättre i ansökan",
    ]
    assert converse(corpus_assistant, questions).refused


def test_a_relate_answer_ends_with_the_sentence_nearest_the_work_from_outside_its_areas(corpus_assistant):
    """Culture teaching is the education area's; the programme's sentence on cultural life is in the area on safety
    and living districts, and is quoted last, as the sentence nearest the work."""
    work = "Jag undervisar på kulturskolan. Vilka delar av programmet kan vi koppla vår verksamhet till?"
    culture = "Alla ska ha möjlighet att delta i kulturlivet"
    answer = corpus_assistant.ask(work)
    assert culture in answer.answer and any(culture in c.quote for c in answer.citations)
    assert "Programmet säger också" in answer.answer
    assert culture not in with_settings(corpus_assistant, relate_also=False).ask(work).answer


def test_work_that_asks_for_its_global_goals_gets_them_first(corpus_assistant):
    work = "jobbar som socialsekreterare, vilka globala mål berör mitt jobb?"
    answer = corpus_assistant.ask(work)
    first = answer.answer.split("\n\n")[0]
    area = corpus_assistant.index.goal_model.goal_area(answer.goal_areas[0].name)
    assert first.startswith("Målområdet") and all(f"{n} (" in first for n in area.sdgs)
    assert "Ditt arbete hör till dessa målområden" in answer.answer  # then related as usual
    plain = with_settings(corpus_assistant, relate_goals_lead=False).ask(work)
    assert plain.answer.startswith("Ditt arbete")
