"""The glossary: Swedish terms for an English question's words, for keyword search."""

from __future__ import annotations

from assistant.understanding.glossary import Glossary
from core.text import tokenize
from tests.fixtures.small import programme


def test_english_words_bring_their_swedish_terms_the_longest_phrase_first():
    glossary = Glossary({"goal area": "målområde", "goal areas": "målområden", "trust": "tillit"})
    assert glossary.swedish_terms("Which GOAL AREAS speak of trust?") == ["målområden", "tillit"]
    assert glossary.expand("Which goal areas speak of trust?") == "Which goal areas speak of trust? målområden tillit"


def test_only_whole_words_match_and_a_text_without_them_is_unchanged():
    glossary = Glossary({"trust": "tillit", "aim": "syfte"})
    assert glossary.swedish_terms("a trustworthy claim") == []
    assert glossary.expand("Vad menas med tillit?") == "Vad menas med tillit?"
    assert Glossary({}).expand("trust") == "trust"


def test_every_packaged_swedish_term_occurs_in_the_programme():
    """The glossary adds words to search for: each must be one the programme uses, or it finds nothing."""
    _, chunks = programme()
    vocabulary = {t for c in chunks for t in tokenize(c.indexed_text())}  # text and headings
    glossary = Glossary.packaged()
    missing = {sv for sv in glossary.terms.values() if not set(tokenize(sv)) <= vocabulary}
    assert len(glossary.terms) > 50 and missing == set()
