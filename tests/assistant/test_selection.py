"""Sentence-level selection over the whole corpus, and lead-ins kept with what they introduce (programme parsed
without a model, bag-of-words embedder)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.compose import SentenceEmbeddings, Unit, split_units
from assistant.retrieval.filters import RetrievalFilters
from assistant.retrieval.searcher import RetrievedChunk
from assistant.selection import FEATURES, SelectionWeights, SentenceIndex, UnitSelector
from core.text import tokenize
from tests.fixtures.small import BagOfWordsEmbedder, chunks_by_id


@pytest.fixture(scope="module")
def selector() -> UnitSelector:
    embeddings = SentenceEmbeddings(BagOfWordsEmbedder())
    return UnitSelector(SentenceIndex(chunks_by_id(), embeddings), SelectionWeights.packaged())


def _ask(selector: UnitSelector, question: str, hits: list[RetrievedChunk], **kwargs):
    vector = selector.index.embeddings.embedder.embed_queries_array([question])[0]
    return selector.select(question, vector, hits, **kwargs)


def _chunk_with(text: str):
    return next(c for c in chunks_by_id().values() if text in c.text)


def test_the_answer_sentence_is_found_outside_the_retrieved_chunks(selector):
    """Retrieval handed over only an unrelated chunk: the sentence index still finds the one that answers."""
    unrelated = _chunk_with("Kontaktcenter")
    units = _ask(selector, "Vilka megatrender nämns, globalisering och urbanisering?", [RetrievedChunk(unrelated, 1.0)])
    assert any("globalisering, urbanisering och digitalisering" in u.text for u in units)
    assert all(u.text in u.chunk.text for u in units)  # verbatim


def test_filters_keep_the_corpus_wide_candidates_inside_them(selector):
    housing = _chunk_with("Området omfattar mål 5, 10, 11 och 17")
    area = RetrievalFilters(goal_area=housing.goal_area)
    units = _ask(selector, "globalisering urbanisering digitalisering", [RetrievedChunk(housing, 1.0)], filters=area)
    assert units and all(u.chunk.goal_area == housing.goal_area for u in units)


def test_a_lead_in_ending_in_a_colon_is_kept_with_the_list_it_introduces():
    chunk = _chunk_with("Den värdegrund som är antagen")
    lead_in = next(u for u in split_units(chunk) if "Den värdegrund som är antagen" in u.text)
    assert lead_in.text.startswith("Den värdegrund som är antagen för Västerås stads dagliga arbete är:")
    assert "Alltid bästa möjliga möte" in lead_in.text and "- Respekt och omtanke" in lead_in.text
    assert lead_in.text in chunk.text


def test_no_chunk_ends_on_a_lead_in():
    """The chunker keeps a lead-in with what follows (else the quote would stop at 'är:')."""
    for chunk in chunks_by_id().values():
        assert not chunk.text.rstrip().endswith(":"), chunk.chunk_id
        assert not any(u.text.endswith(":") for u in split_units(chunk)), chunk.chunk_id


def test_the_packaged_weights_were_fitted_on_dev_for_these_features():
    weights = SelectionWeights.packaged()
    assert len(weights.coefficients) == len(FEATURES) and "dev" in weights.source
    assert weights.score(np.zeros((1, len(FEATURES))))[0] == pytest.approx(weights.intercept)


def test_units_are_ranked_by_the_fitted_score_not_saturated(selector):
    """Scores must stay ordered: the best unit scores 0.5 (as good as itself), the others less."""
    hits = [RetrievedChunk(_chunk_with("Handlingsplanen följs årligen upp"), 1.0)]
    question = "Följs handlingsplanen upp årligen med indikatorer?"
    vector = selector.index.embeddings.embedder.embed_queries_array([question])[0]
    scored = selector.scored(question, vector, hits)
    assert scored[0].score == pytest.approx(0.5) and all(u.score < 0.5 for u in scored[1:])
    assert "följs årligen upp" in scored[0].text


def test_a_yes_no_question_answered_by_its_best_quote_starts_with_yes(selector):
    from assistant.compose import direct_line

    hits = [RetrievedChunk(_chunk_with("Handlingsplanen följs årligen upp"), 1.0)]
    question = "Följs handlingsplanen upp årligen?"
    units = _ask(selector, question, hits)
    line = direct_line(question, units, "sv")
    best = max(range(len(units)), key=lambda i: units[i].score)
    assert line == f"**Ja** – det står i programmet [{best + 1}]." and "följs årligen upp" in units[best].text
    assert direct_line("Vad säger programmet om uppföljning?", units, "sv") is None  # not a yes-or-no question
    negated = [Unit(units[best].chunk, "Handlingsplanen följs inte upp årligen.", 0, 1, 0.5)]  # invented sentence
    assert direct_line(question, negated, "sv") is None  # a negated quote never gives "yes"
    either = "Följs handlingsplanen upp årligen eller vart femte år?"
    assert direct_line(either, units, "sv") is None  # "X eller Y?" is answered by the quotes, not by "Ja"
    # a statement first ("Har precis börjat …", verb first as a yes-or-no question is) does not make "hur …?" one
    context = "Har precis börjat här och läser in mig. Hur följs handlingsplanen upp, årligen?"
    assert direct_line(context, units, "sv") is None
    assert direct_line("Har precis börjat här. Följs handlingsplanen upp årligen?", units, "sv") == line


class CountingBagOfWords(BagOfWordsEmbedder):
    def __init__(self):
        super().__init__()
        self.embedded: list[str] = []

    def _passages(self, texts: list[str]) -> np.ndarray:
        self.embedded.extend(texts)
        return super()._passages(texts)


def test_a_warmed_index_reuses_seeded_and_shared_vectors_and_embeds_batch_by_batch_under_the_lock():
    import threading

    chunks = chunks_by_id()
    embedder = CountingBagOfWords()
    shared = SentenceEmbeddings(embedder)
    shared.seed({c.indexed_text(): embedder.embed_passages_array([c.indexed_text()])[0] for c in chunks.values()})
    seeded = len(embedder.embedded)
    lock = threading.Lock()
    batches: list[bool] = []
    original = embedder._passages
    embedder._passages = lambda texts: (batches.append(lock.locked()), original(texts))[1]
    first = SentenceIndex(chunks, shared)
    first.warm(lock, batch=8)
    assert first.built and batches and all(batches)  # each batch embedded while holding the lock
    assert not set(embedder.embedded[seeded:]) & {c.indexed_text() for c in chunks.values()}  # seeded: not again
    before = len(embedder.embedded)
    SentenceIndex(chunks, shared).warm()  # the next generation of the same text embeds nothing
    assert len(embedder.embedded) == before


def test_the_question_words_share_weights_each_word_by_its_rarity():
    from assistant.selection import _share

    idf = {"program": 0.1, "tillit": 3.0}
    assert _share({"program", "tillit"}, {"program"}, idf) < 0.1  # a word in nearly every unit counts little
    assert _share({"program", "tillit"}, {"tillit"}, idf) > 0.9
    assert _share({"program", "tillit"}, {"program"}) == 0.5  # unweighted: each word alike


def test_hubness_is_a_units_mean_similarity_to_its_closest_typical_questions():
    from assistant.selection import _hubness

    units = np.asarray([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    questions = np.asarray([[1.0, 0.0]] * 3 + [[0.6, 0.8]], dtype=np.float32)  # most questions lie near unit 0
    hub = _hubness(units, questions)
    assert hub[0] > hub[1] and hub[0] == pytest.approx(0.9)  # (1 + 1 + 1 + 0.6) / 4
    assert not _hubness(units, None).any()  # without typical questions, no unit is a hub


def test_a_quoted_definition_brings_its_footnote_and_the_footnote_is_found_by_it(selector):
    """The Brundtland definition ends in a footnote marker (”1); the footnote names its source."""
    definition = _chunk_with("utan att äventyra kommande generationers")
    ix = selector.index.ready()
    row = next(i for i, u in enumerate(ix.units) if "utan att äventyra" in u.text)
    note = ix.footnote_of[row]
    assert ix.units[note].text.startswith("1 hämtad ur Brundtland-rapporten")
    chosen = selector.with_footnotes([ix.units[row]])
    assert [u.text for u in chosen] == [ix.units[row].text, ix.units[note].text]
    assert chosen[1].text in chosen[1].chunk.text  # verbatim, citable
    units = _ask(selector, "Hur definieras hållbar utveckling?", [RetrievedChunk(definition, 1.0)], max_units=1)
    assert any(u.text.startswith("1 hämtad ur Brundtland-rapporten") for u in units)
    # the footnote's own words are indexed with the sentence that refers to it
    assert set(tokenize("kommande generationers möjligheter")) <= set(ix.tokens[note])
