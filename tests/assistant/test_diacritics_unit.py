"""Diacritics put back into Swedish typed without them (assistant/understanding/diacritics.py), from wordfreq's
Swedish word frequencies."""

from __future__ import annotations

import pytest

from assistant.understanding.diacritics import DiacriticRestorer


@pytest.fixture(scope="module")
def restorer() -> DiacriticRestorer:
    return DiacriticRestorer(margin=1.0)


def test_words_typed_without_diacritics_get_them_back(restorer):
    assert restorer.restore("hur manga hemlosa finns det i vasteras?") == "hur många hemlösa finns det i västerås?"
    assert restorer.restore("nar ska programmet revideras nasta gang") == "när ska programmet revideras nästa gång"
    assert restorer.restore("Vad star det om halsa") == "Vad står det om hälsa"  # a capital stays a capital


def test_a_word_that_is_common_as_typed_stays(restorer):
    """ "man", "har" and "barn" are words of their own, about as common as or commoner than "män", "här", "bärn"."""
    assert restorer.restore("har man barn") == "har man barn"


def test_a_message_with_any_diacritic_is_left_as_it_is(restorer):
    """One typed with diacritics needs no help: "for" here is what the user meant."""
    assert restorer.restore("är det for mycket?") == "är det for mycket?"


def test_the_margin_decides_how_much_more_common_the_marked_form_must_be():
    """ "sa" (said) and "så" (so) are both common: "så" wins only with a small margin."""
    assert DiacriticRestorer(margin=1.0).restore("han sa") == "han så"
    assert DiacriticRestorer(margin=2.0).restore("han sa") == "han sa"
