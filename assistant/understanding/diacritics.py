"""Diacritics put back into Swedish typed without them ("hur manga hemlosa finns det i vasteras" -> "hur många
hemlösa finns det i västerås"), so the embedding model and the classifiers read the words they were trained on.

A word is replaced by the form with å, ä or ö that folds to it when that form is far more frequent in Swedish
(`wordfreq`'s list, shipped in its package): "nar" -> "när", "gang" -> "gång", but "man" stays "man" and "har"
stays "har". A word the documents hold only with å, ä or ö takes their spelling when that form is at least as
frequent ("vald" -> "våld", "stod" -> "stöd" in a text on violence and support). Only a message with no diacritics
at all is touched: one typed with them needs no help."""

from __future__ import annotations

import re
from collections.abc import Iterable

from wordfreq import freq_to_zipf, get_frequency_dict

from core.text import fold, in_case_of, strip_diacritics

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
MARKED = re.compile(r"[åäöÅÄÖ]")


class DiacriticRestorer:
    """Restores å, ä and ö in a Swedish message typed without them, one word at a time. The frequency list is
    loaded when the restorer is made (at start-up), not on the first question.

    ``margin``: how much more frequent (in Zipf units, log10 of occurrences per billion words) the marked form
    must be than the word as typed."""

    def __init__(self, margin: float = 1.0, language: str = "sv", documents_words: Iterable[str] = ()):
        self.margin = margin
        self._frequencies: dict[str, float] = get_frequency_dict(language)
        self._marked_by_folded = self._marked_spellings(self._frequencies)
        self._documents_words, self._documents_marked = self._documents_spellings(documents_words)

    def _documents_spellings(self, words: Iterable[str]) -> tuple[set[str], dict[str, str]]:
        """The documents' words, and of those with å, ä or ö the most frequent (in Swedish) for each folded form."""
        known = {w.casefold() for w in words if WORD.fullmatch(w)}
        marked: dict[str, str] = {}
        for word in sorted(w for w in known if MARKED.search(w)):
            key = fold(word)
            if key not in marked or self._frequencies.get(word, 0.0) > self._frequencies.get(marked[key], 0.0):
                marked[key] = word
        return known, marked

    @staticmethod
    def _marked_spellings(frequencies: dict[str, float]) -> dict[str, tuple[str, float]]:
        """Each folded form's most frequent spelling with å, ä or ö, and its frequency."""
        best: dict[str, tuple[str, float]] = {}
        for word, frequency in frequencies.items():
            if MARKED.search(word) and WORD.fullmatch(word):
                key = fold(word)
                if key not in best or frequency > best[key][1]:
                    best[key] = (word, frequency)
        return best

    def word(self, typed: str) -> str:
        """``typed`` with its diacritics put back, or as it is; the capital of a first letter is kept."""
        lower = typed.casefold()
        ours = self._documents_marked.get(lower)
        # the documents' own spelling when they do not use the word as typed: "vald" is "våld" and "stod" is "stöd"
        # in a text on social sustainability, where either form is common Swedish (no more rare than the typed)
        if ours is not None and lower not in self._documents_words:
            if _zipf(self._frequencies.get(ours, 0.0)) >= _zipf(self._frequencies.get(lower, 0.0)):
                return in_case_of(typed, ours)
        found = self._marked_by_folded.get(lower)
        if found is None:
            return typed
        marked, frequency = found
        if _zipf(frequency) - _zipf(self._frequencies.get(lower, 0.0)) < self.margin:
            return typed
        return in_case_of(typed, marked)

    def restore(self, text: str) -> str:
        """``text`` with diacritics put back where they were left out; a text with any diacritic as it is."""
        if text != strip_diacritics(text):
            return text
        return WORD.sub(lambda m: self.word(m.group(0)), text)


def _zipf(frequency: float) -> float:
    """wordfreq's Zipf value of a frequency; a word the list lacks counts as 0."""
    return freq_to_zipf(frequency) if frequency > 0 else 0.0
