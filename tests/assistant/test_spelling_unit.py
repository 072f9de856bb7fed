"""Misspelt words read as the word meant (assistant/understanding/spelling.py): corrected only to a word of the
documents or the examples, only when no word list knows the word as typed, and only within its language."""

from __future__ import annotations

import pytest

from assistant.understanding.spelling import SpellingCorrector

DOCUMENT = "Programmet för social hållbarhet: utbildning, uthållighet och megatrenderna."
EXAMPLES = ["kan du ge mig det på svenska?", "shorter please", "global megatrends"]


@pytest.fixture(scope="module")
def speller() -> SpellingCorrector:
    return SpellingCorrector.from_texts([DOCUMENT], EXAMPLES)


def test_a_misspelt_word_is_read_as_the_documents_or_an_examples_word(speller):
    assert speller.correct("vad säger progammet om utbilding?") == "vad säger programmet om utbildning?"
    assert speller.correct("kan du ge mig det på sevnska?") == "kan du ge mig det på svenska?"
    assert speller.correct("make it shortr", "en") == "make it shorter"


def test_a_word_typed_without_diacritics_gets_the_documents_spelling(speller):
    assert speller.correct("vad menas med uthallighet") == "vad menas med uthållighet"


def test_a_capital_stays_a_capital(speller):
    assert speller.correct("Progammet") == "Programmet"


def test_a_known_or_short_word_is_left_as_it_is(speller):
    """ "parkering" is a Swedish word of its own, however close to nothing here; "sägar" is too short to tell."""
    assert speller.correct("parkering sägar") == "parkering sägar"


def test_a_word_is_not_corrected_into_the_other_language(speller):
    """ "megatrender" is Swedish; the examples' English "megatrends" is no correction of it."""
    assert speller.correct("vilka megatrender nämns?", "sv") == "vilka megatrender nämns?"
    assert speller.correct("which megatrendz", "en") == "which megatrends"
