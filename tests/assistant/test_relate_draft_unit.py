"""Relate and draft pieces without a model: the goal area's opening paragraph, a writing request's topic."""

from __future__ import annotations

import pytest

from assistant.draft import about_instead, topic_of
from assistant.mapper import aim_paragraph
from tests.fixtures.small import chunks_by_id, programme


def test_a_goal_areas_aim_is_the_paragraph_after_its_sdg_line():
    model, _ = programme()
    education = next(ga for ga in model.goal_areas if ga.name.startswith("Utbildning"))
    chunk = next(c for c in chunks_by_id().values() if education.sdg_statement in c.text)
    aim = aim_paragraph(chunk, education.sdg_statement)
    assert aim is not None and aim.startswith("Alla människor ska få likvärdig tillgång till alla utbildningsnivåer.")
    assert "livslångt lärande" in aim and aim in chunk.text


@pytest.mark.parametrize(
    ("request_text", "topic"),
    [
        ("Formulera en kort text till en affisch i personalrummet om stadens värdegrund.", "stadens värdegrund"),
        ("skriv en intranattext om att handlingsplanen foljs upp varje ar", "att handlingsplanen foljs upp varje ar"),
        ("poster text on trust", "trust"),
        ("Sammanfatta programmet", "Sammanfatta programmet"),  # no topic phrase: the whole request
    ],
)
def test_a_writing_requests_topic_leaves_genre_and_audience_out(request_text, topic):
    assert topic_of(request_text) == topic


@pytest.mark.parametrize(
    ("request_text", "language", "meant"),
    [
        ("skriv en kort text till intranätet om det", "sv", "skriv en kort text till intranätet om demokrati"),
        ("write a LinkedIn post about it, 50 words", "en", "write a LinkedIn post about demokrati, 50 words"),
        ("gör ett utkast till ett pressmeddelande", "sv", "gör ett utkast till ett pressmeddelande om demokrati"),
        ("Draft a poster text.", "en", "Draft a poster text about demokrati"),
        ("skriv ett inlägg om trygghet istället", "sv", "skriv ett inlägg om trygghet istället"),  # its own topic
    ],
)
def test_a_writing_request_in_a_conversation_is_about_what_it_points_back_to(request_text, language, meant):
    assert about_instead(request_text, "demokrati", language) == meant


def test_a_drafting_topic_ends_with_its_sentence():
    """A long request names its topic in one sentence and goes on in the next: the next is not the topic."""
    request = "Jag ska tala på en konferens om barns rättigheter. Kan du skriva några meningar som citerar programmet?"
    assert topic_of(request) == "barns rättigheter"
