"""Diacritics put back into Swedish typed without them ("hur manga hemlosa finns det i vasteras" -> "hur många
hemlösa finns det i västerås"), so the embedding model and the classifiers read the words they were trained on.

A word is replaced by the form with å, ä or ö that folds to it when that form is far more frequent in Swedish
(`wordfreq`'s list, shipped in its package): "nar" -> "när", "gang" -> "gång", but "man" stays "man" and "har"
stays "har". Only a message with no diacritics at all is touched: one typed with them needs no help."""

from __future__ import annotations

import math
import re
from functools import cached_property

from core.text import fold, strip_diacritics

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
MARKED = re.compile(r"[åäöÅÄÖ]")


class DiacriticRestorer:
    """Restores å, ä and ö in a Swedish message typed without them, one word at a time.

    ``margin``: how much more frequent (in Zipf units, log10 of occurrences per billion words) the marked form
    must be than the word as typed."""

    def __init__(self, margin: float = 1.0, language: str = "sv"):
        self.margin = margin
        self.language = language

    @cached_property
    def _frequencies(self) -> dict[str, float]:
        from wordfreq import get_frequency_dict

        return get_frequency_dict(self.language)

    @cached_property
    def _marked_by_folded(self) -> dict[str, tuple[str, float]]:
        """Each folded form's most frequent spelling with å, ä or ö, and its frequency."""
        best: dict[str, tuple[str, float]] = {}
        for word, frequency in self._frequencies.items():
            if MARKED.search(word) and WORD.fullmatch(word):
                key = fold(word)
                if key not in best or frequency > best[key][1]:
                    best[key] = (word, frequency)
        return best

    @classmethod
    def warmed(cls, margin: float = 1.0) -> DiacriticRestorer:
        """A restorer with its frequency list loaded (at start-up rather than on the first question)."""
        restorer = cls(margin)
        restorer.warm()
        return restorer

    def warm(self) -> None:
        """Load the frequency list now (at start-up) rather than on the first question."""
        _ = self._marked_by_folded

    def word(self, typed: str) -> str:
        """``typed`` with its diacritics put back, or as it is; the capital of a first letter is kept."""
        lower = typed.casefold()
        found = self._marked_by_folded.get(lower)
        if found is None:
            return typed
        marked, frequency = found
        if _zipf(frequency) - _zipf(self._frequencies.get(lower, 0.0)) < self.margin:
            return typed
        return marked[0].upper() + marked[1:] if typed[:1].isupper() else marked

    def restore(self, text: str) -> str:
        """``text`` with diacritics put back where they were left out; a text with any diacritic as it is."""
        if text != strip_diacritics(text):
            return text
        return WORD.sub(lambda m: self.word(m.group(0)), text)


def _zipf(frequency: float) -> float:
    """Frequency as a Zipf value (log10 of occurrences per billion words); a word never seen counts as 0."""
    return math.log10(frequency * 1e9) if frequency > 0 else 0.0
