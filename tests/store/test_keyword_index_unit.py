"""The keyword index on the real programme's chunks (no model): the heading field and typo-tolerant terms."""

from __future__ import annotations

from store.keyword_index import KeywordIndex, chunk_tokens
from tests.fixtures.small import programme


def index(heading_weight: int = 2) -> KeywordIndex:
    return KeywordIndex.build(list(programme()[1]), heading_weight=heading_weight)


def test_the_chunks_own_heading_counts_as_a_field_with_more_weight():
    chunk = next(c for c in programme()[1] if c.section_path and c.section_path[-1] == "VÄRDEGRUND")
    assert chunk_tokens(chunk, 3).count("vardegrund") == chunk_tokens(chunk, 1).count("vardegrund") + 2
    assert index().search("värdegrund", k=1)[0][0] == chunk.chunk_id


def test_a_misspelt_word_finds_the_corpus_word():
    keyword = index()
    assert keyword.query_terms("bostadr") == keyword.query_terms("bostäder") == ["bostad"]
    assert keyword.search("bostadr", k=3) and keyword.search("bostadr", k=3) == keyword.search("bostäder", k=3)
    assert keyword.query_terms("xqzvwk") == ["xqzvwk"]  # nothing close: the word stays as it is


def test_diacritics_are_folded():
    keyword = index()
    assert keyword.search("halsa", k=3) == keyword.search("hälsa", k=3) != []
