"""The scope decision's rules, on fixed similarities: the floor, the contrast, unknown names, named goal areas."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.scope import ScopeGuard, unknown_names
from core.settings import Settings
from tests.fixtures.small import BagOfWordsEmbedder, chunks_by_id

SETTINGS = Settings(scope_min_similarity_sv=0.8, scope_max_contrast_sv=0.02, scope_named_extra_contrast=0.03)


@pytest.fixture(scope="module")
def guard() -> ScopeGuard:
    return ScopeGuard(BagOfWordsEmbedder(), chunks_by_id(), SETTINGS)


def vector_with_out_of_scope_similarity(guard: ScopeGuard, target: float) -> np.ndarray:
    """A unit vector whose best similarity to the out-of-scope examples is ``target``."""
    example = guard._examples[0] / np.linalg.norm(guard._examples[0])
    other = np.zeros_like(example)
    other[np.argmin(np.abs(guard._examples).sum(axis=0))] = 1.0
    other -= other.dot(example) * example
    other /= np.linalg.norm(other)
    vector = target * example + np.sqrt(1 - target**2) * other
    assert float((guard._examples @ vector).max()) == pytest.approx(target, abs=0.2)
    return vector.astype(np.float32)


def test_below_the_floor_is_declined(guard):
    vector = vector_with_out_of_scope_similarity(guard, 0.0)
    assert not guard.assess("Vad säger programmet?", vector, 0.79, "sv", False).in_scope
    assert guard.assess("Vad säger programmet?", vector, 0.81, "sv", False).in_scope


def test_closer_to_an_out_of_scope_request_is_declined(guard):
    vector = vector_with_out_of_scope_similarity(guard, 0.99)
    out = float((guard._examples @ vector).max())
    decision = guard.assess("Vad säger programmet?", vector, out - 0.05, "sv", False)
    assert not decision.in_scope and "out-of-scope" in decision.reason
    assert guard.assess("Vad säger programmet?", vector, out - 0.01, "sv", False).in_scope


def test_a_named_goal_area_gets_extra_room(guard):
    vector = vector_with_out_of_scope_similarity(guard, 0.99)
    out = float((guard._examples @ vector).max())
    assert guard.assess("bostäder?", vector, out - 0.04, "sv", True).in_scope  # within 0.02 + 0.03
    assert not guard.assess("bostäder?", vector, out - 0.06, "sv", True).in_scope
    far = vector_with_out_of_scope_similarity(guard, 0.0)
    assert guard.assess("bostäder?", far, 0.1, "sv", True).in_scope  # no similarity floor for a named area


def test_names_the_documents_never_mention_decline(guard):
    vector = vector_with_out_of_scope_similarity(guard, 0.0)
    decision = guard.assess("Vad gör Stockholms stad för bostäder?", vector, 0.9, "sv", False)
    assert not decision.in_scope and decision.unknown_names == ["Stockholms"]
    assert "Stockholms" not in decision.reason  # no question text in the reason that reaches the log


def test_unknown_names_skip_sentence_starts_short_acronyms_and_known_words():
    vocabulary = {"västerås", "agenda"}
    assert unknown_names("Hur jobbar Västerås med Agenda 2030?", vocabulary) == []
    assert unknown_names("Vad säger FN om Sirius?", vocabulary) == ["Sirius"]
    assert unknown_names("Sirius? Vad är det?", vocabulary) == []
    # English capitalises languages and months: no name the documents could lack
    assert unknown_names("What does it mean, and is there a good English word for it in May?", vocabulary) == []
    assert unknown_names("What does the Sirius club say?", vocabulary) == ["Sirius"]


def test_a_known_word_inflected_is_no_unknown_name():
    """ "Brundtlands definition" when the documents say "Brundtland-rapporten": the genitive of a known word."""
    vocabulary = {"brundtland", "rapporten", "västerås"}
    assert unknown_names("Hur ser Brundtlands definition ut?", vocabulary) == []
    assert unknown_names("Hur ser Stockholms definition ut?", vocabulary) == ["Stockholms"]
