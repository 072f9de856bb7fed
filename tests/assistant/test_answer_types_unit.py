"""What kind of answer a question asks for, read from its words (assistant/answer_types.py)."""

from __future__ import annotations

import pytest

from assistant.answer_types import cued_answer_type, named_documents


@pytest.mark.parametrize(
    ("question", "documents"),
    [
        ("vad säger socialtjänstlagen om försörjningsstöd?", {"socialtjänstlagen"}),
        ("Programmet tar upp barnrätt, men vad säger barnkonventionens artikel 12 exakt?", {"barnkonventionen"}),
        # the programme is the source asked about: the law is its topic, not a text whose wording is wanted
        ("min chef undrade om stadens styrdokument säger något om barnkonventionen.", set()),
        ("står det något om socialtjänstlagen i programmet?", set()),
        ("does the programme mention the Education Act?", set()),
    ],
)
def test_a_law_counts_as_asked_for_only_where_the_programme_is_not_the_source(question, documents):
    assert named_documents(question) == documents


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("okej men vad visade uppföljningen förra året då?", "later_document"),
        ("what were last year's results?", "later_document"),
        ("hur mycket pengar har avsatts?", "amount"),
        ("hur följs programmet upp?", None),
    ],
)
def test_last_years_outcome_and_money_are_cued_in_so_many_words(question, kind):
    assert cued_answer_type(question) == kind


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("okej och vad står det i årets handlingsplan om våld i nära relationer då?", "later_document"),
        ("vilka aktiviteter står i handlingsplanen för 2024?", "later_document"),
        ("what's in the latest action plan on housing?", "later_document"),
        ("hur följs handlingsplanen upp?", None),  # the programme's own words about it answer this
        ("vilka mål i Agenda 2030 följs upp?", None),  # 2030 is Agenda 2030's year, not a document's
    ],
)
def test_a_dated_action_plan_or_follow_up_is_cued_as_a_later_document(question, kind):
    assert cued_answer_type(question) == kind
