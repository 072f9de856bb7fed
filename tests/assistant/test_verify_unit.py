"""Verification of generated sentences against the real programme's chunks, without a model: negations, numbers
and quotes that the cited passage does not hold make a sentence unsupported, however many words it shares."""

from __future__ import annotations

import pytest

from assistant.retrieval.searcher import RetrievedChunk
from assistant.verify import verify
from tests.fixtures.small import programme


def hits(*phrases: str) -> list[RetrievedChunk]:
    """The programme's chunks holding each phrase, as retrieved passages [1], [2], ..."""
    chunks = programme()[1]
    return [RetrievedChunk(next(c for c in chunks if phrase in c.text), 1.0) for phrase in phrases]


HOUSING = "hustyper, upplåtelseformer och prisbilder"
VISION = "en aldrig sviktande tro"  # the programme's målbild: one of its few negations


def supported(sentence: str, *phrases: str) -> bool:
    checked = verify(sentence, hits(*(phrases or (HOUSING,))))
    assert len(checked.sentences) == 1
    return checked.sentences[0].supported


@pytest.mark.parametrize(
    "sentence",
    [
        "Staden ska planera för en variation av hustyper, upplåtelseformer och prisbilder [1].",
        "Området omfattar mål 5, 10, 11 och 17 i Agenda 2030 [1].",
        "Bostäderna finns på sidan 11 i programmet och hör till mål 11 [1].",  # the chunk's page and SDGs
        "Staden ska planera för ”en variation av hustyper, upplåtelseformer och prisbilder” [1].",
        "Grupper i samhället har svårigheter att få tag på bostad [1].",
    ],
)
def test_faithful_sentences_are_kept(sentence):
    assert supported(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Staden ska inte planera för en variation av hustyper, upplåtelseformer och prisbilder [1].",
        "Staden ska aldrig planera för en variation av hustyper [1].",
        "Västerås stad ska ej planera för olika upplåtelseformer [1].",
        "Grupper i samhället har inga svårigheter att få tag på bostad [1].",
        "Det finns ingen variation av hustyper, upplåtelseformer och prisbilder [1].",
        "Hustyper, upplåtelseformer och prisbilder planeras inte [1].",  # the negation after what it negates
    ],
)
def test_a_negation_the_passage_does_not_have_is_unsupported(sentence):
    checked = verify(sentence, hits(HOUSING))
    assert not checked.sentences[0].supported and checked.sentences[0].reason == "negation differs from the passage"


def test_english_negations_count_too():
    passage = hits(HOUSING)
    passage[0].chunk = passage[0].chunk.model_copy(update={"text": "The city plans for a variety of housing types."})
    assert verify("The city plans for a variety of housing types [1].", passage).sentences[0].supported
    for sentence in (
        "The city does not plan for a variety of housing types [1].",
        "The city doesn't plan for a variety of housing types [1].",
        "The city never plans for a variety of housing types [1].",
        "No variety of housing types is planned by the city [1].",
    ):
        assert not verify(sentence, passage).sentences[0].supported, sentence


def test_the_same_negation_near_the_same_words_is_kept_and_a_dropped_one_is_not():
    kept = "Programmet vill ha en stark tillit som leder till en aldrig sviktande tro på en god framtid [1]."
    assert supported(kept, VISION)
    assert supported("Målbilden talar om en stark tillit och en god framtid [1].", VISION)  # not the negated words
    assert not supported("Programmet beskriver en sviktande tro på framtiden [1].", VISION)  # the negation dropped


def test_a_negation_about_other_words_leaves_the_overlap_to_decide():
    # the negation is about words the passage does not have: the sentence stands or falls by its overlap
    assert supported("Västerås stad ska planera för en variation av hustyper, inte parkeringsplatser [1].")


@pytest.mark.parametrize(
    "sentence, reason",
    [
        ("Området omfattar mål 5, 10, 11 och 16 i Agenda 2030 [1].", "numbers not in the passage: 16"),
        ("Området omfattar mål 6 och 7 i Agenda 2030 [1].", "numbers not in the passage: 6, 7"),
        ("Alla ska ha en bostad senast 2025 enligt hustyper-planen [1].", "numbers not in the passage: 2025"),
    ],
)
def test_a_number_the_passage_does_not_state_is_unsupported(sentence, reason):
    checked = verify(sentence, hits(HOUSING))
    assert not checked.sentences[0].supported and checked.sentences[0].reason == reason


def test_a_misquote_is_unsupported_though_its_words_are_there():
    checked = verify(
        "Programmet säger ”Västerås stad ska planera för hustyper och mindre segregation” [1].", hits(HOUSING)
    )
    assert not checked.sentences[0].supported and checked.sentences[0].reason.startswith("quote not in the passage")


def test_markers_and_word_overlap_still_decide_the_rest():
    checked = verify(
        "Staden ska planera för en variation av hustyper [1]. Programmet nämner bostadsbidrag [3]. "
        "Segregationen minskar av sig själv. Kommunen bygger simhallar och ishallar [1].",
        hits(HOUSING),
    )
    assert [s.supported for s in checked.sentences] == [True, False, False, False]
    assert [s.reason.split(":")[0] for s in checked.sentences[1:3]] == [
        "cites passages that were not given",
        "no citation",
    ]
    assert checked.sentences[3].reason.startswith("word overlap 0.")
