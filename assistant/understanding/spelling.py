"""Misspelt words read as the word meant ("progammet" -> "programmet", "på sevnska" -> "på svenska", "utbilding" ->
"utbildning"), so that the classifiers, the goal-area words and the cues read what the user meant to type.

The words it can correct to are those of the documents and of the classifiers' example files; a typed word is
corrected only when no language list knows it (`wordfreq`'s Swedish and English lists, shipped in its package) and
one such word is close by rapidfuzz's ratio. A word typed without its diacritics is matched to the document's
spelling first ("uthallighet" -> "uthållighet")."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz, process
from wordfreq import zipf_frequency

from assistant.understanding.diacritics import WORD
from core.text import fold, in_case_of

MIN_LENGTH = 5  # shorter words are too often another real word one letter away ("sägar", "jobb")
KNOWN_SV = 1.5  # Zipf value from which a typed word is a Swedish word and left as it is
KNOWN_EN = 2.5  # … an English word (English letters make many Swedish typos look like rare English words)
EXAMPLE_WORD_MIN = 1.0  # an example file's word joins the vocabulary only when a list knows it (no typo of its own)


class SpellingCorrector:
    """Corrects words nobody's list knows to the closest word of the documents or the examples.

    ``vocabulary``: each word with the languages it may be corrected to in: "sv" and "en" for a document's word,
    the languages whose list knows it for an example's word (a Swedish "megatrender" is not an English
    "megatrends")."""

    def __init__(self, vocabulary: dict[str, frozenset[str]], min_ratio: float = 85.0):
        self.min_ratio = min_ratio
        self._languages = {w: langs for w, langs in vocabulary.items() if len(w) >= MIN_LENGTH and langs}
        self._by_length: dict[tuple[str, int], list[str]] = {}
        for word in sorted(self._languages):
            for language in self._languages[word]:
                self._by_length.setdefault((language, len(word)), []).append(word)
        self._by_folded = {(fold(w), lang): w for w in sorted(self._languages) for lang in self._languages[w]}

    @classmethod
    def from_texts(cls, documents: Iterable[str], examples: Iterable[str], min_ratio: float = 85.0):
        """The vocabulary: every word of the documents, and the examples' words a language list knows."""
        vocabulary = dict(_example_vocabulary(tuple(examples)))
        for text in documents:
            vocabulary |= {w.casefold(): BOTH for w in WORD.findall(text)}
        return cls(vocabulary, min_ratio)

    def word(self, typed: str, language: str = "sv") -> str:
        """``typed``, or the word it misspells in ``language``; the capital of a first letter is kept."""
        lower = typed.casefold()
        if len(lower) < MIN_LENGTH or lower in self._languages or _known(lower):
            return typed
        meant = self._by_folded.get((lower, language)) if lower == fold(lower) else None
        if meant is None:
            lengths = (len(lower) - 1, len(lower), len(lower) + 1)
            candidates = [w for n in lengths for w in self._by_length.get((language, n), [])]
            found = process.extractOne(lower, candidates, scorer=fuzz.ratio, score_cutoff=self.min_ratio)
            meant = found[0] if found else None
        if meant is None:
            return typed
        return in_case_of(typed, meant)

    def correct(self, text: str, language: str = "sv") -> str:
        return WORD.sub(lambda m: self.word(m.group(0), language), text)


BOTH = frozenset({"sv", "en"})


@lru_cache(maxsize=4)
def _example_vocabulary(examples: tuple[str, ...]) -> tuple[tuple[str, frozenset[str]], ...]:
    """The examples' words with the languages whose list knows them (the same files for every assistant a process
    builds: looked up once)."""
    vocabulary: dict[str, frozenset[str]] = {}
    for text in examples:
        for word in {w.casefold() for w in WORD.findall(text)}:
            vocabulary[word] = frozenset(lang for lang in ("sv", "en") if _zipf(word, lang) >= EXAMPLE_WORD_MIN)
    return tuple(vocabulary.items())


def _zipf(word: str, language: str) -> float:
    return zipf_frequency(word, language)


def _known(word: str) -> bool:
    return _zipf(word, "sv") >= KNOWN_SV or _zipf(word, "en") >= KNOWN_EN
