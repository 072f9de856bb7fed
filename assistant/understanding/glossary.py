"""English words for the programme's Swedish terms, for keyword search (``assistant/data/glossary.toml``).

An English question's words never occur in the Swedish text, so keyword search (BM25 over chunks and over units)
finds nothing for "What is the city's value base?" and meaning search alone decides. The glossary adds the Swedish
term ("värdegrund") beside the English words it translates; meaning search is unchanged. It is domain vocabulary,
one entry per concept, not an answer: it names no passage."""

from __future__ import annotations

import re
import tomllib
from functools import cached_property
from importlib import resources


class Glossary:
    def __init__(self, terms: dict[str, str]):
        self.terms = {english.casefold(): swedish for english, swedish in terms.items()}

    @classmethod
    def packaged(cls) -> Glossary:
        text = resources.files("assistant").joinpath("data/glossary.toml").read_text(encoding="utf-8")
        return cls(tomllib.loads(text)["terms"])

    @cached_property
    def _pattern(self) -> re.Pattern | None:
        if not self.terms:
            return None
        phrases = sorted(self.terms, key=len, reverse=True)  # the longest phrase first: "goal areas" before "goal"
        return re.compile(r"(?<![\w-])(" + "|".join(re.escape(p) for p in phrases) + r")(?![\w-])", re.IGNORECASE)

    def swedish_terms(self, text: str) -> list[str]:
        """The Swedish terms for the English words and phrases of ``text``, in order, each once."""
        if self._pattern is None:
            return []
        found = [self.terms[m.group(1).casefold()] for m in self._pattern.finditer(text)]
        return list(dict.fromkeys(found))

    def expand(self, text: str) -> str:
        """``text`` with the Swedish terms for its English words added after it (unchanged when it has none)."""
        terms = self.swedish_terms(text)
        return f"{text} {' '.join(terms)}" if terms else text
