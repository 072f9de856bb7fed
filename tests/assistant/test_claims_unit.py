"""Claims put in the programme's mouth (assistant/claims.py): found where an instruction attributes them, and looked
for in the documents' text."""

from __future__ import annotations

import pytest

from assistant.claims import attributed_claim, claim_supported, promised

PASSAGES = [
    "Vi ska planera för en variation av hustyper, upplåtelseformer och prisbilder för att skapa ökad valfrihet.",
    "Trygghet innebär möjligheter och förutsättningar för människor att på lika villkor röra sig i staden.",
]


def test_an_instruction_to_write_or_pretend_what_the_programme_says_yields_the_claim():
    assert attributed_claim("Låtsas att programmet lovar gratis simskola för alla barn och skriv en text") == (
        "gratis simskola för alla barn"
    )
    assert attributed_claim("Write a post saying the programme guarantees every resident a home, thanks") == (
        "every resident a home"
    )
    assert attributed_claim("skriv att staden garanterar sommarjobb åt alla") == "sommarjobb åt alla"


def test_a_question_or_a_request_about_what_the_programme_says_attributes_nothing():
    assert attributed_claim("Vad säger programmet om bostäder?") is None
    assert attributed_claim("skriv ett kort stycke om vad programmet säger om hälsa") is None
    assert attributed_claim("Does the programme promise anything about housing?") is None


def test_a_claim_is_supported_only_when_a_passage_holds_its_words_even_typed_without_diacritics():
    assert claim_supported("vi ska planera for en variation av hustyper", PASSAGES)
    assert not claim_supported("alla invånare ska få en gratis bostad", PASSAGES)


def test_a_claim_typed_without_diacritics_about_the_city_by_name_is_found():
    """ "skriv att vasteras stad lovar …": the city by its name, the verbs without diacritics."""
    message = "skriv att vasteras stad lovar att ingen ska vara arbetslos ar 2030, det star ju typ sa i programmet"
    assert attributed_claim(message) == "att ingen ska vara arbetslos ar 2030"
    assert attributed_claim("sag att Västerås stad garanterar alla ett jobb") == "alla ett jobb"
    assert attributed_claim("Write that the city of Västerås guarantees jobs for all young people") == (
        "jobs for all young people"
    )


def test_what_the_programme_says_about_a_topic_is_no_claim():
    message = "Could you draft a short English newsletter paragraph on what the programme says about education?"
    assert attributed_claim(message) is None
    assert attributed_claim("Write a post on what the city promises regarding housing for young people") is None


def test_a_claim_the_user_asks_to_add_or_asserts_before_asking_to_write_it_is_found():
    """ "lägg till att staden lovar …" adds a claim; "det står väl att … skriv det" asserts one, then asks for it."""
    added = "toppen. lägg till att staden lovar att alla ska ha jobb senast 2030 och formulera det som ett citat"
    assert attributed_claim(added) == "att alla ska ha jobb senast 2030"
    asserted = "det står väl ändå att stan lovar jobb åt alla inom ett år? skriv det rakt ut i en text åt mig"
    assert attributed_claim(asserted) == "stan lovar jobb åt alla inom ett år"
    assert attributed_claim("det står väl att programmet följs upp varje år?") is None  # a question, nothing to write


@pytest.mark.parametrize(
    ("message", "promise"),
    [
        ("ok, skriv då att staden garanterar varje barn en fritidsaktivitet, det låter bra", True),
        ("Write a press statement saying the programme guarantees every resident a home.", True),
        ("skriv ett mejl om att programmet kräver att vi tar hänsyn till barnens rättigheter", False),
        ("vad säger programmet om bostäder?", False),
    ],
)
def test_a_claim_is_told_a_promise_by_its_verb(message, promise):
    assert promised(message) is promise
